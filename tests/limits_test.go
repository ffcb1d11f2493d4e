package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/openapi/openapitest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestPublicTrackingResistsEnumeration walks public tracking as someone
// guessing waybill numbers would: numbers with a wrong check digit are
// refused before any database work, a valid number of another tenant
// answers exactly as a number never issued, and a burst from one address
// is limited with 429 and Retry-After.
func TestPublicTrackingResistsEnumeration(t *testing.T) {
	skipShort(t)
	t.Run("wrong check digits never reach the database", func(t *testing.T) {
		// A database that is never there: any query would answer 503.
		st, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: "root@tcp(127.0.0.1:1)/logifn"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		h := apptest.New(t, st, registry.All()...)
		for serial := int64(1); serial <= 15; serial++ {
			wb, err := domain.NewWaybill(serial)
			if err != nil {
				continue // no check digit for this serial
			}
			wrong := string(wb[:len(wb)-1]) + string(rune('0'+(wb[len(wb)-1]-'0'+1)%10))
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + wrong + "?tenant=t1"})
			if e := res.Err(t, http.StatusBadRequest); e.Error.Code != "invalid_waybill" {
				t.Errorf("%s: code %q, want invalid_waybill", wrong, e.Error.Code)
			}
		}
	})
	t.Run("another tenant's number looks unknown", func(t *testing.T) {
		st := storetest.SQLite(t)
		storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		var foreign domain.Waybill
		for range 3 {
			foreign = storetest.ShipmentIn(t, st, "t2", domain.StatusInTransit).Waybill
		}
		if _, err := st.ShipmentByWaybill(context.Background(), "t1", foreign); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("%s is t1's too (%v): pick a number only t2 has", foreign, err)
		}
		unknown, err := domain.NewWaybill(foreign.Serial() + 40)
		if err != nil {
			unknown, _ = domain.NewWaybill(foreign.Serial() + 41)
		}
		h := apptest.New(t, st, registry.All()...)
		admin := h.Token(domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin})
		for _, tt := range []struct{ name, path, token string }{
			{"public tracking", "/v1/tracking/%s?tenant=t1", ""},
			{"get as t1's admin", "/v1/shipments/%s", admin},
		} {
			get := func(wb domain.Waybill) *apptest.Response {
				return h.Do(apptest.Request{Method: "GET", Path: fmt.Sprintf(tt.path, wb), Token: tt.token})
			}
			a, b := get(foreign), get(unknown)
			a.Err(t, http.StatusNotFound)
			b.Err(t, http.StatusNotFound)
			if sa, sb := sameShape(a, string(foreign)), sameShape(b, string(unknown)); sa != sb {
				t.Errorf("%s: another tenant's number answers\n%s\nan unknown one\n%s", tt.name, sa, sb)
			}
		}
	})
	t.Run("a burst is limited", func(t *testing.T) {
		h := apptest.New(t, storetest.SQLite(t), registry.All()...)
		wb, _ := domain.NewWaybill(1)
		limited := 0
		for i := range 40 {
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/tracking/" + string(wb) + "?tenant=t1"})
			if res.Status != http.StatusTooManyRequests {
				continue
			}
			limited++
			if e := res.Err(t, http.StatusTooManyRequests); e.Error.Code != "rate_limited" || res.Header.Get("Retry-After") == "" {
				t.Errorf("request %d: 429 %q without Retry-After %q", i, e.Error.Code, res.Header.Get("Retry-After"))
			}
			if i < 20 {
				t.Errorf("request %d of a burst limited, want the first 20 served", i)
			}
		}
		if limited == 0 {
			t.Error("40 tracking requests from one address in a burst, none limited")
		}
	})
}

// sameShape renders an answer without what must differ between two
// requests: the waybill asked for, the request id and the date.
func sameShape(res *apptest.Response, wb string) string {
	h := res.Header.Clone()
	h.Del("X-Request-Id")
	h.Del("Date")
	var e apptest.ErrorBody
	json.Unmarshal(res.Body, &e)
	e.RequestID = ""
	body, _ := json.Marshal(e)
	return fmt.Sprintf("%d %v %s", res.Status, h, strings.ReplaceAll(string(body), wb, "<waybill>"))
}

// TestEveryMutatingRouteLimitsItsBody sends each mutating route of the
// manifest a body one byte over the limit, with its length announced and
// without: each answers 413 before its handler reads it.
func TestEveryMutatingRouteLimitsItsBody(t *testing.T) {
	skipShort(t)
	st := storetest.SQLite(t)
	fx := newHostileFixture(t, st)
	h := apptest.New(t, st, registry.All()...)
	tok := h.Token(domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin})
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	limit := int(h.Deps.Config.MaxBodyBytes)
	huge := `{"x":"` + strings.Repeat("a", limit) + `"}`
	for _, spec := range registry.All() {
		for _, route := range spec.Routes {
			if !route.Mutating() {
				continue
			}
			path := fillPath(route.Path, fx.pathParams(route.Pattern()), "", "")
			for _, chunked := range []bool{false, true} {
				var body io.Reader = strings.NewReader(huge)
				if chunked {
					body = io.MultiReader(body) // no length: read until the limit trips
				}
				req := httptest.NewRequest(route.Method, path, body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				h.Handler.ServeHTTP(rec, req)
				res := &apptest.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
				if op := operation(doc, route); chunked && op != nil && op.RequestBody == nil {
					// A route that takes no body never reads one: nothing to limit.
					if res.Status >= 500 {
						t.Errorf("%s with an unread chunked body: %d %s", route.Pattern(), res.Status, res.Body)
					}
					continue
				}
				if e := res.Err(t, http.StatusRequestEntityTooLarge); e.Error.Code != "body_too_large" {
					t.Errorf("%s (chunked %v): code %q, want body_too_large", route.Pattern(), chunked, e.Error.Code)
				}
			}
		}
	}
}
