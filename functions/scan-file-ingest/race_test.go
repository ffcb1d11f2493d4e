package scanfileingest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	shipmentscan "github.com/logifn/logifn/functions/shipment-scan"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// racingStore runs race once, as another writer would, inside the first
// batch's transaction after the batch has read its shipments: MySQL lets
// the other writer commit, so the batch decides on versions that are no
// longer current. SQLite lets no other writer in while a batch runs, so
// there race runs just before the first batch begins.
type racingStore struct {
	*store.Store
	once     sync.Once
	waybills []domain.Waybill
	race     func()
}

func (r *racingStore) ApplyScanBatch(ctx context.Context, b store.ScanBatch, fn func(ctx context.Context, tx *store.ScanTx) error) error {
	if r.Driver() != store.DriverMySQL {
		r.once.Do(r.race)
		return r.Store.ApplyScanBatch(ctx, b, fn)
	}
	return r.Store.ApplyScanBatch(ctx, b, func(ctx context.Context, tx *store.ScanTx) error {
		var err error
		r.once.Do(func() {
			if _, err = tx.Shipments(ctx, r.waybills); err == nil {
				r.race()
			}
		})
		if err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

// TestHTTPScanDuringBatch: an HTTP scan of a shipment commits while a
// batch that scans it too is applied. The batch must not overwrite it:
// it loses the race, is applied again on fresh state, and the shipment
// ends with every scan in its timeline, the status the latest of them
// implies, a version counting them all, and webhook events numbered
// without a gap or a repeat.
func TestHTTPScanDuringBatch(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 3, scanfileingest.Options{})
		clk.Advance(3 * time.Hour)
		h := apptest.NewWithClock(t, st, clk.Now, shipmentscan.Spec())
		courier := h.Token(domain.Principal{Tenant: tenant, Subject: "courier-1", Role: domain.RoleCourier, Station: station})
		racer := &racingStore{Store: st}
		for _, sh := range e.ships {
			racer.waybills = append(racer.waybills, sh.Waybill)
		}
		racer.race = func() {
			// The courier picks shipment 0 up at minute 60, which lets
			// the file's arrive at minute 70 move it on; decided on the
			// shipment as the batch first read it, the arrive would be
			// an illegal move from created.
			res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(e.ships[0].Waybill) + "/scans", Token: courier,
				Body: map[string]any{"type": "pickup", "station": station, "occurred_at": at(60)}})
			if res.Status != 201 {
				t.Errorf("HTTP pickup during the batch: %d %s", res.Status, res.Body)
			}
		}
		e.fn = scanfileingest.New(racer, e.bucket, clk.Now, scanfileingest.Options{Invoker: e.local, Function: scanfileingest.Name})
		e.local.Register(scanfileingest.Name, e.fn.Tick)
		content := row(e.ships[0].Waybill, "arrive", station, at(70)) +
			row(e.ships[1].Waybill, "pickup", station, at(10)) +
			row(e.ships[2].Waybill, "pickup", station, at(10)) +
			row(e.ships[1].Waybill, "arrive", station, at(20))
		ev := e.put("scans/t1/SHA01/race.csv", csvHeader+content)
		e.deliver(ev)

		checkReport(t, e.report(ev.Key), []outcome{
			{"2", "created", "from picked_up to in_transit"},
			{"3", "created", "from created to picked_up"},
			{"4", "created", "from created to picked_up"},
			{"5", "created", "from picked_up to in_transit"},
		})
		want := []struct {
			status   domain.Status
			timeline []string
			hooks    int
		}{
			{domain.StatusInTransit, []string{"@ created api", "pickup@SHA01 picked_up api", "arrive@SHA01 in_transit scan_file"}, 3},
			{domain.StatusInTransit, []string{"@ created api", "pickup@SHA01 picked_up scan_file", "arrive@SHA01 in_transit scan_file"}, 3},
			{domain.StatusPickedUp, []string{"@ created api", "pickup@SHA01 picked_up scan_file"}, 2},
		}
		for i, w := range want {
			status, version := e.status(i)
			got := e.timeline(i)
			if status != w.status || version != int64(len(got)) || fmt.Sprint(got) != fmt.Sprint(w.timeline) {
				t.Errorf("shipment %d: %s v%d %v\nwant %s v%d %v", i, status, version, got, w.status, len(w.timeline), w.timeline)
			}
			hooks, err := st.WebhookEvents(context.Background(), tenant, e.ships[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			for j, ev := range hooks {
				if ev.Sequence != int64(j+1) {
					t.Errorf("shipment %d: webhook event %d has sequence %d", i, j, ev.Sequence)
				}
			}
			if len(hooks) != w.hooks {
				t.Errorf("shipment %d has %d webhook events, want %d", i, len(hooks), w.hooks)
			}
		}
	}, storetest.WithClock(clk.Now))
}
