package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/invoke/fctest"
)

// fakeFCService is Function Compute's API for service logifn with alias
// live, as far as releases go. fctest checks each request's signature; the
// routes check method, path and headers as the service does.
type fakeFCService struct {
	t      *testing.T
	status int // answered to every request when set

	mu       sync.Mutex
	version  string             // the alias's main version
	weights  map[string]float64 // its additional version weights
	etag     string
	updates  []map[string]any // the alias update bodies received
	invoked  []string         // invocation type and body of each invocation
	versions int
}

const fcPrefix = fctest.APIVersion + "/services/logifn"

func (f *fakeFCService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if f.status != 0 {
		fctest.Error(w, f.status, "ServiceUnavailable", "try later")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch route := r.Method + " " + r.URL.Path; route {
	case "POST " + fcPrefix + "/versions":
		f.versions++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"versionId":"%d","description":%q}`, 3+f.versions, body)
	case "GET " + fcPrefix + "/aliases/live":
		w.Header().Set("ETag", f.etag)
		json.NewEncoder(w).Encode(map[string]any{"aliasName": "live", "versionId": f.version, "additionalVersionWeight": f.weights, "description": "production"})
	case "PUT " + fcPrefix + "/aliases/live":
		if r.Header.Get("If-Match") != f.etag {
			fctest.Error(w, http.StatusPreconditionFailed, "PreconditionFailed", "etag "+r.Header.Get("If-Match"))
			return
		}
		var upd map[string]any
		if err := json.Unmarshal(body, &upd); err != nil {
			fctest.Error(w, http.StatusBadRequest, "InvalidArgument", err.Error())
			return
		}
		f.updates = append(f.updates, upd)
		var typed struct {
			VersionID string             `json:"versionId"`
			Weights   map[string]float64 `json:"additionalVersionWeight"`
		}
		json.Unmarshal(body, &typed)
		f.version, f.weights, f.etag = typed.VersionID, typed.Weights, f.etag+"1"
		fmt.Fprint(w, string(body))
	case "POST " + fcPrefix + "/functions/track-shipment/invocations":
		typ := r.Header.Get("X-Fc-Invocation-Type")
		f.invoked = append(f.invoked, typ+" "+string(body))
		if typ == "Async" {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		if strings.Contains(string(body), "boom") {
			w.Header().Set("X-Fc-Error-Type", "UnhandledInvocationError")
		}
		fmt.Fprintf(w, `{"echo":%s}`, body)
	default:
		f.t.Logf("fake FC: no route %s", route)
		fctest.Error(w, http.StatusNotFound, "NotFound", route)
	}
}

// newFakeFCService starts the fake with alias live on version 3 and sets
// the credentials and the service in the environment.
func newFakeFCService(t *testing.T) (*fakeFCService, *fctest.Server) {
	f := &fakeFCService{t: t, version: "3", weights: map[string]float64{}, etag: "e"}
	srv := fctest.New(t, f)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", srv.KeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", srv.Secret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", srv.Token)
	t.Setenv("LOGIFN_INVOKE_FC_SERVICE", "logifn")
	t.Setenv("LOGIFN_INVOKE_FC_ENDPOINT", "")
	return f, srv
}

func runFC(t *testing.T, srv *fctest.Server, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append(append([]string{"fc"}, args...), "--endpoint", srv.URL), &stdout, &stderr)
	return stdout.String(), err
}

func TestFCInvoke(t *testing.T) {
	f, srv := newFakeFCService(t)
	out, err := runFC(t, srv, "invoke", "track-shipment", "--payload", `{"waybill":"LF1"}`)
	if err != nil || out != `{"echo":{"waybill":"LF1"}}`+"\n" {
		t.Errorf("sync invoke printed %q, %v; want the echoed response", out, err)
	}
	out, err = runFC(t, srv, "invoke", "--async", "track-shipment", "--payload", `{"n":2}`)
	if err != nil || !strings.HasPrefix(out, "queued track-shipment (request req-1)") {
		t.Errorf("async invoke printed %q, %v; want queued", out, err)
	}
	if _, err := runFC(t, srv, "invoke", "track-shipment", "--payload", `"boom"`); err == nil || !strings.Contains(err.Error(), "UnhandledInvocationError") {
		t.Errorf("invoke of a failing function: err = %v, want the function error", err)
	}
	want := []string{`Sync {"waybill":"LF1"}`, `Async {"n":2}`, `Sync "boom"`}
	if fmt.Sprint(f.invoked) != fmt.Sprint(want) {
		t.Errorf("invocations %q, want %q", f.invoked, want)
	}
	if _, err := runFC(t, srv, "invoke"); err == nil {
		t.Errorf("invoke without a function: no error")
	}
}

func TestFCPublish(t *testing.T) {
	f, srv := newFakeFCService(t)
	out, err := runFC(t, srv, "publish", "--description", "release 42")
	if err != nil || out != "4\n" {
		t.Fatalf("publish printed %q, %v; want version 4", out, err)
	}
	reqs := srv.Requests()
	var body struct{ Description string }
	if len(reqs) != 1 || json.Unmarshal(reqs[0].Body, &body) != nil || body.Description != "release 42" {
		t.Errorf("publish sent %d requests, body %+v; want one with the description", len(reqs), body)
	}
	if f.versions != 1 {
		t.Errorf("versions published %d, want 1", f.versions)
	}
}

func TestFCCanaryRollbackPromote(t *testing.T) {
	f, srv := newFakeFCService(t)
	steps := []struct {
		args    []string
		out     string
		version string
		weights string
	}{
		{[]string{"canary", "--alias", "live", "--version", "4", "--weight", "10"}, "alias live: version 3 90%, version 4 10%\n", "3", `{"4":0.1}`},
		{[]string{"rollback", "--alias", "live"}, "alias live: version 3 100%\n", "3", `{}`},
		{[]string{"canary", "--alias", "live", "--version", "4", "--weight", "25"}, "alias live: version 3 75%, version 4 25%\n", "3", `{"4":0.25}`},
		{[]string{"promote", "--alias", "live"}, "alias live: version 4 100%\n", "4", `{}`},
	}
	for i, s := range steps {
		out, err := runFC(t, srv, s.args...)
		if err != nil || out != s.out {
			t.Fatalf("%v printed %q, %v; want %q", s.args, out, err, s.out)
		}
		upd := f.updates[i]
		weights, _ := json.Marshal(upd["additionalVersionWeight"])
		if upd["versionId"] != s.version || string(weights) != s.weights || upd["description"] != "production" {
			t.Errorf("%v sent %v; want versionId %s, additionalVersionWeight %s, the description kept", s.args, upd, s.version, s.weights)
		}
	}
	if len(f.updates) != len(steps) {
		t.Errorf("%d alias updates, want %d", len(f.updates), len(steps))
	}
}

func TestFCAliasRefusals(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no alias", []string{"rollback"}},
		{"weight too large", []string{"canary", "--alias", "live", "--version", "4", "--weight", "100"}},
		{"no weight", []string{"canary", "--alias", "live", "--version", "4"}},
		{"no version", []string{"canary", "--alias", "live", "--weight", "10"}},
		{"canary of the main version", []string{"canary", "--alias", "live", "--version", "3", "--weight", "10"}},
		{"promote without a canary", []string{"promote", "--alias", "live"}},
		{"unknown subcommand", []string{"deploy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeFCService(t)
			if _, err := runFC(t, srv, tt.args...); err == nil {
				t.Errorf("%v: no error", tt.args)
			}
			if len(f.updates) != 0 {
				t.Errorf("%v updated the alias: %v", tt.args, f.updates)
			}
		})
	}
}

func TestFCErrorAnswers(t *testing.T) {
	commands := [][]string{
		{"invoke", "track-shipment", "--async"},
		{"invoke", "track-shipment"},
		{"publish"},
		{"canary", "--alias", "live", "--version", "4", "--weight", "10"},
		{"rollback", "--alias", "live"},
		{"promote", "--alias", "live", "--version", "4"},
	}
	for _, status := range []int{http.StatusNotFound, http.StatusServiceUnavailable} {
		for _, args := range commands {
			t.Run(fmt.Sprint(status, args), func(t *testing.T) {
				f, srv := newFakeFCService(t)
				f.status = status
				_, err := runFC(t, srv, args...)
				if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("answered %d", status)) {
					t.Errorf("err = %v, want Function Compute's %d", err, status)
				}
			})
		}
	}
	t.Run("wrong secret", func(t *testing.T) {
		f, srv := newFakeFCService(t)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret")
		_, err := runFC(t, srv, "rollback", "--alias", "live")
		if err == nil || !strings.Contains(err.Error(), "answered 403 SignatureNotMatch") || len(f.updates) != 0 {
			t.Errorf("err = %v, updates %d; want 403 and nothing updated", err, len(f.updates))
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		_, srv := newFakeFCService(t)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
		if _, err := runFC(t, srv, "publish"); err == nil || len(srv.Requests()) != 0 {
			t.Errorf("publish without credentials: err = %v, %d requests", err, len(srv.Requests()))
		}
	})
}
