package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// putRoute creates, in tenant, station SHA (Shanghai, east), HGH (Hangzhou,
// east), PEK (Beijing, north) and SHX (a second station in Shanghai).
func putRoute(t *testing.T, s *store.Store, tenant string) {
	t.Helper()
	for _, st := range []struct{ code, region, province, city string }{
		{"SHA", "east", "上海市", "上海市"},
		{"SHX", "east", "上海市", "上海市"},
		{"HGH", "east", "浙江省", "杭州市"},
		{"PEK", "north", "北京市", "北京市"},
	} {
		station := storetest.Station(tenant, st.code)
		station.Region, station.Address.Province, station.Address.City = st.region, st.province, st.city
		if _, err := s.PutStation(context.Background(), station); err != nil {
			t.Fatalf("put station %s: %v", st.code, err)
		}
	}
}

func TestRateCardsDefaultAndOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		got, err := s.RateCards(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, domain.DefaultRateCards()) {
			t.Errorf("new tenant's cards = %+v, want the defaults", got)
		}
		own := domain.RateCard{ServiceLevel: domain.ServiceExpress, Zone: domain.ZoneRegional, Currency: "CNY",
			FirstWeightG: 2000, FirstFee: 1800, StepG: 1000, StepFee: 250}
		if err := s.PutRateCard(ctx, "t1", own); err != nil {
			t.Fatalf("put: %v", err)
		}
		own.FirstFee = 1850 // a second put replaces the first
		if err := s.PutRateCard(ctx, "t1", own); err != nil {
			t.Fatalf("put again: %v", err)
		}
		got, err = s.RateCards(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		want := domain.DefaultRateCards()
		want[4] = own // express regional
		if !reflect.DeepEqual(got, want) {
			t.Errorf("cards after put:\n got %+v\nwant %+v", got, want)
		}
		if c, err := s.RateCard(ctx, "t1", domain.ServiceExpress, domain.ZoneRegional); err != nil || c != own {
			t.Errorf("RateCard = %+v, %v; want %+v", c, err, own)
		}
		other, err := s.RateCards(ctx, "t2")
		if err != nil || !reflect.DeepEqual(other, domain.DefaultRateCards()) {
			t.Errorf("another tenant's cards = %+v, %v; want the defaults", other, err)
		}
		var n int
		if err := store.DB(s).QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_cards`).Scan(&n); err != nil || n != 1 {
			t.Errorf("rate_cards holds %d rows (%v), want 1", n, err)
		}
	})
}

func TestPutRateCardRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		bad := domain.DefaultRateCards()[0]
		bad.StepG = 0
		e := wantKind(t, s.PutRateCard(ctx, "t1", bad), domain.KindUnprocessable)
		if len(e.Details) != 1 || e.Details[0].Field != "step_g" {
			t.Errorf("details = %+v, want step_g", e.Details)
		}
		wantKind(t, s.PutRateCard(ctx, "", domain.DefaultRateCards()[0]), domain.KindInvalid)
	})
}

// TestQuote prices the same parcel between stations of each zone, on the
// default cards and on a card of the tenant's own.
func TestQuote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		putRoute(t, s, "t1")
		// 2 × 1300 g = 2600 g actual; 2 × (400×300×200 / 6000 = 4000 g) = 8000 g
		// volumetric, which wins: 14 steps of 500 g over the first 1000 g.
		items := []domain.Item{{Name: "box", Quantity: 2, WeightG: 1300, LengthMM: 400, WidthMM: 300, HeightMM: 200}}
		tests := []struct {
			from, to string
			level    domain.ServiceLevel
			zone     domain.Zone
			fee      string
		}{
			{"SHA", "SHX", domain.ServiceStandard, domain.ZoneLocal, "22.00"},    // 8.00 + 14 × 1.00
			{"SHA", "HGH", domain.ServiceStandard, domain.ZoneRegional, "38.00"}, // 10.00 + 14 × 2.00
			{"SHA", "PEK", domain.ServiceStandard, domain.ZoneNational, "54.00"}, // 12.00 + 14 × 3.00
			{"PEK", "SHA", domain.ServiceExpress, domain.ZoneNational, "90.00"},  // 20.00 + 14 × 5.00
			{"HGH", "HGH", domain.ServiceExpress, domain.ZoneLocal, "40.00"},     // 12.00 + 14 × 2.00
			{"HGH", "SHX", domain.ServiceExpress, domain.ZoneRegional, "57.00"},  // 15.00 + 14 × 3.00
		}
		for _, tt := range tests {
			q, err := s.Quote(ctx, "t1", tt.from, tt.to, tt.level, items)
			if err != nil {
				t.Fatalf("%s→%s: %v", tt.from, tt.to, err)
			}
			if q.Zone != tt.zone || q.ServiceLevel != tt.level || q.Fee.String() != tt.fee || q.Fee.Currency != "CNY" ||
				q.ActualWeightG != 2600 || q.VolumetricWeightG != 8000 || q.ChargeableWeightG != 8000 ||
				q.OriginStation != tt.from || q.DestinationStation != tt.to {
				t.Errorf("%s→%s %s: got %+v, want zone %s, fee %s CNY, weights 2600/8000/8000", tt.from, tt.to, tt.level, q, tt.zone, tt.fee)
			}
		}
		// The tenant's own card: 5 kg 30.00, then 15.00 per further kg or part.
		own := domain.RateCard{ServiceLevel: domain.ServiceStandard, Zone: domain.ZoneNational, Currency: "CNY",
			FirstWeightG: 5000, FirstFee: 3000, StepG: 1000, StepFee: 1500}
		if err := s.PutRateCard(ctx, "t1", own); err != nil {
			t.Fatal(err)
		}
		q, err := s.Quote(ctx, "t1", "SHA", "PEK", domain.ServiceStandard, items)
		if err != nil || q.Fee.String() != "75.00" || q.ChargeableWeightG != 8000 || q.Card != own {
			t.Errorf("quote on the tenant's card = %+v, %v; want 75.00 for 8000 g", q, err)
		}
		// Another tenant with the same stations still pays the default.
		putRoute(t, s, "t2")
		q, err = s.Quote(ctx, "t2", "SHA", "PEK", domain.ServiceStandard, items)
		if err != nil || q.Fee.String() != "54.00" {
			t.Errorf("another tenant's quote = %+v, %v; want the default 54.00", q, err)
		}
	})
}

func TestQuoteRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		putRoute(t, s, "t1")
		items := []domain.Item{{Quantity: 1, WeightG: 100}}
		tests := []struct {
			name     string
			tenant   string
			from, to string
			level    domain.ServiceLevel
			items    []domain.Item
			fields   []string
		}{
			{"unknown origin", "t1", "NOPE", "PEK", domain.ServiceStandard, items, []string{"origin_station"}},
			{"unknown both", "t1", "NOPE", "NADA", domain.ServiceStandard, items, []string{"origin_station", "destination_station"}},
			{"another tenant's stations", "t2", "SHA", "PEK", domain.ServiceStandard, items, []string{"origin_station", "destination_station"}},
			{"unknown service level", "t1", "SHA", "PEK", "overnight", items, []string{"service_level"}},
			{"bad item", "t1", "SHA", "PEK", domain.ServiceStandard, []domain.Item{{Quantity: 0, WeightG: 100}}, []string{"items[0].quantity"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Quote(ctx, tt.tenant, tt.from, tt.to, tt.level, tt.items)
				e := wantKind(t, err, domain.KindUnprocessable)
				var got []string
				for _, d := range e.Details {
					got = append(got, d.Field)
				}
				if !reflect.DeepEqual(got, tt.fields) {
					t.Errorf("fields = %v, want %v", got, tt.fields)
				}
			})
		}
	})
}

// TestShipmentFee stores shipments with and without a fee and reads them
// back through every way shipments are read.
func TestShipmentFee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		priced := storetest.Shipment("t1")
		priced.Fee, priced.ChargeableWeightG = domain.Money{Amount: 2250, Currency: "CNY"}, 4500
		mustCreate(t, s, priced)
		unpriced := mustCreate(t, s, storetest.Shipment("t1"))
		if unpriced.Fee != (domain.Money{Amount: 0, Currency: "CNY"}) {
			t.Errorf("unpriced shipment's fee = %+v, want 0 CNY", unpriced.Fee)
		}
		got, err := s.ShipmentByWaybill(ctx, "t1", priced.Waybill)
		if err != nil || got.Fee != priced.Fee || got.ChargeableWeightG != 4500 {
			t.Errorf("ShipmentByWaybill fee = %+v %d (%v), want 22.50 CNY 4500", got.Fee, got.ChargeableWeightG, err)
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 10})
		if err != nil || len(list) != 2 {
			t.Fatalf("list = %d shipments, %v", len(list), err)
		}
		if list[1].Fee != priced.Fee || list[1].ChargeableWeightG != 4500 || list[0].Fee != unpriced.Fee {
			t.Errorf("listed fees = %+v %+v, want %+v %+v", list[1].Fee, list[0].Fee, priced.Fee, unpriced.Fee)
		}
		foreign := storetest.Shipment("t1")
		foreign.Fee = domain.Money{Amount: 300, Currency: "USD"}
		_, err = s.CreateShipment(ctx, foreign, "cust-1", "")
		wantKind(t, err, domain.KindUnprocessable)
	})
}
