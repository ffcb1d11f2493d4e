package tests_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// network is a tenant's stations for the lifecycle: an outlet in Shanghai,
// hubs in Shanghai and Beijing and an outlet in Beijing.
var network = []struct{ code, city, province string }{
	{"SH-OUT", "上海市", "上海市"}, {"SH-HUB", "上海市", "上海市"}, {"BJ-HUB", "北京市", "北京市"}, {"BJ-OUT", "北京市", "北京市"},
}

var (
	customer = domain.Principal{Tenant: "acme", Subject: "cust-7", Role: domain.RoleCustomer}
	admin    = domain.Principal{Tenant: "acme", Subject: "admin-1", Role: domain.RoleAdmin}
)

func staff(role domain.Role, station string) domain.Principal {
	return domain.Principal{Tenant: "acme", Subject: string(role) + "-" + station, Role: role, Station: station}
}

// clock is a settable clock shared by the store and the functions.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// each runs fn on SQLite and on MySQL with a clock that starts an hour
// before rec.
func each(t *testing.T, fn func(t *testing.T, st *store.Store, c *clock)) {
	c := &clock{now: time.Now().UTC().Add(-24 * time.Hour)}
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, st, c) }, storetest.WithClock(c.Now))
}

// harness serves every function of the manifest on st, as the local
// platform does, with acme's station network in place.
func harness(t *testing.T, st *store.Store, c *clock) *apptest.Harness {
	t.Helper()
	for _, n := range network {
		s := storetest.Station("acme", n.code)
		s.Address.City, s.Address.Province = n.city, n.province
		if _, err := st.PutStation(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return apptest.NewWithClock(t, st, c.Now, registry.All()...)
}

func createShipment(t *testing.T, h *apptest.Harness) domain.Waybill {
	t.Helper()
	body := map[string]any{
		"sender": map[string]any{"name": "Sender Zhang", "phone": "13800000001",
			"address": map[string]any{"province": "上海市", "city": "上海市", "district": "徐汇区", "detail": "Secret Street 100"}},
		"receiver": map[string]any{"name": "Receiver Wang", "phone": "13700000003",
			"address": map[string]any{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": "Hidden Road 9"}},
		"origin_station": "SH-OUT", "destination_station": "BJ-OUT",
		"items": []any{map[string]any{"name": "Books", "quantity": 1, "weight_g": 800}},
	}
	res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body})
	var sh domain.Shipment
	res.JSON(t, &sh)
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	return sh.Waybill
}

type scanResult struct {
	Outcome  string                `json:"outcome"`
	Event    *domain.TrackingEvent `json:"event"`
	Shipment *domain.Shipment      `json:"shipment"`
}

func scan(t *testing.T, h *apptest.Harness, p domain.Principal, wb domain.Waybill, typ domain.ScanType, station string, at time.Time, extra map[string]any) (*apptest.Response, scanResult) {
	t.Helper()
	body := map[string]any{"type": typ, "station": station, "occurred_at": at.Format(time.RFC3339)}
	for k, v := range extra {
		body[k] = v
	}
	res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(wb) + "/scans", Token: h.Token(p), Body: body})
	var out scanResult
	if res.Status < 300 {
		res.JSON(t, &out)
	}
	return res, out
}

