package platform

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
)

// lambdaCtx returns the context aws-lambda-go gives an invocation.
func lambdaCtx(requestID string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: requestID})
}

// seenRequest is what the HTTP handler saw of a request.
type seenRequest struct {
	method, uri, host, remote, requestID, body string
}

// apigwResponder records the request (and its header in seenHeader) and answers with a binary body,
// cookies and a repeated header.
func apigwResponder(seen *seenRequest, seenHeader http.Header, body []byte, contentType string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*seen = seenRequest{r.Method, r.URL.RequestURI(), r.Host, r.RemoteAddr, reqctx.RequestID(r.Context()), string(b)}
		for k, v := range r.Header {
			seenHeader[k] = v
		}
		w.Header().Add("Set-Cookie", "session=new; HttpOnly")
		w.Header().Add("Set-Cookie", "lang=en")
		w.Header().Add("Vary", "Accept")
		w.Header().Add("Vary", "Cookie")
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
}

func TestLambdaHTTPRequest(t *testing.T) {
	var seen seenRequest
	header := http.Header{}
	d, _ := testDispatcher(KindLambda, Handlers{HTTP: apigwResponder(&seen, header, nil, "")})
	a := &lambdaAdapter{d: d}
	if _, err := a.invoke(lambdaCtx("aws-req-1"), fixture(t, "apigw-v2-request.json")); err != nil {
		t.Fatal(err)
	}
	want := seenRequest{
		method: "POST", uri: "/v1/shipments?dry_run=1&tag=a&tag=b", host: "api.logifn.example",
		remote: "203.0.113.7:0", requestID: "aws-req-1",
		body: `{"receiver": {"name": "王小明", "phone": "13800138000"}, "items": [{"name": "book", "quantity": 1, "weight_g": 350}]}`,
	}
	if seen != want {
		t.Errorf("handler saw\n%+v\nwant\n%+v", seen, want)
	}
	for k, v := range map[string]string{
		"Accept": "application/json,text/plain", "Authorization": "Bearer test-token",
		"Idempotency-Key": "3f6c1d7e-2b1a-4c5d-9e8f-7a6b5c4d3e2f", "Cookie": "session=abc123; lang=zh-CN",
		"Content-Type": "application/json; charset=utf-8",
	} {
		if header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, header.Get(k), v)
		}
	}
}

func TestLambdaHTTPResponse(t *testing.T) {
	binary := []byte("\x89PNG\r\n\x1a\n\x00\x01\xff")
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantBase64  bool
		wantType    string
	}{
		{"binary", binary, "image/png", true, "image/png"},
		{"json", []byte(`{"waybill":"LF1"}`), "application/json", false, "application/json"},
		{"problem json", []byte(`{"error":{}}`), "application/problem+json", false, "application/problem+json"},
		{"text", []byte("收件 ok"), "text/plain; charset=utf-8", false, "text/plain; charset=utf-8"},
		{"sniffed binary", binary, "", true, "image/png"},
		{"empty", nil, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen seenRequest
			d, _ := testDispatcher(KindLambda, Handlers{HTTP: apigwResponder(&seen, http.Header{}, tt.body, tt.contentType)})
			out, err := (&lambdaAdapter{d: d}).invoke(lambdaCtx("aws-req-2"), fixture(t, "apigw-v2-request.json"))
			if err != nil {
				t.Fatal(err)
			}
			resp, ok := out.(events.APIGatewayV2HTTPResponse)
			if !ok {
				t.Fatalf("got %T, want an HTTP API response", out)
			}
			if resp.StatusCode != 201 || resp.IsBase64Encoded != tt.wantBase64 || resp.Headers["Content-Type"] != tt.wantType {
				t.Errorf("status %d, base64 %v, type %q; want 201, %v, %q", resp.StatusCode, resp.IsBase64Encoded, resp.Headers["Content-Type"], tt.wantBase64, tt.wantType)
			}
			body := []byte(resp.Body)
			if resp.IsBase64Encoded {
				if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
					t.Fatal(err)
				}
			}
			if string(body) != string(tt.body) {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			if strings.Join(resp.Cookies, "|") != "session=new; HttpOnly|lang=en" || resp.Headers["Set-Cookie"] != "" {
				t.Errorf("cookies %q, Set-Cookie header %q; want both cookies in Cookies only", resp.Cookies, resp.Headers["Set-Cookie"])
			}
			if resp.Headers["Vary"] != "Accept,Cookie" {
				t.Errorf("Vary = %q, want Accept,Cookie", resp.Headers["Vary"])
			}
		})
	}
}

