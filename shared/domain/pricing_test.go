package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

// card returns the default card of level and zone.
func card(t *testing.T, level ServiceLevel, zone Zone) RateCard {
	t.Helper()
	for _, c := range DefaultRateCards() {
		if c.ServiceLevel == level && c.Zone == zone {
			return c
		}
	}
	t.Fatalf("no default card for %s %s", level, zone)
	return RateCard{}
}

// TestPriceKnownAnswers checks Price against figures worked out by hand
// (docs/pricing.md shows the first volumetric case step by step).
func TestPriceKnownAnswers(t *testing.T) {
	stdLocal := card(t, ServiceStandard, ZoneLocal)                                  // 1000 g 8.00, +500 g 1.00
	expNational := card(t, ServiceExpress, ZoneNational)                             // 1000 g 20.00, +500 g 5.00
	stdRegional := card(t, ServiceStandard, ZoneRegional)                            // 1000 g 10.00, +500 g 2.00
	odd := RateCard{ServiceLevel: ServiceStandard, Zone: ZoneLocal, Currency: "JPY", // 3 kg ¥900, +1 kg ¥250
		FirstWeightG: 3000, FirstFee: 900, StepG: 1000, StepFee: 250}
	tests := []struct {
		name                           string
		card                           RateCard
		items                          []Item
		actual, volumetric, chargeable int64
		fee                            string
	}{
		{"under the first weight", stdLocal, []Item{{Quantity: 2, WeightG: 450}}, 900, 0, 1000, "8.00"},
		{"exactly the first weight", stdLocal, []Item{{Quantity: 1, WeightG: 1000}}, 1000, 0, 1000, "8.00"},
		{"one gram over the first weight", stdLocal, []Item{{Quantity: 1, WeightG: 1001}}, 1001, 0, 1500, "9.00"},
		{"exactly one step over", stdLocal, []Item{{Quantity: 1, WeightG: 1500}}, 1500, 0, 1500, "9.00"},
		{"one gram into the second step", stdLocal, []Item{{Quantity: 1, WeightG: 1501}}, 1501, 0, 2000, "10.00"},
		// 400×300×200 mm = 24,000,000 mm³ / 6000 = 4000 g (40×30×20 cm / 6000 = 4 kg).
		{"volumetric wins", stdLocal, []Item{{Quantity: 1, WeightG: 1500, LengthMM: 400, WidthMM: 300, HeightMM: 200}},
			1500, 4000, 4000, "14.00"},
		// 300×200×100 mm = 6,000,000 mm³ / 6000 = exactly 1000 g.
		{"volumetric exactly the first weight", stdLocal, []Item{{Quantity: 1, WeightG: 200, LengthMM: 300, WidthMM: 200, HeightMM: 100}},
			200, 1000, 1000, "8.00"},
		// 100×100×47 mm = 470,000 mm³ / 6000 = 78.33, rounded up per unit to
		// 79 g; 19 units make 1501 g, one gram into the second step. Rounding
		// the total instead would give 1489 g and 9.00.
		{"volumetric rounded up per unit", stdLocal, []Item{{Quantity: 19, WeightG: 50, LengthMM: 100, WidthMM: 100, HeightMM: 47}},
			950, 1501, 2000, "10.00"},
		// Actual 3×1200 + 2×300 = 4200 g; volumetric 2 × (300×200×150 / 6000
		// = 1500) = 3000 g; 4200 g is 7 steps of 500 g over the first 1000 g.
		{"several items with quantities", expNational, []Item{
			{Quantity: 3, WeightG: 1200},
			{Quantity: 2, WeightG: 300, LengthMM: 300, WidthMM: 200, HeightMM: 150},
		}, 4200, 3000, 4500, "55.00"},
		// Actual 2×450 + 20 = 920 g; volumetric 2 × (240×170×30 / 6000 =
		// 204) = 408 g; volumetric of the cubes 4 × ⌈1,000,000 / 6000⌉ =
		// 4 × 167 = 668 g; together 1076 g beats 920 g: one step.
		{"volumetric summed over items", stdRegional, []Item{
			{Quantity: 2, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30},
			{Quantity: 1, WeightG: 20},
			{Quantity: 4, WeightG: 1, LengthMM: 100, WidthMM: 100, HeightMM: 100},
		}, 924, 1076, 1500, "12.00"},
		// A first weight that is no multiple of the step: 3000 g + 2 × 1000 g.
		{"steps counted from the first weight", odd, []Item{{Quantity: 1, WeightG: 4200}}, 4200, 0, 5000, "1400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Price(tt.card, tt.items)
			if err != nil {
				t.Fatalf("Price: %v", err)
			}
			if q.ActualWeightG != tt.actual || q.VolumetricWeightG != tt.volumetric || q.ChargeableWeightG != tt.chargeable {
				t.Errorf("got actual %d, volumetric %d, chargeable %d; want %d, %d, %d",
					q.ActualWeightG, q.VolumetricWeightG, q.ChargeableWeightG, tt.actual, tt.volumetric, tt.chargeable)
			}
			if q.Fee.String() != tt.fee || q.Fee.Currency != tt.card.Currency {
				t.Errorf("got fee %s %s, want %s %s", q.Fee, q.Fee.Currency, tt.fee, tt.card.Currency)
			}
			if q.ServiceLevel != tt.card.ServiceLevel || q.Zone != tt.card.Zone || q.Card != tt.card {
				t.Errorf("quote names %s %s card %+v, want the card %+v", q.ServiceLevel, q.Zone, q.Card, tt.card)
			}
		})
	}
}

