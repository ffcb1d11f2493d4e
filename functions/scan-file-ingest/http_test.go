package scanfileingest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	shipmentscan "github.com/logifn/logifn/functions/shipment-scan"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestSameRulesAsHTTP mixes scans from the API and from files: the same
// scan from either is a duplicate of the other, and a file's scan moves
// the shipment on for the API as the API's does for files.
func TestSameRulesAsHTTP(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 1, scanfileingest.Options{})
		clk.Advance(2 * time.Hour)
		h := apptest.NewWithClock(t, st, clk.Now, shipmentscan.Spec())
		courier := h.Token(domain.Principal{Tenant: tenant, Subject: "courier-1", Role: domain.RoleCourier, Station: station})
		wb := e.ships[0].Waybill
		scan := func(typ string, minutes int) *apptest.Response {
			return h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(wb) + "/scans", Token: courier,
				Body: map[string]any{"type": typ, "station": station, "occurred_at": at(minutes)}})
		}
		if res := scan("pickup", 10); res.Status != 201 {
			t.Fatalf("HTTP pickup: %d %s", res.Status, res.Body)
		}
		ev := e.put("scans/t1/SHA01/mixed.csv", csvHeader+
			row(wb, "pickup", station, at(14))+
			row(wb, "arrive", station, at(30)))
		e.deliver(ev)
		checkReport(t, e.report(ev.Key), []outcome{
			{"2", "duplicate", "repeats the pickup scan at SHA01 of " + at(10)},
			{"3", "created", "from picked_up to in_transit"},
		})
		res := scan("arrive", 33)
		var body struct {
			Outcome string `json:"outcome"`
		}
		res.JSON(t, &body)
		if res.Status != 200 || body.Outcome != "duplicate" {
			t.Errorf("HTTP arrive after the file's: %d %s, want 200 duplicate", res.Status, res.Body)
		}
		if res := scan("out_for_delivery", 40); res.Status != 201 {
			t.Errorf("HTTP out_for_delivery after the file's arrive: %d %s", res.Status, res.Body)
		}
		if status, version := e.status(0); status != domain.StatusOutForDelivery || version != 4 {
			t.Errorf("shipment %s v%d, want out_for_delivery v4", status, version)
		}
	}, storetest.WithClock(clk.Now))
}

// TestChunkInvocations checks the handler of chunk invocations: it drops
// what it cannot act on and does nothing for a complete file.
func TestChunkInvocations(t *testing.T) {
	clk := newClock()
	e := newEnv(t, storetest.SQLite(t, storetest.WithClock(clk.Now)), clk, 1, scanfileingest.Options{})
	clk.Advance(time.Hour)
	ev := e.put("scans/t1/SHA01/a.csv", csvHeader+row(e.ships[0].Waybill, "pickup", station, at(10)))
	e.deliver(ev)
	f, err := e.st.ScanFile(context.Background(), tenant, bucket, ev.Key, ev.ETag)
	if err != nil {
		t.Fatal(err)
	}
	job := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	tests := []struct {
		name string
		tick platform.Tick
		kind domain.Kind
	}{
		{"another schedule", platform.Tick{Name: "sweep", Payload: job(map[string]any{"tenant": tenant, "file_id": f.ID})}, domain.KindInvalid},
		{"not JSON", platform.Tick{Name: scanfileingest.ChunkTick, Payload: "chunk 1"}, domain.KindInvalid},
		{"unknown field", platform.Tick{Name: scanfileingest.ChunkTick, Payload: job(map[string]any{"tenant": tenant, "file_id": f.ID, "range": "0-"})}, domain.KindInvalid},
		{"no file", platform.Tick{Name: scanfileingest.ChunkTick, Payload: job(map[string]any{"tenant": tenant, "file_id": f.ID + 7})}, domain.KindNotFound},
		{"another tenant's file", platform.Tick{Name: scanfileingest.ChunkTick, Payload: job(map[string]any{"tenant": "t2", "file_id": f.ID})}, domain.KindNotFound},
		{"complete file", platform.Tick{Name: scanfileingest.ChunkTick, Payload: job(map[string]any{"tenant": tenant, "file_id": f.ID})}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.fn.Tick(context.Background(), tt.tick)
			if domain.KindOf(err) != tt.kind || platform.Retryable(err) {
				t.Errorf("err = %v, want kind %q, not retried", err, tt.kind)
			}
		})
	}
	if _, v := e.status(0); v != 2 {
		t.Errorf("shipment at version %d, want 2: one pickup", v)
	}
}
