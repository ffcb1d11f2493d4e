package tests

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// testBadInput sends p, a shipment-create server, requests it must reject
// with logifn's JSON error, and checks that none of them stores a
// shipment.
func testBadInput(t *testing.T, p *process, st *store.Store) {
	customer := demoUser(t, domain.RoleCustomer)
	tok := token(t, customer, 0)
	post := func(tok string, body any) request {
		return request{method: "POST", path: "/v1/shipments", token: tok, body: body}
	}
	spoilt := func(spoil func(b map[string]any)) map[string]any {
		b := shipmentBody()
		spoil(b)
		return b
	}
	huge := `{"sender":{"name":"` + strings.Repeat("x", 1<<20) + `"}}`
	tests := []struct {
		name   string
		req    request
		status int
		code   string
		field  string // a field the details must name
	}{
		{"malformed json", post(tok, `{"sender":`), 400, "malformed_json", ""},
		{"two documents", post(tok, `{}{}`), 400, "malformed_json", ""},
		{"unknown field", post(tok, spoilt(func(b map[string]any) { b["colour"] = "red" })), 400, "unknown_field", "colour"},
		{"wrong type", post(tok, spoilt(func(b map[string]any) { b["items"].([]any)[0].(map[string]any)["quantity"] = "two" })), 400, "wrong_type", ""},
		{"missing receiver phone", post(tok, spoilt(func(b map[string]any) { delete(b["receiver"].(map[string]any), "phone") })), 422, "validation_failed", "receiver.phone"},
		{"unknown station", post(tok, spoilt(func(b map[string]any) { b["origin_station"] = "XXX-99" })), 422, "validation_failed", "origin_station"},
		{"body over 1 MiB", post(tok, huge), 413, "body_too_large", ""},
		{"body over 1 MiB, chunked", post(tok, io.MultiReader(strings.NewReader(huge))), 413, "body_too_large", ""},
		{"not json", request{method: "POST", path: "/v1/shipments", token: tok, body: "sender=me", contentType: "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
		{"wrong role", post(token(t, demoUser(t, domain.RoleCourier), 0), shipmentBody()), 403, "forbidden", ""},
		{"for another customer", post(tok, spoilt(func(b map[string]any) { b["customer_id"] = "customer-2" })), 403, "forbidden", ""},
		{"no token", post("", shipmentBody()), 401, "missing_token", ""},
		{"expired token", post(token(t, customer, -time.Hour), shipmentBody()), 401, "invalid_token", ""},
		{"alg none token", post(noneToken(t, customer), shipmentBody()), 401, "invalid_token", ""},
		{"token of another secret", post(foreignToken(t, customer), shipmentBody()), 401, "invalid_token", ""},
		{"method not allowed", request{method: "PUT", path: "/v1/shipments", token: tok, body: shipmentBody()}, 405, "method_not_allowed", ""},
	}
	before := len(storedWaybills(t, st, demo.Tenant))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("req-bad-%d", i)
			tt.req.header = map[string]string{"x-fc-request-id": id}
			res := p.do(t, tt.req)
			e := res.Err(t, tt.status)
			if e.Error.Code != tt.code {
				t.Errorf("code %q, want %q: %s", e.Error.Code, tt.code, res.Body)
			}
			if tt.field != "" && !namesField(e.Error.Details, tt.field) {
				t.Errorf("details %+v do not name %s", e.Error.Details, tt.field)
			}
			if e.RequestID != id || res.Header.Get("X-Request-Id") != id {
				t.Errorf("request id %q in the body, %q in X-Request-Id; want %s", e.RequestID, res.Header.Get("X-Request-Id"), id)
			}
			if tt.status == http.StatusUnauthorized && res.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if n := len(storedWaybills(t, st, demo.Tenant)); n != before {
				t.Errorf("%d shipments after the rejected request, want %d", n, before)
			}
		})
	}
}

func namesField(details []domain.FieldError, field string) bool {
	for _, d := range details {
		if d.Field == field {
			return true
		}
	}
	return false
}

// noneToken returns an unsigned token (alg "none") with p's claims.
func noneToken(t *testing.T, p domain.Principal) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"iss": auth.Issuer, "aud": auth.Audience, "sub": p.Subject, "tid": p.Tenant, "role": string(p.Role),
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// foreignToken returns a well-formed token for p signed with another secret.
func foreignToken(t *testing.T, p domain.Principal) string {
	t.Helper()
	k, err := auth.NewKeys("another-secret-another-secret-0123456789", nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := k.Mint(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
