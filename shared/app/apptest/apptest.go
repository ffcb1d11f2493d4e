// Package apptest runs functions in tests exactly as the platform does:
// built by their spec, mounted on the Router behind every middleware, on a
// real store, driven through httptest. Every call is also checked against
// the API document (see openapitest), so every function test is a
// contract test too.
package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/openapi/openapitest"
	"github.com/logifn/logifn/shared/store"
)

// Secret signs the tokens of tests.
const Secret = "apptest-secret-apptest-secret-0123456789"

// Harness serves some functions on a store.
type Harness struct {
	t       testing.TB
	Deps    *app.Deps
	Handler http.Handler
	Logs    *bytes.Buffer
	// Contract, on by default, fails the test when a call departs from the
	// API document: an undocumented status, header or body, or an accepted
	// request the document rejects. Turn it off only for routes that are
	// not part of the API. Calls of static routes (app.Route.Static), which
	// the document leaves out, are never checked.
	Contract bool
	static   *http.ServeMux // the static routes mounted
}

// New mounts specs on st. Logs go to h.Logs as JSON, so tests can search them.
func New(t testing.TB, st *store.Store, specs ...app.Spec) *Harness {
	t.Helper()
	return NewWithClock(t, st, func() time.Time { return time.Now().UTC() }, specs...)
}

// NewWithClock is New with the functions reading the time from now. Give
// the store the same clock (storetest.WithClock) to move time for both.
func NewWithClock(t testing.TB, st *store.Store, now func() time.Time, specs ...app.Spec) *Harness {
	t.Helper()
	logs := &bytes.Buffer{}
	log, err := logging.New(logs, "json", "debug")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewKeys(Secret, now)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{MaxBodyBytes: 1 << 20, RequestTimeout: 10 * time.Second, DBDriver: st.Driver()}
	// Functions that need object storage get a bucket in memory.
	d := &app.Deps{Config: cfg, Log: log, Store: st, Blob: memblob.New("apptest"), Keys: keys, Now: now}
	rt := app.NewRouter(d, "test")
	static := http.NewServeMux()
	for _, spec := range specs {
		h, err := spec.New(d)
		if err != nil {
			t.Fatalf("build %s: %v", spec.Name, err)
		}
		rt.Mount(spec, h.HTTP)
		for _, r := range spec.Routes {
			if r.Static {
				static.Handle(r.Pattern(), http.NotFoundHandler())
			}
		}
	}
	return &Harness{t: t, Deps: d, Handler: rt.Handler(), Logs: logs, Contract: true, static: static}
}

// Token returns a valid bearer token for p.
func (h *Harness) Token(p domain.Principal) string {
	h.t.Helper()
	tok, err := h.Deps.Keys.Mint(p, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// Request describes one call. Body, when not a string or []byte, is sent
// as JSON; Token empty means no Authorization header.
type Request struct {
	Method, Path, Token string
	Body                any
	Header              map[string]string
}

// Response is a finished call.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do performs r and returns the response. With h.Contract it checks the
// call against the API document and fails the test on a mismatch.
func (h *Harness) Do(r Request) *Response {
	h.t.Helper()
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		body = js
	}
	var reader io.Reader
	if r.Body != nil {
		reader = bytes.NewReader(body)
	}
	req := httptest.NewRequest(r.Method, r.Path, reader)
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	sent := req.Header.Clone()
	rec := httptest.NewRecorder()
	h.Handler.ServeHTTP(rec, req)
	res := &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if _, pattern := h.static.Handler(req); h.Contract && pattern == "" {
		if err := res.CheckContract(r.Method, r.Path, sent, body); err != nil {
			h.t.Errorf("contract: %v", err)
		}
	}
	return res
}

// CheckContract checks res, the answer to a request with the given method,
// target (path and query), headers and body, against the API document. Any
// test that drives logifn over HTTP may use it.
func (r *Response) CheckContract(method, target string, header http.Header, body []byte) error {
	return openapitest.Check(openapitest.Exchange{Method: method, Target: target, RequestHeader: header, RequestBody: body,
		Status: r.Status, Header: r.Header, Body: r.Body})
}

// JSON decodes the response body into v, failing the test on bad JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// ErrorBody is logifn's JSON error.
type ErrorBody struct {
	Error struct {
		Code    string              `json:"code"`
		Message string              `json:"message"`
		Details []domain.FieldError `json:"details"`
	} `json:"error"`
	RequestID string `json:"request_id"`
}

// Err decodes the response as logifn's JSON error and checks its status.
func (r *Response) Err(t testing.TB, status int) ErrorBody {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	var e ErrorBody
	r.JSON(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" || e.RequestID == "" {
		t.Fatalf("error body lacks code, message or request id: %s", r.Body)
	}
	return e
}
