package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// RateLimiter allows each client address a burst of requests and then a
// steady rate, with a token bucket per address. It lives in one process:
// on a platform that runs many instances, each instance limits on its own,
// which bounds enumeration per instance and keeps the hot path free of I/O.
type RateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	max     int // addresses remembered at most
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	seen   time.Time
}

// NewRateLimiter allows perMinute requests a minute per address after a
// burst of burst, remembering at most max addresses.
func NewRateLimiter(perMinute, burst, max int, now func() time.Time) *RateLimiter {
	return &RateLimiter{rate: float64(perMinute) / 60, burst: float64(burst), max: max, now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token for key and reports whether there was one, and if
// not, how long until there is.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, seen: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.seen).Seconds()*l.rate)
	b.seen = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// evict forgets the addresses whose buckets have refilled, and if none
// has, the least recently seen half, so memory stays bounded.
func (l *RateLimiter) evict(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.seen) >= full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.max {
		return
	}
	var cut time.Time
	for _, b := range l.buckets {
		if cut.IsZero() || b.seen.Before(cut) {
			cut = b.seen
		}
	}
	cut = cut.Add(now.Sub(cut) / 2)
	for k, b := range l.buckets {
		if !b.seen.After(cut) {
			delete(l.buckets, k)
		}
	}
}

// Limit answers 429 with Retry-After to a client address over its rate.
// The address is the connection's peer: headers a client can forge are not
// trusted.
func (l *RateLimiter) Limit(next http.Handler) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if ok, wait := l.Allow(host); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			return &domain.Error{Kind: domain.KindRateLimited, Code: "rate_limited",
				Message: "too many requests from this address; retry after " + strconv.Itoa(secs) + " s", RetryAfter: secs}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}
