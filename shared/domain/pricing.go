package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Zone is how far a parcel travels, as rate cards price it.
type Zone string

// The zones, nearest first.
const (
	ZoneLocal    Zone = "local"    // origin and destination stations in the same city
	ZoneRegional Zone = "regional" // in the same station region
	ZoneNational Zone = "national" // anywhere else
)

// Valid reports whether z is a known zone.
func (z Zone) Valid() bool { return z == ZoneLocal || z == ZoneRegional || z == ZoneNational }

// ZoneBetween returns the zone of a parcel sent from origin to dest: local
// when both stations are in the same city (of the same province, since city
// names repeat across provinces), regional when they share a region, and
// national otherwise.
func ZoneBetween(origin, dest *Station) Zone {
	o, d := origin.Address, dest.Address
	switch {
	case o.City != "" && o.City == d.City && o.Province == d.Province:
		return ZoneLocal
	case origin.Region != "" && origin.Region == dest.Region:
		return ZoneRegional
	}
	return ZoneNational
}

// VolumetricDivisor turns a volume in cubic millimetres into volumetric
// grams: the carriers' rule L×W×H cm / 6000 = kg, in millimetres and grams.
const VolumetricDivisor = 6000

// Limits on a rate card's figures. A weight step of at least one gram and
// fees of at most a million major units keep every fee within int64 for
// any parcel the item limits allow, or make Price report it as too large.
const (
	MaxRateWeightG = 1_000_000   // one tonne
	MaxRateFee     = 100_000_000 // minor units: 1,000,000.00 CNY
)

// RateCard prices one service level in one zone: FirstFee covers the first
// FirstWeightG grams, and every further StepG grams or part of them costs
// StepFee. Fees are in minor units of Currency. On the wire the fees are
// decimal strings: {"first_fee":"8.00","step_fee":"1.00"}.
type RateCard struct {
	ServiceLevel ServiceLevel
	Zone         Zone
	Currency     string
	FirstWeightG int64
	FirstFee     int64
	StepG        int64
	StepFee      int64
}

// Validate reports every problem with c, with field paths.
func (c *RateCard) Validate() error { return c.problems().Err() }

func (c *RateCard) problems() Problems {
	var p Problems
	if !c.ServiceLevel.Valid() {
		p.Add("service_level", "must be standard or express")
	}
	if !c.Zone.Valid() {
		p.Add("zone", "must be local, regional or national")
	}
	if !ValidCurrency(c.Currency) {
		p.Add("currency", "unknown currency %q", c.Currency)
	}
	checkRange(&p, "first_weight_g", c.FirstWeightG, 1, MaxRateWeightG, "grams")
	checkRange(&p, "step_g", c.StepG, 1, MaxRateWeightG, "grams")
	checkRange(&p, "first_fee", c.FirstFee, 0, MaxRateFee, "minor units")
	checkRange(&p, "step_fee", c.StepFee, 0, MaxRateFee, "minor units")
	return p
}

func checkRange(p *Problems, path string, v, min, max int64, unit string) {
	if v < min || v > max {
		p.Add(path, "must be between %d and %d %s", min, max, unit)
	}
}

// rateCardJSON is a rate card on the wire, its fees as decimal strings.
type rateCardJSON struct {
	ServiceLevel ServiceLevel `json:"service_level"`
	Zone         Zone         `json:"zone"`
	Currency     string       `json:"currency"`
	FirstWeightG int64        `json:"first_weight_g"`
	FirstFee     string       `json:"first_fee"`
	StepG        int64        `json:"step_g"`
	StepFee      string       `json:"step_fee"`
}

// MarshalJSON writes c with its fees as decimal strings in major units.
func (c RateCard) MarshalJSON() ([]byte, error) {
	return json.Marshal(rateCardJSON{
		ServiceLevel: c.ServiceLevel, Zone: c.Zone, Currency: c.Currency,
		FirstWeightG: c.FirstWeightG, FirstFee: Money{Amount: c.FirstFee, Currency: c.Currency}.String(),
		StepG: c.StepG, StepFee: Money{Amount: c.StepFee, Currency: c.Currency}.String(),
	})
}

// UnmarshalJSON reads what MarshalJSON writes, parsing the fees exactly.
func (c *RateCard) UnmarshalJSON(b []byte) error {
	var v rateCardJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("rate card: %w", err)
	}
	first, err := ParseMoney(v.FirstFee, v.Currency)
	if err != nil {
		return fmt.Errorf("rate card first_fee: %w", err)
	}
	step, err := ParseMoney(v.StepFee, v.Currency)
	if err != nil {
		return fmt.Errorf("rate card step_fee: %w", err)
	}
	*c = RateCard{ServiceLevel: v.ServiceLevel, Zone: v.Zone, Currency: v.Currency,
		FirstWeightG: v.FirstWeightG, FirstFee: first.Amount, StepG: v.StepG, StepFee: step.Amount}
	return nil
}

