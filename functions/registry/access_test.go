package registry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/console"
	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// The callers of the access matrix: nobody, each role in tenant t1 (the
// customer owns the shipments the requests name), another customer of t1,
// and the admin of another tenant, t2.
const (
	anon = iota
	owner
	otherCustomer
	courier
	operator
	admin
	outsider
	callers
)

var principals = [callers]domain.Principal{
	owner:         {Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer},
	otherCustomer: {Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer},
	courier:       {Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: storetest.OriginStation},
	operator:      {Tenant: "t1", Subject: "operator-1", Role: domain.RoleOperator, Station: storetest.OriginStation},
	admin:         {Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin},
	outsider:      {Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin},
}

// Outcome classes: 2 is any 2xx.
const ok = 2

// access is the expected outcome of every route for every caller, in the
// order anon, owner, other customer, courier, operator, admin, outsider.
// A route of the manifest missing here fails the test.
var access = map[string][callers]int{
	"POST /v1/shipments":                   {401, ok, ok, 403, ok, ok, ok},
	"GET /v1/shipments/{waybill}":          {401, ok, 404, ok, ok, ok, 404},
	"GET /v1/shipments":                    {401, ok, ok, ok, ok, ok, ok},
	"POST /v1/shipments/{waybill}/scans":   {401, 403, 403, ok, ok, ok, 404},
	"POST /v1/shipments/{waybill}/receipt": {401, ok, 404, 403, 403, ok, 404},
	"POST /v1/shipments/{waybill}/cancel":  {401, ok, 404, 403, 403, ok, 404},
	"POST /v1/shipments/{waybill}/images":  {401, ok, 404, ok, ok, ok, 404},
	"GET /v1/shipments/{waybill}/images":   {401, ok, 404, ok, ok, ok, 404},
	"GET /v1/tracking/{waybill}":           {ok, ok, ok, ok, ok, ok, ok},
	"PUT /v1/stations/{code}":              {401, 403, 403, 403, 403, ok, ok},
	"GET /v1/stations":                     {401, ok, ok, ok, ok, ok, ok},
	"GET /v1/items":                        {401, 403, 403, 403, 403, ok, ok},
	"POST /v1/quotes":                      {401, ok, ok, ok, ok, ok, ok},
	"GET /v1/rates":                        {401, ok, ok, ok, ok, ok, ok},
	"PUT /v1/rates/{service_level}/{zone}": {401, 403, 403, 403, 403, ok, ok},
	"POST /v1/webhooks":                    {401, 403, 403, 403, 403, ok, ok},
	"GET /v1/webhooks":                     {401, 403, 403, 403, 403, ok, ok},
	"DELETE /v1/webhooks/{id}":             {401, 403, 403, 403, 403, ok, 404},
	"POST /v1/webhooks/{id}/rotate-secret": {401, 403, 403, 403, 403, ok, 404},
	"POST /v1/webhooks/{id}/enable":        {401, 403, 403, 403, 403, ok, 404},
	"POST /v1/webhook-events/{id}/replay":  {401, 403, 403, 403, 403, ok, 404},
	"GET /v1/reports/daily":                {401, 403, 403, 403, ok, ok, ok},
	"GET /{$}":                             {ok, ok, ok, ok, ok, ok, ok},
	"GET /track/{waybill}":                 {ok, ok, ok, ok, ok, ok, ok},
	"GET /assets/{version}/{file}":         {ok, ok, ok, ok, ok, ok, ok},
}

