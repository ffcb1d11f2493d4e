package platform

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
)

// echoHTTP answers with the method, URI, body and request id it received.
func echoHTTP() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Request-Id", reqctx.RequestID(r.Context()))
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+string(body))
	})
}

// failing returns an error of kind for names containing "fail".
func failing(kind domain.Kind) func(string) error {
	return func(name string) error {
		if strings.Contains(name, "批次") || strings.Contains(name, "fail") {
			return domain.Errorf(kind, "test", "failed on purpose")
		}
		return nil
	}
}

func fcInvoke(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/invoke", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("x-fc-request-id", "fc-req-1")
	return req
}

func TestFCEvents(t *testing.T) {
	oss, timer := string(fixture(t, "fc-oss-event.json")), string(fixture(t, "fc-timer-event.json"))
	tests := []struct {
		name       string
		body       string
		fail       func(string) error
		wantStatus int
		wantFCStat string
		wantObjs   int
		wantTicks  int
		wantKind   string // error_kind on the failing event's log line
	}{
		{"oss batch handled", oss, nil, 200, "200", 2, 0, ""},
		{"timer handled", timer, nil, 200, "200", 0, 1, ""},
		{"unavailable retried", oss, failing(domain.KindUnavailable), 503, "404", 2, 0, "unavailable"},
		{"internal retried", oss, failing(domain.KindInternal), 500, "404", 2, 0, "internal"},
		{"rate limited retried", timer, func(string) error { return domain.Errorf(domain.KindRateLimited, "x", "x") }, 503, "404", 0, 1, "rate_limited"},
		{"invalid dropped", oss, failing(domain.KindInvalid), 200, "200", 2, 0, "invalid"},
		{"not found dropped", timer, func(string) error { return domain.Errorf(domain.KindNotFound, "x", "x") }, 200, "200", 0, 1, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{fail: tt.fail}
			d, hook := testDispatcher(KindFC, rec.handlers(Handlers{HTTP: echoHTTP()}))
			w := httptest.NewRecorder()
			newFCHandler(d).ServeHTTP(w, fcInvoke(tt.body))
			if w.Code != tt.wantStatus || w.Header().Get("x-fc-status") != tt.wantFCStat {
				t.Fatalf("status %d, x-fc-status %q; want %d, %q; body %s", w.Code, w.Header().Get("x-fc-status"), tt.wantStatus, tt.wantFCStat, w.Body)
			}
			if len(rec.objects) != tt.wantObjs || len(rec.ticks) != tt.wantTicks {
				t.Errorf("handled %d objects, %d ticks; want %d, %d", len(rec.objects), len(rec.ticks), tt.wantObjs, tt.wantTicks)
			}
			for _, id := range rec.requestIDs {
				if id != "fc-req-1" {
					t.Errorf("handler saw request id %q, want fc-req-1", id)
				}
			}
			lines := eventLines(hook)
			if len(lines) != tt.wantObjs+tt.wantTicks {
				t.Fatalf("%d event log lines, want one per event: %d", len(lines), tt.wantObjs+tt.wantTicks)
			}
			last := lines[len(lines)-1]
			if got, _ := last.Data[logging.FieldErrorKind].(string); got != tt.wantKind {
				t.Errorf("error_kind = %q, want %q", got, tt.wantKind)
			}
		})
	}
}

func TestFCOSSBatchLogLines(t *testing.T) {
	rec := &recorder{}
	d, hook := testDispatcher(KindFC, rec.handlers(Handlers{}))
	w := httptest.NewRecorder()
	newFCHandler(d).ServeHTTP(w, fcInvoke(string(fixture(t, "fc-oss-event.json"))))
	lines := eventLines(hook)
	if w.Code != 200 || len(lines) != 2 {
		t.Fatalf("status %d, %d log lines; want 200, 2", w.Code, len(lines))
	}
	checkEventLine(t, lines[0], KindFC, "fc-req-1", logging.FieldObjectKey, "waybills/LF2026010200017/label.jpg")
	checkEventLine(t, lines[1], KindFC, "fc-req-1", logging.FieldObjectKey, "scans/HZ01/2026-01-02 批次1.csv")
	checkEventLine(t, lines[1], KindFC, "fc-req-1", logging.FieldEvent, eventObject)
}