// TestLifecycle walks a shipment from creation to the receiver's
// confirmation through every scan, with a late and a duplicate scan on the
// way, and checks status, timeline order and the public view.
func TestLifecycle(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store, c *clock) {
		h := harness(t, st, c)
		t0 := c.Now().Truncate(time.Second).Add(time.Hour)
		wb := createShipment(t, h)
		c.Set(t0.Add(20 * time.Hour))
		at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
		steps := []struct {
			p       domain.Principal
			typ     domain.ScanType
			station string
			at      time.Time
			want    domain.Status
			outcome string
		}{
			{staff(domain.RoleCourier, "SH-OUT"), domain.ScanPickup, "SH-OUT", at(0), domain.StatusPickedUp, "moved"},
			{staff(domain.RoleOperator, "SH-HUB"), domain.ScanArrive, "SH-HUB", at(2), domain.StatusInTransit, "moved"},
			{staff(domain.RoleOperator, "SH-HUB"), domain.ScanDepart, "SH-HUB", at(3), domain.StatusInTransit, "moved"},
			{staff(domain.RoleOperator, "BJ-HUB"), domain.ScanArrive, "BJ-HUB", at(6), domain.StatusInTransit, "moved"},
			// The same arrival scanned again five minutes later counts once.
			{staff(domain.RoleOperator, "BJ-HUB"), domain.ScanArrive, "BJ-HUB", at(6).Add(5 * time.Minute), domain.StatusInTransit, "duplicate"},
			{staff(domain.RoleOperator, "BJ-HUB"), domain.ScanDepart, "BJ-HUB", at(7), domain.StatusInTransit, "moved"},
			{staff(domain.RoleCourier, "BJ-OUT"), domain.ScanOutForDelivery, "BJ-OUT", at(8), domain.StatusOutForDelivery, "moved"},
			// A scanner at the Shanghai hub uploads an old departure late: it
			// joins the timeline without moving the status back.
			{staff(domain.RoleOperator, "SH-HUB"), domain.ScanDepart, "SH-HUB", at(3.5), domain.StatusOutForDelivery, "late"},
			{staff(domain.RoleCourier, "BJ-OUT"), domain.ScanDeliver, "BJ-OUT", at(9), domain.StatusDelivered, "moved"},
		}
		for i, s := range steps {
			res, out := scan(t, h, s.p, wb, s.typ, s.station, s.at, nil)
			wantStatus := http.StatusCreated
			if s.outcome == "duplicate" {
				wantStatus = http.StatusOK
			}
			if res.Status != wantStatus || out.Outcome != s.outcome || out.Shipment.Status != s.want {
				t.Fatalf("step %d (%s at %s): %d outcome %q status %v; want %d %q %s\n%s", i, s.typ, s.station,
					res.Status, out.Outcome, out.Shipment, wantStatus, s.outcome, s.want, res.Body)
			}
		}

		// Delivered: the customer confirms receipt; a second confirmation
		// answers the first.
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(wb) + "/receipt", Token: h.Token(customer)})
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"status":"received"`) {
			t.Fatalf("receipt: %d %s", res.Status, res.Body)
		}
		res = h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(wb) + "/receipt", Token: h.Token(customer)})
		if res.Status != http.StatusOK {
			t.Fatalf("second receipt: %d %s", res.Status, res.Body)
		}
		// A final shipment takes no more scans.
		res, _ = scan(t, h, staff(domain.RoleCourier, "BJ-OUT"), wb, domain.ScanDeliver, "BJ-OUT", c.Now(), nil)
		if e := res.Err(t, http.StatusConflict); !strings.Contains(e.Error.Message, "received") {
			t.Errorf("scan after receipt: %s, want the current status named", e.Error.Message)
		}

		checkTimeline(t, h, wb)
		checkPublicView(t, h, wb)
	})
}

func checkTimeline(t *testing.T, h *apptest.Harness, wb domain.Waybill) {
	t.Helper()
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(wb), Token: h.Token(admin)})
	var got struct {
		Status   domain.Status          `json:"status"`
		Version  int64                  `json:"version"`
		Timeline []domain.TrackingEvent `json:"timeline"`
	}
	res.JSON(t, &got)
	var seq []string
	for i, ev := range got.Timeline {
		seq = append(seq, fmt.Sprintf("%s@%s", firstNonEmpty(string(ev.Type), string(ev.Status)), ev.Station))
		if i > 0 && ev.OccurredAt.Before(got.Timeline[i-1].OccurredAt) {
			t.Errorf("timeline out of order at %d: %v before %v", i, ev.OccurredAt, got.Timeline[i-1].OccurredAt)
		}
	}
	want := "[created@ pickup@SH-OUT arrive@SH-HUB depart@SH-HUB depart@SH-HUB arrive@BJ-HUB depart@BJ-HUB out_for_delivery@BJ-OUT deliver@BJ-OUT received@]"
	if fmt.Sprint(seq) != want {
		t.Errorf("timeline = %v\nwant       %s", seq, want)
	}
	if got.Status != domain.StatusReceived || got.Version != 10 {
		t.Errorf("status %s version %d, want received at version 10", got.Status, got.Version)
	}
}

func checkPublicView(t *testing.T, h *apptest.Harness, wb domain.Waybill) {
	t.Helper()
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(wb) + "?tenant=acme"})
	if res.Status != http.StatusOK {
		t.Fatalf("public view: %d %s", res.Status, res.Body)
	}
	body := string(res.Body)
	for _, secret := range []string{"Sender Zhang", "Receiver Wang", "13800000001", "13700000003", "Secret Street", "Hidden Road",
		"徐汇区", "朝阳区", "cust-7", "courier-", "operator-", "fee", "customer_id", "actor", "note"} {
		if strings.Contains(body, secret) {
			t.Errorf("public view shows %q: %s", secret, body)
		}
	}
	var v struct {
		Status   domain.Status `json:"status"`
		Timeline []struct {
			Status domain.Status `json:"status"`
			Place  *struct {
				City string `json:"city"`
			} `json:"place"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Fatal(err)
	}
	if v.Status != domain.StatusReceived || len(v.Timeline) != 10 || v.Timeline[3].Place == nil || v.Timeline[3].Place.City != "上海市" {
		t.Errorf("public view = %s", body)
	}
}

