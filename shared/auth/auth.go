// Package auth issues and verifies logifn's bearer tokens: HS256 JWTs that
// carry the caller's tenant, subject, role and, for couriers and operators,
// station.
package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/logifn/logifn/shared/domain"
)

// Issuer and Audience are checked on every token.
const (
	Issuer   = "logifn"
	Audience = "logifn-api"
)

// MinSecretLen is the shortest HMAC secret logifn accepts.
const MinSecretLen = 32

// claims is the token body.
type claims struct {
	Tenant  string `json:"tid"`
	Role    string `json:"role"`
	Station string `json:"stn,omitempty"`
	jwt.RegisteredClaims
}

// Keys signs and verifies tokens with one HMAC secret.
type Keys struct {
	secret []byte
	now    func() time.Time
	seen   verifiedTokens
}

// NewKeys returns keys for secret, which must be at least MinSecretLen bytes.
func NewKeys(secret string, now func() time.Time) (*Keys, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("jwt secret must be at least %d bytes", MinSecretLen)
	}
	if now == nil {
		now = time.Now
	}
	return &Keys{secret: []byte(secret), now: now}, nil
}

// Mint returns a signed token for p valid for ttl.
func (k *Keys) Mint(p domain.Principal, ttl time.Duration) (string, error) {
	if err := validPrincipal(p); err != nil {
		return "", err
	}
	now := k.now()
	c := claims{
		Tenant:  p.Tenant,
		Role:    string(p.Role),
		Station: p.Station,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(k.secret)
}

// leeway is the clock skew Verify tolerates in a token's times.
const leeway = 30 * time.Second

// Verify parses token and returns its principal. Every failure is an
// unauthorized error whose message does not say which check failed beyond
// what helps an honest caller.
func (k *Keys) Verify(token string) (domain.Principal, error) {
	if p, ok := k.seen.get(token, k.now()); ok {
		return p, nil
	}
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return k.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(k.now),
		jwt.WithLeeway(leeway),
	)
	if err != nil {
		msg := "the bearer token is invalid"
		if errors.Is(err, jwt.ErrTokenExpired) {
			msg = "the bearer token has expired"
		}
		return domain.Principal{}, domain.Wrap(domain.KindUnauthorized, "invalid_token", msg, err)
	}
	p := domain.Principal{Tenant: c.Tenant, Subject: c.Subject, Role: domain.Role(c.Role), Station: c.Station}
	if err := validPrincipal(p); err != nil {
		return domain.Principal{}, domain.Wrap(domain.KindUnauthorized, "invalid_token", "the bearer token lacks required claims", err)
	}
	k.seen.put(token, p, c.RegisteredClaims)
	return p, nil
}

// FromRequest verifies the request's "Authorization: Bearer" token.
func (k *Keys) FromRequest(r *http.Request) (domain.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return domain.Principal{}, domain.Errorf(domain.KindUnauthorized, "missing_token", "an Authorization: Bearer token is required")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return domain.Principal{}, domain.Errorf(domain.KindUnauthorized, "invalid_token", "the Authorization header must be \"Bearer <token>\"")
	}
	return k.Verify(strings.TrimSpace(token))
}

func validPrincipal(p domain.Principal) error {
	switch {
	case p.Tenant == "" || len(p.Tenant) > 64:
		return errors.New("tenant must be 1 to 64 characters")
	case p.Subject == "" || len(p.Subject) > 64:
		return errors.New("subject must be 1 to 64 characters")
	case !p.Role.Valid():
		return fmt.Errorf("role %q is not one of customer, courier, operator, admin", p.Role)
	case (p.Role == domain.RoleCourier || p.Role == domain.RoleOperator) && !domain.ValidStationCode(p.Station):
		return fmt.Errorf("a %s token needs a station", p.Role)
	}
	return nil
}
