package invoke_test

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
)

// fakeFC is Function Compute's API as far as asynchronous invocations go:
// it checks each request as the service does (method, path, invocation
// type, body digest, date and signature) and keeps the accepted ones.
type fakeFC struct {
	t       *testing.T
	keyID   string
	secret  string
	token   string
	service string
	status  int // answered instead of 202 when set

	mu       sync.Mutex
	accepted []fcInvocation
}

type fcInvocation struct {
	function string
	body     []byte
}

func (f *fakeFC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Fc-Request-Id", "req-1")
	body, _ := io.ReadAll(r.Body)
	fn, problem := f.check(r, body)
	if problem != "" {
		f.t.Logf("fake FC refuses %s %s: %s", r.Method, r.URL.Path, problem)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"ErrorCode":"SignatureNotMatch","ErrorMessage":%q}`, problem)
		return
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"ErrorCode":"Throttled","ErrorMessage":"try later"}`)
		return
	}
	f.mu.Lock()
	f.accepted = append(f.accepted, fcInvocation{function: fn, body: body})
	f.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// check returns the invoked function, or what is wrong with the request.
func (f *fakeFC) check(r *http.Request, body []byte) (function, problem string) {
	prefix := "/2016-08-15/services/" + f.service + "/functions/"
	fn, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, prefix), "/invocations")
	switch {
	case r.Method != http.MethodPost:
		return "", "method " + r.Method
	case !strings.HasPrefix(r.URL.Path, prefix) || !ok || fn == "" || strings.Contains(fn, "/"):
		return "", "path " + r.URL.Path
	case r.Header.Get("X-Fc-Invocation-Type") != "Async":
		return "", "invocation type " + r.Header.Get("X-Fc-Invocation-Type")
	case f.token != "" && r.Header.Get("X-Fc-Security-Token") != f.token:
		return "", "security token"
	}
	sum := md5.Sum(body)
	if got := r.Header.Get("Content-MD5"); got != hex.EncodeToString(sum[:]) {
		return "", "Content-MD5 " + got
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil || time.Since(date).Abs() > 15*time.Minute {
		return "", "Date " + r.Header.Get("Date")
	}
	if got, want := r.Header.Get("Authorization"), "FC "+f.keyID+":"+f.signature(r); got != want {
		return "", "Authorization " + got
	}
	return fn, ""
}

// signature computes the request's signature as Function Compute's API
// documents it: HMAC-SHA256 over the method, Content-MD5, Content-Type,
// Date, the x-fc-* headers (lower case, sorted) and the path.
func (f *fakeFC) signature(r *http.Request) string {
	var fcHeaders []string
	for name, values := range r.Header {
		if lower := strings.ToLower(name); strings.HasPrefix(lower, "x-fc-") {
			fcHeaders = append(fcHeaders, lower+":"+values[0]+"\n")
		}
	}
	sort.Strings(fcHeaders)
	canonical := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(fcHeaders, "") + r.URL.Path
	mac := hmac.New(sha256.New, []byte(f.secret))
	mac.Write([]byte(canonical))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func newFakeFC(t *testing.T) (*fakeFC, *httptest.Server) {
	f := &fakeFC{t: t, keyID: "STS.key-id", secret: "fc-secret", token: "sts-token", service: "logifn"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func TestFCInvokesAsynchronously(t *testing.T) {
	fake, srv := newFakeFC(t)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	inv, err := invoke.NewFC(invoke.FCConfig{Endpoint: srv.URL, AccessKeyID: fake.keyID, AccessKeySecret: fake.secret,
		SecurityToken: fake.token, Service: fake.service, Now: func() time.Time { return now }})
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
			secret := fake.secret
			if tt.secret != "" {
				secret = tt.secret
			}
			inv, err := invoke.NewFC(invoke.FCConfig{Endpoint: srv.URL, AccessKeyID: fake.keyID, AccessKeySecret: secret,
				SecurityToken: fake.token, Service: fake.service})
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
