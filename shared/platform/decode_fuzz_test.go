package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ceevent "github.com/cloudevents/sdk-go/v2/event"
	"github.com/logifn/logifn/shared/domain"
)

// The fuzzers here feed every event shape logifn decodes with arbitrary
// bytes. Whatever arrives, decoding must not panic, a failure must be an
// invalid-kind error (the event is bad, so a redelivery would not help),
// and what decodes must be usable: objects name a bucket and a key, ticks
// a name and a time. The adapters must answer a bad event with a 4xx JSON
// error carrying a request id, never with a 5xx that asks for a retry.

// addFixtures adds every file of testdata as a seed.
func addFixtures(f *testing.F) {
	f.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[]`))
}

// checkDecodeError fails unless err, a decoding failure, is invalid-kind.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	if k := domain.KindOf(err); k != domain.KindInvalid {
		t.Fatalf("decode error of kind %q, want %q: %v", k, domain.KindInvalid, err)
	}
	if Retryable(err) {
		t.Fatalf("decode error asks for a redelivery: %v", err)
	}
}

// checkObjects fails unless every object names a bucket and a decoded key.
func checkObjects(t *testing.T, objs []ObjectCreated) {
	t.Helper()
	for i, o := range objs {
		if o.Bucket == "" || o.Key == "" {
			t.Fatalf("object %d without bucket or key: %+v", i, o)
		}
		if o.Size < 0 {
			t.Fatalf("object %d with a negative size: %+v", i, o)
		}
		if o.Time.Location() != time.UTC {
			t.Fatalf("object %d time %v is not UTC", i, o.Time)
		}
	}
}

// checkTick fails unless tick has a name and a time in UTC.
func checkTick(t *testing.T, tick Tick) {
	t.Helper()
	if tick.Name == "" || tick.Time.IsZero() || tick.Time.Location() != time.UTC {
		t.Fatalf("tick without a name or a UTC time: %+v", tick)
	}
}

// checkEventAnswer fails unless res is how an adapter answers an event its
// handlers accept: 200, or a 4xx JSON error with a code and a request id.
func checkEventAnswer(t *testing.T, res *httptest.ResponseRecorder) {
	t.Helper()
	if res.Code == http.StatusOK {
		return
	}
	if res.Code < 400 || res.Code >= 500 {
		t.Fatalf("status %d, want 200 or 4xx: %s", res.Code, res.Body)
	}
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" || e.RequestID == "" {
		t.Fatalf("status %d without logifn's JSON error: %s", res.Code, res.Body)
	}
}

// acceptAll returns handlers that take any object or tick.
func acceptAll() Handlers {
	return Handlers{
		HTTP:   http.NotFoundHandler(),
		Object: func(context.Context, ObjectCreated) error { return nil },
		Tick:   func(context.Context, Tick) error { return nil },
	}
}

func FuzzFCInvoke(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"events":[{"oss":{"bucket":{"name":"b"},"object":{"key":"k"}},"eventTime":"x"}]}`))
	f.Add([]byte(`{"triggerTime":null,"triggerName":"t"}`))
	f.Add([]byte(`{"triggerTime":"0001-01-01T00:00:00Z","triggerName":"t"}`))
	d, _ := testDispatcher(KindFC, acceptAll())
	h := newFCHandler(d)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := decodeFCEvent(body)
		switch {
		case err != nil:
			checkDecodeError(t, err)
		case ev.tick != nil:
			checkTick(t, *ev.tick)
		default:
			checkObjects(t, ev.objects)
		}
		res := httptest.NewRecorder()
		h.ServeHTTP(res, httptest.NewRequest(http.MethodPost, "/invoke", bytes.NewReader(body)))
		checkEventAnswer(t, res)
	})
}

func FuzzLambdaEvent(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"},"object":{"key":"a%2"}}}]}`))
	f.Add([]byte(`{"detail-type":"Scheduled Event","resources":[],"time":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"},"object":{"key":""}}}]}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var probe lambdaProbe
		if json.Unmarshal(payload, &probe) != nil || probe.Version == "2.0" && probe.RequestContext.HTTP != nil {
			return // not an event decodeLambdaEvent is given; see FuzzAPIGatewayRequest
		}
		ev, err := decodeLambdaEvent(probe, payload)
		switch {
		case err != nil:
			checkDecodeError(t, err)
		case ev.tick != nil:
			checkTick(t, *ev.tick)
		default:
			checkObjects(t, ev.objects)
		}
	})
}

func FuzzAPIGatewayRequest(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"version":"2.0","rawPath":"//x","rawQueryString":"%zz","requestContext":{"http":{"method":"GET"}}}`))
	f.Add([]byte(`{"version":"2.0","body":"!","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}}`))
	d, _ := testDispatcher(KindLambda, acceptAll())
	a := &lambdaAdapter{d: d}
	f.Fuzz(func(t *testing.T, payload []byte) {
		req, err := decodeAPIGWRequest(context.Background(), payload)
		if err != nil {
			checkDecodeError(t, err)
		} else if req.Method == "" || req.URL == nil || req.Body == nil {
			t.Fatalf("request without a method, URL or body: %+v", req)
		}
		var probe lambdaProbe
		if json.Unmarshal(payload, &probe) != nil || probe.Version != "2.0" || probe.RequestContext.HTTP == nil {
			return
		}
		out, err := a.invoke(context.Background(), payload)
		if err != nil {
			t.Fatalf("an HTTP API event made the invocation fail: %v", err)
		}
		checkAPIGWResponse(t, out)
	})
}

