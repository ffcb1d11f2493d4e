package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/openapi/openapitest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// injections are strings that break SQL built by concatenation, or the
// code around it: quotes of every kind, comments, stacked statements,
// backslashes, a NUL byte and a very long string.
var injections = []string{
	`' OR 1=1 --`,
	`'; DROP TABLE shipments; --`,
	`" OR ""="`,
	`\'; SELECT 1; -- \`,
	`%' UNION SELECT tenant_id, waybill FROM shipments WHERE '1'='1`,
	"nul\x00byte",
	"‘smart’ “quotes” ＇full－width＇ ʼmodifierʼ",
	`_%\\`,
	strings.Repeat("長'", 3000),
}

// driverLeak matches database and runtime text an error body must never
// carry. Unlike leak, it holds no SQL words: error messages may quote the
// injection that was sent, whole or cut short.
var driverLeak = regexp.MustCompile(`(?i)error 1\d{3}|syntax|sqlstate|sqlite|\[mysql\]|goroutine \d+|\.go:\d+|sql: |near "|unrecognized token|driver`)

// otherTenantMarker is in the other tenant's shipment; no answer to the
// first tenant may carry it.
const otherTenantMarker = "T2-MARKER-秘密"

// hostileFixture is the data every call of the hostile test can name.
type hostileFixture struct {
	created, delivered, foreign string // waybills: t1's, t1's delivered, t2's
	endpoint, event             string // t1's webhook endpoint and event
}

func newHostileFixture(t *testing.T, st *store.Store) hostileFixture {
	t.Helper()
	ctx := context.Background()
	storetest.ShipmentIn(t, st, "t2", domain.StatusCreated)
	foreign := storetest.Shipment("t2")
	foreign.Sender.Name, foreign.Receiver.Address.Detail = otherTenantMarker, otherTenantMarker
	if _, err := st.CreateShipment(ctx, foreign, foreign.CustomerID, ""); err != nil {
		t.Fatal(err)
	}
	e := &webhook.Endpoint{Tenant: "t1", URL: "https://hooks.example.com/hostile", Secret: "whsec_hostile",
		EventTypes: []webhook.EventType{webhook.EventStatusChanged}}
	if err := st.CreateWebhookEndpoint(ctx, e); err != nil {
		t.Fatal(err)
	}
	fx := hostileFixture{
		created:   string(storetest.ShipmentIn(t, st, "t1", domain.StatusCreated).Waybill),
		delivered: string(storetest.ShipmentIn(t, st, "t1", domain.StatusDelivered).Waybill),
		foreign:   string(foreign.Waybill),
		endpoint:  e.ID,
	}
	events, err := st.WebhookEvents(ctx, "t1", mustShipment(t, st, fx.created).ID)
	if err != nil || len(events) == 0 {
		t.Fatalf("webhook events of a new shipment: %v, %v", events, err)
	}
	fx.event = events[0].ID
	return fx
}

func mustShipment(t *testing.T, st *store.Store, wb string) *domain.Shipment {
	t.Helper()
	w, err := domain.ParseWaybill(wb)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := st.ShipmentByWaybill(context.Background(), "t1", w)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// pathParams are valid values of the path parameters, by name.
func (fx hostileFixture) pathParams(route string) map[string]string {
	wb := fx.created
	if strings.HasSuffix(route, "/receipt") {
		wb = fx.delivered
	}
	id := fx.endpoint
	if strings.Contains(route, "webhook-events") {
		id = fx.event
	}
	return map[string]string{"waybill": wb, "code": "NEW-1", "id": id, "service_level": "express", "zone": "national"}
}

// knownBodies are valid bodies of the routes that take one, with every
// optional string field filled, so that each can carry an injection. A
// route missing here gets a body made from its schema in the API document.
func knownBodies() map[string]any {
	addr := func() map[string]any {
		return map[string]any{"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "世纪大道 100 号"}
	}
	party := func() map[string]any {
		return map[string]any{"name": "张三", "phone": "13800000001", "address": addr()}
	}
	return map[string]any{
		"POST /v1/shipments": map[string]any{"sender": party(), "receiver": party(), "customer_id": "cust-1",
			"origin_station": storetest.OriginStation, "destination_station": storetest.DestinationStation, "service_level": "standard",
			"items": []any{map[string]any{"name": "book", "quantity": 1, "weight_g": 300,
				"declared_value": map[string]any{"amount": "12.50", "currency": "CNY"}}}},
		"POST /v1/shipments/{waybill}/scans":  map[string]any{"type": "pickup", "station": storetest.OriginStation, "note": "at the door"},
		"POST /v1/shipments/{waybill}/images": map[string]any{"kind": "label", "content_type": "image/jpeg"},
		"PUT /v1/stations/{code}": map[string]any{"name": "New", "kind": "outlet", "region": "east", "time_zone": "Asia/Shanghai",
			"address": map[string]any{"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "1 号"}},
		"POST /v1/quotes": map[string]any{"origin_station": storetest.OriginStation, "destination_station": storetest.DestinationStation,
			"service_level": "standard", "items": []any{map[string]any{"quantity": 1, "weight_g": 1200}}},
		"PUT /v1/rates/{service_level}/{zone}": map[string]any{"currency": "CNY", "first_weight_g": 1000, "first_fee": "20.00", "step_g": 500, "step_fee": "5.00"},
		"POST /v1/webhooks":                    map[string]any{"url": "https://hooks.example.com/logifn", "event_types": []any{"shipment.status_changed"}, "description": "ops"},
	}
}

// hostileCall is one request of the hostile test: a route with one place
// (a body field, a path or query parameter) holding an injection.
type hostileCall struct {
	route, place, value string
	req                 apptest.Request
	bodyPath            []string // the field, when the place is in the body
}

// hostileCalls builds every call: each route of the manifest, each string
// of its body, each path parameter and each documented query parameter,
// with each injection.
func hostileCalls(t *testing.T, doc *openapi3.T, fx hostileFixture, tok string) []hostileCall {
	t.Helper()
	bodies := knownBodies()
	var calls []hostileCall
	for _, spec := range registry.All() {
		for _, route := range spec.Routes {
			key := route.Pattern()
			op := operation(doc, route)
			params := fx.pathParams(key)
			path := fillPath(route.Path, params, "", "")
			var body any
			if route.Mutating() {
				body = bodies[key]
				if body == nil {
					body = exampleBody(op)
				}
			}
			base := apptest.Request{Method: route.Method, Path: path + defaultQuery(key), Token: tok, Body: body}
			for _, v := range injections {
				for _, name := range pathParamNames(route.Path) {
					r := base
					r.Path = fillPath(route.Path, params, name, v) + defaultQuery(key)
					calls = append(calls, hostileCall{route: key, place: "path " + name, value: v, req: r})
				}
				for _, name := range queryParamNames(op) {
					q := url.Values{}
					q.Set(name, v)
					if name != "tenant" && strings.Contains(key, "/tracking/") {
						q.Set("tenant", "t1")
					}
					r := base
					r.Path = path + "?" + q.Encode()
					calls = append(calls, hostileCall{route: key, place: "query " + name, value: v, req: r})
				}
				for _, field := range stringFields(body, nil) {
					r := base
					r.Body = withString(body, field, v)
					calls = append(calls, hostileCall{route: key, place: "body " + strings.Join(field, "."), value: v, req: r, bodyPath: field})
				}
			}
		}
	}
	return calls
}

// defaultQuery is the query a route needs to succeed at all.
func defaultQuery(route string) string {
	switch {
	case strings.Contains(route, "/tracking/"):
		return "?tenant=t1"
	case strings.Contains(route, "/reports/daily"):
		return "?station=" + storetest.OriginStation
	}
	return ""
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func pathParamNames(path string) []string {
	var names []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	return names
}

// fillPath fills path's parameters from params, except the one named
// hostile, which gets value.
func fillPath(path string, params map[string]string, hostile, value string) string {
	return pathParam.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		if name == hostile {
			return url.PathEscape(value)
		}
		if v, ok := params[name]; ok {
			return v
		}
		return "x"
	})
}

// operation returns the API document's operation of route, or nil for a
// route it does not describe.
func operation(doc *openapi3.T, route app.Route) *openapi3.Operation {
	item := doc.Paths.Value(route.Path)
	if item == nil {
		return nil
	}
	return item.GetOperation(route.Method)
}

func queryParamNames(op *openapi3.Operation) []string {
	if op == nil {
		return nil
	}
	var names []string
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			names = append(names, p.Value.Name)
		}
	}
	sort.Strings(names)
	return names
}

// exampleBody makes a body for op from its JSON schema: every property,
// each with its example, its first enum value or a plain value of its type.
func exampleBody(op *openapi3.Operation) any {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return exampleOf(mt.Schema.Value, 0)
}

func exampleOf(s *openapi3.Schema, depth int) any {
	switch {
	case s == nil || depth > 6:
		return nil
	case s.Example != nil:
		return s.Example
	case len(s.Enum) > 0:
		return s.Enum[0]
	case len(s.AllOf) > 0:
		return exampleOf(s.AllOf[0].Value, depth+1)
	case len(s.OneOf) > 0:
		return exampleOf(s.OneOf[0].Value, depth+1)
	}
	switch {
	case s.Type.Is("object"):
		m := map[string]any{}
		for name, p := range s.Properties {
			m[name] = exampleOf(p.Value, depth+1)
		}
		return m
	case s.Type.Is("array"):
		if s.Items == nil {
			return []any{}
		}
		return []any{exampleOf(s.Items.Value, depth+1)}
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 1
	case s.Type.Is("boolean"):
		return false
	}
	return "x"
}

// stringFields returns the paths of every string in v, a decoded JSON value.
func stringFields(v any, at []string) [][]string {
	switch v := v.(type) {
	case string:
		return [][]string{slices.Clone(at)}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out [][]string
		for _, k := range keys {
			out = append(out, stringFields(v[k], append(at, k))...)
		}
		return out
	case []any:
		var out [][]string
		for i, x := range v {
			out = append(out, stringFields(x, append(at, fmt.Sprint(i)))...)
		}
		return out
	}
	return nil
}

// withString returns a deep copy of v with the string at path set to s.
func withString(v any, path []string, s string) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	if len(path) == 0 {
		return s
	}
	cur := out
	for i, k := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[k] = s
			}
			cur = c[k]
		case []any:
			var n int
			fmt.Sscan(k, &n)
			if last {
				c[n] = s
			}
			cur = c[n]
		}
	}
	return out
}

