package platform

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
)

// pingRequest returns the structured PingSource fixture as a request.
func pingRequest(t *testing.T) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(fixture(t, "ping-cloudevent.json"))))
	req.Header.Set("Content-Type", "application/cloudevents+json; charset=utf-8")
	return req
}

func TestKnativeEvents(t *testing.T) {
	tests := []struct {
		name       string
		req        func(*testing.T) *http.Request
		fail       func(string) error
		wantStatus int
		wantID     string
		wantObjs   int
		wantTicks  int
	}{
		{"structured ping", pingRequest, nil, 200, "5f0c7f4a-1f2e-4d0b-9e55-0c0d3a1b2c3d", 0, 1},
		{"binary oss", func(t *testing.T) *http.Request { return httpFixture(t, "eventbridge-oss-binary.http") }, nil,
			200, "9f1d3c2e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", 1, 0},
		{"ping unavailable retried", pingRequest, func(string) error { return domain.Errorf(domain.KindUnavailable, "db", "down") },
			503, "5f0c7f4a-1f2e-4d0b-9e55-0c0d3a1b2c3d", 0, 1},
		{"oss internal retried", func(t *testing.T) *http.Request { return httpFixture(t, "eventbridge-oss-binary.http") },
			func(string) error { return domain.Errorf(domain.KindInternal, "bug", "bug") }, 500, "9f1d3c2e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", 1, 0},
		{"ping conflict dropped", pingRequest, func(string) error { return domain.Errorf(domain.KindConflict, "c", "c") },
			200, "5f0c7f4a-1f2e-4d0b-9e55-0c0d3a1b2c3d", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{fail: tt.fail}
			d, hook := testDispatcher(KindKnative, rec.handlers(Handlers{HTTP: echoHTTP()}))
			w := httptest.NewRecorder()
			newKnativeHandler(d).ServeHTTP(w, tt.req(t))
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			if len(rec.objects) != tt.wantObjs || len(rec.ticks) != tt.wantTicks {
				t.Fatalf("handled %d objects, %d ticks; want %d, %d", len(rec.objects), len(rec.ticks), tt.wantObjs, tt.wantTicks)
			}
			if rec.requestIDs[0] != tt.wantID {
				t.Errorf("request id %q, want the event id %q", rec.requestIDs[0], tt.wantID)
			}
			lines := eventLines(hook)
			if len(lines) != 1 {
				t.Fatalf("%d event log lines, want 1", len(lines))
			}
			if tt.wantTicks == 1 {
				checkEventLine(t, lines[0], KindKnative, tt.wantID, logging.FieldTick, "auto-confirm")
			} else {
				checkEventLine(t, lines[0], KindKnative, tt.wantID, logging.FieldObjectKey, "waybills/LF2026010200017/damage 破损.jpg")
			}
		})
	}
}

func TestKnativeTickValue(t *testing.T) {
	rec := &recorder{}
	d, _ := testDispatcher(KindKnative, rec.handlers(Handlers{}))
	newKnativeHandler(d).ServeHTTP(httptest.NewRecorder(), pingRequest(t))
	want := Tick{Name: "auto-confirm", Time: time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC), Payload: `{"batch": 500}`}
	if len(rec.ticks) != 1 || rec.ticks[0] != want {
		t.Errorf("ticks %+v, want [%+v]", rec.ticks, want)
	}
}

func TestKnativeRejects(t *testing.T) {
	binary := func(source, typ, body string) func(*testing.T) *http.Request {
		return func(*testing.T) *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set("Ce-Specversion", "1.0")
			req.Header.Set("Ce-Id", "bin-1")
			req.Header.Set("Ce-Source", source)
			req.Header.Set("Ce-Type", typ)
			req.Header.Set("Content-Type", "application/json")
			return req
		}
	}
	structured := func(body string) func(*testing.T) *http.Request {
		return func(*testing.T) *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/cloudevents+json")
			return req
		}
	}
	tests := []struct {
		name       string
		h          Handlers
		req        func(*testing.T) *http.Request
		wantStatus int
		wantBody   string
	}{
		{"structured not json", Handlers{}, structured(`{"specversion":`), 400, "bad_event"},
		{"structured without id", Handlers{}, structured(`{"specversion":"1.0","type":"t","source":"s"}`), 400, "bad_event"},
		{"unsupported type", Handlers{}, binary("shop", "com.example.other", `{"a":1}`), 400, `unsupported type`},
		{"oss removal", Handlers{}, binary(ceOSSSource, "oss:ObjectRemoved:DeleteObject", `{}`), 400, "not an object creation"},
		{"no tick handler", Handlers{HTTP: echoHTTP()}, pingRequest, 400, "no_handler"},
		{"oversized", Handlers{}, binary("bridge", "com.example.s3", strings.Repeat("x", maxEventBytes+1)), 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := testDispatcher(KindKnative, tt.h)
			w := httptest.NewRecorder()
			newKnativeHandler(d).ServeHTTP(w, tt.req(t))
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("got %d %s, want %d with %q", w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestKnativeHTTP(t *testing.T) {
	rec := &recorder{}
	d, _ := testDispatcher(KindKnative, rec.handlers(Handlers{HTTP: echoHTTP()}))
	h := newKnativeHandler(d)
	tests := []struct {
		name, method, target, contentType, body, want string
	}{
		{"json post", "POST", "/v1/shipments?x=1", "application/json", `{"receiver":{}}`, `POST /v1/shipments?x=1 {"receiver":{}}`},
		{"get", "GET", "/healthz", "", "", "GET /healthz "},
		{"root post", "POST", "/", "text/plain", "not an event", "POST / not an event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusTeapot || w.Body.String() != tt.want {
				t.Errorf("got %d %q, want 418 %q", w.Code, w.Body, tt.want)
			}
		})
	}
	if len(rec.objects)+len(rec.ticks) != 0 {
		t.Errorf("HTTP requests reached the event handlers")
	}
}

// A binary-mode event with a "Ce-" header naming nothing is delivered as
// the rest of its headers carry it; the SDK's reader panicked on it.
func TestKnativeEventWithEmptyExtensionHeader(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
	for k, v := range map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Source": "/s",
		"Ce-Type": cePingType, "Ce-Time": "2026-01-02T03:04:05Z", "Ce-": "x", "Content-Type": "application/json"} {
		req.Header[k] = []string{v}
	}
	rec := &recorder{}
	d, _ := testDispatcher(KindKnative, rec.handlers(Handlers{HTTP: echoHTTP()}))
	w := httptest.NewRecorder()
	newKnativeHandler(d).ServeHTTP(w, req)
	if w.Code != http.StatusOK || len(rec.ticks) != 1 {
		t.Fatalf("status %d, %d ticks; want 200 and one tick; body %s", w.Code, len(rec.ticks), w.Body)
	}
	if rec.ticks[0].Name != "s" {
		t.Errorf("tick %q, want s", rec.ticks[0].Name)
	}
}