// RateCardInput is the body of a request that sets a rate card; the service
// level and zone come from the path.
type RateCardInput struct {
	Currency     string `json:"currency"`
	FirstWeightG int64  `json:"first_weight_g"`
	FirstFee     string `json:"first_fee"`
	StepG        int64  `json:"step_g"`
	StepFee      string `json:"step_fee"`
}

// RateCard validates in and returns the card it sets for level and zone.
// An empty currency is DefaultCurrency. Every problem is reported with its
// field path.
func (in *RateCardInput) RateCard(level ServiceLevel, zone Zone) (RateCard, error) {
	c := RateCard{ServiceLevel: level, Zone: zone, Currency: in.Currency, FirstWeightG: in.FirstWeightG, StepG: in.StepG}
	if c.Currency == "" {
		c.Currency = DefaultCurrency
	}
	var p Problems
	if ValidCurrency(c.Currency) {
		c.FirstFee = parseFee(&p, "first_fee", in.FirstFee, c.Currency)
		c.StepFee = parseFee(&p, "step_fee", in.StepFee, c.Currency)
	}
	if err := append(p, c.problems()...).Err(); err != nil {
		return RateCard{}, err
	}
	return c, nil
}

// parseFee parses a fee, recording a problem when it is missing or not an
// exact amount of currency. Range checks are Validate's.
func parseFee(p *Problems, path, s, currency string) int64 {
	if s == "" {
		p.Add(path, "is required: a decimal string such as \"8.00\"")
		return 0
	}
	m, err := ParseMoney(s, currency)
	if err != nil {
		p.Add(path, "%v", err)
		return 0
	}
	return m.Amount
}

// DefaultRateCards are the rate cards of a tenant that has set none, in
// CNY: the first kilogram, then every further 500 g or part of it.
func DefaultRateCards() []RateCard {
	card := func(level ServiceLevel, zone Zone, firstFee, stepFee int64) RateCard {
		return RateCard{ServiceLevel: level, Zone: zone, Currency: DefaultCurrency,
			FirstWeightG: 1000, FirstFee: firstFee, StepG: 500, StepFee: stepFee}
	}
	return []RateCard{
		card(ServiceStandard, ZoneLocal, 800, 100),
		card(ServiceStandard, ZoneRegional, 1000, 200),
		card(ServiceStandard, ZoneNational, 1200, 300),
		card(ServiceExpress, ZoneLocal, 1200, 200),
		card(ServiceExpress, ZoneRegional, 1500, 300),
		card(ServiceExpress, ZoneNational, 2000, 500),
	}
}

// Quote is what sending some items costs, with every figure behind the fee.
type Quote struct {
	OriginStation      string       `json:"origin_station,omitempty"`
	DestinationStation string       `json:"destination_station,omitempty"`
	ServiceLevel       ServiceLevel `json:"service_level"`
	Zone               Zone         `json:"zone"`
	ActualWeightG      int64        `json:"actual_weight_g"`
	VolumetricWeightG  int64        `json:"volumetric_weight_g"`
	ChargeableWeightG  int64        `json:"chargeable_weight_g"`
	Fee                Money        `json:"fee"`
	Card               RateCard     `json:"rate_card"`
}

// Price works out what sending items costs under card, in integers only:
//
//	actual     = Σ weight_g × quantity
//	volumetric = Σ ⌈length_mm × width_mm × height_mm / 6000⌉ × quantity
//	chargeable = max(actual, volumetric), at least FirstWeightG, above it
//	             rounded up to FirstWeightG plus a whole number of StepG
//	fee        = FirstFee + (chargeable − FirstWeightG) / StepG × StepFee
//
// Items without all three sizes have no volumetric weight. Items outside
// the item limits give an unprocessable error naming items[i].field; a fee
// beyond int64 one with code fee_too_large.
func Price(card RateCard, items []Item) (Quote, error) {
	if err := card.Validate(); err != nil {
		return Quote{}, Wrap(KindInternal, "invalid_rate_card", "the rate card is invalid", err)
	}
	if err := parcelProblems(items).Err(); err != nil {
		return Quote{}, err
	}
	q := Quote{ServiceLevel: card.ServiceLevel, Zone: card.Zone, Card: card}
	for _, it := range items {
		q.ActualWeightG += it.WeightG * int64(it.Quantity)
		q.VolumetricWeightG += VolumetricWeightG(it)
	}
	var steps int64
	q.ChargeableWeightG, steps = card.chargeable(max(q.ActualWeightG, q.VolumetricWeightG))
	if steps > (math.MaxInt64-card.FirstFee)/max(card.StepFee, 1) {
		return Quote{}, Errorf(KindUnprocessable, "fee_too_large", "the parcel is too heavy or too large to price")
	}
	q.Fee = Money{Amount: card.FirstFee + steps*card.StepFee, Currency: card.Currency}
	return q, nil
}

