package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// TestPriceAndCreateShipment checks that a priced creation charges what a
// quote says, on the tenant's own card, and leaves the webhook outbox as a
// plain creation does: the created event opens the stream at 1, is queued
// for every endpoint subscribed to it and no other, and the next change
// goes on at 2.
func TestPriceAndCreateShipment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		seedStations(t, s, "t2")
		own := domain.RateCard{ServiceLevel: domain.ServiceStandard, Zone: domain.ZoneLocal, Currency: "CNY",
			FirstWeightG: 1000, FirstFee: 777, StepG: 500, StepFee: 100}
		if err := s.PutRateCard(ctx, "t1", own); err != nil {
			t.Fatal(err)
		}
		subscribed := endpoint(t, s, "t1", webhook.EventStatusChanged)
		endpoint(t, s, "t1", webhook.EventImageNeedsReview)
		other := endpoint(t, s, "t2", webhook.EventStatusChanged)

		sh := storetest.Shipment("t1")
		want, err := s.Quote(ctx, "t1", sh.OriginStation, sh.DestinationStation, sh.ServiceLevel, sh.Items)
		if err != nil {
			t.Fatal(err)
		}
		if created, err := s.PriceAndCreateShipment(ctx, sh, "cust-1", ""); err != nil || !created {
			t.Fatalf("create: created %v, err %v", created, err)
		}
		if want.Card != own || sh.Fee != want.Fee || sh.ChargeableWeightG != want.ChargeableWeightG {
			t.Errorf("fee %v for %d g, want %v for %d g on card %+v", sh.Fee, sh.ChargeableWeightG, want.Fee, want.ChargeableWeightG, want.Card)
		}
		got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil || got.Fee != want.Fee || got.Version != 1 || got.Status != domain.StatusCreated {
			t.Errorf("stored %+v (err %v), want fee %v at version 1, created", got, err, want.Fee)
		}

		_, list := claim(t, s)
		var to []string
		for _, d := range list {
			to = append(to, fmt.Sprintf("%s/%d", d.EndpointID, d.Sequence))
		}
		if wantTo := []string{subscribed.ID + "/1"}; !slices.Equal(to, wantTo) {
			t.Errorf("deliveries to %v, want %v (not %s of t2)", to, wantTo, other.ID)
		}
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup, Station: storetest.OriginStation}, domain.StatusPickedUp)
		events, err := s.WebhookEvents(ctx, "t1", sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantEvents := []string{"1:shipment.status_changed:created", "2:shipment.status_changed:picked_up<-created"}
		if got := outboxSummary(t, events); !slices.Equal(got, wantEvents) {
			t.Errorf("outbox %v, want %v", got, wantEvents)
		}
	})
}

// TestPriceAndCreateShipmentRejects: what a quote rejects, and a shipment
// in another currency than its rate card's, create nothing.
func TestPriceAndCreateShipmentRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		for _, tt := range []struct {
			name  string
			edit  func(sh *domain.Shipment)
			field string
		}{
			{"unknown origin", func(sh *domain.Shipment) { sh.OriginStation = "NOPE" }, "origin_station"},
			{"station of another tenant", func(sh *domain.Shipment) { sh.Tenant = "t2" }, "origin_station"},
			{"bad service level", func(sh *domain.Shipment) { sh.ServiceLevel = "teleport" }, "service_level"},
			{"other currency", func(sh *domain.Shipment) { sh.Currency = "USD" }, "currency"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				sh := storetest.Shipment("t1")
				tt.edit(sh)
				_, err := s.PriceAndCreateShipment(ctx, sh, "cust-1", "")
				e := wantKind(t, err, domain.KindUnprocessable)
				if !slices.ContainsFunc(e.Details, func(d domain.FieldError) bool { return d.Field == tt.field }) {
					t.Errorf("details %+v name no %s", e.Details, tt.field)
				}
			})
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 10})
		if err != nil || len(list) != 0 {
			t.Errorf("got %d shipments (err %v) after rejected creates, want 0", len(list), err)
		}
	})
}

// TestPriceAndCreateShipmentReplay: a request key stored already (the
// first attempt's answer was lost) gives the stored shipment, found by
// the insert rather than looked up first, and creates nothing more.
func TestPriceAndCreateShipmentReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		first := storetest.Shipment("t1")
		if created, err := s.PriceAndCreateShipment(ctx, first, "cust-1", "req-1"); err != nil || !created {
			t.Fatalf("first: created %v, err %v", created, err)
		}
		again := storetest.Shipment("t1")
		created, err := s.PriceAndCreateShipment(ctx, again, "cust-1", "req-1")
		if err != nil || created || again.ID != first.ID || again.Waybill != first.Waybill {
			t.Errorf("replay: created %v, err %v, shipment %d %s; want false, nil, %d %s",
				created, err, again.ID, again.Waybill, first.ID, first.Waybill)
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 10})
		if err != nil || len(list) != 1 {
			t.Errorf("got %d shipments (err %v), want 1", len(list), err)
		}
		if events, _ := s.WebhookEvents(ctx, "t1", first.ID); len(events) != 1 {
			t.Errorf("got %d webhook events, want 1", len(events))
		}
	})
}