func TestPriceRejects(t *testing.T) {
	huge := Item{Quantity: MaxItemQuantity, WeightG: MaxItemWeightG, LengthMM: MaxItemSizeMM, WidthMM: MaxItemSizeMM, HeightMM: MaxItemSizeMM}
	biggest := make([]Item, MaxItems)
	for i := range biggest {
		biggest[i] = huge
	}
	costly := RateCard{ServiceLevel: ServiceExpress, Zone: ZoneNational, Currency: "CNY", FirstWeightG: 1, FirstFee: MaxRateFee, StepG: 1, StepFee: MaxRateFee}
	tests := []struct {
		name  string
		card  RateCard
		items []Item
		kind  Kind
		code  string
		field string
	}{
		{"no items", DefaultRateCards()[0], nil, KindUnprocessable, "validation_failed", "items"},
		{"too many items", DefaultRateCards()[0], make([]Item, MaxItems+1), KindUnprocessable, "validation_failed", "items"},
		{"zero quantity", DefaultRateCards()[0], []Item{{Quantity: 0, WeightG: 10}}, KindUnprocessable, "validation_failed", "items[0].quantity"},
		{"no weight", DefaultRateCards()[0], []Item{{Quantity: 1}}, KindUnprocessable, "validation_failed", "items[0].weight_g"},
		{"negative size", DefaultRateCards()[0], []Item{{Quantity: 1, WeightG: 1, LengthMM: -1, WidthMM: 1, HeightMM: 1}}, KindUnprocessable, "validation_failed", "items[0].length_mm"},
		{"size too large", DefaultRateCards()[0], []Item{{Quantity: 1, WeightG: 1, LengthMM: 1, WidthMM: MaxItemSizeMM + 1, HeightMM: 1}}, KindUnprocessable, "validation_failed", "items[0].width_mm"},
		{"two sizes of three", DefaultRateCards()[0], []Item{{Quantity: 1, WeightG: 1}, {Quantity: 1, WeightG: 1, LengthMM: 10, WidthMM: 10}}, KindUnprocessable, "validation_failed", "items[1].height_mm"},
		{"fee beyond int64", costly, biggest, KindUnprocessable, "fee_too_large", ""},
		{"invalid card", RateCard{ServiceLevel: ServiceStandard, Zone: ZoneLocal, Currency: "CNY"}, []Item{{Quantity: 1, WeightG: 1}}, KindInternal, "invalid_rate_card", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Price(tt.card, tt.items)
			if err == nil {
				t.Fatalf("Price = %+v, want an error", q)
			}
			e, ok := err.(*Error)
			if !ok || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("got %v, want kind %s code %s", err, tt.kind, tt.code)
			}
			if tt.field != "" && !hasProblem(e, tt.field) {
				t.Errorf("details %+v lack %s", e.Details, tt.field)
			}
		})
	}
}