// chargeable returns the weight c bills for a parcel of weightG grams and
// the number of steps beyond the first weight that it holds.
func (c *RateCard) chargeable(weightG int64) (billedG, steps int64) {
	if weightG <= c.FirstWeightG {
		return c.FirstWeightG, 0
	}
	steps = (weightG - c.FirstWeightG + c.StepG - 1) / c.StepG
	return c.FirstWeightG + steps*c.StepG, steps
}

// VolumetricWeightG returns the volumetric weight of it in grams: each
// unit's volume divided by VolumetricDivisor and rounded up, times the
// quantity. An item without all three sizes has none.
func VolumetricWeightG(it Item) int64 {
	if it.LengthMM <= 0 || it.WidthMM <= 0 || it.HeightMM <= 0 {
		return 0
	}
	volume := it.LengthMM * it.WidthMM * it.HeightMM
	return (volume + VolumetricDivisor - 1) / VolumetricDivisor * int64(it.Quantity)
}

// parcelProblems checks what pricing needs of items: their number, and each
// one's quantity, weight and sizes within the item limits, which keep every
// weight sum far inside int64.
func parcelProblems(items []Item) Problems {
	var p Problems
	switch {
	case len(items) == 0:
		p.Add("items", "is required: at least one item")
	case len(items) > MaxItems:
		p.Add("items", "at most %d items", MaxItems)
	default:
		for i := range items {
			checkParcel(&p, fmt.Sprintf("items[%d]", i), &items[i])
		}
	}
	return p
}

func checkParcel(p *Problems, path string, it *Item) {
	if it.Quantity < 1 || it.Quantity > MaxItemQuantity {
		p.Add(path+".quantity", "must be between 1 and %d", MaxItemQuantity)
	}
	if it.WeightG < 1 || it.WeightG > MaxItemWeightG {
		p.Add(path+".weight_g", "must be between 1 and %d grams", MaxItemWeightG)
	}
	sizes := []struct {
		name string
		v    int64
	}{{"length_mm", it.LengthMM}, {"width_mm", it.WidthMM}, {"height_mm", it.HeightMM}}
	given := 0
	for _, d := range sizes {
		if d.v < 0 || d.v > MaxItemSizeMM {
			p.Add(path+"."+d.name, "must be between 0 and %d millimetres", MaxItemSizeMM)
		}
		if d.v > 0 {
			given++
		}
	}
	if given == 1 || given == 2 {
		for _, d := range sizes {
			if d.v == 0 {
				p.Add(path+"."+d.name, "is required with the other sizes: give length, width and height, or none")
			}
		}
	}
}

// ParcelInput is one item of a quote request: no name or declared value.
type ParcelInput struct {
	Quantity int   `json:"quantity"`
	WeightG  int64 `json:"weight_g"`
	LengthMM int64 `json:"length_mm"`
	WidthMM  int64 `json:"width_mm"`
	HeightMM int64 `json:"height_mm"`
}

// QuoteInput is the body of a quote request.
type QuoteInput struct {
	OriginStation      string        `json:"origin_station"`
	DestinationStation string        `json:"destination_station"`
	ServiceLevel       ServiceLevel  `json:"service_level"`
	Items              []ParcelInput `json:"items"`
}

// Parcels validates in, trims its station codes, makes an empty service
// level standard, and returns its items ready for Price. Every problem is
// reported with its field path.
func (in *QuoteInput) Parcels() ([]Item, error) {
	var p Problems
	in.OriginStation = strings.TrimSpace(in.OriginStation)
	in.DestinationStation = strings.TrimSpace(in.DestinationStation)
	if in.ServiceLevel == "" {
		in.ServiceLevel = ServiceStandard
	}
	if !in.ServiceLevel.Valid() {
		p.Add("service_level", "must be standard or express")
	}
	checkCode(&p, "origin_station", in.OriginStation)
	checkCode(&p, "destination_station", in.DestinationStation)
	items := make([]Item, len(in.Items))
	for i, it := range in.Items {
		items[i] = Item{Quantity: it.Quantity, WeightG: it.WeightG, LengthMM: it.LengthMM, WidthMM: it.WidthMM, HeightMM: it.HeightMM}
	}
	if err := append(p, parcelProblems(items)...).Err(); err != nil {
		return nil, err
	}
	return items, nil
}
