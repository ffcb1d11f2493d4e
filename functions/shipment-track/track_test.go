package shipmenttrack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	shipmenttrack "github.com/logifn/logifn/functions/shipment-track"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/web"
)

func seed(t *testing.T, st *store.Store) domain.Waybill {
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
	return sh.Waybill
}

func TestTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		wb := seed(t, st)
		h := apptest.New(t, st, shipmenttrack.Spec())
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(wb) + "?tenant=t1"})
		if res.Status != http.StatusOK {
			t.Fatalf("got %d %s", res.Status, res.Body)
		}
		for _, hidden := range []string{"张三", "李四", "13900000002", "世纪大道", "建国路", "cust-1", "declared_value", "items"} {
			if strings.Contains(string(res.Body), hidden) {
				t.Errorf("public view shows %q: %s", hidden, res.Body)
			}
		}
		var v shipmenttrack.View
		res.JSON(t, &v)
		if v.Status != domain.StatusCreated || len(v.Timeline) != 1 || v.Origin == nil || v.Origin.City != "上海市" {
			t.Errorf("view = %+v", v)
		}

		unknown, _ := domain.NewWaybill(7_000_000_001)
		h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(unknown) + "?tenant=t1"}).Err(t, http.StatusNotFound)
		h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(wb) + "?tenant=t2"}).Err(t, http.StatusNotFound)
		if e := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(wb)}).Err(t, http.StatusBadRequest); e.Error.Details[0].Field != "tenant" {
			t.Errorf("no tenant: %+v", e)
		}
	})
}

// countingStore counts every call that reaches the database.
type countingStore struct {
	shipmenttrack.Store
	calls atomic.Int64
}

func (c *countingStore) ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error) {
	c.calls.Add(1)
	return c.Store.ShipmentByWaybill(ctx, tenant, w)
}

func TestMalformedNumberNeverReachesTheDatabase(t *testing.T) {
	st := &countingStore{Store: storetest.SQLite(t)}
	h := shipmenttrack.Handler(st, "t1")
	for _, n := range []string{"LF00000000018", "LF0000000001", "XX00000000019", "LF0000000001%27%20OR%201=1"} {
		r := httptest.NewRequest("GET", "/v1/tracking/x", nil)
		r.SetPathValue("waybill", n)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "invalid_waybill") {
			t.Errorf("%s: got %d %s, want 400 invalid_waybill", n, w.Code, w.Body)
		}
	}
	if n := st.calls.Load(); n != 0 {
		t.Errorf("%d database calls for malformed numbers, want 0", n)
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	st := storetest.SQLite(t)
	wb := seed(t, st)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	limiter := web.NewRateLimiter(60, 5, 1000, func() time.Time { return now })
	h := limiter.Limit(shipmenttrack.Handler(st, "t1"))
	get := func(addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/v1/tracking/x", nil)
		r.SetPathValue("waybill", string(wb))
		r.RemoteAddr = addr + ":5555"
		r.Header.Set("X-Forwarded-For", "10.9.9.9") // forgeable: not trusted
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := 0; i < 5; i++ {
		if w := get("192.0.2.1"); w.Code != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, w.Code, w.Body)
		}
	}
	w := get("192.0.2.1")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Errorf("6th request: %d Retry-After %q, want 429 with Retry-After 1", w.Code, w.Header().Get("Retry-After"))
	}
	if w := get("192.0.2.2"); w.Code != http.StatusOK {
		t.Errorf("another address: %d, want 200", w.Code)
	}
	now = now.Add(time.Second)
	if w := get("192.0.2.1"); w.Code != http.StatusOK {
		t.Errorf("after a second: %d, want 200", w.Code)
	}
}

// TestPhotoEntries: a photo's timeline entry is marked as one, and shows
// nothing of the photo or its note; a stale alert is not shown at all.
func TestPhotoEntries(t *testing.T) {
	st := storetest.SQLite(t)
	sh := storetest.ShipmentIn(t, st, "t1", domain.StatusDelivered)
	ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Actor: "courier-1", Source: domain.SourceImage, Note: "photo: proof_of_delivery images/t1/secret.jpg"}
	next, err := st.RecordEvent(context.Background(), ev, sh.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	alert := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Actor: "stale-sweep", Source: domain.SourceSchedule, IncidentReason: "delivered_idle"}
	if _, err := st.RecordEvent(context.Background(), alert, next.Version, ""); err != nil {
		t.Fatal(err)
	}
	h := apptest.New(t, st, shipmenttrack.Spec())
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(sh.Waybill) + "?tenant=t1"})
	var v shipmenttrack.View
	res.JSON(t, &v)
	last := v.Timeline[len(v.Timeline)-1]
	if !last.Photo || v.Timeline[0].Photo || strings.Contains(string(res.Body), "secret.jpg") || len(v.Timeline) != 6 {
		t.Errorf("timeline = %s", res.Body)
	}
}