func TestFCRejects(t *testing.T) {
	timer := string(fixture(t, "fc-timer-event.json"))
	tests := []struct {
		name       string
		h          Handlers
		body       string
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"not json", Handlers{}, "hello", 400, "bad_event", "not a JSON object"},
		{"unknown event", Handlers{}, `{"foo":1}`, 400, "bad_event", "unknown event"},
		{"bad oss event", Handlers{}, `{"events":[]}`, 400, "bad_event", "no records"},
		{"bad timer event", Handlers{}, `{"triggerTime":"soon","triggerName":"t"}`, 400, "bad_event", "triggerTime"},
		{"no tick handler", Handlers{Object: (&recorder{}).object}, timer, 400, "no_handler", "has no schedule handler"},
		{"no object handler", Handlers{Tick: (&recorder{}).tick}, string(fixture(t, "fc-oss-event.json")), 400, "no_handler", "has no object handler"},
		{"oversized", Handlers{}, `{"events":[` + strings.Repeat(" ", maxEventBytes) + `]}`, 413, "too_large", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := testDispatcher(KindFC, tt.h)
			w := httptest.NewRecorder()
			newFCHandler(d).ServeHTTP(w, fcInvoke(tt.body))
			var got struct {
				Error     struct{ Code, Message string }
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if w.Code != tt.wantStatus || got.Error.Code != tt.wantCode || !strings.Contains(got.Error.Message, tt.wantMsg) {
				t.Errorf("got %d %+v, want %d %s containing %q", w.Code, got.Error, tt.wantStatus, tt.wantCode, tt.wantMsg)
			}
			if got.RequestID != "fc-req-1" {
				t.Errorf("request_id = %q, want fc-req-1", got.RequestID)
			}
			if s := w.Header().Get("x-fc-status"); s != "" {
				t.Errorf("x-fc-status = %q on a rejected event, want none so it is not retried", s)
			}
		})
	}
}

func TestFCHTTPAndHooks(t *testing.T) {
	rec := &recorder{}
	d, _ := testDispatcher(KindFC, rec.handlers(Handlers{HTTP: echoHTTP()}))
	h := newFCHandler(d)
	tests := []struct {
		name, method, target, body string
		requestID                  string
		wantStatus                 int
		wantBody                   string
	}{
		{"http trigger", "POST", "/v1/shipments?dry_run=1", `{"a":1}`, "fc-req-9", 418, `POST /v1/shipments?dry_run=1 {"a":1}`},
		{"http without request id", "GET", "/v1/track/LF1", "", "", 418, "GET /v1/track/LF1 "},
		{"get on invoke is http", "GET", "/invoke", "", "", 418, "GET /invoke "},
		{"initialize", "POST", "/initialize", "", "fc-req-2", 200, ""},
		{"pre-stop", "GET", "/pre-stop", "", "fc-req-3", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.requestID != "" {
				req.Header.Set("x-fc-request-id", tt.requestID)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if w.Code == 418 && w.Header().Get("X-Request-Id") != tt.requestID {
				t.Errorf("request id seen by the HTTP handler = %q, want %q", w.Header().Get("X-Request-Id"), tt.requestID)
			}
		})
	}
	if len(rec.objects)+len(rec.ticks) != 0 {
		t.Errorf("HTTP requests reached the event handlers: %v %v", rec.objects, rec.ticks)
	}
}

func TestFCNoHTTPHandler(t *testing.T) {
	d, _ := testDispatcher(KindFC, Handlers{})
	w := httptest.NewRecorder()
	newFCHandler(d).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404 from a function without an HTTP handler", w.Code)
	}
}

func TestFCHandlerPanicIsRetried(t *testing.T) {
	d, _ := testDispatcher(KindFC, Handlers{Tick: func(ctx context.Context, tk Tick) error { panic("boom") }})
	w := httptest.NewRecorder()
	newFCHandler(d).ServeHTTP(w, fcInvoke(string(fixture(t, "fc-timer-event.json"))))
	if w.Code != http.StatusInternalServerError || w.Header().Get("x-fc-status") != "404" {
		t.Errorf("status %d, x-fc-status %q; want 500, 404", w.Code, w.Header().Get("x-fc-status"))
	}
}
