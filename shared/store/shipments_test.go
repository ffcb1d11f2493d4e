package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func TestCreateAndGetShipment(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := storetest.Shipment("t1")
		sh.Items[0].DeclaredValue.Amount = 9_007_199_254_740_993 // beyond float64 precision
		sh.Fee, sh.ChargeableWeightG = domain.Money{Amount: 1200, Currency: "CNY"}, 1000
		want := *sh
		created, err := s.CreateShipment(ctx, sh, "cust-1", "")
		if err != nil || !created {
			t.Fatalf("create: created %v, err %v", created, err)
		}
		if sh.ID == 0 || sh.Status != domain.StatusCreated || sh.Version != 1 {
			t.Errorf("got id %d, status %s, version %d; want an id, created, 1", sh.ID, sh.Status, sh.Version)
		}
		if _, err := domain.ParseWaybill(string(sh.Waybill)); err != nil {
			t.Errorf("waybill %q: %v", sh.Waybill, err)
		}
		now := stored(clk.Now())
		if !sh.CreatedAt.Equal(now) || !sh.UpdatedAt.Equal(now) {
			t.Errorf("got created %v, updated %v; want both %v", sh.CreatedAt, sh.UpdatedAt, now)
		}
		want.ID, want.Waybill, want.CreatedAt, want.UpdatedAt = sh.ID, sh.Waybill, now, now
		if !reflect.DeepEqual(sh, &want) {
			t.Errorf("create changed the shipment:\n got %+v\nwant %+v", sh, &want)
		}
		got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, &want)
		}
		events, err := s.Events(ctx, "t1", sh.ID)
		if err != nil {
			t.Fatalf("events: %v", err)
		}
		wantEv := []domain.TrackingEvent{{ID: events[0].ID, Tenant: "t1", ShipmentID: sh.ID, Waybill: sh.Waybill,
			Status: domain.StatusCreated, Actor: "cust-1", Source: domain.SourceAPI, OccurredAt: now, RecordedAt: now}}
		if !reflect.DeepEqual(events, wantEv) {
			t.Errorf("events:\n got %+v\nwant %+v", events, wantEv)
		}
	}, storetest.WithClock(clk.Now))
}

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))

		_, err := s.ShipmentByWaybill(ctx, "t2", sh.Waybill)
		wantKind(t, err, domain.KindNotFound)
		list, err := s.ListShipments(ctx, "t2", store.ShipmentFilter{Limit: 100})
		if err != nil || len(list) != 0 {
			t.Errorf("tenant t2 lists %d shipments (err %v), want 0", len(list), err)
		}
		list, err = s.ListShipments(ctx, "t2", store.ShipmentFilter{Station: storetest.OriginStation, Limit: 100})
		if err != nil || len(list) != 0 {
			t.Errorf("tenant t2 lists %d shipments by station (err %v), want 0", len(list), err)
		}
		events, err := s.Events(ctx, "t2", sh.ID)
		if err != nil || len(events) != 0 {
			t.Errorf("tenant t2 sees %d events (err %v), want 0", len(events), err)
		}
		_, err = s.RecordEvent(ctx, &domain.TrackingEvent{Tenant: "t2", ShipmentID: sh.ID, Actor: "x", Source: domain.SourceAPI}, 1, domain.StatusPickedUp)
		wantKind(t, err, domain.KindNotFound)
		_, err = s.Station(ctx, "t2", storetest.OriginStation)
		wantKind(t, err, domain.KindNotFound)
		// t2 has no stations, so it cannot ship between t1's.
		_, err = s.CreateShipment(ctx, storetest.Shipment("t2"), "a", "")
		wantKind(t, err, domain.KindUnprocessable)
	})
}

func TestCreateShipmentUnknownStations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.PutStation(ctx, storetest.Station("t1", storetest.OriginStation)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, origin, dest string
			want               []string
		}{
			{"destination", storetest.OriginStation, "NOPE", []string{"destination_station"}},
			{"origin", "NOPE", storetest.OriginStation, []string{"origin_station"}},
			{"both", "NOPE1", "NOPE2", []string{"origin_station", "destination_station"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sh := storetest.Shipment("t1")
				sh.OriginStation, sh.DestinationStation = tc.origin, tc.dest
				_, err := s.CreateShipment(ctx, sh, "a", "")
				de := wantKind(t, err, domain.KindUnprocessable)
				var fields []string
				for _, d := range de.Details {
					fields = append(fields, d.Field)
				}
				if !reflect.DeepEqual(fields, tc.want) {
					t.Errorf("got fields %v, want %v", fields, tc.want)
				}
			})
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 10})
		if err != nil || len(list) != 0 {
			t.Errorf("got %d shipments (err %v) after failed creates, want 0", len(list), err)
		}
	})
}

func TestCreateShipmentReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		seedStations(t, s, "t2")
		first := storetest.Shipment("t1")
		if created, err := s.CreateShipment(ctx, first, "a", "req-1"); err != nil || !created {
			t.Fatalf("first create: created %v, err %v", created, err)
		}
		again := storetest.Shipment("t1")
		again.CustomerID = "someone-else" // a retry's body is ignored: the stored shipment wins
		created, err := s.CreateShipment(ctx, again, "a", "req-1")
		if err != nil || created {
			t.Fatalf("replay: created %v, err %v; want false, nil", created, err)
		}
		if !reflect.DeepEqual(again, first) {
			t.Errorf("replay gave\n %+v\nwant\n %+v", again, first)
		}
		other := storetest.Shipment("t2")
		if created, err := s.CreateShipment(ctx, other, "a", "req-1"); err != nil || !created {
			t.Errorf("same key in another tenant: created %v, err %v; want true, nil", created, err)
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 10})
		if err != nil || len(list) != 1 {
			t.Errorf("tenant t1 has %d shipments (err %v), want 1", len(list), err)
		}
	})
}

// TestCreateShipmentConcurrentReplay sends one request key from many
// goroutines at once: one shipment is created and everyone gets it.
func TestCreateShipmentConcurrentReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		const n = 8
		results := make([]*domain.Shipment, n)
		created := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				results[i] = storetest.Shipment("t1")
				created[i], errs[i] = s.CreateShipment(ctx, results[i], "a", "req-same")
			})
		}
		wg.Wait()
		creators := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("goroutine %d: %v", i, errs[i])
			}
			if created[i] {
				creators++
			}
			if results[i].ID != results[0].ID || results[i].Waybill != results[0].Waybill {
				t.Errorf("goroutine %d got shipment %d %s, goroutine 0 got %d %s", i, results[i].ID, results[i].Waybill, results[0].ID, results[0].Waybill)
			}
		}
		if creators != 1 {
			t.Errorf("%d goroutines created the shipment, want 1", creators)
		}
	})
}
