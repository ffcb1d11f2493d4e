package quote_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/quote"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	customer = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	courier  = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: "SHA"}
	operator = domain.Principal{Tenant: "t1", Subject: "operator-1", Role: domain.RoleOperator, Station: "PEK"}
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	stranger = domain.Principal{Tenant: "t2", Subject: "cust-9", Role: domain.RoleCustomer}
)

// setup creates stations SHA (Shanghai, east), HGH (Hangzhou, east) and PEK
// (Beijing, north) in tenants t1 and t2 and serves quote on st.
func setup(t *testing.T, st *store.Store) *apptest.Harness {
	t.Helper()
	for _, tenant := range []string{"t1", "t2"} {
		for _, s := range []struct{ code, region, province, city string }{
			{"SHA", "east", "上海市", "上海市"},
			{"HGH", "east", "浙江省", "杭州市"},
			{"PEK", "north", "北京市", "北京市"},
		} {
			station := storetest.Station(tenant, s.code)
			station.Region, station.Address.Province, station.Address.City = s.region, s.province, s.city
			if _, err := st.PutStation(context.Background(), station); err != nil {
				t.Fatal(err)
			}
		}
	}
	return apptest.New(t, st, quote.Spec())
}

// body returns a quote request as a map tests can spoil: two boxes of
// 1300 g, 400×300×200 mm, from Shanghai to Beijing.
func body() map[string]any {
	return map[string]any{
		"origin_station":      "SHA",
		"destination_station": "PEK",
		"service_level":       "standard",
		"items": []any{
			map[string]any{"quantity": 2, "weight_g": 1300, "length_mm": 400, "width_mm": 300, "height_mm": 200},
		},
	}
}

// TestQuoteKnownAnswer: 2 × 1300 g = 2600 g actual; 2 × 400×300×200 mm /
// 6000 = 8000 g volumetric, which wins; standard national is 12.00 for the
// first 1000 g and 3.00 for each of the 14 further 500 g steps: 54.00.
func TestQuoteKnownAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/quotes", Token: h.Token(customer), Body: body()})
		if res.Status != http.StatusOK {
			t.Fatalf("status = %d, want 200: %s", res.Status, res.Body)
		}
		const want = `{"origin_station":"SHA","destination_station":"PEK","service_level":"standard","zone":"national",` +
			`"actual_weight_g":2600,"volumetric_weight_g":8000,"chargeable_weight_g":8000,"fee":{"amount":"54.00","currency":"CNY"},` +
			`"rate_card":{"service_level":"standard","zone":"national","currency":"CNY","first_weight_g":1000,"first_fee":"12.00","step_g":500,"step_fee":"3.00"}}`
		if got := strings.TrimSpace(string(res.Body)); got != want {
			t.Errorf("body =\n%s\nwant\n%s", got, want)
		}
	})
}

func TestQuoteCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		with := func(f func(b map[string]any)) map[string]any { b := body(); f(b); return b }
		item := func(b map[string]any) map[string]any { return b["items"].([]any)[0].(map[string]any) }
		tests := []struct {
			name                           string
			who                            domain.Principal
			body                           map[string]any
			zone                           domain.Zone
			level                          domain.ServiceLevel
			actual, volumetric, chargeable int64
			fee                            string
		}{
			{"customer", customer, body(), domain.ZoneNational, domain.ServiceStandard, 2600, 8000, 8000, "54.00"},
			{"courier", courier, body(), domain.ZoneNational, domain.ServiceStandard, 2600, 8000, 8000, "54.00"},
			{"operator", operator, body(), domain.ZoneNational, domain.ServiceStandard, 2600, 8000, 8000, "54.00"},
			{"admin", admin, body(), domain.ZoneNational, domain.ServiceStandard, 2600, 8000, 8000, "54.00"},
			// 2600 g actual wins: 4 steps over the first 1000 g; express regional 15.00 + 4 × 3.00.
			{"actual weight wins, express regional", customer, with(func(b map[string]any) {
				b["destination_station"], b["service_level"] = "HGH", "express"
				delete(item(b), "length_mm")
				delete(item(b), "width_mm")
				delete(item(b), "height_mm")
			}), domain.ZoneRegional, domain.ServiceExpress, 2600, 0, 3000, "27.00"},
			{"no service level is standard, same station is local", customer, with(func(b map[string]any) {
				b["destination_station"] = "SHA"
				delete(b, "service_level")
			}), domain.ZoneLocal, domain.ServiceStandard, 2600, 8000, 8000, "22.00"},
			{"exactly the first weight", customer, with(func(b map[string]any) {
				b["items"] = []any{map[string]any{"quantity": 4, "weight_g": 250}}
			}), domain.ZoneNational, domain.ServiceStandard, 1000, 0, 1000, "12.00"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.Do(apptest.Request{Method: "POST", Path: "/v1/quotes", Token: h.Token(tt.who), Body: tt.body})
				if res.Status != http.StatusOK {
					t.Fatalf("status = %d, want 200: %s", res.Status, res.Body)
				}
				var q domain.Quote
				res.JSON(t, &q)
				if q.Zone != tt.zone || q.ServiceLevel != tt.level || q.ActualWeightG != tt.actual ||
					q.VolumetricWeightG != tt.volumetric || q.ChargeableWeightG != tt.chargeable || q.Fee.String() != tt.fee {
					t.Errorf("got %s %s weights %d/%d/%d fee %s; want %s %s %d/%d/%d %s", q.Zone, q.ServiceLevel,
						q.ActualWeightG, q.VolumetricWeightG, q.ChargeableWeightG, q.Fee, tt.zone, tt.level, tt.actual, tt.volumetric, tt.chargeable, tt.fee)
				}
			})
		}
	})
}

