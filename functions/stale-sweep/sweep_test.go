package stalesweep_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	stalesweep "github.com/logifn/logifn/functions/stale-sweep"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule/scheduletest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func quietContext(t *testing.T) context.Context {
	log, err := logging.New(io.Discard, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	return reqctx.WithLogger(context.Background(), log.WithField(logging.FieldFunction, stalesweep.Name))
}

// silent stores a shipment of tenant in status, its last event silent
// before now.
func silent(t *testing.T, st *store.Store, tenant string, status domain.Status, now time.Time, silent time.Duration) *domain.Shipment {
	t.Helper()
	last := now.Add(-silent)
	steps := []storetest.Step{{Status: domain.StatusPickedUp, At: last.Add(-2 * time.Hour)}}
	if status != domain.StatusPickedUp {
		steps = append(steps, storetest.Step{Status: domain.StatusInTransit, At: last.Add(-time.Hour)})
	}
	if status == domain.StatusOutForDelivery {
		steps = append(steps, storetest.Step{Status: domain.StatusOutForDelivery, At: last})
	} else {
		steps[len(steps)-1].At = last
	}
	return storetest.Journey(t, st, storetest.Shipment(tenant), last.Add(-3*time.Hour), steps...)
}

// alerts returns the alert events on tenant's timelines, by waybill.
func alerts(t *testing.T, st *store.Store, tenant string, shipments ...*domain.Shipment) map[domain.Waybill][]domain.TrackingEvent {
	t.Helper()
	out := map[domain.Waybill][]domain.TrackingEvent{}
	for _, sh := range shipments {
		events, err := st.Events(context.Background(), tenant, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if ev.Source == domain.SourceSchedule {
				out[sh.Waybill] = append(out[sh.Waybill], ev)
			}
		}
	}
	return out
}

// TestTicksFromEveryPlatform: the three fixtures are one firing; the first
// alerts the stale shipments, the other two add nothing.
func TestTicksFromEveryPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tick, ticks := scheduletest.Ticks(t)
		now := tick.Time
		inTransit := silent(t, st, "t1", domain.StatusInTransit, now, 25*time.Hour)
		ofd := silent(t, st, "t1", domain.StatusOutForDelivery, now, 13*time.Hour)
		fresh := silent(t, st, "t1", domain.StatusInTransit, now, 23*time.Hour)
		freshOFD := silent(t, st, "t1", domain.StatusOutForDelivery, now, 11*time.Hour)
		other := silent(t, st, "t2", domain.StatusInTransit, now, 30*time.Hour)

		h := stalesweep.Handler(st)
		for _, name := range []string{scheduletest.FCTimer, scheduletest.EventBridge, scheduletest.Ping} {
			if err := h(quietContext(t), ticks[name]); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		got := alerts(t, st, "t1", inTransit, ofd, fresh, freshOFD)
		if len(got) != 2 || len(got[inTransit.Waybill]) != 1 || len(got[ofd.Waybill]) != 1 {
			t.Fatalf("alerts = %v, want one each for the in-transit and out-for-delivery shipments", got)
		}
		if ev := got[ofd.Waybill][0]; ev.IncidentReason != "stale_out_for_delivery" || ev.Actor != stalesweep.Name ||
			!ev.OccurredAt.Equal(now.Add(-time.Hour)) {
			t.Errorf("out-for-delivery alert = %+v, want stale_out_for_delivery at %s", ev, now.Add(-time.Hour))
		}
		if n := len(alerts(t, st, "t2", other)[other.Waybill]); n != 1 {
			t.Errorf("tenant t2 got %d alerts, want 1: every tenant is swept", n)
		}
	})
}

// TestTwiceRacingAndLate: the same tick twice, two racing, and one that
// arrives hours late give one alert per shipment and window.
func TestTwiceRacingAndLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 3, 10, 12, 15, 0, 0, time.UTC)
		var all []*domain.Shipment
		for i := range 12 {
			all = append(all, silent(t, st, "t1", domain.StatusInTransit, now, time.Duration(24*60+i)*time.Minute))
		}
		tick := platform.Tick{Name: stalesweep.Name, Time: now}
		h := stalesweep.Handler(st)
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- h(quietContext(t), tick) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// The tick of an hour later, delivered late, is in the same window.
		if err := h(quietContext(t), platform.Tick{Name: stalesweep.Name, Time: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		got := alerts(t, st, "t1", all...)
		for i, sh := range all {
			want := now.Add(-time.Duration(24*60+i) * time.Minute).Add(24 * time.Hour)
			if evs := got[sh.Waybill]; len(evs) != 1 || !evs[0].OccurredAt.Equal(want) {
				t.Errorf("shipment %d: alerts %+v, want one at %s", i, evs, want)
			}
		}
	})
}

// TestTenantSettings: a tenant's own thresholds decide, and a tick's
// payload may name one tenant.
func TestTenantSettings(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 12, 15, 0, 0, time.UTC)
	js := domain.DefaultJobSettings()
	js.StaleInTransitHours = 6
	if err := st.PutJobSettings(ctx, "t2", js); err != nil {
		t.Fatal(err)
	}
	a := silent(t, st, "t1", domain.StatusInTransit, now, 7*time.Hour)
	b := silent(t, st, "t2", domain.StatusInTransit, now, 7*time.Hour)
	h := stalesweep.Handler(st)
	if err := h(quietContext(t), platform.Tick{Time: now, Payload: `{"tenant":"t2"}`}); err != nil {
		t.Fatal(err)
	}
	if n := len(alerts(t, st, "t2", b)[b.Waybill]); n != 1 {
		t.Errorf("t2 with a 6 h limit: %d alerts after 7 h, want 1", n)
	}
	if err := h(quietContext(t), platform.Tick{Time: now}); err != nil {
		t.Fatal(err)
	}
	if n := len(alerts(t, st, "t1", a)[a.Waybill]); n != 0 {
		t.Errorf("t1 with the default 24 h: %d alerts after 7 h, want 0", n)
	}
	err := h(quietContext(t), platform.Tick{Time: now, Payload: `{"tenants":["t1"]}`})
	if domain.KindOf(err) != domain.KindInvalid || platform.Retryable(err) {
		t.Errorf("a bad payload gave %v, want an invalid error the platform drops", err)
	}
}