// lookup returns the value at path in v, a decoded JSON value.
func lookup(v any, path []string) (any, bool) {
	for _, k := range path {
		switch c := v.(type) {
		case map[string]any:
			x, ok := c[k]
			if !ok {
				return nil, false
			}
			v = x
		case []any:
			var n int
			fmt.Sscan(k, &n)
			if n >= len(c) {
				return nil, false
			}
			v = c[n]
		default:
			return nil, false
		}
	}
	return v, true
}

// TestHostileInputNeverReachesSQL sends injections in every string field
// of every mutating route's body, every path parameter and every query
// parameter of the manifest's routes, on SQLite and MySQL. Each must be
// refused with a 4xx JSON error or stored as it was sent; none may cause a
// 5xx, damage a table or show another tenant's data.
func TestHostileInputNeverReachesSQL(t *testing.T) {
	skipShort(t)
	t.Parallel()
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fx := newHostileFixture(t, st)
		h := apptest.New(t, st, registry.All()...)
		h.Contract = false // the document's own checks are not the point; the answers below are
		tok := h.Token(domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin})
		calls := hostileCalls(t, doc, fx, tok)
		outcomes := map[string]int{}
		for _, c := range calls {
			res := h.Do(c.req)
			name := fmt.Sprintf("%s, %s = %.40q", c.route, c.place, c.value)
			outcomes[fmt.Sprintf("%dxx", res.Status/100)]++
			if checkHostileAnswer(t, h, name, c, res) {
				outcomes["stored and read back"]++
			}
		}
		checkTablesIntact(t, h, st, fx)
		if outcomes["stored and read back"] == 0 {
			t.Error("no injection was stored and compared: the round trip proves nothing")
		}
		t.Logf("%d hostile calls over %d routes: %v", len(calls), countRoutes(), outcomes)
	})
}

