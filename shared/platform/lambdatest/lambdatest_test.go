package lambdatest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// call sends a request to the fake and returns status, header and body.
func call(t *testing.T, r *RuntimeAPI, method, path, body string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+r.Addr()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

type invokeResult struct {
	response, errPayload []byte
	err                  error
}

// invokeAsync starts an invocation and returns where its result arrives.
func invokeAsync(r *RuntimeAPI, ctx context.Context, payload string) chan invokeResult {
	c := make(chan invokeResult, 1)
	go func() {
		resp, errPayload, err := r.Invoke(ctx, []byte(payload))
		c <- invokeResult{resp, errPayload, err}
	}()
	return c
}

func TestInvokeResponse(t *testing.T) {
	r := New(t)
	done := invokeAsync(r, context.Background(), `{"n":1}`)
	status, h, body := call(t, r, "GET", "/2018-06-01/runtime/invocation/next", "", nil)
	id := h.Get("Lambda-Runtime-Aws-Request-Id")
	if status != 200 || body != `{"n":1}` || id == "" {
		t.Fatalf("next = %d %q id %q, want 200 with the payload and an id", status, body, id)
	}
	if h.Get("Lambda-Runtime-Invoked-Function-Arn") != FunctionARN || !strings.HasPrefix(h.Get("Lambda-Runtime-Trace-Id"), "Root=1-") {
		t.Errorf("headers %v lack the function ARN or trace id", h)
	}
	if ms := h.Get("Lambda-Runtime-Deadline-Ms"); len(ms) != 13 {
		t.Errorf("deadline %q, want unix milliseconds", ms)
	}
	if status, _, _ := call(t, r, "POST", "/2018-06-01/runtime/invocation/"+id+"/response", `"ok"`, nil); status != 202 {
		t.Fatalf("response: status %d, want 202", status)
	}
	res := <-done
	if res.err != nil || string(res.response) != `"ok"` || res.errPayload != nil {
		t.Errorf("Invoke = %q, %q, %v; want the response", res.response, res.errPayload, res.err)
	}
	if status, _, body := call(t, r, "POST", "/2018-06-01/runtime/invocation/"+id+"/response", `"again"`, nil); status != 400 || !strings.Contains(body, "InvalidRequestID") {
		t.Errorf("second response: %d %s, want 400 InvalidRequestID", status, body)
	}
}

func TestInvokeError(t *testing.T) {
	r := New(t)
	done := invokeAsync(r, context.Background(), `{}`)
	_, h, _ := call(t, r, "GET", "/2018-06-01/runtime/invocation/next", "", nil)
	errDoc := `{"errorMessage":"boom","errorType":"errorString"}`
	if status, _, _ := call(t, r, "POST", "/2018-06-01/runtime/invocation/"+h.Get("Lambda-Runtime-Aws-Request-Id")+"/error", errDoc, nil); status != 202 {
		t.Fatalf("error: status %d, want 202", status)
	}
	if res := <-done; res.err != nil || res.response != nil || string(res.errPayload) != errDoc {
		t.Errorf("Invoke = %q, %q, %v; want the error document", res.response, res.errPayload, res.err)
	}
}

func TestRuntimeAPIChecks(t *testing.T) {
	r := New(t)
	tests := []struct {
		name, method, path string
		header             http.Header
		want               int
	}{
		{"unknown id", "POST", "/2018-06-01/runtime/invocation/nope/response", nil, 400},
		{"unknown id error", "POST", "/2018-06-01/runtime/invocation/nope/error", nil, 400},
		{"next by post", "POST", "/2018-06-01/runtime/invocation/next", nil, 405},
		{"response by get", "GET", "/2018-06-01/runtime/invocation/x/response", nil, 405},
		{"unknown path", "GET", "/2018-06-01/runtime/other", nil, 404},
		{"other version", "GET", "/2019-01-01/runtime/invocation/next", nil, 404},
		{"register without name", "POST", "/2020-01-01/extension/register", nil, 400},
		{"extension next unknown", "GET", "/2020-01-01/extension/event/next", http.Header{"Lambda-Extension-Identifier": {"x"}}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, _, body := call(t, r, tt.method, tt.path, `{}`, tt.header); status != tt.want {
				t.Errorf("status %d (%s), want %d", status, body, tt.want)
			}
		})
	}
}

func TestInitErrorAndRegister(t *testing.T) {
	r := New(t)
	if status, _, _ := call(t, r, "POST", "/2018-06-01/runtime/init/error", `{"errorMessage":"no db"}`, nil); status != 202 {
		t.Errorf("init error: status %d, want 202", status)
	}
	if got := string(r.InitError()); got != `{"errorMessage":"no db"}` {
		t.Errorf("InitError = %q", got)
	}
	status, h, _ := call(t, r, "POST", "/2020-01-01/extension/register", `{"events":[]}`, http.Header{"Lambda-Extension-Name": {"GoLangEnableSIGTERM"}})
	if status != 200 || h.Get("Lambda-Extension-Identifier") == "" {
		t.Errorf("register: %d, id %q; want 200 and an id", status, h.Get("Lambda-Extension-Identifier"))
	}
}

func TestInvokeCancelled(t *testing.T) {
	r := New(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := invokeAsync(r, ctx, `"first"`)
	time.Sleep(20 * time.Millisecond) // let it queue
	cancel()
	if res := <-done; res.err != context.Canceled {
		t.Fatalf("Invoke err = %v, want context.Canceled", res.err)
	}
	second := invokeAsync(r, context.Background(), `"second"`)
	status, h, body := call(t, r, "GET", "/2018-06-01/runtime/invocation/next", "", nil)
	if status != 200 || body != `"second"` {
		t.Fatalf("next = %d %q, want the second invocation, the first was abandoned", status, body)
	}
	call(t, r, "POST", "/2018-06-01/runtime/invocation/"+h.Get("Lambda-Runtime-Aws-Request-Id")+"/response", `1`, nil)
	if res := <-second; string(res.response) != "1" {
		t.Errorf("second Invoke = %q, %v", res.response, res.err)
	}
}
