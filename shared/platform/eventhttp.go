package platform

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
)

// maxEventBytes bounds an event body; it is the largest synchronous
// payload Function Compute and Lambda accept.
const maxEventBytes = 6 << 20

// readEventBody reads r's body up to maxEventBytes. On failure it returns
// the status to answer with: 413 when the body is too large, else 400.
func readEventBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBytes))
	if err == nil {
		return body, http.StatusOK, nil
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, http.StatusRequestEntityTooLarge, err
	}
	return nil, http.StatusBadRequest, err
}

// eventStatus is the HTTP status telling a platform what became of a
// delivery: 200 when handled or dropped, 5xx when it should come again.
func eventStatus(err error) int {
	switch {
	case !Retryable(err):
		return http.StatusOK
	case domain.KindOf(err) == domain.KindInternal:
		return http.StatusInternalServerError
	default:
		return http.StatusServiceUnavailable
	}
}

// writeEventResult answers a delivery that reached its handlers.
func writeEventResult(w http.ResponseWriter, r *http.Request, err error) {
	id := reqctx.RequestID(r.Context())
	status := eventStatus(err)
	switch {
	case err == nil:
		writeJSON(w, status, map[string]string{"status": "handled", "request_id": id})
	case status == http.StatusOK:
		writeJSON(w, status, map[string]string{"status": "dropped", "error_kind": string(domain.KindOf(err)), "request_id": id})
	default:
		writeEventError(w, status, "event_failed", "the event could not be handled; deliver it again", id)
	}
}

// rejectEvent logs and answers a delivery that never reached a handler:
// unreadable, unknown or without a handler.
func rejectEvent(w http.ResponseWriter, r *http.Request, status int, code string, err error) {
	reqctx.Logger(r.Context()).WithField(logging.FieldStatus, status).WithError(err).Warn("event rejected")
	writeEventError(w, status, code, err.Error(), reqctx.RequestID(r.Context()))
}

// rejectBody answers a delivery whose body could not be read.
func rejectBody(w http.ResponseWriter, r *http.Request, status int, err error) {
	code := "bad_event"
	if status == http.StatusRequestEntityTooLarge {
		code = "too_large"
	}
	rejectEvent(w, r, status, code, err)
}

// writeEventError writes logifn's JSON error body.
func writeEventError(w http.ResponseWriter, status int, code, message, requestID string) {
	type detail struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	writeJSON(w, status, struct {
		Error     detail `json:"error"`
		RequestID string `json:"request_id"`
	}{detail{code, message}, requestID})
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
