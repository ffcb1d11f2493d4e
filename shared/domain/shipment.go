package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ServiceLevel is the delivery promise a sender pays for.
type ServiceLevel string

// The service levels.
const (
	ServiceStandard ServiceLevel = "standard"
	ServiceExpress  ServiceLevel = "express"
)

// Valid reports whether l is a known service level.
func (l ServiceLevel) Valid() bool { return l == ServiceStandard || l == ServiceExpress }

// Address is a postal address in the Chinese order: province, city,
// district, then the street detail.
type Address struct {
	Province string `json:"province"`
	City     string `json:"city"`
	District string `json:"district,omitempty"`
	Detail   string `json:"detail"`
}

// Party is a sender or a receiver.
type Party struct {
	Name    string  `json:"name"`
	Phone   string  `json:"phone"`
	Address Address `json:"address"`
}

// Item is one kind of goods in a parcel. Weights are in grams and sizes in
// millimetres; sizes are optional.
type Item struct {
	Name          string `json:"name"`
	Quantity      int    `json:"quantity"`
	WeightG       int64  `json:"weight_g"`
	LengthMM      int64  `json:"length_mm,omitempty"`
	WidthMM       int64  `json:"width_mm,omitempty"`
	HeightMM      int64  `json:"height_mm,omitempty"`
	DeclaredValue Money  `json:"declared_value"`
}

// Shipment is one parcel from a sender to a receiver under one waybill
// number. Version grows by one with every change and guards against lost
// updates.
type Shipment struct {
	ID                 int64        `json:"-"`
	Tenant             string       `json:"-"`
	Waybill            Waybill      `json:"waybill"`
	CustomerID         string       `json:"customer_id"`
	Sender             Party        `json:"sender"`
	Receiver           Party        `json:"receiver"`
	Items              []Item       `json:"items"`
	ServiceLevel       ServiceLevel `json:"service_level"`
	OriginStation      string       `json:"origin_station"`
	DestinationStation string       `json:"destination_station"`
	Currency           string       `json:"currency"`
	Fee                Money        `json:"fee"`
	ChargeableWeightG  int64        `json:"chargeable_weight_g"`
	Status             Status       `json:"status"`
	Version            int64        `json:"version"`
	CreatedAt          time.Time    `json:"created_at"`
	UpdatedAt          time.Time    `json:"updated_at"`
}

// Limits on what one shipment may hold.
const (
	MaxItems          = 100
	MaxItemQuantity   = 10_000
	MaxItemWeightG    = 1_000_000 // one tonne
	MaxItemSizeMM     = 10_000    // ten metres
	maxNameLen        = 100
	maxAddressPartLen = 200
)

// MoneyText is an amount as sent over the wire, parsed exactly once the
// currency is known.
type MoneyText struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// ItemInput is one item as a caller sends it.
type ItemInput struct {
	Name          string     `json:"name"`
	Quantity      int        `json:"quantity"`
	WeightG       int64      `json:"weight_g"`
	LengthMM      int64      `json:"length_mm"`
	WidthMM       int64      `json:"width_mm"`
	HeightMM      int64      `json:"height_mm"`
	DeclaredValue *MoneyText `json:"declared_value"`
}

// ShipmentInput is the body of a create-shipment request.
type ShipmentInput struct {
	CustomerID         string       `json:"customer_id"`
	Sender             *Party       `json:"sender"`
	Receiver           *Party       `json:"receiver"`
	Items              []ItemInput  `json:"items"`
	ServiceLevel       ServiceLevel `json:"service_level"`
	OriginStation      string       `json:"origin_station"`
	DestinationStation string       `json:"destination_station"`
	Currency           string       `json:"currency"`
}

