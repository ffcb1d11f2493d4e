// Package reqctx carries request-scoped values through a context: the
// request id, the request's logger and the authenticated principal. Every
// accessor of logifn's request-scoped values lives in this one file.
package reqctx

import (
	"context"

	"github.com/logifn/logifn/shared/domain"
	"github.com/sirupsen/logrus"
)

type key int

const (
	requestIDKey key = iota
	loggerKey
	principalKey
)

// WithRequestID returns a context carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithLogger returns a context carrying the request's log entry.
func WithLogger(ctx context.Context, l *logrus.Entry) context.Context {
	return context.WithValue(ctx, loggerKey, l)
}

// Logger returns the request's log entry, or an entry of the standard
// logger when ctx carries none.
func Logger(ctx context.Context) *logrus.Entry {
	if l, ok := ctx.Value(loggerKey).(*logrus.Entry); ok {
		return l
	}
	return logrus.NewEntry(logrus.StandardLogger())
}

// WithPrincipal returns a context carrying the authenticated caller.
func WithPrincipal(ctx context.Context, p domain.Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// Principal returns the authenticated caller and whether there is one.
func Principal(ctx context.Context) (domain.Principal, bool) {
	p, ok := ctx.Value(principalKey).(domain.Principal)
	return p, ok
}
