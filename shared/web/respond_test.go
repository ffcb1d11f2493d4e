package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
)

func observed(t *testing.T, h http.Handler) (http.Handler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	log, err := logging.New(&logs, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	return Observe(log, "test", h), &logs
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	cause := errors.New("Error 1146: Table 'logifn.shipments' doesn't exist; SELECT secret_column")
	h, logs := observed(t, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return cause
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	if w.Code != 500 {
		t.Fatalf("status = %d, want 500", w.Code)
	}
	if strings.Contains(w.Body.String(), "SELECT") || strings.Contains(w.Body.String(), "1146") {
		t.Errorf("response leaks the cause: %s", w.Body)
	}
	var body errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != "internal" || body.RequestID == "" {
		t.Errorf("body = %s, want internal error with request id", w.Body)
	}
	if body.RequestID != w.Header().Get("X-Request-Id") {
		t.Errorf("request id in body %q differs from header %q", body.RequestID, w.Header().Get("X-Request-Id"))
	}
	if !strings.Contains(logs.String(), "1146") || !strings.Contains(logs.String(), body.RequestID) {
		t.Errorf("log lacks the cause or request id: %s", logs)
	}
}

func TestUnavailableAsksToRetry(t *testing.T) {
	h, _ := observed(t, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return domain.Wrap(domain.KindUnavailable, "unavailable", "the database is unavailable", errors.New("dial tcp: refused"))
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("got %d Retry-After=%q, want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
}

func TestPanicBecomes500(t *testing.T) {
	h, logs := observed(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "boom") {
		t.Errorf("got %d %s, want 500 without the panic value", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("panic not logged: %s", logs)
	}
}

func TestRequestIDs(t *testing.T) {
	h, logs := observed(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tests := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"fc id wins", map[string]string{"x-fc-request-id": "fc-123", "X-Request-Id": "client-1"}, "fc-123"},
		{"client id", map[string]string{"X-Request-Id": "client-1"}, "client-1"},
		{"unsafe client id replaced", map[string]string{"X-Request-Id": "evil\nline"}, ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		for k, v := range tt.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		if tt.want != "" && got != tt.want {
			t.Errorf("%s: X-Request-Id = %q, want %q", tt.name, got, tt.want)
		}
		if tt.want == "" && (len(got) != 32 || strings.Contains(got, "evil")) {
			t.Errorf("%s: X-Request-Id = %q, want a new 32-hex id", tt.name, got)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if !strings.Contains(logs.String(), `"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"`) {
		t.Errorf("trace id not logged: %s", logs)
	}
}