// Shipment validates in and returns the new shipment it describes, in status
// created, without waybill number or times. Every problem is reported with
// its field path.
func (in *ShipmentInput) Shipment() (*Shipment, error) {
	var p Problems
	s := &Shipment{
		CustomerID:         strings.TrimSpace(in.CustomerID),
		ServiceLevel:       in.ServiceLevel,
		OriginStation:      strings.TrimSpace(in.OriginStation),
		DestinationStation: strings.TrimSpace(in.DestinationStation),
		Currency:           in.Currency,
		Status:             StatusCreated,
		Version:            1,
	}
	if s.Currency == "" {
		s.Currency = DefaultCurrency
	}
	if !ValidCurrency(s.Currency) {
		p.Add("currency", "unknown currency %q", s.Currency)
	}
	if s.ServiceLevel == "" {
		s.ServiceLevel = ServiceStandard
	}
	if !s.ServiceLevel.Valid() {
		p.Add("service_level", "must be standard or express")
	}
	checkCode(&p, "origin_station", s.OriginStation)
	checkCode(&p, "destination_station", s.DestinationStation)
	s.Sender = checkParty(&p, "sender", in.Sender)
	s.Receiver = checkParty(&p, "receiver", in.Receiver)
	switch {
	case len(in.Items) == 0:
		p.Add("items", "is required: at least one item")
	case len(in.Items) > MaxItems:
		p.Add("items", "at most %d items", MaxItems)
	default:
		for i := range in.Items {
			s.Items = append(s.Items, checkItem(&p, fmt.Sprintf("items[%d]", i), &in.Items[i], s.Currency))
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func checkParty(p *Problems, path string, in *Party) Party {
	if in == nil {
		p.Add(path, "is required")
		return Party{}
	}
	out := Party{
		Name:  strings.TrimSpace(in.Name),
		Phone: strings.TrimSpace(in.Phone),
		Address: Address{
			Province: strings.TrimSpace(in.Address.Province),
			City:     strings.TrimSpace(in.Address.City),
			District: strings.TrimSpace(in.Address.District),
			Detail:   strings.TrimSpace(in.Address.Detail),
		},
	}
	CheckText(p, path+".name", out.Name, maxNameLen, true)
	if !ValidPhone(out.Phone) {
		p.Add(path+".phone", "must be 5 to 20 digits, optionally with a leading + and spaces or dashes")
	}
	CheckText(p, path+".address.province", out.Address.Province, maxAddressPartLen, true)
	CheckText(p, path+".address.city", out.Address.City, maxAddressPartLen, true)
	CheckText(p, path+".address.district", out.Address.District, maxAddressPartLen, false)
	CheckText(p, path+".address.detail", out.Address.Detail, maxAddressPartLen, true)
	return out
}

func checkItem(p *Problems, path string, in *ItemInput, currency string) Item {
	it := Item{
		Name:     strings.TrimSpace(in.Name),
		Quantity: in.Quantity,
		WeightG:  in.WeightG,
		LengthMM: in.LengthMM,
		WidthMM:  in.WidthMM,
		HeightMM: in.HeightMM,
	}
	CheckText(p, path+".name", it.Name, maxNameLen, true)
	if it.Quantity < 1 || it.Quantity > MaxItemQuantity {
		p.Add(path+".quantity", "must be between 1 and %d", MaxItemQuantity)
	}
	if it.WeightG < 1 || it.WeightG > MaxItemWeightG {
		p.Add(path+".weight_g", "must be between 1 and %d grams", MaxItemWeightG)
	}
	for _, d := range []struct {
		name string
		v    int64
	}{{"length_mm", it.LengthMM}, {"width_mm", it.WidthMM}, {"height_mm", it.HeightMM}} {
		if d.v < 0 || d.v > MaxItemSizeMM {
			p.Add(path+"."+d.name, "must be between 0 and %d millimetres", MaxItemSizeMM)
		}
	}
	if in.DeclaredValue == nil {
		it.DeclaredValue = Money{Currency: currency}
		return it
	}
	if in.DeclaredValue.Currency != "" && in.DeclaredValue.Currency != currency {
		p.Add(path+".declared_value.currency", "must be the shipment currency %s", currency)
		return it
	}
	m, err := ParseMoney(in.DeclaredValue.Amount, currency)
	switch {
	case err != nil:
		p.Add(path+".declared_value.amount", "%v", err)
	case m.Amount < 0:
		p.Add(path+".declared_value.amount", "must not be negative")
	}
	it.DeclaredValue = m
	return it
}

// CheckText adds a problem for path when s is missing (and required), not
// UTF-8, longer than max characters or holds control characters.
func CheckText(p *Problems, path, s string, max int, required bool) {
	switch {
	case s == "" && required:
		p.Add(path, "is required")
	case !utf8.ValidString(s):
		p.Add(path, "must be UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		p.Add(path, "at most %d characters", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' }):
		p.Add(path, "must not contain control characters")
	}
}

// checkCode validates a station code: 1 to 32 upper-case letters, digits,
// dashes or underscores.
func checkCode(p *Problems, path, code string) {
	if !ValidStationCode(code) {
		p.Add(path, "must be a station code of 1 to 32 letters, digits, - or _")
	}
}

// ValidPhone reports whether s looks like a phone number: an optional
// leading +, then 5 to 20 digits with optional spaces or dashes between.
func ValidPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}