func TestLambdaHTTPBadRequest(t *testing.T) {
	called := false
	d, _ := testDispatcher(KindLambda, Handlers{HTTP: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })})
	payload := strings.Replace(string(fixture(t, "apigw-v2-request.json")), `"body": "eyJ`, `"body": "!!!eyJ`, 1)
	out, err := (&lambdaAdapter{d: d}).invoke(lambdaCtx("aws-req-3"), json.RawMessage(payload))
	resp, _ := out.(events.APIGatewayV2HTTPResponse)
	if err != nil || resp.StatusCode != 400 || called || !strings.Contains(resp.Body, `"request_id":"aws-req-3"`) {
		t.Errorf("got %+v, %v, handler called %v; want a 400 answer naming the request without calling the handler", resp, err, called)
	}
}

func TestLambdaEvents(t *testing.T) {
	s3, sched := fixture(t, "s3-event.json"), fixture(t, "eventbridge-scheduled.json")
	tests := []struct {
		name      string
		payload   []byte
		fail      func(string) error
		wantErr   string
		wantField string
		wantValue string
	}{
		{"s3 handled", s3, nil, "", logging.FieldObjectKey, "waybills/LF2026010200017/proof of delivery+签收.jpg"},
		{"schedule handled", sched, nil, "", logging.FieldTick, "daily-station-report"},
		{"s3 unavailable retried", s3, func(string) error { return domain.Errorf(domain.KindUnavailable, "db", "down") },
			"redelivery requested", logging.FieldErrorKind, "unavailable"},
		{"schedule internal retried", sched, func(string) error { return domain.Errorf(domain.KindInternal, "x", "x") },
			"redelivery requested", logging.FieldErrorKind, "internal"},
		{"s3 invalid dropped", s3, func(string) error { return domain.Errorf(domain.KindInvalid, "x", "x") },
			"", logging.FieldErrorKind, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{fail: tt.fail}
			d, hook := testDispatcher(KindLambda, rec.handlers(Handlers{}))
			out, err := (&lambdaAdapter{d: d}).invoke(lambdaCtx("aws-req-4"), tt.payload)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if out != nil {
				t.Errorf("output %v, want none for an event", out)
			}
			if len(rec.objects)+len(rec.ticks) != 1 || rec.requestIDs[0] != "aws-req-4" {
				t.Fatalf("handled %v %v with request ids %v; want one event with aws-req-4", rec.objects, rec.ticks, rec.requestIDs)
			}
			lines := eventLines(hook)
			if len(lines) != 1 {
				t.Fatalf("%d event log lines, want 1", len(lines))
			}
			checkEventLine(t, lines[0], KindLambda, "aws-req-4", tt.wantField, tt.wantValue)
		})
	}
}

func TestLambdaRejects(t *testing.T) {
	rec := &recorder{}
	tests := []struct {
		name, payload, wantErr string
		h                      Handlers
	}{
		{"not json", `"hello"`, "not a JSON object", rec.handlers(Handlers{})},
		{"unknown event", `{"source":"aws.sqs","Records":[{"eventSource":"aws:sqs"}]}`, "unknown event", rec.handlers(Handlers{})},
		{"v1 http event", `{"version":"1.0","httpMethod":"GET","requestContext":{}}`, "unknown event", rec.handlers(Handlers{})},
		{"bad s3 key", `{"Records":[{"eventSource":"aws:s3","s3":{"object":{"key":"%zz"}}}]}`, "decode s3 event", rec.handlers(Handlers{})},
		{"bad scheduled event", `{"detail-type":"Scheduled Event","time":"noon"}`, "decode scheduled event", rec.handlers(Handlers{})},
		{"no object handler", string(fixture(t, "s3-event.json")), "has no object handler", Handlers{Tick: rec.tick}},
		{"no tick handler", string(fixture(t, "eventbridge-scheduled.json")), "has no schedule handler", Handlers{Object: rec.object}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := testDispatcher(KindLambda, tt.h)
			_, err := (&lambdaAdapter{d: d}).invoke(lambdaCtx("aws-req-5"), json.RawMessage(tt.payload))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	if len(rec.objects)+len(rec.ticks) != 0 {
		t.Errorf("rejected events reached a handler")
	}
}
