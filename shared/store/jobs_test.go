package store_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// sweepNow is the time the stale tests sweep at.
var sweepNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

var inTransit24h = domain.StaleRule{Name: "stale_in_transit", Status: domain.StatusInTransit, After: 24 * time.Hour}

// idleFor stores a shipment of tenant that reached status (in_transit or
// delivered) with its last event idle before sweepNow.
func idleFor(t *testing.T, s *store.Store, tenant string, status domain.Status, idle time.Duration) *domain.Shipment {
	t.Helper()
	last := sweepNow.Add(-idle)
	steps := []storetest.Step{{Status: domain.StatusPickedUp, At: last.Add(-2 * time.Hour)}, {Status: domain.StatusInTransit, At: last}}
	if status == domain.StatusDelivered {
		steps = append(steps[:1], storetest.Step{Status: domain.StatusInTransit, At: last.Add(-time.Hour)},
			storetest.Step{Status: domain.StatusOutForDelivery, At: last.Add(-time.Minute)}, storetest.Step{Status: domain.StatusDelivered, At: last})
	}
	return storetest.Journey(t, s, storetest.Shipment(tenant), last.Add(-3*time.Hour), steps...)
}

func waybills(list []store.IdleShipment) []domain.Waybill {
	out := []domain.Waybill{}
	for _, sh := range list {
		out = append(out, sh.Waybill)
	}
	return out
}

func TestTenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t2")
		seedStations(t, s, "t1")
		if err := s.PutJobSettings(ctx, "t3", domain.DefaultJobSettings()); err != nil {
			t.Fatal(err)
		}
		if err := s.PutJobSettings(ctx, "t1", domain.DefaultJobSettings()); err != nil {
			t.Fatal(err)
		}
		first, err := s.Tenants(ctx, "", 2)
		if err != nil || !slices.Equal(first, []string{"t1", "t2"}) {
			t.Fatalf("first page = %v (%v), want [t1 t2]", first, err)
		}
		if rest, err := s.Tenants(ctx, "t2", 2); err != nil || !slices.Equal(rest, []string{"t3"}) {
			t.Errorf("second page = %v (%v), want [t3]", rest, err)
		}
		var all []string
		err = s.EachTenant(ctx, func(ctx context.Context, tenant string) error { all = append(all, tenant); return nil })
		if err != nil || !slices.Equal(all, []string{"t1", "t2", "t3"}) {
			t.Errorf("EachTenant visited %v (%v)", all, err)
		}
		_, err = s.Tenants(ctx, "", 0)
		wantKind(t, err, domain.KindInvalid)
	})
}

func TestJobSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		got, err := s.JobSettings(ctx, "t1")
		if err != nil || got != domain.DefaultJobSettings() {
			t.Fatalf("settings of a tenant without any = %+v (%v), want the defaults", got, err)
		}
		own := domain.DefaultJobSettings()
		own.StaleInTransitHours, own.AutoReceiptDays = 6, 0
		if err := s.PutJobSettings(ctx, "t1", own); err != nil {
			t.Fatal(err)
		}
		own.StaleOutForDeliveryHours = 3
		if err := s.PutJobSettings(ctx, "t1", own); err != nil { // replaces
			t.Fatal(err)
		}
		if got, err := s.JobSettings(ctx, "t1"); err != nil || got != own {
			t.Errorf("settings = %+v (%v), want %+v", got, err, own)
		}
		if got, _ := s.JobSettings(ctx, "t2"); got != domain.DefaultJobSettings() {
			t.Errorf("t2 sees t1's settings: %+v", got)
		}
		bad := own
		bad.StaleInTransitHours, bad.ExpressPromiseHours = -1, 0
		e := wantKind(t, s.PutJobSettings(ctx, "t1", bad), domain.KindUnprocessable)
		if len(e.Details) != 2 {
			t.Errorf("details = %v, want stale_in_transit_hours and express_promise_hours", e.Details)
		}
	})
}

func TestIdleShipmentsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var want []domain.Waybill
		for i := range 5 {
			// Two pairs share a last event time, so the cursor must break ties by id.
			sh := idleFor(t, s, "t1", domain.StatusDelivered, time.Duration(100-i/2)*time.Hour)
			want = append(want, sh.Waybill)
		}
		idleFor(t, s, "t1", domain.StatusDelivered, time.Hour) // not idle long enough
		idleFor(t, s, "t1", domain.StatusInTransit, 200*time.Hour)
		idleFor(t, s, "t2", domain.StatusDelivered, 200*time.Hour)
		var got []domain.Waybill
		var cur store.IdleCursor
		for {
			page, err := s.IdleShipments(ctx, "t1", domain.StatusDelivered, sweepNow.Add(-50*time.Hour), cur, 2)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, waybills(page)...)
			if len(page) < 2 {
				break
			}
			cur = cur.Next(page)
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages gave %v, want %v", got, want)
		}
	})
}

func TestStaleAlertsOncePerWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		stale := idleFor(t, s, "t1", domain.StatusInTransit, 30*time.Hour)
		idleFor(t, s, "t1", domain.StatusInTransit, 5*time.Hour) // stale only after sweepNow+19h
		idleFor(t, s, "t1", domain.StatusDelivered, 300*time.Hour)
		idleFor(t, s, "t2", domain.StatusInTransit, 30*time.Hour)

		sweep := func(now time.Time) int {
			t.Helper()
			list, err := s.StaleShipments(ctx, "t1", inTransit24h, now, store.IdleCursor{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.RaiseStaleAlerts(ctx, "t1", inTransit24h, now, "stale-sweep", list)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := sweep(sweepNow); n != 1 {
			t.Fatalf("first sweep raised %d, want 1", n)
		}
		for _, now := range []time.Time{sweepNow, sweepNow.Add(time.Hour), sweepNow.Add(17 * time.Hour)} {
			if n := sweep(now); n != 0 {
				t.Errorf("sweep at %s raised %d in the alerted window, want 0", now, n)
			}
		}
		if n := sweep(sweepNow.Add(18 * time.Hour)); n != 1 { // 48 h of silence: the second window
			t.Errorf("sweep in the second window raised %d, want 1", n)
		}

		events, err := s.Events(ctx, "t1", stale.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := sweepNow.Add(-30 * time.Hour)
		alerts := events[len(events)-2:]
		for i, ev := range alerts {
			start := last.Add(time.Duration(i+1) * 24 * time.Hour)
			if ev.Source != domain.SourceSchedule || ev.Type != "" || ev.Status != domain.StatusInTransit ||
				ev.IncidentReason != "stale_in_transit" || ev.Actor != "stale-sweep" || !ev.OccurredAt.Equal(start) ||
				!strings.Contains(ev.Note, last.Format(time.RFC3339)) {
				t.Errorf("alert %d = %+v, want a schedule event for stale_in_transit at %s", i, ev, start)
			}
		}
		// Alerts bump the version but leave the last event time: they are no scans.
		after, err := s.ShipmentByWaybill(ctx, "t1", stale.Waybill)
		if err != nil || after.Version != stale.Version+2 {
			t.Errorf("version after two alerts = %d (%v), want %d", after.Version, err, stale.Version+2)
		}
		idle, _ := s.IdleShipments(ctx, "t1", domain.StatusInTransit, last, store.IdleCursor{}, 10)
		if len(idle) != 1 || !idle[0].LastEventAt.Equal(last) {
			t.Errorf("idle since the last scan: %+v, want the stale shipment at %s", idle, last)
		}
	})
}

// TestStaleAlertsRace: two sweeps that read the same page raise each alert
// once between them.
func TestStaleAlertsRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := range 12 {
			idleFor(t, s, "t1", domain.StatusInTransit, time.Duration(25+i)*time.Hour)
		}
		list, err := s.StaleShipments(ctx, "t1", inTransit24h, sweepNow, store.IdleCursor{}, 100)
		if err != nil || len(list) != 12 {
			t.Fatalf("stale = %d (%v), want 12", len(list), err)
		}
		var wg sync.WaitGroup
		raised := make([]int, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				raised[i], errs[i] = s.RaiseStaleAlerts(ctx, "t1", inTransit24h, sweepNow, "stale-sweep", list)
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || raised[0]+raised[1] != 12 {
			t.Fatalf("raised %v (errors %v), want 12 in all", raised, errs)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM tracking_events WHERE tenant_id = 't1' AND source = 'schedule'`); n != 12 {
			t.Errorf("%d alert events, want 12", n)
		}
	})
}

// TestStaleAlertSkipsMovedOn: a shipment scanned between the read and the
// write gets no alert; the others do.
func TestStaleAlertSkipsMovedOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := idleFor(t, s, "t1", domain.StatusInTransit, 30*time.Hour)
		idleFor(t, s, "t1", domain.StatusInTransit, 40*time.Hour)
		list, err := s.StaleShipments(ctx, "t1", inTransit24h, sweepNow, store.IdleCursor{}, 100)
		if err != nil || len(list) != 2 {
			t.Fatalf("stale = %d (%v), want 2", len(list), err)
		}
		ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: a.ID, Type: domain.ScanArrive, Actor: "op", Source: domain.SourceAPI, OccurredAt: sweepNow}
		if _, err := s.RecordEvent(ctx, ev, a.Version, domain.StatusInTransit); err != nil {
			t.Fatal(err)
		}
		n, err := s.RaiseStaleAlerts(ctx, "t1", inTransit24h, sweepNow, "stale-sweep", list)
		if err != nil || n != 1 {
			t.Errorf("raised %d (%v), want 1", n, err)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM shipment_alerts WHERE shipment_id = ?`, a.ID); n != 0 {
			t.Errorf("the scanned shipment has %d alerts, want 0", n)
		}
	})
}

// TestStaleQueryUsesIndex: the sweep walks the (tenant, status, last event)
// index, not the table.
func TestStaleQueryUsesIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i := range 3 {
			idleFor(t, s, "t1", domain.StatusInTransit, time.Duration(30+i)*time.Hour)
		}
		plan, err := store.ExplainStale(context.Background(), s, "t1", inTransit24h, sweepNow)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "shipments_tenant_status_event") {
			t.Errorf("the stale query does not use shipments_tenant_status_event:\n%s", plan)
		}
	})
}

func countRows(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := store.DB(s).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
