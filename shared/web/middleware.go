package web

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/sirupsen/logrus"
)

// recorder remembers what a handler answered, for the access log.
type recorder struct {
	http.ResponseWriter
	status    int
	bytes     int
	err       error
	route     string
	principal *domain.Principal
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Observe gives every request an id (from the platform, x-fc-request-id,
// X-Request-Id, or a new one), echoes it as X-Request-Id, puts a logger with
// the request's fields into the context, turns a panic into a 500 and logs
// one line when the request ends.
func Observe(log *logrus.Logger, function string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		w.Header().Set("X-Request-Id", id)
		fields := logrus.Fields{
			logging.FieldRequestID: id,
			logging.FieldFunction:  function,
			logging.FieldMethod:    r.Method,
			logging.FieldPath:      r.URL.Path,
		}
		if trace := traceID(r); trace != "" {
			fields[logging.FieldTraceID] = trace
		}
		// The entry takes fields as they are: WithFields would copy them.
		entry := &logrus.Entry{Logger: log, Data: fields}
		ctx := reqctx.WithLogger(reqctx.WithRequestID(r.Context(), id), entry)
		rec := &recorder{ResponseWriter: w}
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				entry.WithField("panic", p).Error(string(debug.Stack()))
				if rec.status == 0 {
					WriteError(rec, r, domain.Errorf(domain.KindInternal, "internal", "panic"))
				}
			}
			accessLog(entry, rec, start)
		}()
		next.ServeHTTP(rec, r)
	})
}

// accessLog logs the one line of a finished request. Its fields are
// gathered in one map that the line's entry takes as it is: each
// WithField, or WithFields, would copy them all again.
func accessLog(entry *logrus.Entry, rec *recorder, start time.Time) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	f := make(logrus.Fields, len(entry.Data)+8)
	maps.Copy(f, entry.Data)
	f[logging.FieldStatus] = rec.status
	f[logging.FieldDurationMS] = float64(time.Since(start).Microseconds()) / 1000
	if rec.route != "" {
		f[logging.FieldRoute] = rec.route
	}
	if p := rec.principal; p != nil {
		f[logging.FieldTenant], f[logging.FieldSubject], f[logging.FieldRole] = p.Tenant, p.Subject, p.Role
	}
	if rec.err != nil || rec.status >= 500 {
		f[logging.FieldErrorKind] = domain.KindOf(rec.err)
	}
	line := &logrus.Entry{Logger: entry.Logger, Data: f}
	switch {
	case rec.status >= 500:
		if rec.err != nil {
			f[logrus.ErrorKey] = rec.err.Error()
		}
		line.Error("request failed")
	case rec.err != nil:
		line.Info("request rejected")
	default:
		line.Info("request")
	}
}

// requestID returns the platform's id for the request, the caller's
// X-Request-Id when it is safe to log, or a new random id.
func requestID(r *http.Request) string {
	if id := reqctx.RequestID(r.Context()); id != "" {
		return id
	}
	for _, h := range []string{"X-Fc-Request-Id", "X-Request-Id"} {
		if id := r.Header.Get(h); safeID(id) {
			return id
		}
	}
	// An id need be unique, not secret: the runtime's generator, seeded
	// from the system, gives 128 bits without a system call.
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

// traceID returns the trace id of a W3C traceparent or a B3 header.
func traceID(r *http.Request) string {
	if tp := r.Header.Get("Traceparent"); tp != "" {
		if parts := strings.Split(tp, "-"); len(parts) == 4 && len(parts[1]) == 32 && safeID(parts[1]) {
			return parts[1]
		}
	}
	if id := r.Header.Get("X-B3-Traceid"); safeID(id) {
		return id
	}
	return ""
}

// safeID reports whether s is a short token of letters, digits, '-', '_',
// '.' or ':', safe to echo and to log.
func safeID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	return !strings.ContainsFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':')
	})
}

// LimitBody caps the request body at max bytes; reading past it fails with
// an error DecodeJSON reports as 413. A compressed body (Content-Encoding
// other than identity) is refused with 415: logifn never inflates request
// bodies, so a small compressed bomb cannot grow past the limit.
func LimitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if enc := r.Header.Get("Content-Encoding"); r.ContentLength != 0 && enc != "" && !strings.EqualFold(enc, "identity") {
			WriteError(w, r, domain.Errorf(domain.KindUnsupportedType, "unsupported_content_encoding",
				"compressed bodies are not accepted: send the body without Content-Encoding"))
			return
		}
		if r.ContentLength > max {
			WriteError(w, r, domain.Errorf(domain.KindTooLarge, "body_too_large", "the body is larger than %d bytes", max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// Timeout bounds the time a request's work may take: database calls past
// the deadline fail as unavailable instead of hanging.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Verifier checks a request's credentials.
type Verifier interface {
	FromRequest(r *http.Request) (domain.Principal, error)
}

// Authenticate admits requests with a valid token whose role is one of
// roles (401 without a valid token, 403 for another role) and puts the
// principal into the context.
func Authenticate(v Verifier, roles []domain.Role, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.FromRequest(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="logifn"`)
			WriteError(w, r, err)
			return
		}
		if !hasRole(roles, p.Role) {
			WriteError(w, r, domain.Errorf(domain.KindForbidden, "forbidden", "role %s may not use this operation", p.Role))
			return
		}
		if rec := findRecorder(w); rec != nil {
			rec.principal = &p
		}
		next.ServeHTTP(w, r.WithContext(reqctx.WithPrincipal(r.Context(), p)))
	})
}

// Route names the route pattern in the request's access log line.
func Route(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec := findRecorder(w); rec != nil {
			rec.route = pattern
		}
		next.ServeHTTP(w, r)
	})
}

func hasRole(roles []domain.Role, r domain.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
