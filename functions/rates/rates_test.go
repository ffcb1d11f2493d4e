package rates_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/quote"
	"github.com/logifn/logifn/functions/rates"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	customer = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	courier  = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: "SHA"}
	operator = domain.Principal{Tenant: "t1", Subject: "operator-1", Role: domain.RoleOperator, Station: "SHA"}
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	stranger = domain.Principal{Tenant: "t2", Subject: "admin-9", Role: domain.RoleAdmin}
)

const path = "/v1/rates/standard/local"

// card returns a valid PUT body as a map tests can spoil: 2 kg 9.50, then
// 1.20 per 1000 g.
func card() map[string]any {
	return map[string]any{"currency": "CNY", "first_weight_g": 2000, "first_fee": "9.50", "step_g": 1000, "step_fee": "1.20"}
}

func list(t *testing.T, h *apptest.Harness, who domain.Principal) []domain.RateCard {
	t.Helper()
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/rates", Token: h.Token(who)})
	if res.Status != http.StatusOK {
		t.Fatalf("GET /v1/rates as %s = %d: %s", who.Role, res.Status, res.Body)
	}
	var l rates.List
	res.JSON(t, &l)
	return l.RateCards
}

func TestListDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, rates.Spec())
		for _, who := range []domain.Principal{customer, courier, operator, admin} {
			if got := list(t, h, who); !reflect.DeepEqual(got, domain.DefaultRateCards()) {
				t.Errorf("%s sees %+v, want the defaults", who.Role, got)
			}
		}
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/rates", Token: h.Token(customer)})
		first := `{"rate_cards":[{"service_level":"standard","zone":"local","currency":"CNY","first_weight_g":1000,"first_fee":"8.00","step_g":500,"step_fee":"1.00"},`
		if !strings.HasPrefix(string(res.Body), first) {
			t.Errorf("body = %s, want it to start %s", res.Body, first)
		}
	})
}

func TestPutCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, rates.Spec())
		res := h.Do(apptest.Request{Method: "PUT", Path: path, Token: h.Token(admin), Body: card()})
		const want = `{"service_level":"standard","zone":"local","currency":"CNY","first_weight_g":2000,"first_fee":"9.50","step_g":1000,"step_fee":"1.20"}`
		if res.Status != http.StatusOK || strings.TrimSpace(string(res.Body)) != want {
			t.Fatalf("PUT = %d %s, want 200 %s", res.Status, res.Body, want)
		}
		// The same PUT again is a no-op that answers the same.
		again := h.Do(apptest.Request{Method: "PUT", Path: path, Token: h.Token(admin), Body: card()})
		if again.Status != http.StatusOK || string(again.Body) != string(res.Body) {
			t.Errorf("second PUT = %d %s, want the first answer", again.Status, again.Body)
		}
		wantCards := domain.DefaultRateCards()
		wantCards[0] = domain.RateCard{ServiceLevel: domain.ServiceStandard, Zone: domain.ZoneLocal, Currency: "CNY",
			FirstWeightG: 2000, FirstFee: 950, StepG: 1000, StepFee: 120}
		if got := list(t, h, customer); !reflect.DeepEqual(got, wantCards) {
			t.Errorf("cards after PUT:\n got %+v\nwant %+v", got, wantCards)
		}
		// Another tenant keeps its own defaults.
		if got := list(t, h, stranger); !reflect.DeepEqual(got, domain.DefaultRateCards()) {
			t.Errorf("another tenant sees %+v, want the defaults", got)
		}
		// The currency defaults to CNY, and an amount without decimals is whole yuan.
		b := card()
		delete(b, "currency")
		b["first_fee"] = "10"
		res = h.Do(apptest.Request{Method: "PUT", Path: "/v1/rates/express/national", Token: h.Token(admin), Body: b})
		var got domain.RateCard
		res.JSON(t, &got)
		if res.Status != http.StatusOK || got.Currency != "CNY" || got.FirstFee != 1000 || got.Zone != domain.ZoneNational {
			t.Errorf("PUT without currency = %d %+v", res.Status, got)
		}
	})
}

func TestPutIdempotencyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, rates.Spec())
		key := map[string]string{"Idempotency-Key": "rates-1"}
		first := h.Do(apptest.Request{Method: "PUT", Path: path, Token: h.Token(admin), Body: card(), Header: key})
		again := h.Do(apptest.Request{Method: "PUT", Path: path, Token: h.Token(admin), Body: card(), Header: key})
		if first.Status != 200 || again.Status != 200 || string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay = %d %s (replayed %q), want the first answer %d %s", again.Status, again.Body,
				again.Header.Get("Idempotent-Replayed"), first.Status, first.Body)
		}
		other := card()
		other["step_fee"] = "2.00"
		res := h.Do(apptest.Request{Method: "PUT", Path: path, Token: h.Token(admin), Body: other, Header: key})
		if e := res.Err(t, 422); e.Error.Code != "idempotency_key_reused" {
			t.Errorf("code = %s, want idempotency_key_reused", e.Error.Code)
		}
	})
}

func TestPutBadInputChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, rates.Spec())
		spoil := func(f func(b map[string]any)) map[string]any { b := card(); f(b); return b }
		tests := []struct {
			name   string
			path   string
			token  string
			body   any
			status int
			code   string
			field  string
		}{
			{"malformed JSON", path, h.Token(admin), `{"first_fee":`, 400, "malformed_json", ""},
			{"unknown field", path, h.Token(admin), spoil(func(b map[string]any) { b["zone"] = "local" }), 400, "unknown_field", "zone"},
			{"fee as a number", path, h.Token(admin), spoil(func(b map[string]any) { b["first_fee"] = 9.5 }), 400, "wrong_type", "first_fee"},
			{"fee finer than a fen", path, h.Token(admin), spoil(func(b map[string]any) { b["first_fee"] = "9.505" }), 422, "validation_failed", "first_fee"},
			{"negative fee", path, h.Token(admin), spoil(func(b map[string]any) { b["step_fee"] = "-1.00" }), 422, "validation_failed", "step_fee"},
			{"no fee", path, h.Token(admin), spoil(func(b map[string]any) { delete(b, "step_fee") }), 422, "validation_failed", "step_fee"},
			{"no step", path, h.Token(admin), spoil(func(b map[string]any) { delete(b, "step_g") }), 422, "validation_failed", "step_g"},
			{"unknown currency", path, h.Token(admin), spoil(func(b map[string]any) { b["currency"] = "XBT" }), 422, "validation_failed", "currency"},
			{"unknown service level", "/v1/rates/overnight/local", h.Token(admin), card(), 422, "validation_failed", "service_level"},
			{"unknown zone", "/v1/rates/standard/moon", h.Token(admin), card(), 422, "validation_failed", "zone"},
			{"no token", path, "", card(), 401, "missing_token", ""},
			{"customer", path, h.Token(customer), card(), 403, "forbidden", ""},
			{"courier", path, h.Token(courier), card(), 403, "forbidden", ""},
			{"operator", path, h.Token(operator), card(), 403, "forbidden", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.Do(apptest.Request{Method: "PUT", Path: tt.path, Token: tt.token, Body: tt.body})
				e := res.Err(t, tt.status)
				if e.Error.Code != tt.code {
					t.Errorf("code = %s, want %s (%s)", e.Error.Code, tt.code, res.Body)
				}
				if tt.field != "" && !hasField(e, tt.field) {
					t.Errorf("details %+v lack field %s", e.Error.Details, tt.field)
				}
				if got := list(t, h, admin); !reflect.DeepEqual(got, domain.DefaultRateCards()) {
					t.Errorf("cards changed by a rejected request: %+v", got)
				}
			})
		}
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/rates"})
		if e := res.Err(t, 401); e.Error.Code != "missing_token" {
			t.Errorf("GET without token: code %s, want missing_token", e.Error.Code)
		}
	})
}

// TestQuoteFollowsPut: a card an admin puts prices the next quote.
func TestQuoteFollowsPut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, code := range []string{"SHA", "SHX"} {
			if _, err := st.PutStation(context.Background(), storetest.Station("t1", code)); err != nil {
				t.Fatal(err)
			}
		}
		h := apptest.New(t, st, rates.Spec(), quote.Spec())
		ask := map[string]any{"origin_station": "SHA", "destination_station": "SHX",
			"items": []any{map[string]any{"quantity": 1, "weight_g": 3500}}}
		fee := func() string {
			res := h.Do(apptest.Request{Method: "POST", Path: "/v1/quotes", Token: h.Token(customer), Body: ask})
			var q domain.Quote
			res.JSON(t, &q)
			return q.Fee.String()
		}
		if got := fee(); got != "13.00" { // 8.00 + 5 × 1.00 for 3500 g
			t.Errorf("fee on the default card = %s, want 13.00", got)
		}
		if res := h.Do(apptest.Request{Method: "PUT", Path: path, Token: h.Token(admin), Body: card()}); res.Status != 200 {
			t.Fatalf("PUT = %d %s", res.Status, res.Body)
		}
		if got := fee(); got != "11.90" { // 9.50 + 2 × 1.20 for 3500 g
			t.Errorf("fee on the tenant's card = %s, want 11.90", got)
		}
	})
}

func hasField(e apptest.ErrorBody, field string) bool {
	for _, d := range e.Error.Details {
		if d.Field == field {
			return true
		}
	}
	return false
}