// TestConcurrentConflictingScans fires 50 scans of different kinds at one
// shipment at once. Whatever wins, the shipment ends in a status its
// timeline explains, every accepted scan is in the timeline, and every
// rejected one was answered 409 or 412.
func TestConcurrentConflictingScans(t *testing.T) {
	each(t, func(t *testing.T, st *store.Store, c *clock) {
		h := harness(t, st, c)
		base := c.Now().Truncate(time.Second).Add(time.Minute)
		wb := createShipment(t, h)
		c.Set(base.Add(3 * time.Hour))
		kinds := []struct {
			typ     domain.ScanType
			station string
			extra   map[string]any
		}{
			{domain.ScanPickup, "SH-OUT", nil},
			{domain.ScanArrive, "SH-HUB", nil},
			{domain.ScanDepart, "SH-HUB", nil},
			{domain.ScanOutForDelivery, "BJ-OUT", nil},
			{domain.ScanDeliver, "BJ-OUT", nil},
			{domain.ScanException, "BJ-HUB", map[string]any{"incident_reason": "damaged"}},
		}
		var (
			mu       sync.Mutex
			accepted = map[int64]bool{}
			statuses = map[int]int{}
			wg       sync.WaitGroup
		)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				k := kinds[i%len(kinds)]
				// Distinct times; scans of one kind are further apart than
				// the duplicate window.
				at := base.Add(time.Duration(i) * 2 * time.Minute)
				res, out := scan(t, h, admin, wb, k.typ, k.station, at, k.extra)
				mu.Lock()
				defer mu.Unlock()
				statuses[res.Status]++
				if res.Status == http.StatusCreated {
					accepted[out.Event.ID] = true
				}
			}(i)
		}
		wg.Wait()
		for code := range statuses {
			if code != http.StatusCreated && code != http.StatusOK && code != http.StatusConflict && code != http.StatusPreconditionFailed {
				t.Errorf("answers %v: want only 201, 200, 409 or 412", statuses)
			}
		}
		if len(accepted) == 0 {
			t.Fatalf("no scan accepted: %v", statuses)
		}
		sh, err := st.ShipmentByWaybill(context.Background(), "acme", wb)
		if err != nil {
			t.Fatal(err)
		}
		events, err := st.Events(context.Background(), "acme", sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		inTimeline := map[int64]bool{}
		for _, ev := range events {
			inTimeline[ev.ID] = true
		}
		for id := range accepted {
			if !inTimeline[id] {
				t.Errorf("accepted scan event %d missing from the timeline", id)
			}
		}
		if want := int64(len(events)); sh.Version != want {
			t.Errorf("version %d after %d events: a lost update", sh.Version, len(events))
		}
		if got := latestMoving(events); got != sh.Status {
			t.Errorf("status %s, but the timeline's last status change is to %s", sh.Status, got)
		}
		t.Logf("answers %v; %d events; final status %s", statuses, len(events), sh.Status)
	})
}

// latestMoving returns the status the timeline ends in: that of its last
// event in recording order that was not a late scan.
func latestMoving(events []domain.TrackingEvent) domain.Status {
	var last domain.TrackingEvent
	var latestAt time.Time
	for _, ev := range sortedByID(events) {
		if !ev.OccurredAt.Before(latestAt) {
			last, latestAt = ev, ev.OccurredAt
		}
	}
	return last.Status
}

func sortedByID(events []domain.TrackingEvent) []domain.TrackingEvent {
	out := append([]domain.TrackingEvent(nil), events...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
