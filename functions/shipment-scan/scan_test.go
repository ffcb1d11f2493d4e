package shipmentscan_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	shipmentscan "github.com/logifn/logifn/functions/shipment-scan"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	courier = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: storetest.OriginStation}
	admin   = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
)

func setup(t *testing.T, st *store.Store) (*apptest.Harness, domain.Waybill) {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := st.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			t.Fatal(err)
		}
	}
	sh := storetest.Shipment("t1")
	if _, err := st.CreateShipment(ctx, sh, "cust-1", ""); err != nil {
		t.Fatal(err)
	}
	return apptest.New(t, st, shipmentscan.Spec()), sh.Waybill
}

func body(typ domain.ScanType, station string) map[string]any {
	return map[string]any{"type": typ, "station": station, "occurred_at": time.Now().UTC().Format(time.RFC3339)}
}

func TestScanRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h, wb := setup(t, st)
		path := "/v1/shipments/" + string(wb) + "/scans"
		with := func(f func(b map[string]any)) map[string]any {
			b := body(domain.ScanPickup, storetest.OriginStation)
			f(b)
			return b
		}
		tests := []struct {
			name   string
			p      domain.Principal
			path   string
			body   any
			header map[string]string
			status int
			code   string
		}{
			{"customer may not scan", domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}, path, body(domain.ScanPickup, storetest.OriginStation), nil, 403, "forbidden"},
			{"courier at another station", courier, path, body(domain.ScanPickup, storetest.DestinationStation), nil, 403, "wrong_station"},
			{"unknown scan type", courier, path, with(func(b map[string]any) { b["type"] = "teleport" }), nil, 422, "validation_failed"},
			{"exception without reason", admin, path, body(domain.ScanException, storetest.OriginStation), nil, 422, "validation_failed"},
			{"future time", courier, path, with(func(b map[string]any) { b["occurred_at"] = time.Now().Add(time.Hour).UTC().Format(time.RFC3339) }), nil, 422, "validation_failed"},
			{"unknown station", admin, path, body(domain.ScanPickup, "NOWHERE"), nil, 422, "validation_failed"},
			{"illegal move", admin, path, body(domain.ScanDeliver, storetest.DestinationStation), nil, 409, "illegal_transition"},
			{"stale If-Match", courier, path, body(domain.ScanPickup, storetest.OriginStation), map[string]string{"If-Match": `"7"`}, 412, "version_mismatch"},
			{"bad If-Match", courier, path, body(domain.ScanPickup, storetest.OriginStation), map[string]string{"If-Match": "yesterday"}, 400, "invalid_if_match"},
			{"another tenant", domain.Principal{Tenant: "t2", Subject: "a", Role: domain.RoleAdmin}, path, body(domain.ScanPickup, storetest.OriginStation), nil, 422, "validation_failed"},
			{"bad check digit", courier, "/v1/shipments/LF00000000018/scans", body(domain.ScanPickup, storetest.OriginStation), nil, 400, "invalid_waybill"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.Do(apptest.Request{Method: "POST", Path: tt.path, Token: h.Token(tt.p), Body: tt.body, Header: tt.header})
				if e := res.Err(t, tt.status); e.Error.Code != tt.code {
					t.Errorf("code = %s, want %s: %s", e.Error.Code, tt.code, res.Body)
				}
			})
		}
		sh, err := st.ShipmentByWaybill(context.Background(), "t1", wb)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Status != domain.StatusCreated || sh.Version != 1 {
			t.Errorf("after rejected scans: status %s version %d, want created 1", sh.Status, sh.Version)
		}
	})
}

func TestScanWithIfMatch(t *testing.T) {
	h, wb := setup(t, storetest.SQLite(t))
	res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(wb) + "/scans", Token: h.Token(courier),
		Body: body(domain.ScanPickup, storetest.OriginStation), Header: map[string]string{"If-Match": `"1"`}})
	if res.Status != http.StatusCreated || res.Header.Get("ETag") != `"2"` {
		t.Fatalf("got %d ETag %s, want 201 \"2\": %s", res.Status, res.Header.Get("ETag"), res.Body)
	}
	var out shipmentscan.Response
	res.JSON(t, &out)
	if out.Outcome != "moved" || out.Shipment.Status != domain.StatusPickedUp || out.Event.Actor != "courier-1" {
		t.Errorf("response = %+v", out)
	}
}

// TestScanIdempotencyKey: a scanner that retries with its key gets the
// first answer back and the shipment moves once.
func TestScanIdempotencyKey(t *testing.T) {
	st := storetest.SQLite(t)
	h, wb := setup(t, st)
	req := apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(wb) + "/scans", Token: h.Token(courier),
		Body: body(domain.ScanPickup, storetest.OriginStation), Header: map[string]string{"Idempotency-Key": "scanner-7-line-42"}}
	first, again := h.Do(req), h.Do(req)
	if first.Status != http.StatusCreated || again.Status != http.StatusCreated || string(first.Body) != string(again.Body) {
		t.Fatalf("replay differs: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
	}
	if again.Header.Get("Idempotent-Replayed") != "true" || again.Header.Get("ETag") != `"2"` {
		t.Errorf("replay headers: %v", again.Header)
	}
	sh, err := st.ShipmentByWaybill(context.Background(), "t1", wb)
	if err != nil || sh.Version != 2 {
		t.Errorf("version = %d (%v), want 2: the scan applied once", sh.Version, err)
	}
}
