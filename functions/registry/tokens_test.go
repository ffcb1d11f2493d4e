package registry_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// brokenToken is an Authorization header value that must not admit anyone.
type brokenToken struct {
	name   string
	header string
}

// brokenTokens returns a good Authorization header for the admin of t1, who
// may call every route, and the ways that token can be broken.
func brokenTokens(t *testing.T) (good string, broken []brokenToken) {
	t.Helper()
	p := principals[admin]
	now := time.Now()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": auth.Issuer, "aud": auth.Audience, "sub": p.Subject, "tid": p.Tenant,
			"role": string(p.Role), "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		if edit != nil {
			edit(c)
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	secret := []byte(apptest.Secret)
	good = sign(jwt.SigningMethodHS256, secret, claims(nil))
	// A good token whose payload is swapped for another tenant's claims,
	// keeping the original signature.
	parts := strings.Split(strings.TrimPrefix(good, "Bearer "), ".")
	tampered, err := json.Marshal(claims(func(c jwt.MapClaims) { c["tid"] = "t2" }))
	if err != nil {
		t.Fatal(err)
	}
	return good, []brokenToken{
		{"expired", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) {
			c["iat"], c["exp"] = now.Add(-3*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
		}))},
		{"not yet valid", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() }))},
		{"no expiry", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "exp") }))},
		{"wrong key", sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-0123456789"), claims(nil))},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil))},
		{"HS512 with the right key", sign(jwt.SigningMethodHS512, secret, claims(nil))},
		{"tampered claims", "Bearer " + parts[0] + "." + base64.RawURLEncoding.EncodeToString(tampered) + "." + parts[2]},
		{"missing tenant", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "tid") }))},
		{"missing subject", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "sub") }))},
		{"missing role", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { delete(c, "role") }))},
		{"unknown role", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["role"] = "root" }))},
		{"wrong audience", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["aud"] = "another-api" }))},
		{"wrong issuer", sign(jwt.SigningMethodHS256, secret, claims(func(c jwt.MapClaims) { c["iss"] = "someone-else" }))},
		{"not a JWT", "Bearer not-a-token"},
		{"empty bearer", "Bearer "},
		{"basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin"))},
	}
}

// TestBrokenTokensOnEveryRoute calls every route of the manifest with each
// kind of broken token. A route that needs a role answers 401 with a
// Bearer challenge and changes nothing; a public route ignores the header
// and answers as it does for anonymous callers. The good token these are
// made from is checked first, so each failure is the broken part's.
func TestBrokenTokensOnEveryRoute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		h := apptest.New(t, st, registry.All()...)
		good, tokens := brokenTokens(t)
		r := request(t, st, "GET /v1/stations", admin)
		r.Header = map[string]string{"Authorization": good}
		if res := h.Do(r); res.Status != 200 {
			t.Fatalf("the unbroken token is refused: %d %s", res.Status, res.Body)
		}
		routes := 0
		for _, spec := range registry.All() {
			for _, route := range spec.Routes {
				key := route.Pattern()
				routes++
				for _, tok := range tokens {
					r := request(t, st, key, admin)
					r.Header = map[string]string{"Authorization": tok.header}
					res := h.Do(r)
					if len(route.Roles) == 0 {
						if access[key][anon] == ok && res.Status/100 != 2 {
							t.Errorf("%s, public, with a %s token: got %d, want the anonymous outcome\n%s", key, tok.name, res.Status, res.Body)
						}
						continue
					}
					if res.Status != 401 {
						t.Errorf("%s with a %s token: got %d, want 401\n%s", key, tok.name, res.Status, res.Body)
						continue
					}
					if got := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
						t.Errorf("%s with a %s token: WWW-Authenticate %q", key, tok.name, got)
					}
					if e := res.Err(t, 401); e.Error.Code != "invalid_token" && e.Error.Code != "missing_token" {
						t.Errorf("%s with a %s token: error code %q", key, tok.name, e.Error.Code)
					}
				}
			}
		}
		t.Logf("%d routes x %d broken tokens", routes, len(tokens))
	})
}
