// Package invoke starts functions asynchronously: one function hands work
// to another (or to itself) and goes on without waiting for it. There is a
// backend per platform: Function Compute's InvokeFunction API with the
// Async invocation type (FC), Lambda's Invoke with the Event invocation
// type (Lambda), a POST of a CloudEvent to a URL such as a Knative
// Broker's (HTTP), and a goroutine in this process (Local).
//
// The platform adapters of package platform understand object events and
// schedule events. An invocation has the shape of a schedule firing, a name
// and a payload, so every backend sends it as its platform's schedule
// event: an FC timer event, an EventBridge "Scheduled Event", a Knative
// PingSource CloudEvent. The invoked function receives it, unchanged on
// every platform, as a platform.Tick whose Name is Call.Name and whose
// Payload is Call.Payload.
package invoke

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// Call is one asynchronous invocation: run Function, telling it Name, with
// Payload (JSON) as its arguments.
type Call struct {
	Function string
	Name     string
	Payload  []byte
}

// Invoker starts functions asynchronously. Invoke returns once the
// platform has accepted the call, not when the call has run; the platform
// retries a call that fails, as it retries any event. Errors are domain
// errors: invalid for a call that cannot be sent (no function or name),
// unavailable or rate_limited when the platform cannot take it now, and
// internal when the platform refuses it (a missing function, bad
// credentials): a deployment to fix, worth retrying once it is.
type Invoker interface {
	Invoke(ctx context.Context, c Call) error
}

// check rejects a call without a function or a name.
func (c Call) check() error {
	if c.Function == "" || c.Name == "" {
		return domain.Errorf(domain.KindInvalid, "invalid_call", "an invocation needs a function and a name")
	}
	return nil
}

// statusError turns a platform's refusal, an HTTP status of its API, into
// a domain error.
func statusError(backend, function string, status int, cause error) error {
	msg := fmt.Sprintf("%s did not accept the invocation of %s (status %d)", backend, function, status)
	switch {
	case status == http.StatusTooManyRequests:
		e := domain.Wrap(domain.KindRateLimited, "invocation_throttled", msg, cause)
		e.RetryAfter = 1
		return e
	case status >= 500:
		return domain.Wrap(domain.KindUnavailable, "invocation_unavailable", msg, cause)
	default:
		return domain.Wrap(domain.KindInternal, "invocation_refused", msg, cause)
	}
}

// unreachable wraps a failure to reach a platform's API at all.
func unreachable(backend, function string, err error) error {
	return domain.Wrap(domain.KindUnavailable, "invocation_unavailable",
		fmt.Sprintf("%s could not be reached to invoke %s", backend, function), err)
}

// clock is the time of the events the backends send.
type clock func() time.Time

func (c clock) now() time.Time {
	if c == nil {
		return time.Now().UTC()
	}
	return c().UTC()
}
