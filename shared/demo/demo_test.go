package demo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestSeedPricesAndKeepsRateCards seeds twice: the shipments carry the fee
// the rate cards give, and a card changed between the runs stays changed.
func TestSeedPricesAndKeepsRateCards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
		n, err := demo.Seed(ctx, st, now)
		if err != nil || n == 0 {
			t.Fatalf("seed = %d, %v; want shipments", n, err)
		}
		list, err := st.ListShipments(ctx, demo.Tenant, store.ShipmentFilter{Limit: store.MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range list {
			q, err := st.Quote(ctx, demo.Tenant, sh.OriginStation, sh.DestinationStation, sh.ServiceLevel, sh.Items)
			if err != nil {
				t.Fatal(err)
			}
			if sh.Fee != q.Fee || sh.ChargeableWeightG != q.ChargeableWeightG || sh.Fee.Amount <= 0 {
				t.Errorf("%s: fee %s for %d g, want %s for %d g", sh.Waybill, sh.Fee, sh.ChargeableWeightG, q.Fee, q.ChargeableWeightG)
			}
		}
		changed := domain.DefaultRateCards()[0]
		changed.FirstFee = 650
		if err := st.PutRateCard(ctx, demo.Tenant, changed); err != nil {
			t.Fatal(err)
		}
		if n, err := demo.Seed(ctx, st, now); err != nil || n != 0 {
			t.Fatalf("second seed = %d, %v; want 0, nil", n, err)
		}
		want := domain.DefaultRateCards()
		want[0] = changed
		if got, err := st.RateCards(ctx, demo.Tenant); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("cards after a second seed = %+v, %v; want %+v", got, err, want)
		}
	})
}
