package apptest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/web"
)

var admin = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}

// recordingTB keeps the errors a harness reports instead of failing.
type recordingTB struct {
	testing.TB
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// offContract serves GET /v1/stations with a body the document forbids.
func offContract() app.Spec {
	return app.Spec{
		Name:   "off-contract",
		Routes: []app.Route{{Method: http.MethodGet, Path: "/v1/stations", Roles: domain.Roles}},
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				web.WriteJSON(w, http.StatusOK, map[string]any{"stations": "none"})
			})}, nil
		},
	}
}

func TestHarnessFailsOffContractAnswers(t *testing.T) {
	rec := &recordingTB{TB: t}
	h := apptest.New(rec, storetest.SQLite(t), offContract())
	h.Do(apptest.Request{Method: "GET", Path: "/v1/stations", Token: h.Token(admin)})
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "contract:") || !strings.Contains(rec.errors[0], "/stations") {
		t.Fatalf("errors = %q, want one contract error naming /stations", rec.errors)
	}

	rec.errors = nil
	h.Contract = false
	h.Do(apptest.Request{Method: "GET", Path: "/v1/stations", Token: h.Token(admin)})
	if len(rec.errors) != 0 {
		t.Errorf("with Contract off: errors = %q, want none", rec.errors)
	}
}

// TestPlatformAnswersKeepTheContract drives answers that function tests
// seldom reach through the contract check: health checks, a database
// outage and the public rate limit.
func TestPlatformAnswersKeepTheContract(t *testing.T) {
	wb, err := domain.NewWaybill(1)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("health", func(t *testing.T) {
		h := apptest.New(t, storetest.SQLite(t), registry.All()...)
		for _, path := range []string{"/healthz", "/readyz"} {
			if res := h.Do(apptest.Request{Method: "GET", Path: path}); res.Status != http.StatusOK {
				t.Errorf("GET %s = %d, want 200", path, res.Status)
			}
		}
	})
	t.Run("database down", func(t *testing.T) {
		st, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: "root@tcp(127.0.0.1:1)/logifn"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		h := apptest.New(t, st, registry.All()...)
		quote := map[string]any{"origin_station": "SHA-01", "destination_station": "BJS-01",
			"items": []any{map[string]any{"quantity": 1, "weight_g": 500}}}
		for _, r := range []apptest.Request{
			{Method: "GET", Path: "/readyz"},
			{Method: "GET", Path: "/v1/stations", Token: h.Token(admin)},
			{Method: "GET", Path: "/v1/tracking/" + string(wb) + "?tenant=t1"},
			{Method: "POST", Path: "/v1/quotes", Token: h.Token(admin), Body: quote},
			{Method: "POST", Path: "/v1/quotes", Token: h.Token(admin), Body: quote, Header: map[string]string{"Idempotency-Key": "q-1"}},
		} {
			res := h.Do(r)
			res.Err(t, http.StatusServiceUnavailable)
			if res.Header.Get("Retry-After") == "" {
				t.Errorf("%s %s: 503 without Retry-After", r.Method, r.Path)
			}
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		h := apptest.New(t, storetest.SQLite(t), registry.All()...)
		var limited *apptest.Response
		for i := 0; i < 100 && limited == nil; i++ {
			if res := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(wb) + "?tenant=t1"}); res.Status == http.StatusTooManyRequests {
				limited = res
			}
		}
		if limited == nil {
			t.Fatal("100 tracking requests from one address were never limited")
		}
		limited.Err(t, http.StatusTooManyRequests)
	})
}

// TestDemoDataKeepsTheContract reads the demo tenant, which holds a
// shipment at every stage (late scans, exceptions, receipts,
// cancellations), through every read route as every demo user, so the
// document is checked against richer data than function tests build.
func TestDemoDataKeepsTheContract(t *testing.T) {
	st := storetest.SQLite(t)
	if _, err := demo.Seed(context.Background(), st, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	h := apptest.New(t, st, registry.All()...)
	get := func(path, token string) *apptest.Response {
		t.Helper()
		res := h.Do(apptest.Request{Method: "GET", Path: path, Token: token})
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200; body %s", path, res.Status, res.Body)
		}
		return res
	}
	tracked := map[string]bool{}
	for _, u := range demo.Users() {
		tok := h.Token(u)
		if u.Role == domain.RoleAdmin {
			get("/v1/items?limit=3", tok)
		}
		get("/v1/stations", tok)
		get("/v1/rates", tok)
		for path := "/v1/shipments?limit=2"; path != ""; {
			var page struct {
				Shipments []struct {
					Waybill string `json:"waybill"`
				} `json:"shipments"`
				NextCursor string `json:"next_cursor"`
			}
			get(path, tok).JSON(t, &page)
			for _, sh := range page.Shipments {
				get("/v1/shipments/"+sh.Waybill, tok)
				if !tracked[sh.Waybill] { // the public rate limit allows a burst of 20
					tracked[sh.Waybill] = true
					get("/v1/tracking/"+sh.Waybill+"?tenant="+demo.Tenant, "")
				}
			}
			path = ""
			if page.NextCursor != "" {
				path = "/v1/shipments?limit=2&cursor=" + url.QueryEscape(page.NextCursor)
			}
		}
	}
	if len(tracked) < 5 {
		t.Errorf("the demo users saw %d shipments, want the demo journeys", len(tracked))
	}
}
