package autoreceipt_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	autoreceipt "github.com/logifn/logifn/functions/auto-receipt"
	shipmentreceipt "github.com/logifn/logifn/functions/shipment-receipt"
	"github.com/logifn/logifn/shared/app/apptest"
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
	return reqctx.WithLogger(context.Background(), log.WithField(logging.FieldFunction, autoreceipt.Name))
}

// deliveredAgo stores a shipment of tenant delivered ago before now.
func deliveredAgo(t *testing.T, st *store.Store, tenant string, now time.Time, ago time.Duration) *domain.Shipment {
	t.Helper()
	at := now.Add(-ago)
	return storetest.Journey(t, st, storetest.Shipment(tenant), at.Add(-48*time.Hour),
		storetest.Step{Status: domain.StatusPickedUp, At: at.Add(-40 * time.Hour)},
		storetest.Step{Status: domain.StatusInTransit, At: at.Add(-30 * time.Hour)},
		storetest.Step{Status: domain.StatusOutForDelivery, At: at.Add(-2 * time.Hour)},
		storetest.Step{Status: domain.StatusDelivered, At: at})
}

// receipts returns the received events of a shipment's timeline.
func receipts(t *testing.T, st *store.Store, sh *domain.Shipment) []domain.TrackingEvent {
	t.Helper()
	events, err := st.Events(context.Background(), sh.Tenant, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.TrackingEvent
	for _, ev := range events {
		if ev.Status == domain.StatusReceived {
			out = append(out, ev)
		}
	}
	return out
}

func TestTicksFromEveryPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tick, ticks := scheduletest.Ticks(t)
		old := deliveredAgo(t, st, "t1", tick.Time, 7*24*time.Hour+time.Minute)
		recent := deliveredAgo(t, st, "t1", tick.Time, 6*24*time.Hour)
		otherTenant := deliveredAgo(t, st, "t2", tick.Time, 30*24*time.Hour)
		inTransit := storetest.ShipmentIn(t, st, "t1", domain.StatusInTransit)

		h := autoreceipt.Handler(st)
		for _, name := range []string{scheduletest.FCTimer, scheduletest.EventBridge, scheduletest.Ping} {
			if err := h(quietContext(t), ticks[name]); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		got := receipts(t, st, old)
		if len(got) != 1 || got[0].Source != domain.SourceSchedule || got[0].Actor != autoreceipt.Name ||
			!strings.Contains(got[0].Note, "automatically") || !got[0].OccurredAt.Equal(tick.Time) {
			t.Fatalf("receipts of the old delivery = %+v, want one automatic receipt at the tick's time", got)
		}
		if n := len(receipts(t, st, otherTenant)); n != 1 {
			t.Errorf("t2's old delivery has %d receipts, want 1", n)
		}
		for _, sh := range []*domain.Shipment{recent, inTransit} {
			if n := len(receipts(t, st, sh)); n != 0 {
				t.Errorf("%s got %d receipts, want none", sh.Waybill, n)
			}
		}
	})
}

// TestRaceWithCustomer: the job, run three times at once, and the customer
// confirming at the same time record one receipt between them.
func TestRaceWithCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 3, 10, 19, 0, 0, 0, time.UTC)
		var all []*domain.Shipment
		for range 4 {
			all = append(all, deliveredAgo(t, st, "t1", now, 8*24*time.Hour))
		}
		api := apptest.New(t, st, shipmentreceipt.Spec())
		token := api.Token(domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer})
		h := autoreceipt.Handler(st)
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- h(quietContext(t), platform.Tick{Name: autoreceipt.Name, Time: now}) }()
		}
		for _, sh := range all {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := api.Do(apptest.Request{Method: http.MethodPost, Path: "/v1/shipments/" + string(sh.Waybill) + "/receipt", Token: token})
				if res.Status != http.StatusCreated && res.Status != http.StatusOK {
					t.Errorf("customer receipt of %s: %d %s", sh.Waybill, res.Status, res.Body)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, sh := range all {
			if n := len(receipts(t, st, sh)); n != 1 {
				t.Errorf("%s has %d receipts, want exactly 1", sh.Waybill, n)
			}
			got, err := st.ShipmentByWaybill(context.Background(), "t1", sh.Waybill)
			if err != nil || got.Status != domain.StatusReceived {
				t.Errorf("%s is %s (%v), want received", sh.Waybill, got.Status, err)
			}
		}
	})
}

// TestLateTickAndSettings: a tick delivered two days late confirms what it
// would have on time, and each tenant's limit applies (0: never).
func TestLateTickAndSettings(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	tickTime := time.Date(2026, 3, 10, 19, 0, 0, 0, time.UTC)
	due := deliveredAgo(t, st, "t1", tickTime, 7*24*time.Hour)
	notYet := deliveredAgo(t, st, "t1", tickTime, 6*24*time.Hour) // due by the time the late tick runs, not by its time
	js := domain.DefaultJobSettings()
	js.AutoReceiptDays = 0
	if err := st.PutJobSettings(ctx, "t2", js); err != nil {
		t.Fatal(err)
	}
	never := deliveredAgo(t, st, "t2", tickTime, 100*24*time.Hour)
	js.AutoReceiptDays = 2
	if err := st.PutJobSettings(ctx, "t3", js); err != nil {
		t.Fatal(err)
	}
	short := deliveredAgo(t, st, "t3", tickTime, 3*24*time.Hour)

	late := st.At(func() time.Time { return tickTime.Add(48 * time.Hour) }) // the database's clock runs on
	if err := autoreceipt.Handler(late)(quietContext(t), platform.Tick{Time: tickTime}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sh   *domain.Shipment
		want int
	}{{due, 1}, {notYet, 0}, {never, 0}, {short, 1}} {
		if n := len(receipts(t, st, c.sh)); n != c.want {
			t.Errorf("%s of %s: %d receipts, want %d", c.sh.Waybill, c.sh.Tenant, n, c.want)
		}
	}
}
