package tests

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
)

// startupBound is a generous bound on how long `logifn serve` may take to
// answer on a fresh data directory; the aim is under two seconds.
const startupBound = 5 * time.Second

func TestLocalPlatform(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	data := t.TempDir()
	serve := func(t *testing.T) *process {
		return startServer(t, "logifn serve", bins.logifn(), func(port string) ([]string, env) {
			return []string{"serve", "--addr", "127.0.0.1:" + port, "--data", data}, nil
		})
	}
	p := serve(t)
	t.Logf("logifn serve on a fresh data directory answered after %s", p.startup.Round(time.Millisecond))
	if p.startup > startupBound {
		t.Errorf("logifn serve took %s to answer, want under %s", p.startup, startupBound)
	}
	tokens := checkBanner(t, p)
	walkThrough(t, p, cliToken(t, bins), tokens["CUSTOMER"])

	// A restart on the same data directory keeps the data and adds no demo
	// data of its own.
	before := listedWaybills(t, p, tokens["ADMIN"])
	p.stop(t)
	p = serve(t)
	after := listedWaybills(t, p, tokens["ADMIN"])
	if !slices.Equal(after, before) {
		t.Errorf("after a restart the tenant has %d shipments, want the %d from before: %v, was %v", len(after), len(before), after, before)
	}
}

// cliToken returns what `logifn token --tenant demo --role customer`
// prints, after checking that it is a token of customer-1 alone.
func cliToken(t *testing.T, bins binDir) string {
	t.Helper()
	tok := strings.TrimSuffix(bins.run(t, nil, "token", "--tenant", "demo", "--role", "customer"), "\n")
	if got, err := keys(t).Verify(tok); err != nil || got != demoUser(t, domain.RoleCustomer) {
		t.Fatalf("logifn token printed %q: %+v, %v; want a token of customer-1 alone", tok, got, err)
	}
	return tok
}

// walkThrough follows the README: create with an Idempotency-Key, replay
// it, reuse the key for another body, then read the shipment back and
// find it first in the customer's list. createTok and readTok are tokens
// of the same customer.
func walkThrough(t *testing.T, p *process, createTok, readTok string) {
	t.Helper()
	create := func(body map[string]any) request {
		return request{method: "POST", path: "/v1/shipments", token: createTok, body: body, header: map[string]string{"Idempotency-Key": "walkthrough-1"}}
	}
	first := p.do(t, create(shipmentBody()))
	if first.Status != http.StatusCreated {
		t.Fatalf("create: %d %s, want 201", first.Status, first.Body)
	}
	var sh shipmentView
	first.JSON(t, &sh)
	again := p.do(t, create(shipmentBody()))
	if again.Status != http.StatusCreated || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d, Idempotent-Replayed %q, body %s; want 201, true and the first body %s",
			again.Status, again.Header.Get("Idempotent-Replayed"), again.Body, first.Body)
	}
	other := shipmentBody()
	other["service_level"] = "standard"
	if e := p.do(t, create(other)).Err(t, http.StatusUnprocessableEntity); e.Error.Code != "idempotency_key_reused" {
		t.Errorf("another body with the key: code %q, want idempotency_key_reused", e.Error.Code)
	}
	res := p.do(t, request{method: "GET", path: "/v1/shipments/" + sh.Waybill.String(), token: readTok})
	if res.Status != http.StatusOK {
		t.Fatalf("get %s: %d %s, want 200", sh.Waybill, res.Status, res.Body)
	}
	var got shipmentView
	if res.JSON(t, &got); got.Waybill != sh.Waybill || got.Status != domain.StatusCreated || len(got.Timeline) != 1 {
		t.Errorf("get %s answered %s, want it, created, with its one event", sh.Waybill, res.Body)
	}
	if listed := listedWaybills(t, p, readTok); len(listed) == 0 || listed[0] != sh.Waybill {
		t.Errorf("customer-1's list %v does not start with the new %s", listed, sh.Waybill)
	}
}

// bannerToken matches a token line of the banner: export ROLE_TOKEN=...
var bannerToken = regexp.MustCompile(`(?m)^\s*export ([A-Z]+)_TOKEN=(\S+)$`)

// checkBanner checks what `logifn serve` prints on start, the base URL and
// a working token per demo user, and returns the tokens by role in upper
// case.
func checkBanner(t *testing.T, p *process) map[string]string {
	t.Helper()
	if !p.stdout.waitFor("Try:", logTimeout) {
		t.Fatalf("no complete banner on stdout:\n%s", p.stdout)
	}
	banner := p.stdout.String()
	if !strings.Contains(banner, "base URL   "+p.base+" ") {
		t.Errorf("banner does not name the base URL %s:\n%s", p.base, banner)
	}
	tokens := map[string]string{}
	var users []domain.Principal
	for _, m := range bannerToken.FindAllStringSubmatch(banner, -1) {
		u, err := keys(t).Verify(m[2])
		if err != nil {
			t.Errorf("banner token for %s: %v", m[1], err)
		}
		if strings.ToUpper(string(u.Role)) != m[1] {
			t.Errorf("%s_TOKEN is a token of %+v", m[1], u)
		}
		tokens[m[1]] = m[2]
		users = append(users, u)
	}
	if !slices.Equal(users, demo.Users()) {
		t.Errorf("banner tokens are for %+v, want one per demo user %+v", users, demo.Users())
	}
	return tokens
}
