package tests

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// fcLaunch starts a function as Function Compute's custom runtime does.
func fcLaunch(name string, db database) launch {
	return func(port string) ([]string, env) {
		return nil, db.env().with(env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": name, "FC_REGION": "cn-hangzhou"})
	}
}

// knativeLaunch starts a function as Knative Serving does.
func knativeLaunch(name string, db database) launch {
	return func(port string) ([]string, env) {
		return nil, db.env().with(env{"K_SERVICE": name, "K_CONFIGURATION": name, "K_REVISION": name + "-00001", "PORT": port})
	}
}

// checkListening checks that a server on platform listens on every
// interface, as the log line says and, when this machine has an address
// besides loopback, as a request to that address shows: the platform
// reaches the instance on its own address, never on 127.0.0.1.
func checkListening(t *testing.T, p *process, platform string) {
	t.Helper()
	line := p.waitLog(t, map[string]any{"message": "listening"})
	host, port, err := net.SplitHostPort(fmt.Sprint(line["addr"]))
	if err != nil || (host != "0.0.0.0" && host != "::") {
		t.Errorf("listening on %v, want 0.0.0.0 or [::]", line["addr"])
	}
	if u, _ := url.Parse(p.base); port != u.Port() {
		t.Errorf("listening on port %s, want %s", port, u.Port())
	}
	if line["platform"] != platform {
		t.Errorf("platform = %v, want %s", line["platform"], platform)
	}
	ip := outsideIP()
	if ip == "" {
		t.Log("this machine has no address besides loopback: only the log line was checked")
		return
	}
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + net.JoinHostPort(ip, port) + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz on %s: %v", ip, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz on %s: %d, want 200", ip, resp.StatusCode)
	}
}

// outsideIP returns an IPv4 address of this machine other than loopback,
// or "" when it has none.
func outsideIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsGlobalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}

func TestFCCustomRuntime(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	db := sqliteDatabase(t, bins)
	st := db.open(t)
	p := startServer(t, "shipment-create on fc", bins.function("shipment-create"), fcLaunch("shipment-create", db))
	customer := demoUser(t, domain.RoleCustomer)
	tok := token(t, customer, 0)

	t.Run("listens on all interfaces", func(t *testing.T) { checkListening(t, p, "fc") })
	t.Run("create", func(t *testing.T) { testFCCreate(t, p, st, customer) })
	t.Run("request id in an error", func(t *testing.T) {
		res := p.do(t, request{method: "POST", path: "/v1/shipments", token: tok, body: `{"sender":`,
			header: map[string]string{"x-fc-request-id": "req-abc"}})
		e := res.Err(t, http.StatusBadRequest)
		if e.RequestID != "req-abc" || res.Header.Get("X-Request-Id") != "req-abc" {
			t.Errorf("request id %q in the body, %q in X-Request-Id; want req-abc in both", e.RequestID, res.Header.Get("X-Request-Id"))
		}
	})
	t.Run("lifecycle hooks", func(t *testing.T) {
		for _, r := range []request{{method: "POST", path: "/initialize"}, {method: "GET", path: "/pre-stop"}} {
			if res := p.do(t, r); res.Status != http.StatusOK {
				t.Errorf("%s %s: %d %s, want 200", r.method, r.path, res.Status, res.Body)
			}
		}
	})
	t.Run("event of an unknown shape", func(t *testing.T) {
		res := p.do(t, request{method: "POST", path: "/invoke", body: `{"hello":"world"}`,
			header: map[string]string{"x-fc-request-id": "req-event-1"}})
		e := res.Err(t, http.StatusBadRequest)
		if e.Error.Code != "bad_event" || e.RequestID != "req-event-1" {
			t.Errorf("error %+v, want bad_event for request req-event-1", e)
		}
		if res.Header.Get("x-fc-status") != "" {
			t.Errorf("x-fc-status %q on a rejected event: Function Compute would retry it", res.Header.Get("x-fc-status"))
		}
	})
	t.Run("bad input changes nothing", func(t *testing.T) { testBadInput(t, p, st) })
	t.Run("logs are JSON", p.checkJSONLogs)
}