func countRoutes() int {
	n := 0
	for _, s := range registry.All() {
		n += len(s.Routes)
	}
	return n
}

// checkHostileAnswer holds one answer to the rules: no 5xx; a 4xx is the
// JSON error; a 2xx stores the injection as it was sent; nothing of the
// other tenant shows. It reports whether a stored value was compared.
func checkHostileAnswer(t *testing.T, h *apptest.Harness, name string, c hostileCall, res *apptest.Response) bool {
	t.Helper()
	body := string(res.Body)
	// Waybill numbers are per tenant, so only the marker tells the other
	// tenant's data apart.
	if strings.Contains(body, otherTenantMarker) {
		t.Errorf("%s: the answer shows the other tenant's shipment: %.300s", name, body)
	}
	switch {
	case res.Status >= 500:
		t.Errorf("%s: %d %.300s, want a 4xx or success", name, res.Status, body)
	case res.Status >= 400:
		var e apptest.ErrorBody
		if err := json.Unmarshal(res.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("%s: %d is not logifn's JSON error: %.300s", name, res.Status, body)
		}
		if driverLeak.MatchString(withoutEcho(body, c.value)) {
			t.Errorf("%s: the error shows internals: %.300s", name, body)
		}
	case c.bodyPath != nil:
		return checkRoundTrip(t, h, name, c, res)
	}
	return false
}

