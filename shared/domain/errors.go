package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error by what the caller can do about it.
type Kind string

// The error kinds. Each maps to one HTTP status in the web package and to
// one retry decision in the platform package.
const (
	KindInvalid          Kind = "invalid"            // the request is malformed; retrying will not help
	KindUnprocessable    Kind = "unprocessable"      // well-formed, but values fail validation
	KindNotFound         Kind = "not_found"          // no such thing in the caller's tenant
	KindConflict         Kind = "conflict"           // the state of the thing forbids the change
	KindPrecondition     Kind = "precondition"       // the caller's version is stale
	KindUnauthorized     Kind = "unauthorized"       // no or bad credentials
	KindForbidden        Kind = "forbidden"          // credentials fine, role not allowed
	KindMethodNotAllowed Kind = "method_not_allowed" // the route exists for other methods
	KindTooLarge         Kind = "too_large"          // the body is over the limit
	KindUnsupportedType  Kind = "unsupported_type"   // the content type is not accepted
	KindRateLimited      Kind = "rate_limited"       // too many requests; try later
	KindUnavailable      Kind = "unavailable"        // a dependency is down; try later
	KindInternal         Kind = "internal"           // a bug or an unexpected failure
)

// FieldError names one offending field by its JSON path, such as
// "receiver.phone" or "items[2].weight_g".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type of logifn. Message is safe to show to callers;
// Err, when set, is the underlying cause and is never shown to them.
type Error struct {
	Kind    Kind
	Code    string // a stable machine-readable code, such as "invalid_waybill"
	Message string
	Details []FieldError
	// RetryAfter, when positive, tells the caller how many seconds to wait
	// before trying again (rate limits, outages).
	RetryAfter int
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, "; %s: %s", d.Field, d.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error of the given kind whose message is formatted from
// format and args. The message is shown to callers, so keep internals out.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind carrying err as its hidden cause.
func Wrap(kind Kind, code, message string, err error) *Error {
	return &Error{Kind: kind, Code: code, Message: message, Err: err}
}

// KindOf reports the kind of err: the kind of the first *Error in its chain,
// or KindInternal for any other non-nil error.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err is of kind k.
func IsKind(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Problems collects field errors while validating a value.
type Problems []FieldError

// Add records that field is wrong for the reason given.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, else an unprocessable error that
// lists every problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Kind: KindUnprocessable, Code: "validation_failed", Message: "the request has invalid fields", Details: p}
}