// testFCCreate creates the README's shipment through Function Compute's
// HTTP trigger and follows it into the database and the access log.
func testFCCreate(t *testing.T, p *process, st *store.Store, customer domain.Principal) {
	res := p.do(t, request{method: "POST", path: "/v1/shipments", token: token(t, customer, 0), body: shipmentBody(),
		header: map[string]string{"x-fc-request-id": "req-create-1"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", res.Status, res.Body)
	}
	var sh shipmentView
	res.JSON(t, &sh)
	if _, err := domain.ParseWaybill(string(sh.Waybill)); err != nil {
		t.Fatalf("waybill %q: %v", sh.Waybill, err)
	}
	if sh.CustomerID != customer.Subject || sh.Status != domain.StatusCreated || sh.OriginStation != "SHA-01" || sh.DestinationStation != "BJS-01" {
		t.Errorf("shipment %+v, want customer-1's, created, SHA-01 to BJS-01", sh)
	}
	if got := res.Header.Get("Location"); got != "/v1/shipments/"+sh.Waybill.String() {
		t.Errorf("Location = %q, want /v1/shipments/%s", got, sh.Waybill)
	}
	if got := res.Header.Get("X-Request-Id"); got != "req-create-1" {
		t.Errorf("X-Request-Id = %q, want the x-fc-request-id req-create-1", got)
	}
	stored, err := st.ShipmentByWaybill(context.Background(), demo.Tenant, sh.Waybill)
	if err != nil || stored.CustomerID != customer.Subject {
		t.Fatalf("stored shipment %s: %+v, %v", sh.Waybill, stored, err)
	}
	line := p.waitLog(t, map[string]any{"request_id": "req-create-1", "message": "request"})
	want := map[string]any{"status": 201, "tenant": "demo", "subject": "customer-1", "route": "POST /v1/shipments", "function": "shipment-create"}
	if !matches(line, want) {
		t.Errorf("access log line %v, want %v", line, want)
	}
}

func TestKnative(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	db := sqliteDatabase(t, bins)
	st := db.open(t)
	ctx := context.Background()
	customer := demoUser(t, domain.RoleCustomer)
	// Written by this process, read by the function's: one SQLite file,
	// two processes.
	sh := storetest.Shipment(demo.Tenant)
	sh.CustomerID, sh.OriginStation, sh.DestinationStation = customer.Subject, "SHA-01", "BJS-01"
	if _, err := st.CreateShipment(ctx, sh, customer.Subject, ""); err != nil {
		t.Fatal(err)
	}
	delivered, err := st.ListShipments(ctx, demo.Tenant, store.ShipmentFilter{CustomerID: customer.Subject, Status: domain.StatusDelivered, Limit: 1})
	if err != nil || len(delivered) != 1 {
		t.Fatalf("the demo data has no delivered shipment of customer-1: %v", err)
	}
	p := startServer(t, "shipment-get on knative", bins.function("shipment-get"), knativeLaunch("shipment-get", db))
	tok := token(t, customer, 0)
	get := func(t *testing.T, w domain.Waybill, tok string) shipmentView {
		t.Helper()
		res := p.do(t, request{method: "GET", path: "/v1/shipments/" + w.String(), token: tok})
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s, want 200", w, res.Status, res.Body)
		}
		var got shipmentView
		res.JSON(t, &got)
		if got.Waybill != w {
			t.Fatalf("GET %s answered %s", w, res.Body)
		}
		return got
	}

	t.Run("listens on all interfaces", func(t *testing.T) { checkListening(t, p, "knative") })
	t.Run("new shipment with its timeline", func(t *testing.T) {
		got := get(t, sh.Waybill, tok)
		if got.Status != domain.StatusCreated || len(got.Timeline) != 1 || got.Timeline[0].Status != domain.StatusCreated {
			t.Errorf("status %s, timeline %+v; want created with one created event", got.Status, got.Timeline)
		}
	})
	t.Run("delivered shipment with its journey", func(t *testing.T) { checkJourney(t, get(t, delivered[0].Waybill, tok)) })
	rejects := []struct {
		name    string
		waybill string
		tok     string
		status  int
		code    string
	}{
		{"bad check digit", wrongCheckDigit(sh.Waybill), tok, http.StatusBadRequest, "invalid_waybill"},
		{"another tenant", sh.Waybill.String(), token(t, domain.Principal{Tenant: "other", Subject: "admin-1", Role: domain.RoleAdmin}, 0), http.StatusNotFound, "not_found"},
		{"another customer", sh.Waybill.String(), token(t, domain.Principal{Tenant: demo.Tenant, Subject: "customer-2", Role: domain.RoleCustomer}, 0), http.StatusNotFound, "not_found"},
		{"no token", sh.Waybill.String(), "", http.StatusUnauthorized, "missing_token"},
	}
	for _, tt := range rejects {
		t.Run(tt.name, func(t *testing.T) {
			res := p.do(t, request{method: "GET", path: "/v1/shipments/" + tt.waybill, token: tt.tok})
			if e := res.Err(t, tt.status); e.Error.Code != tt.code {
				t.Errorf("code %q, want %q", e.Error.Code, tt.code)
			}
		})
	}
	t.Run("cloudevent without a handler", func(t *testing.T) {
		res := p.do(t, request{method: "POST", path: "/", body: `{"batch":500}`, header: map[string]string{
			"Ce-Specversion": "1.0", "Ce-Id": "ping-1", "Ce-Source": "/apis/v1/namespaces/logifn/pingsources/auto-confirm",
			"Ce-Type": "dev.knative.sources.ping", "Ce-Time": "2026-01-02T02:00:00Z"}})
		if e := res.Err(t, http.StatusBadRequest); e.Error.Code != "no_handler" || e.RequestID != "ping-1" {
			t.Errorf("error %+v, want no_handler for event ping-1", e)
		}
	})
	t.Run("logs are JSON", p.checkJSONLogs)
}

// checkJourney checks the timeline of a delivered shipment: several
// events of its own, in the order they occurred, from its creation to its
// delivery.
func checkJourney(t *testing.T, got shipmentView) {
	tl := got.Timeline
	if got.Status != domain.StatusDelivered || len(tl) < 3 {
		t.Fatalf("status %s, timeline %+v; want delivered after several events", got.Status, tl)
	}
	for i, ev := range tl {
		if i > 0 && ev.OccurredAt.Before(tl[i-1].OccurredAt) {
			t.Errorf("timeline out of order at %d: %s before %s", i, ev.OccurredAt, tl[i-1].OccurredAt)
		}
		if ev.Waybill != got.Waybill {
			t.Errorf("event %d is of %s, want %s", i, ev.Waybill, got.Waybill)
		}
	}
	if first, last := tl[0], tl[len(tl)-1]; first.Status != domain.StatusCreated || last.Status != domain.StatusDelivered {
		t.Errorf("timeline runs from %s to %s, want from created to delivered: %+v", first.Status, last.Status, tl)
	}
}

// wrongCheckDigit returns w with its check digit changed.
func wrongCheckDigit(w domain.Waybill) string {
	s := []byte(w)
	s[len(s)-1] = '0' + (s[len(s)-1]-'0'+1)%10
	return string(s)
}
