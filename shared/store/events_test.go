package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func TestRecordEvent(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		created := sh.CreatedAt
		clk.Advance(time.Hour)

		pickup := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Type: domain.ScanPickup, Station: storetest.OriginStation,
			Actor: "courier-1", Source: domain.SourceAPI, Note: "at the door", OccurredAt: clk.Now().Add(-time.Minute)}
		got, err := s.RecordEvent(ctx, pickup, 1, domain.StatusPickedUp)
		if err != nil {
			t.Fatalf("record pickup: %v", err)
		}
		now := stored(clk.Now())
		if got.Status != domain.StatusPickedUp || got.Version != 2 || !got.UpdatedAt.Equal(now) || !got.CreatedAt.Equal(created) {
			t.Errorf("got status %s version %d updated %v created %v; want picked_up, 2, %v, %v",
				got.Status, got.Version, got.UpdatedAt, got.CreatedAt, now, created)
		}
		if len(got.Items) != len(sh.Items) {
			t.Errorf("got %d items, want %d", len(got.Items), len(sh.Items))
		}
		if pickup.ID == 0 || !pickup.RecordedAt.Equal(now) || pickup.Waybill != sh.Waybill || pickup.Status != domain.StatusPickedUp {
			t.Errorf("event filled as id %d recorded %v waybill %s status %s; want an id, %v, %s, picked_up",
				pickup.ID, pickup.RecordedAt, pickup.Waybill, pickup.Status, now, sh.Waybill)
		}

		// A late scan joins the timeline without a status change, but is a change.
		late := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Type: domain.ScanArrive, Status: domain.StatusInTransit,
			Actor: "scanner", Source: domain.SourceScanFile, OccurredAt: created.Add(time.Minute)}
		got, err = s.RecordEvent(ctx, late, 2, "")
		if err != nil {
			t.Fatalf("record late scan: %v", err)
		}
		if got.Status != domain.StatusPickedUp || got.Version != 3 {
			t.Errorf("after a late scan got status %s version %d, want picked_up 3", got.Status, got.Version)
		}
		events, err := s.Events(ctx, "t1", sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []domain.ScanType
		for _, ev := range events {
			types = append(types, ev.Type)
		}
		if want := []domain.ScanType{"", domain.ScanArrive, domain.ScanPickup}; !reflect.DeepEqual(types, want) {
			t.Errorf("timeline types %v, want %v (ordered by occurrence)", types, want)
		}
		if !reflect.DeepEqual(events[2], *pickup) {
			t.Errorf("stored pickup\n %+v\nwant\n %+v", events[2], *pickup)
		}
	}, storetest.WithClock(clk.Now))
}

func TestRecordEventFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		ev := func(id int64) *domain.TrackingEvent {
			return &domain.TrackingEvent{Tenant: "t1", ShipmentID: id, Actor: "a", Source: domain.SourceAPI}
		}

		_, err := s.RecordEvent(ctx, ev(sh.ID), 7, domain.StatusPickedUp)
		if de := wantKind(t, err, domain.KindPrecondition); de.Code != "version_mismatch" {
			t.Errorf("got code %q, want version_mismatch", de.Code)
		}
		_, err = s.RecordEvent(ctx, ev(sh.ID+1000), 1, domain.StatusPickedUp)
		wantKind(t, err, domain.KindNotFound)
		wrong := ev(sh.ID)
		wrong.Waybill = "LF00000000020"
		_, err = s.RecordEvent(ctx, wrong, 1, domain.StatusPickedUp)
		wantKind(t, err, domain.KindUnprocessable)

		got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || got.Status != domain.StatusCreated {
			t.Errorf("failed events changed the shipment to %s version %d", got.Status, got.Version)
		}
		if events, _ := s.Events(ctx, "t1", sh.ID); len(events) != 1 {
			t.Errorf("got %d events after failures, want only the created one", len(events))
		}
	})
}

// TestRecordEventConcurrent races updates of one shipment from one version:
// exactly one wins, the others learn that their version is stale.
func TestRecordEventConcurrent(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		stores := openStores(t, driver, dsn, 2)
		seedStations(t, stores[0], "t1")
		sh := mustCreate(t, stores[0], storetest.Shipment("t1"))
		const n = 10
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Type: domain.ScanPickup, Actor: "c", Source: domain.SourceAPI}
				_, errs[i] = stores[i%2].RecordEvent(context.Background(), ev, 1, domain.StatusPickedUp)
			})
		}
		wg.Wait()
		wins := 0
		for i, err := range errs {
			switch {
			case err == nil:
				wins++
			case !domain.IsKind(err, domain.KindPrecondition):
				t.Errorf("goroutine %d: got %v, want success or a precondition error", i, err)
			}
		}
		if wins != 1 {
			t.Errorf("%d concurrent updates from version 1 succeeded, want exactly 1", wins)
		}
		got, err := stores[1].ShipmentByWaybill(context.Background(), "t1", sh.Waybill)
		if err != nil {
			t.Fatal(err)
		}
		events, err := stores[1].Events(context.Background(), "t1", sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || len(events) != 2 {
			t.Errorf("got version %d with %d events, want 2 and 2", got.Version, len(events))
		}
	})
}