// TestPriceLargestParcel prices the largest parcel the limits allow on the
// largest card whose fee still fits: no overflow on the way.
func TestPriceLargestParcel(t *testing.T) {
	items := make([]Item, MaxItems)
	for i := range items {
		items[i] = Item{Quantity: MaxItemQuantity, WeightG: MaxItemWeightG, LengthMM: MaxItemSizeMM, WidthMM: MaxItemSizeMM, HeightMM: MaxItemSizeMM}
	}
	c := RateCard{ServiceLevel: ServiceStandard, Zone: ZoneLocal, Currency: "CNY", FirstWeightG: 1, FirstFee: 0, StepG: 1, StepFee: 1}
	q, err := Price(c, items)
	if err != nil {
		t.Fatal(err)
	}
	// ⌈10^12 / 6000⌉ = 166,666,667 g per unit, times 10^4 units, times 100 items.
	const want = 166_666_667 * MaxItemQuantity * MaxItems
	if q.VolumetricWeightG != want || q.ActualWeightG != MaxItemWeightG*MaxItemQuantity*MaxItems || q.ChargeableWeightG != want || q.Fee.Amount != want-1 {
		t.Errorf("got %+v, want volumetric and chargeable %d, fee %d", q, int64(want), int64(want-1))
	}
}

