package tests

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform/lambdatest"
)

func TestLambda(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	db := sqliteDatabase(t, bins)
	api := lambdatest.New(t)
	addr, ids := recordRequestIDs(t, api)
	p := start(t, "shipment-list on lambda", bins.function("shipment-list"), nil, db.env().with(env{
		"AWS_LAMBDA_RUNTIME_API": addr, "AWS_LAMBDA_FUNCTION_NAME": "shipment-list", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap",
	}))
	customer := demoUser(t, domain.RoleCustomer)
	tok := token(t, customer, 0)

	t.Run("pages", func(t *testing.T) {
		first := lambdaPage(t, p, api, ids, httpAPIEvent("/v1/shipments", "limit=2", tok))
		if len(first.Shipments) != 2 || first.NextCursor == "" {
			t.Fatalf("first page: %d shipments, next_cursor %q; want 2 and a cursor (customer-1 has more)", len(first.Shipments), first.NextCursor)
		}
		second := lambdaPage(t, p, api, ids, httpAPIEvent("/v1/shipments", "limit=2&cursor="+url.QueryEscape(first.NextCursor), tok))
		all := append(first.Shipments, second.Shipments...)
		if len(second.Shipments) == 0 {
			t.Fatal("the second page is empty")
		}
		for i, s := range all {
			if s.CustomerID != customer.Subject {
				t.Errorf("customer-1 was shown %s of %s", s.Waybill, s.CustomerID)
			}
			if i > 0 && s.Waybill >= all[i-1].Waybill {
				t.Errorf("%s listed after %s: want newest first, each once", s.Waybill, all[i-1].Waybill)
			}
		}
	})
	t.Run("unauthenticated", func(t *testing.T) {
		resp := invokeHTTP(t, p, api, httpAPIEvent("/v1/shipments", "limit=2", ""))
		e := (&apptest.Response{Status: resp.StatusCode, Body: []byte(resp.Body)}).Err(t, http.StatusUnauthorized)
		want := ids.last()
		if e.Error.Code != "missing_token" || e.RequestID != want || resp.Headers["X-Request-Id"] != want {
			t.Errorf("error %+v, X-Request-Id %q; want missing_token for the invocation's request id %s", e, resp.Headers["X-Request-Id"], want)
		}
	})
	t.Run("event of an unknown shape", func(t *testing.T) {
		resp, errDoc := invoke(t, p, api, []byte(`{"hello":"world"}`))
		if resp != nil || !strings.Contains(string(errDoc), "unknown event") {
			t.Errorf("response %s, error %s; want an invocation error naming the unknown event", resp, errDoc)
		}
	})
	t.Run("listening", func(t *testing.T) {
		line := p.waitLog(t, map[string]any{"message": "listening"})
		if line["platform"] != "lambda" || line["function"] != "shipment-list" {
			t.Errorf("start line %v, want platform lambda, function shipment-list", line)
		}
	})
	t.Run("logs are JSON", p.checkJSONLogs)
}

// lambdaPage invokes a shipment-list HTTP event and returns its 200 page;
// the response must carry the invocation's request id.
func lambdaPage(t *testing.T, p *process, api *lambdatest.RuntimeAPI, ids *requestIDs, payload []byte) pageView {
	t.Helper()
	resp := invokeHTTP(t, p, api, payload)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("statusCode %d, want 200: %s", resp.StatusCode, resp.Body)
	}
	if got, want := resp.Headers["X-Request-Id"], ids.last(); got != want {
		t.Errorf("X-Request-Id %q, want the Lambda request id %q", got, want)
	}
	var page pageView
	if err := json.Unmarshal([]byte(resp.Body), &page); err != nil {
		t.Fatalf("body is not a page: %v\n%s", err, resp.Body)
	}
	return page
}

// invokeHTTP invokes an HTTP API event and decodes the HTTP response.
func invokeHTTP(t *testing.T, p *process, api *lambdatest.RuntimeAPI, payload []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	body, errDoc := invoke(t, p, api, payload)
	if errDoc != nil {
		t.Fatalf("invocation failed: %s", errDoc)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("response is not an HTTP API response: %v\n%s", err, body)
	}
	return resp
}

// invoke invokes the function once and returns its response or its error
// document. The test fails when the function exits or does not answer in
// time.
func invoke(t *testing.T, p *process, api *lambdatest.RuntimeAPI, payload []byte) (response, errDoc []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	type result struct {
		response, errDoc []byte
		err              error
	}
	done := make(chan result, 1)
	go func() {
		r, e, err := api.Invoke(ctx, payload)
		done <- result{r, e, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("invoke: %v", r.err)
		}
		return r.response, r.errDoc
	case <-p.done:
		t.Fatalf("%s exited: %v", p.name, p.err)
	}
	return nil, nil
}

// httpAPIEvent returns an API Gateway HTTP API (payload 2.0) GET event.
func httpAPIEvent(path, query, tok string) []byte {
	headers := map[string]string{"host": "abc123.execute-api.us-east-1.amazonaws.com", "user-agent": "logifn-e2e"}
	if tok != "" {
		headers["authorization"] = "Bearer " + tok
	}
	e := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, RawQueryString: query, Headers: headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "$default", Stage: "$default", RequestID: "apigw-" + time.Now().Format("150405.000000"),
			DomainName: "abc123.execute-api.us-east-1.amazonaws.com",
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.7"},
		},
	}
	b, _ := json.Marshal(e)
	return b
}

// requestIDs are the request ids the Runtime API handed out, in order.
type requestIDs struct {
	mu  sync.Mutex
	ids []string
}

func (r *requestIDs) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ids) == 0 {
		return ""
	}
	return r.ids[len(r.ids)-1]
}

// recordRequestIDs puts a proxy in front of api that notes the request id
// of each invocation handed to the function, so the test knows what the
// function's Lambda context held. It returns the proxy's address.
func recordRequestIDs(t *testing.T, api *lambdatest.RuntimeAPI) (string, *requestIDs) {
	ids := &requestIDs{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: api.Addr()})
	rp.ErrorLog = log.New(io.Discard, "", 0) // long polls end abruptly when the function stops
	rp.ModifyResponse = func(resp *http.Response) error {
		if id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id"); id != "" {
			ids.mu.Lock()
			ids.ids = append(ids.ids, id)
			ids.mu.Unlock()
		}
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), ids
}
