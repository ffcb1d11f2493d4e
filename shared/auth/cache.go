package auth

import (
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/logifn/logifn/shared/domain"
)

// maxVerifiedTokens bounds the tokens a Keys remembers: a few hundred
// bytes each, so the cache stays well under a megabyte.
const maxVerifiedTokens = 1024

// verifiedTokens remembers tokens whose signature and claims Verify has
// checked, so that a client's next requests with the same token skip the
// HMAC and the JSON decoding. Only the time checks can change their
// verdict, so a remembered token is checked against the clock again on
// every use. A token is remembered by its whole text: another token,
// however similar, is verified afresh.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	p                  domain.Principal
	exp, nbf, issuedAt time.Time // nbf and issuedAt are zero when the token has none
}

// get returns the principal of token when it was verified before and is
// valid at now, with the leeway Verify allows.
func (v *verifiedTokens) get(token string, now time.Time) (domain.Principal, bool) {
	v.mu.Lock()
	t, ok := v.m[token]
	v.mu.Unlock()
	if !ok || !now.Before(t.exp.Add(leeway)) || now.Add(leeway).Before(t.nbf) || now.Add(leeway).Before(t.issuedAt) {
		return domain.Principal{}, false
	}
	return t.p, true
}

// put remembers token, verified as p, with its registered claims' times.
// When the cache is full it starts over rather than track ages: tokens in
// use come back on their next request.
func (v *verifiedTokens) put(token string, p domain.Principal, c jwt.RegisteredClaims) {
	if c.ExpiresAt == nil {
		return
	}
	t := verifiedToken{p: p, exp: c.ExpiresAt.Time}
	if c.NotBefore != nil {
		t.nbf = c.NotBefore.Time
	}
	if c.IssuedAt != nil {
		t.issuedAt = c.IssuedAt.Time
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVerifiedTokens {
		v.m = make(map[string]verifiedToken, 64)
	}
	v.m[token] = t
}