// request builds a call of route by caller on a fresh fixture, so that
// every call that is allowed can succeed.
func request(t *testing.T, st *store.Store, route string, who int) apptest.Request {
	t.Helper()
	fresh := func(status domain.Status) string {
		return string(storetest.ShipmentIn(t, st, "t1", status).Waybill)
	}
	method, path, _ := strings.Cut(route, " ")
	r := apptest.Request{Method: method}
	switch route {
	case "POST /v1/shipments":
		body := shipmentBody()
		if who != owner && who != otherCustomer {
			body["customer_id"] = "cust-1"
		}
		r.Path, r.Body = path, body
	case "GET /v1/shipments/{waybill}":
		r.Path = "/v1/shipments/" + fresh(domain.StatusCreated)
	case "POST /v1/shipments/{waybill}/scans":
		r.Path = "/v1/shipments/" + fresh(domain.StatusCreated) + "/scans"
		r.Body = map[string]any{"type": "pickup", "station": storetest.OriginStation}
	case "POST /v1/shipments/{waybill}/receipt":
		r.Path = "/v1/shipments/" + fresh(domain.StatusDelivered) + "/receipt"
	case "POST /v1/shipments/{waybill}/cancel":
		r.Path = "/v1/shipments/" + fresh(domain.StatusCreated) + "/cancel"
	case "GET /v1/shipments/{waybill}/images":
		r.Path = "/v1/shipments/" + fresh(domain.StatusCreated) + "/images"
	case "GET /{$}":
		r.Path = "/"
	case "GET /track/{waybill}":
		r.Path = "/track/" + fresh(domain.StatusCreated)
	case "GET /assets/{version}/{file}":
		site, err := console.Load()
		if err != nil {
			t.Fatal(err)
		}
		r.Path = "/assets/" + site.Version() + "/app.js"
	case "POST /v1/shipments/{waybill}/images":
		r.Path = "/v1/shipments/" + fresh(domain.StatusCreated) + "/images"
		r.Body = map[string]any{"kind": "label", "content_type": "image/jpeg"}
	case "GET /v1/tracking/{waybill}":
		r.Path = "/v1/tracking/" + fresh(domain.StatusCreated) + "?tenant=t1"
	case "PUT /v1/stations/{code}":
		r.Path = "/v1/stations/NEW-1"
		r.Body = map[string]any{"name": "New", "kind": "outlet", "region": "east", "time_zone": "Asia/Shanghai",
			"address": map[string]any{"province": "浙江省", "city": "杭州市", "detail": "1 号"}}
	case "POST /v1/quotes":
		r.Path = path
		r.Body = map[string]any{"origin_station": storetest.OriginStation, "destination_station": storetest.DestinationStation,
			"service_level": "standard", "items": []any{map[string]any{"quantity": 1, "weight_g": 1200}}}
	case "PUT /v1/rates/{service_level}/{zone}":
		r.Path = "/v1/rates/express/national"
		r.Body = map[string]any{"currency": "CNY", "first_weight_g": 1000, "first_fee": "20.00", "step_g": 500, "step_fee": "5.00"}
	case "GET /v1/reports/daily":
		r.Path = path + "?station=" + storetest.OriginStation
	case "POST /v1/webhooks":
		r.Path, r.Body = path, map[string]any{"url": "https://hooks.example.com/logifn", "event_types": []string{"shipment.status_changed"}}
	case "DELETE /v1/webhooks/{id}":
		r.Path = "/v1/webhooks/" + webhookFixture(t, st, true)
	case "POST /v1/webhooks/{id}/rotate-secret", "POST /v1/webhooks/{id}/enable":
		r.Path = strings.Replace(path, "{id}", webhookFixture(t, st, false), 1)
	case "POST /v1/webhook-events/{id}/replay":
		webhookFixture(t, st, false) // an enabled subscriber
		sh := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		events, err := st.WebhookEvents(context.Background(), "t1", sh.ID)
		if err != nil || len(events) == 0 {
			t.Fatalf("webhook events of a new shipment: %v, %v", events, err)
		}
		r.Path = "/v1/webhook-events/" + events[0].ID + "/replay"
	default:
		r.Path = path
	}
	return r
}

func shipmentBody() map[string]any {
	party := map[string]any{"name": "张三", "phone": "13800000001",
		"address": map[string]any{"province": "上海市", "city": "上海市", "detail": "世纪大道 100 号"}}
	return map[string]any{"sender": party, "receiver": party,
		"origin_station": storetest.OriginStation, "destination_station": storetest.DestinationStation,
		"items": []any{map[string]any{"name": "book", "quantity": 1, "weight_g": 300}}}
}

// TestAccessMatrix calls every route of the manifest as every caller and
// checks the outcome against the table.
func TestAccessMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// t2 has stations of the same codes, so its admin is refused for
		// not owning t1's shipments, not for a missing station.
		storetest.ShipmentIn(t, st, "t2", domain.StatusCreated)
		storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		h := apptest.New(t, st, registry.All()...)
		seen := map[string]bool{}
		for _, spec := range registry.All() {
			for _, route := range spec.Routes {
				key := route.Pattern()
				seen[key] = true
				want, listed := access[key]
				if !listed {
					t.Errorf("route %s of %s has no row in the access table", key, spec.Name)
					continue
				}
				for who := anon; who < callers; who++ {
					r := request(t, st, key, who)
					if who != anon {
						r.Token = h.Token(principals[who])
					}
					res := h.Do(r)
					got := res.Status
					if got/100 == 2 {
						got = ok
					}
					if got != want[who] {
						t.Errorf("%s as %s: got %d, want %d\n%s", key, name(who), res.Status, want[who], res.Body)
					}
				}
			}
		}
		for key := range access {
			if !seen[key] {
				t.Errorf("access table names %s, which no function serves", key)
			}
		}
	})
}

func name(who int) string {
	if who == anon {
		return "anonymous"
	}
	p := principals[who]
	return p.Tenant + "/" + string(p.Role) + "/" + p.Subject
}

// webhookFixture returns the id of a webhook endpoint of t1 subscribed to
// status changes: a new one when fresh, else the first there is.
func webhookFixture(t *testing.T, st *store.Store, fresh bool) string {
	t.Helper()
	ctx := context.Background()
	if !fresh {
		if list, err := st.WebhookEndpoints(ctx, "t1"); err == nil && len(list) > 0 {
			return list[0].ID
		}
	}
	e := &webhook.Endpoint{Tenant: "t1", URL: "https://hooks.example.com/fixture", Secret: "whsec_fixture",
		EventTypes: []webhook.EventType{webhook.EventStatusChanged}}
	if err := st.CreateWebhookEndpoint(ctx, e); err != nil {
		t.Fatal(err)
	}
	return e.ID
}
