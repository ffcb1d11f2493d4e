// Package web holds what every HTTP function shares: the JSON error shape,
// strict JSON decoding with size and type limits, and the middleware for
// request ids, logging, panics, authentication and Idempotency-Key.
package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
)

// statusOf maps each error kind to its HTTP status. It is the only such map.
var statusOf = map[domain.Kind]int{
	domain.KindInvalid:          http.StatusBadRequest,
	domain.KindUnprocessable:    http.StatusUnprocessableEntity,
	domain.KindNotFound:         http.StatusNotFound,
	domain.KindConflict:         http.StatusConflict,
	domain.KindPrecondition:     http.StatusPreconditionFailed,
	domain.KindUnauthorized:     http.StatusUnauthorized,
	domain.KindForbidden:        http.StatusForbidden,
	domain.KindMethodNotAllowed: http.StatusMethodNotAllowed,
	domain.KindTooLarge:         http.StatusRequestEntityTooLarge,
	domain.KindUnsupportedType:  http.StatusUnsupportedMediaType,
	domain.KindRateLimited:      http.StatusTooManyRequests,
	domain.KindUnavailable:      http.StatusServiceUnavailable,
	domain.KindInternal:         http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for err's kind.
func StatusOf(err error) int {
	if s, ok := statusOf[domain.KindOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// RetryAfterSeconds is what a 429 or 503 answer asks the caller to wait.
const RetryAfterSeconds = 1

type errorBody struct {
	Error     errorDetail `json:"error"`
	RequestID string      `json:"request_id"`
}

type errorDetail struct {
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Details []domain.FieldError `json:"details,omitempty"`
}

// WriteError renders err as logifn's JSON error. An internal error's cause
// is never shown: the caller sees a generic message and the request id, and
// the access log line carries the cause.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	d := errorDetail{Code: "internal", Message: "an internal error occurred; quote the request id when reporting it"}
	var e *domain.Error
	if errors.As(err, &e) && e.Kind != domain.KindInternal {
		d = errorDetail{Code: e.Code, Message: e.Message, Details: e.Details}
		if d.Code == "" {
			d.Code = string(e.Kind)
		}
	}
	if rec := findRecorder(w); rec != nil {
		rec.err = err
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		wait := RetryAfterSeconds
		if e != nil && e.RetryAfter > 0 {
			wait = e.RetryAfter
		}
		w.Header().Set("Retry-After", strconv.Itoa(wait))
	}
	WriteJSON(w, status, errorBody{Error: d, RequestID: reqctx.RequestID(r.Context())})
}

// JSONAppender is a value that appends its own JSON to a buffer: byte for
// byte what json.Marshal writes for it, without reflection. The error is
// one json.Marshal would report too. A struct that embeds a JSONAppender
// is one too, and would leave its own fields out: only types that mean to
// should have the method.
type JSONAppender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// jsonBuffers holds the buffers WriteJSON encodes JSONAppenders into: a
// page of a listing takes tens of kilobytes, which would otherwise be
// allocated and collected again on every call.
var jsonBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledJSON is the largest buffer jsonBuffers keeps: a rare huge answer
// should not stay in memory.
const maxPooledJSON = 256 << 10

const encodeFailed = `{"error":{"code":"internal","message":"the response could not be encoded"}}`

// WriteJSON writes v as JSON with status. A JSONAppender writes itself.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if a, ok := v.(JSONAppender); ok {
		buf := jsonBuffers.Get().(*[]byte)
		b, err := a.AppendJSON((*buf)[:0])
		if err != nil {
			status, b = http.StatusInternalServerError, append((*buf)[:0], encodeFailed...)
		}
		b = append(b, '\n')
		writeJSONBody(w, status, b)
		if cap(b) <= maxPooledJSON {
			*buf = b[:0]
			jsonBuffers.Put(buf)
		}
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(encodeFailed)
	}
	writeJSONBody(w, status, append(b, '\n'))
}

// writeJSONBody writes b, a JSON document, with status. A Write must not
// retain its bytes (io.Writer), so b may be reused when it returns.
func writeJSONBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// With its length known, a flushed answer is complete for the caller
	// even while the handler still has work to finish.
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// HandlerFunc is an HTTP handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP runs f and renders its error, if any.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// findRecorder returns the access-log recorder under w's wrappers, if any.
func findRecorder(w http.ResponseWriter) *recorder {
	for {
		switch x := w.(type) {
		case *recorder:
			return x
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return nil
		}
	}
}
