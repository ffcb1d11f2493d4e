package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how far a signature's time may be from the
// receiver's clock when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// The errors of Verify.
var (
	ErrNoSignature  = errors.New("webhook: no Logifn-Signature header, or one without t and v1")
	ErrBadSignature = errors.New("webhook: no signature matches the body")
	ErrStale        = errors.New("webhook: the signature's time is outside the tolerance")
)

// Sign returns the hex HMAC-SHA256, keyed with secret, of "t.body" where t
// is the Unix time in seconds.
func Sign(secret string, t time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(t.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// SignatureValue returns the Logifn-Signature header for body sent at t:
// "t=<unix>,v1=<hex>" with one v1 per secret.
func SignatureValue(t time.Time, body []byte, secrets ...string) string {
	var b strings.Builder
	b.WriteString("t=")
	b.WriteString(strconv.FormatInt(t.Unix(), 10))
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(Sign(s, t, body))
	}
	return b.String()
}

// Verify checks a delivery as a receiver should, before trusting or even
// parsing the body: header is the Logifn-Signature value, body the raw
// request body. It succeeds when one v1 is the signature of body with
// secret and the time t is within tolerance of now, either way
// (DefaultTolerance when tolerance is not positive). Comparison takes
// constant time. The error is ErrNoSignature, ErrBadSignature or ErrStale.
func Verify(secret, header string, body []byte, tolerance time.Duration) error {
	return VerifyAt(secret, header, body, tolerance, time.Now())
}

// VerifyAt is Verify with the receiver's clock reading now.
func VerifyAt(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	ts, sigs := parseSignature(header)
	if ts == "" || len(sigs) == 0 {
		return ErrNoSignature
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	want := []byte(Sign(secret, time.Unix(unix, 0), body))
	matched := false
	for _, s := range sigs {
		if hmac.Equal([]byte(s), want) {
			matched = true
		}
	}
	if !matched {
		return ErrBadSignature
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if skew := now.Sub(time.Unix(unix, 0)); skew > tolerance || -skew > tolerance {
		return ErrStale
	}
	return nil
}

// parseSignature splits "t=1,v1=ab,v1=cd" into its time and v1 values.
// Unknown keys are skipped, so later schemes can be sent alongside v1.
func parseSignature(header string) (ts string, v1 []string) {
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = append(v1, v)
		}
	}
	return ts, v1
}