func TestZoneBetween(t *testing.T) {
	st := func(region, province, city string) *Station {
		return &Station{Region: region, Address: Address{Province: province, City: city}}
	}
	tests := []struct {
		name         string
		origin, dest *Station
		want         Zone
	}{
		{"same city", st("east", "上海市", "上海市"), st("east", "上海市", "上海市"), ZoneLocal},
		{"same city, regions differ", st("east", "上海市", "上海市"), st("shanghai", "上海市", "上海市"), ZoneLocal},
		{"same region", st("east", "上海市", "上海市"), st("east", "浙江省", "杭州市"), ZoneRegional},
		{"same city name in another province", st("north", "辽宁省", "朝阳市"), st("west", "四川省", "朝阳市"), ZoneNational},
		{"elsewhere", st("east", "上海市", "上海市"), st("north", "北京市", "北京市"), ZoneNational},
		{"no regions", st("", "浙江省", "杭州市"), st("", "江苏省", "南京市"), ZoneNational},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ZoneBetween(tt.origin, tt.dest); got != tt.want {
				t.Errorf("ZoneBetween = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDefaultRateCards(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range DefaultRateCards() {
		if err := c.Validate(); err != nil {
			t.Errorf("default card %s %s: %v", c.ServiceLevel, c.Zone, err)
		}
		seen[string(c.ServiceLevel)+"/"+string(c.Zone)] = true
	}
	for _, level := range []ServiceLevel{ServiceStandard, ServiceExpress} {
		for _, zone := range []Zone{ZoneLocal, ZoneRegional, ZoneNational} {
			if !seen[string(level)+"/"+string(zone)] {
				t.Errorf("no default card for %s %s", level, zone)
			}
		}
	}
	if len(seen) != 6 {
		t.Errorf("%d distinct default cards, want 6", len(seen))
	}
}

func TestRateCardValidate(t *testing.T) {
	good := func() RateCard { return DefaultRateCards()[0] }
	tests := []struct {
		name  string
		spoil func(c *RateCard)
		field string
	}{
		{"service level", func(c *RateCard) { c.ServiceLevel = "overnight" }, "service_level"},
		{"zone", func(c *RateCard) { c.Zone = "international" }, "zone"},
		{"currency", func(c *RateCard) { c.Currency = "XXX" }, "currency"},
		{"first weight zero", func(c *RateCard) { c.FirstWeightG = 0 }, "first_weight_g"},
		{"first weight too large", func(c *RateCard) { c.FirstWeightG = MaxRateWeightG + 1 }, "first_weight_g"},
		{"step zero", func(c *RateCard) { c.StepG = 0 }, "step_g"},
		{"negative first fee", func(c *RateCard) { c.FirstFee = -1 }, "first_fee"},
		{"step fee too large", func(c *RateCard) { c.StepFee = MaxRateFee + 1 }, "step_fee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.spoil(&c)
			err := c.Validate()
			e, ok := err.(*Error)
			if !ok || e.Kind != KindUnprocessable || len(e.Details) != 1 || e.Details[0].Field != tt.field {
				t.Errorf("Validate = %v, want one problem with %s", err, tt.field)
			}
		})
	}
	c := good()
	if err := c.Validate(); err != nil {
		t.Errorf("valid card: %v", err)
	}
}

func TestRateCardInput(t *testing.T) {
	in := RateCardInput{FirstWeightG: 1000, FirstFee: "8.50", StepG: 500, StepFee: "1"}
	got, err := in.RateCard(ServiceExpress, ZoneRegional)
	want := RateCard{ServiceLevel: ServiceExpress, Zone: ZoneRegional, Currency: "CNY", FirstWeightG: 1000, FirstFee: 850, StepG: 500, StepFee: 100}
	if err != nil || got != want {
		t.Fatalf("RateCard = %+v, %v; want %+v", got, err, want)
	}
	bad := RateCardInput{Currency: "CNY", FirstWeightG: 0, FirstFee: "8.005", StepG: 500, StepFee: ""}
	_, err = bad.RateCard("overnight", ZoneLocal)
	e, ok := err.(*Error)
	if !ok || e.Kind != KindUnprocessable {
		t.Fatalf("got %v, want unprocessable", err)
	}
	for _, field := range []string{"service_level", "first_weight_g", "first_fee", "step_fee"} {
		if !hasProblem(e, field) {
			t.Errorf("details %+v lack %s", e.Details, field)
		}
	}
	_, err = (&RateCardInput{Currency: "XXX", FirstWeightG: 1, FirstFee: "1", StepG: 1, StepFee: "1"}).RateCard(ServiceStandard, ZoneLocal)
	if e, ok := err.(*Error); !ok || !hasProblem(e, "currency") {
		t.Errorf("unknown currency: got %v, want a problem with currency", err)
	}
}

func TestRateCardJSON(t *testing.T) {
	c := RateCard{ServiceLevel: ServiceExpress, Zone: ZoneNational, Currency: "CNY", FirstWeightG: 1000, FirstFee: 2000, StepG: 500, StepFee: 505}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"service_level":"express","zone":"national","currency":"CNY","first_weight_g":1000,"first_fee":"20.00","step_g":500,"step_fee":"5.05"}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var back RateCard
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, c)
	}
	if err := json.Unmarshal([]byte(`{"currency":"CNY","first_fee":"1.001","step_fee":"1"}`), &back); err == nil {
		t.Error("a fee finer than a fen was accepted")
	}
}

func TestQuoteInputParcels(t *testing.T) {
	in := QuoteInput{OriginStation: " SHA-01 ", DestinationStation: "BJS-01",
		Items: []ParcelInput{{Quantity: 2, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30}}}
	items, err := in.Parcels()
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{{Quantity: 2, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30}}
	if !reflect.DeepEqual(items, want) || in.OriginStation != "SHA-01" || in.ServiceLevel != ServiceStandard {
		t.Errorf("got %+v, %+v", in, items)
	}
	bad := QuoteInput{OriginStation: "sha 01", ServiceLevel: "overnight", Items: []ParcelInput{{Quantity: 1, WeightG: 0}}}
	_, err = bad.Parcels()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %v, want a validation error", err)
	}
	for _, field := range []string{"origin_station", "destination_station", "service_level", "items[0].weight_g"} {
		if !hasProblem(e, field) {
			t.Errorf("details %+v lack %s", e.Details, field)
		}
	}
}

func hasProblem(e *Error, field string) bool {
	for _, d := range e.Details {
		if d.Field == field {
			return true
		}
	}
	return false
}
