package invoke_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/invoke/fctest"
	"github.com/logifn/logifn/shared/platform"
)

// fakeFC is Function Compute's API as far as asynchronous invocations go:
// fctest checks each request's signing as the service does, and check the
// method, path and invocation type; it keeps the accepted invocations.
type fakeFC struct {
	*fctest.Server
	t       *testing.T
	service string
	status  int // answered instead of 202 when set

	mu       sync.Mutex
	accepted []fcInvocation
}

type fcInvocation struct {
	function string
	body     []byte
}

func (f *fakeFC) invoke(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fn, problem := f.check(r)
	if problem != "" {
		f.t.Logf("fake FC refuses %s %s: %s", r.Method, r.URL.Path, problem)
		fctest.Error(w, http.StatusBadRequest, "InvalidArgument", problem)
		return
	}
	if f.status != 0 {
		fctest.Error(w, f.status, "Throttled", "try later")
		return
	}
	f.mu.Lock()
	f.accepted = append(f.accepted, fcInvocation{function: fn, body: body})
	f.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// check returns the invoked function, or what is wrong with the request.
func (f *fakeFC) check(r *http.Request) (function, problem string) {
	prefix := fctest.APIVersion + "/services/" + f.service + "/functions/"
	fn, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, prefix), "/invocations")
	switch {
	case r.Method != http.MethodPost:
		return "", "method " + r.Method
	case !strings.HasPrefix(r.URL.Path, prefix) || !ok || fn == "" || strings.Contains(fn, "/"):
		return "", "path " + r.URL.Path
	case r.Header.Get("X-Fc-Invocation-Type") != "Async":
		return "", "invocation type " + r.Header.Get("X-Fc-Invocation-Type")
	}
	return fn, ""
}

func newFakeFC(t *testing.T) (*fakeFC, *fctest.Server) {
	f := &fakeFC{t: t, service: "logifn"}
	f.Server = fctest.New(t, http.HandlerFunc(f.invoke))
	return f, f.Server
}

func TestFCInvokesAsynchronously(t *testing.T) {
	fake, srv := newFakeFC(t)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	inv, err := invoke.NewFC(invoke.FCConfig{Endpoint: srv.URL, AccessKeyID: fake.KeyID, AccessKeySecret: fake.Secret,
		SecurityToken: fake.Token, Service: fake.service, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	payload := `{"tenant":"t1","file_id":7,"chunk":2}`
	if err := inv.Invoke(context.Background(), invoke.Call{Function: "scan-file-ingest", Name: "scan-file-chunk", Payload: []byte(payload)}); err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if len(fake.accepted) != 1 || fake.accepted[0].function != "scan-file-ingest" {
		t.Fatalf("accepted %+v, want one invocation of scan-file-ingest", fake.accepted)
	}
	// The custom runtime adapter reads the body as a timer event: the tick
	// the invoked function gets.
	tick, err := platform.DecodeFCTimer(fake.accepted[0].body)
	if err != nil || tick.Name != "scan-file-chunk" || tick.Payload != payload || !tick.Time.Equal(now) {
		t.Errorf("the invoked function gets %+v, %v; want tick scan-file-chunk with the payload", tick, err)
	}
}

func TestFCErrors(t *testing.T) {
	call := invoke.Call{Function: "scan-file-ingest", Name: "scan-file-chunk", Payload: []byte(`{}`)}
	tests := []struct {
		name   string
		secret string
		status int
		kind   domain.Kind
	}{
		{"wrong secret", "not-the-secret", 0, domain.KindInternal},
		{"throttled", "", http.StatusTooManyRequests, domain.KindRateLimited},
		{"service error", "", http.StatusServiceUnavailable, domain.KindUnavailable},
		{"no such function", "", http.StatusNotFound, domain.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeFC(t)
			fake.status = tt.status
			secret := fake.Secret
			if tt.secret != "" {
				secret = tt.secret
			}
			inv, err := invoke.NewFC(invoke.FCConfig{Endpoint: srv.URL, AccessKeyID: fake.KeyID, AccessKeySecret: secret,
				SecurityToken: fake.Token, Service: fake.service})
			if err != nil {
				t.Fatal(err)
			}
			err = inv.Invoke(context.Background(), call)
			if domain.KindOf(err) != tt.kind || len(fake.accepted) != 0 {
				t.Errorf("err = %v (kind %s), accepted %d; want kind %s and nothing accepted", err, domain.KindOf(err), len(fake.accepted), tt.kind)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		_, srv := newFakeFC(t)
		srv.Close()
		inv, _ := invoke.NewFC(invoke.FCConfig{Endpoint: srv.URL, AccessKeyID: "k", AccessKeySecret: "s", Service: "logifn", Timeout: time.Second})
		if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindUnavailable) {
			t.Errorf("err = %v, want unavailable", err)
		}
	})
	t.Run("no function", func(t *testing.T) {
		inv, _ := invoke.NewFC(invoke.FCConfig{Endpoint: "http://127.0.0.1:1", AccessKeyID: "k", AccessKeySecret: "s", Service: "logifn"})
		if err := inv.Invoke(context.Background(), invoke.Call{Name: "x"}); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("err = %v, want invalid", err)
		}
	})
	if _, err := invoke.NewFC(invoke.FCConfig{Endpoint: "http://127.0.0.1:1", Service: "logifn"}); err == nil {
		t.Errorf("NewFC without credentials: no error")
	}
}