// checkAPIGWResponse fails unless out is an HTTP API response whose body
// survives JSON: UTF-8 text, or base64 marked as such.
func checkAPIGWResponse(t *testing.T, out any) {
	t.Helper()
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("response does not marshal: %v", err)
	}
	var res struct {
		StatusCode      int    `json:"statusCode"`
		Body            string `json:"body"`
		IsBase64Encoded bool   `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode < 200 || res.StatusCode >= 500 {
		t.Fatalf("status %d for an HTTP API event: %s", res.StatusCode, res.Body)
	}
	if !res.IsBase64Encoded && !utf8.ValidString(res.Body) {
		t.Fatalf("body is not UTF-8 and not marked base64: %q", res.Body)
	}
}

func FuzzCloudEventStructured(f *testing.F) {
	for _, name := range []string{"ping-cloudevent.json", "minio-cloudevent.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"specversion":"1.0","id":"1","source":"acs.oss","type":"oss:ObjectCreated:PutObject","data":{"events":[]}}`))
	f.Add([]byte(`{"specversion":"1.0","id":"1","source":"/x/","type":"dev.knative.sources.ping"}`))
	d, _ := testDispatcher(KindKnative, acceptAll())
	h := newKnativeHandler(d)
	f.Fuzz(func(t *testing.T, body []byte) {
		var e ceevent.Event
		if err := json.Unmarshal(body, &e); err == nil && e.Validate() == nil {
			checkCloudEvent(t, e)
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/cloudevents+json")
		res := httptest.NewRecorder()
		h.ServeHTTP(res, req)
		checkEventAnswer(t, res)
	})
}

func FuzzCloudEventBinary(f *testing.F) {
	oss, err := os.ReadFile(filepath.Join("testdata", "fc-oss-event.json"))
	if err != nil {
		f.Fatal(err)
	}
	var batch struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(oss, &batch); err != nil || len(batch.Events) == 0 {
		f.Fatalf("fc-oss-event.json: %v", err)
	}
	s3, err := os.ReadFile(filepath.Join("testdata", "s3-event.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("oss:ObjectCreated:PutObject", "acs.oss", "2026-01-02T03:04:05Z", "", []byte(batch.Events[0]))
	f.Add("oss:ObjectCreated:PutObject", "acs.oss", "2026-01-02T03:04:05Z", "", oss)
	f.Add("com.amazonaws.s3", "minio:s3", "", "", s3)
	f.Add(cePingType, "/apis/v1/namespaces/logifn/pingsources/stale-sweep", "2026-01-02T03:04:05Z", "", []byte(`{"tenant":"t1"}`))
	f.Add(cePingType, "/", "2026-01-02T03:04:05Z", "sweep", []byte(nil))
	d, _ := testDispatcher(KindKnative, acceptAll())
	h := newKnativeHandler(d)
	f.Fuzz(func(t *testing.T, typ, source, at, name string, data []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "fuzz-1", "Ce-Type": typ, "Ce-Source": source, "Ce-Time": at, "Ce-Name": name} {
			if v != "" && !strings.ContainsAny(v, "\r\n\x00") {
				req.Header.Set(k, v)
			}
		}
		res := httptest.NewRecorder()
		h.ServeHTTP(res, req)
		checkEventAnswer(t, res)

		e := ceevent.New()
		e.SetID("fuzz-1")
		e.SetType(typ)
		e.SetSource(source)
		if ts, err := time.Parse(time.RFC3339Nano, at); err == nil {
			e.SetTime(ts)
		}
		if name != "" {
			e.SetExtension("name", name)
		}
		if err := e.SetData("application/json", data); err != nil {
			return
		}
		if e.Validate() == nil {
			checkCloudEvent(t, e)
		}
	})
}

// checkCloudEvent decodes a valid CloudEvent and checks what it carries.
func checkCloudEvent(t *testing.T, e ceevent.Event) {
	t.Helper()
	objs, tick, err := FromCloudEvent(e)
	switch {
	case err != nil:
		checkDecodeError(t, err)
	case tick != nil && objs == nil:
		checkTick(t, *tick)
	case tick == nil:
		checkObjects(t, objs)
	default:
		t.Fatalf("both objects and a tick: %+v, %+v", objs, tick)
	}
}
