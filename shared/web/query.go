package web

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// Query reads a query string strictly: parameters it is not told about,
// repeated parameters and bad values are all reported, each by name.
type Query struct {
	values url.Values
	probs  domain.Problems
}

// NewQuery starts reading v, in which only the allowed names may appear.
func NewQuery(v url.Values, allowed ...string) *Query {
	q := &Query{values: v}
	for name, vals := range v {
		switch {
		case !contains(allowed, name):
			q.probs.Add(name, "unknown query parameter")
		case len(vals) != 1:
			q.probs.Add(name, "give it once")
		}
	}
	return q
}

// String returns the trimmed value of name, or "".
func (q *Query) String(name string) string { return strings.TrimSpace(q.values.Get(name)) }

// Status returns name as a shipment status, or "".
func (q *Query) Status(name string) domain.Status {
	s := domain.Status(q.String(name))
	if s != "" && !s.Valid() {
		q.probs.Add(name, "unknown status %q", s)
	}
	return s
}

// Station returns name as a station code, or "".
func (q *Query) Station(name string) string {
	s := q.String(name)
	if s != "" && !domain.ValidStationCode(s) {
		q.probs.Add(name, "must be a station code")
	}
	return s
}

// Time returns name as an RFC 3339 time, or the zero time.
func (q *Query) Time(name string) time.Time {
	s := q.String(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		q.probs.Add(name, "must be an RFC 3339 time such as 2026-01-02T03:04:05Z")
	}
	return t
}

// Range returns the times from and to, checking that from comes first.
func (q *Query) Range(from, to string) (time.Time, time.Time) {
	f, t := q.Time(from), q.Time(to)
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		q.probs.Add(to, "must be after %s", from)
	}
	return f, t
}

// Int returns name as a whole number from min to max, or def when absent.
func (q *Query) Int(name string, def, min, max int) int {
	s := q.String(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.probs.Add(name, "must be a whole number from %d to %d", min, max)
	}
	return n
}

// Cursor returns the n numbers of a cursor of the given kind that
// EncodeCursor made, or nil when name is absent.
func (q *Query) Cursor(name, kind string, n int) []int64 {
	s := q.String(name)
	if s == "" {
		return nil
	}
	nums, ok := decodeCursor(s, kind, n)
	if !ok {
		q.probs.Add(name, "is not a cursor this API returned")
	}
	return nums
}

// Problem records that name is wrong for the reason given.
func (q *Query) Problem(name, format string, args ...any) { q.probs.Add(name, format, args...) }

// Err returns every problem found, as one invalid-kind error.
func (q *Query) Err() error {
	if len(q.probs) == 0 {
		return nil
	}
	return &domain.Error{Kind: domain.KindInvalid, Code: "invalid_query", Message: "the query has invalid parameters", Details: q.probs}
}

// EncodeCursor returns an opaque cursor of kind holding nums.
func EncodeCursor(kind string, nums ...int64) string {
	var text [64]byte // a kind and two numbers fit: no allocation but the result's
	b := append(append(text[:0], kind...), '.')
	for i, n := range nums {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, kind string, n int) ([]int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != n+1 || parts[0] != kind {
		return nil, false
	}
	nums := make([]int64, n)
	for i, p := range parts[1:] {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v < 1 || strconv.FormatInt(v, 10) != p {
			return nil, false
		}
		nums[i] = v
	}
	return nums, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
