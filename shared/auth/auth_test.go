package auth

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/logifn/logifn/shared/domain"
)

const secret = "0123456789abcdef0123456789abcdef"

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func keys(t *testing.T, now time.Time) *Keys {
	t.Helper()
	k, err := NewKeys(secret, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestMintVerifyRoundTrip(t *testing.T) {
	k := keys(t, t0)
	want := domain.Principal{Tenant: "demo", Subject: "courier-7", Role: domain.RoleCourier, Station: "SHA-01"}
	tok, err := k.Mint(want, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Verify = %+v, want %+v", got, want)
	}
}

func TestNewKeysRejectsShortSecret(t *testing.T) {
	if _, err := NewKeys("short", nil); err == nil {
		t.Error("NewKeys(short) succeeded, want error")
	}
}

func TestMintRejectsIncompletePrincipal(t *testing.T) {
	k := keys(t, t0)
	for _, p := range []domain.Principal{
		{Subject: "a", Role: domain.RoleAdmin},
		{Tenant: "demo", Role: domain.RoleAdmin},
		{Tenant: "demo", Subject: "a", Role: "root"},
		{Tenant: "demo", Subject: "a", Role: domain.RoleSystem},
		{Tenant: "demo", Subject: "a", Role: domain.RoleOperator},
	} {
		if _, err := k.Mint(p, time.Hour); err == nil {
			t.Errorf("Mint(%+v) succeeded, want error", p)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	k := keys(t, t0)
	good := domain.Principal{Tenant: "demo", Subject: "admin", Role: domain.RoleAdmin}
	sign := func(c jwt.Claims, key string) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(key))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := func() claims {
		return claims{Tenant: "demo", Role: "admin", RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: "admin", Audience: jwt.ClaimStrings{Audience},
			IssuedAt: jwt.NewNumericDate(t0), ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour)),
		}}
	}
	expired, _ := keys(t, t0.Add(-2*time.Hour)).Mint(good, time.Hour)
	unsigned := func() string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, base()).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	tests := map[string]string{
		"expired":       expired,
		"wrong key":     sign(base(), "another-secret-another-secret-0000"),
		"alg none":      unsigned,
		"alg none bare": strings.TrimSuffix(unsigned, "."),
		"garbage":       "not.a.token",
		"empty":         "",
		"wrong audience": func() string {
			c := base()
			c.Audience = jwt.ClaimStrings{"someone-else"}
			return sign(c, secret)
		}(),
		"wrong issuer": func() string {
			c := base()
			c.Issuer = "evil"
			return sign(c, secret)
		}(),
		"no expiry": func() string {
			c := base()
			c.ExpiresAt = nil
			return sign(c, secret)
		}(),
		"no tenant": func() string {
			c := base()
			c.Tenant = ""
			return sign(c, secret)
		}(),
		"no role": func() string {
			c := base()
			c.Role = ""
			return sign(c, secret)
		}(),
		"operator without station": func() string {
			c := base()
			c.Role = "operator"
			return sign(c, secret)
		}(),
		"HS512": func() string {
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, base()).SignedString([]byte(secret))
			return s
		}(),
	}
	if _, err := k.Verify(sign(base(), secret)); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := k.Verify(tok)
			if err == nil {
				t.Fatalf("Verify accepted the token, principal %+v", p)
			}
			if got := domain.KindOf(err); got != domain.KindUnauthorized {
				t.Errorf("kind = %s, want unauthorized", got)
			}
		})
	}
}

func TestFromRequest(t *testing.T) {
	k := keys(t, t0)
	tok, _ := k.Mint(domain.Principal{Tenant: "demo", Subject: "c1", Role: domain.RoleCustomer}, time.Hour)
	tests := []struct {
		header string
		ok     bool
		code   string
	}{
		{"Bearer " + tok, true, ""},
		{"bearer " + tok, true, ""},
		{"", false, "missing_token"},
		{"Basic abc", false, "invalid_token"},
		{"Bearer", false, "invalid_token"},
		{tok, false, "invalid_token"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		p, err := k.FromRequest(r)
		if tt.ok {
			if err != nil || p.Subject != "c1" {
				t.Errorf("FromRequest(%.20q) = %+v, %v; want subject c1", tt.header, p, err)
			}
			continue
		}
		var e *domain.Error
		if err == nil || !asError(err, &e) || e.Code != tt.code {
			t.Errorf("FromRequest(%.20q) error = %v, want code %s", tt.header, err, tt.code)
		}
	}
}

func asError(err error, target **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*target = e
	return ok
}
