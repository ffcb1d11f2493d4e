package webhook

import (
	"errors"
	"testing"
	"time"
)

func TestSignKnownVector(t *testing.T) {
	// Computed independently: HMAC-SHA256("whsec_test", `1767323045.{"id":"evt"}`).
	const want = "95f151cd249ad3360bbcc56066b284c9e4d14aea23ac3ff508a8e3803cee2928"
	if got := Sign("whsec_test", time.Unix(1767323045, 0), []byte(`{"id":"evt"}`)); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if got := SignatureValue(time.Unix(1767323045, 0), []byte(`{"id":"evt"}`), "whsec_test"); got != "t=1767323045,v1="+want {
		t.Errorf("SignatureValue = %s", got)
	}
}

func TestVerify(t *testing.T) {
	at := time.Unix(1767323045, 0)
	body := []byte(`{"id":"evt-1","type":"shipment.status_changed"}`)
	good := SignatureValue(at, body, "whsec_new", "whsec_old")
	tests := []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"current secret", "whsec_new", good, body, at, nil},
		{"previous secret during rotation", "whsec_old", good, body, at, nil},
		{"within tolerance late", "whsec_new", good, body, at.Add(4 * time.Minute), nil},
		{"within tolerance early", "whsec_new", good, body, at.Add(-4 * time.Minute), nil},
		{"unknown scheme ignored", "whsec_new", good + ",v0=abc", body, at, nil},
		{"spaces tolerated", "whsec_new", "t=1767323045, v1=" + Sign("whsec_new", at, body), body, at, nil},
		{"wrong secret", "whsec_other", good, body, at, ErrBadSignature},
		{"body changed", "whsec_new", good, append([]byte(nil), append(body, ' ')...), at, ErrBadSignature},
		{"time changed", "whsec_new", "t=1767323046,v1=" + Sign("whsec_new", at, body), body, at, ErrBadSignature},
		{"too old", "whsec_new", good, body, at.Add(6 * time.Minute), ErrStale},
		{"from the future", "whsec_new", good, body, at.Add(-6 * time.Minute), ErrStale},
		{"empty header", "whsec_new", "", body, at, ErrNoSignature},
		{"no v1", "whsec_new", "t=1767323045", body, at, ErrNoSignature},
		{"no time", "whsec_new", "v1=" + Sign("whsec_new", at, body), body, at, ErrNoSignature},
		{"time not a number", "whsec_new", "t=soon,v1=" + Sign("whsec_new", at, body), body, at, ErrNoSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := VerifyAt(tt.secret, tt.header, tt.body, 0, tt.now); !errors.Is(err, tt.want) {
				t.Errorf("VerifyAt = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyUsesTheClock(t *testing.T) {
	body := []byte(`{}`)
	if err := Verify("s", SignatureValue(time.Now(), body, "s"), body, time.Minute); err != nil {
		t.Errorf("fresh signature: %v", err)
	}
	if err := Verify("s", SignatureValue(time.Now().Add(-2*time.Minute), body, "s"), body, time.Minute); !errors.Is(err, ErrStale) {
		t.Errorf("old signature: %v, want ErrStale", err)
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b || len(a) != len(SecretPrefix)+43 || a[:len(SecretPrefix)] != SecretPrefix {
		t.Errorf("secrets %q and %q: want two different whsec_ + 43 characters", a, b)
	}
}
