package platform

import "github.com/logifn/logifn/shared/domain"

// Retryable reports whether an event whose handler failed with err should be
// delivered again. It is the one place that decides retry or drop: a
// dependency that is down (unavailable), too many requests (rate_limited)
// and unexpected failures (internal, and any error that is not a
// domain error) are worth a retry; every other kind describes the event
// itself, so a redelivery would fail the same way and the event is dropped.
// Retryable(nil) is false.
func Retryable(err error) bool {
	switch domain.KindOf(err) {
	case domain.KindUnavailable, domain.KindInternal, domain.KindRateLimited:
		return true
	default:
		return false
	}
}