// withoutEcho returns body without value, as it is or as JSON writes it: an
// error may quote what was sent, and that is no leak.
func withoutEcho(body, value string) string {
	js, _ := json.Marshal(value)
	quoted := fmt.Sprintf("%q", value)
	for _, v := range []string{string(js[1 : len(js)-1]), quoted[1 : len(quoted)-1], value} {
		body = strings.ReplaceAll(body, v, "")
	}
	return body
}

// checkRoundTrip checks that a field the answer echoes holds the value as
// it was sent, and for a shipment, that it reads back the same. It
// reports whether it compared anything.
func checkRoundTrip(t *testing.T, h *apptest.Harness, name string, c hostileCall, res *apptest.Response) bool {
	t.Helper()
	var got any
	if json.Unmarshal(res.Body, &got) != nil {
		return false // not JSON; nothing echoed to compare
	}
	v, echoed := lookup(got, c.bodyPath)
	if echoed && v != c.value {
		t.Errorf("%s: stored as %.60q", name, v)
	}
	if c.route != "POST /v1/shipments" {
		return echoed
	}
	wb, _ := lookup(got, []string{"waybill"})
	back := h.Do(apptest.Request{Method: "GET", Path: fmt.Sprintf("/v1/shipments/%v", wb), Token: c.req.Token})
	var read any
	if back.Status != http.StatusOK || json.Unmarshal(back.Body, &read) != nil {
		t.Errorf("%s: read back %v: %d %.200s", name, wb, back.Status, back.Body)
		return true
	}
	if v, ok := lookup(read, c.bodyPath); !ok || v != c.value {
		t.Errorf("%s: reads back as %.60q (found %v)", name, v, ok)
	}
	return true
}

// checkTablesIntact checks that every table the injections aimed at is
// there and whole: both tenants' shipments read, the other tenant's
// untouched.
func checkTablesIntact(t *testing.T, h *apptest.Harness, st *store.Store, fx hostileFixture) {
	t.Helper()
	t2 := h.Token(domain.Principal{Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin})
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + fx.foreign, Token: t2})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), otherTenantMarker) {
		t.Errorf("the other tenant's shipment after the injections: %d %.200s", res.Status, res.Body)
	}
	if n := len(storedWaybills(t, st, "t2")); n != 2 {
		t.Errorf("the other tenant has %d shipments after the injections, want 2", n)
	}
	for _, path := range []string{"/v1/shipments", "/v1/stations", "/v1/webhooks", "/v1/rates", "/v1/items"} {
		tok := h.Token(domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin})
		if res := h.Do(apptest.Request{Method: "GET", Path: path, Token: tok}); res.Status != http.StatusOK {
			t.Errorf("GET %s after the injections: %d %.200s", path, res.Status, res.Body)
		}
	}
}
