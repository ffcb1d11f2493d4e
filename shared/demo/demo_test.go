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

// TestSeedCoversTheLifecycle: the demo has a shipment at every stage, and
// every timeline starts with its creation and runs forward in time.
func TestSeedCoversTheLifecycle(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, st, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListShipments(ctx, demo.Tenant, store.ShipmentFilter{Limit: store.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[domain.Status]int{}
	late := 0
	for _, sh := range list {
		seen[sh.Status]++
		events, err := st.Events(ctx, demo.Tenant, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		if events[0].Status != domain.StatusCreated {
			t.Errorf("%s: timeline starts with %s, want created", sh.Waybill, events[0].Status)
		}
		for i := 1; i < len(events); i++ {
			if events[i].ID < events[i-1].ID {
				late++ // recorded after an event that happened later
			}
		}
	}
	for _, s := range []domain.Status{domain.StatusCreated, domain.StatusPickedUp, domain.StatusInTransit, domain.StatusOutForDelivery,
		domain.StatusDelivered, domain.StatusReceived, domain.StatusException, domain.StatusCancelled} {
		if seen[s] == 0 {
			t.Errorf("no demo shipment is %s (have %v)", s, seen)
		}
	}
	if late != 1 {
		t.Errorf("%d late scans in the demo, want 1", late)
	}
}
