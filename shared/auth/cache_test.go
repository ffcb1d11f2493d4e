package auth

import (
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/logifn/logifn/shared/domain"
)

// TestRememberedTokensAreCheckedAgainstTheClock: a token verified once is
// still refused once it expires, before its nbf or iat, and another
// token's text is never taken for it.
func TestRememberedTokensAreCheckedAgainstTheClock(t *testing.T) {
	now := t0
	k, err := NewKeys(secret, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	p := domain.Principal{Tenant: "demo", Subject: "cust-1", Role: domain.RoleCustomer}
	tok, err := k.Mint(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(when time.Time, token string, ok bool) {
		t.Helper()
		now = when
		got, err := k.Verify(token)
		switch {
		case ok && (err != nil || got != p):
			t.Errorf("at %s: Verify = %+v, %v; want %+v", when.Format(time.TimeOnly), got, err, p)
		case !ok && err == nil:
			t.Errorf("at %s: Verify accepted the token", when.Format(time.TimeOnly))
		case !ok && domain.KindOf(err) != domain.KindUnauthorized:
			t.Errorf("at %s: kind %s, want unauthorized", when.Format(time.TimeOnly), domain.KindOf(err))
		}
	}
	verify(t0, tok, true)
	verify(t0.Add(time.Minute), tok, true) // remembered
	verify(t0.Add(time.Hour+leeway), tok, false)
	verify(t0.Add(-time.Minute-leeway-time.Second), tok, false) // before nbf (a minute before iat)
	verify(t0.Add(time.Minute), tok[:len(tok)-2]+"xx", false)   // another signature

	// A token not valid yet is not remembered as valid once it is.
	late := claims{Tenant: "demo", Role: "customer", RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Subject: "cust-1", Audience: jwt.ClaimStrings{Audience},
		NotBefore: jwt.NewNumericDate(t0.Add(time.Hour)), ExpiresAt: jwt.NewNumericDate(t0.Add(2 * time.Hour)),
	}}
	lateTok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, late).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	verify(t0, lateTok, false)
	verify(t0.Add(time.Hour), lateTok, true)
	verify(t0, lateTok, false)
}

// TestRememberedTokensAreBounded: however many tokens come by, the cache
// keeps at most maxVerifiedTokens.
func TestRememberedTokensAreBounded(t *testing.T) {
	k := keys(t, t0)
	for i := range 3 * maxVerifiedTokens {
		tok, err := k.Mint(domain.Principal{Tenant: "demo", Subject: fmt.Sprintf("c-%d", i), Role: domain.RoleCustomer}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.Verify(tok); err != nil {
			t.Fatal(err)
		}
		if n := len(k.seen.m); n > maxVerifiedTokens {
			t.Fatalf("%d tokens remembered, want at most %d", n, maxVerifiedTokens)
		}
	}
}