// TestQuoteUsesTheTenantsCard: t1's own card prices t1's quotes; t2, with
// the same stations, still gets the defaults.
func TestQuoteUsesTheTenantsCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		own := domain.RateCard{ServiceLevel: domain.ServiceStandard, Zone: domain.ZoneNational, Currency: "CNY",
			FirstWeightG: 5000, FirstFee: 3000, StepG: 1000, StepFee: 1500}
		if err := st.PutRateCard(context.Background(), "t1", own); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who  domain.Principal
			want string
		}{
			{customer, "75.00"}, // 30.00 + 3 × 15.00 for 8000 g
			{stranger, "54.00"},
		} {
			res := h.Do(apptest.Request{Method: "POST", Path: "/v1/quotes", Token: h.Token(tc.who), Body: body()})
			var q domain.Quote
			res.JSON(t, &q)
			if res.Status != http.StatusOK || q.Fee.String() != tc.want {
				t.Errorf("tenant %s: got %d fee %s, want 200 %s: %s", tc.who.Tenant, res.Status, q.Fee, tc.want, res.Body)
			}
		}
	})
}

func TestQuoteBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		spoil := func(f func(b map[string]any)) map[string]any { b := body(); f(b); return b }
		item := func(b map[string]any) map[string]any { return b["items"].([]any)[0].(map[string]any) }
		tests := []struct {
			name   string
			token  string
			body   any
			status int
			code   string
			field  string
		}{
			{"malformed JSON", h.Token(customer), `{"items": [`, 400, "malformed_json", ""},
			{"unknown field", h.Token(customer), spoil(func(b map[string]any) { b["currency"] = "CNY" }), 400, "unknown_field", "currency"},
			{"item name is not asked for", h.Token(customer), spoil(func(b map[string]any) { item(b)["name"] = "box" }), 400, "unknown_field", "name"},
			{"wrong type", h.Token(customer), spoil(func(b map[string]any) { item(b)["weight_g"] = "1.3kg" }), 400, "wrong_type", "items.weight_g"},
			{"no items", h.Token(customer), spoil(func(b map[string]any) { delete(b, "items") }), 422, "validation_failed", "items"},
			{"no weight", h.Token(customer), spoil(func(b map[string]any) { delete(item(b), "weight_g") }), 422, "validation_failed", "items[0].weight_g"},
			{"negative quantity", h.Token(customer), spoil(func(b map[string]any) { item(b)["quantity"] = -1 }), 422, "validation_failed", "items[0].quantity"},
			{"two sizes of three", h.Token(customer), spoil(func(b map[string]any) { delete(item(b), "height_mm") }), 422, "validation_failed", "items[0].height_mm"},
			{"unknown service level", h.Token(customer), spoil(func(b map[string]any) { b["service_level"] = "overnight" }), 422, "validation_failed", "service_level"},
			{"bad station code", h.Token(customer), spoil(func(b map[string]any) { b["origin_station"] = "sha 1" }), 422, "validation_failed", "origin_station"},
			{"unknown station", h.Token(customer), spoil(func(b map[string]any) { b["destination_station"] = "CAN" }), 422, "validation_failed", "destination_station"},
			{"no token", "", body(), 401, "missing_token", ""},
			{"bad token", "not-a-token", body(), 401, "invalid_token", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.Do(apptest.Request{Method: "POST", Path: "/v1/quotes", Token: tt.token, Body: tt.body})
				e := res.Err(t, tt.status)
				if e.Error.Code != tt.code {
					t.Errorf("code = %s, want %s (%s)", e.Error.Code, tt.code, res.Body)
				}
				if tt.field != "" && !hasField(e, tt.field) {
					t.Errorf("details %+v lack field %s", e.Error.Details, tt.field)
				}
			})
		}
		// Only POST is a route here: anything else is 405 naming it.
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/quotes", Token: h.Token(customer)})
		if e := res.Err(t, http.StatusMethodNotAllowed); res.Header.Get("Allow") != "POST" {
			t.Errorf("Allow = %q (%s), want POST", res.Header.Get("Allow"), e.Error.Code)
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
