package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func delivery(url string) Delivery {
	return Delivery{ID: 1, URL: url, Secrets: []string{"whsec_a", "whsec_b"}, EventID: "evt-1",
		EventType: EventStatusChanged, Sequence: 3, Body: []byte(`{"id":"evt-1"}`), Attempt: 2, Replay: true}
}

func TestSendSignsAndLabels(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, mustRead(t, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	res := NewClient(ClientOptions{AllowPrivate: true}).Send(context.Background(), delivery(srv.URL+"/hook"))
	if !res.OK() || res.StatusCode != http.StatusAccepted {
		t.Fatalf("result = %+v, want 202", res)
	}
	for _, secret := range []string{"whsec_a", "whsec_b"} {
		if err := Verify(secret, got.Header.Get(SignatureHeader), body, time.Minute); err != nil {
			t.Errorf("signature with %s: %v", secret, err)
		}
	}
	want := map[string]string{"Content-Type": "application/json", "User-Agent": UserAgent, EventIDHeader: "evt-1",
		EventTypeHeader: "shipment.status_changed", AttemptHeader: "2", ReplayHeader: "true"}
	for k, v := range want {
		if got.Header.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, got.Header.Get(k), v)
		}
	}
	if got.Method != http.MethodPost || got.URL.Path != "/hook" || string(body) != `{"id":"evt-1"}` {
		t.Errorf("got %s %s %s", got.Method, got.URL.Path, body)
	}
}

func TestSendRefusesPrivateAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := NewClient(ClientOptions{})
	if res := c.Send(context.Background(), delivery(srv.URL)); res.Err == nil || res.OK() {
		t.Errorf("send to %s without private targets allowed: %+v, want refused", srv.URL, res)
	}
	// Past the URL check (a name that resolves to a private address), the
	// dialer itself refuses.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("{}"))
	if _, err := c.hc.Do(req); err == nil || !errors.Is(err, errForbiddenAddress) {
		t.Errorf("dial %s: err = %v, want the forbidden address error", srv.URL, err)
	}
	if hits.Load() != 0 {
		t.Errorf("the receiver got %d requests, want none", hits.Load())
	}
}

func TestSendRedirects(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { otherHits.Add(1) }))
	defer other.Close()
	var movedBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/elsewhere":
			http.Redirect(w, r, other.URL+"/x", http.StatusTemporaryRedirect)
		case "/same-host":
			http.Redirect(w, r, "/moved", http.StatusPermanentRedirect)
		case "/as-get":
			http.Redirect(w, r, "/moved", http.StatusFound)
		case "/moved":
			movedBody = string(mustRead(t, r.Body))
			if r.Method != http.MethodPost {
				return // 200 to a GET, which must not count as delivered
			}
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{AllowPrivate: true})
	if res := c.Send(context.Background(), delivery(srv.URL+"/elsewhere")); res.OK() || res.Err == nil {
		t.Errorf("redirect to another host: %+v, want refused", res)
	}
	if otherHits.Load() != 0 {
		t.Errorf("the other host got %d requests", otherHits.Load())
	}
	if res := c.Send(context.Background(), delivery(srv.URL+"/as-get")); res.OK() {
		t.Errorf("302 turning POST into GET: %+v, want a failure", res)
	}
	if res := c.Send(context.Background(), delivery(srv.URL+"/same-host")); res.StatusCode != http.StatusNoContent || movedBody != `{"id":"evt-1"}` {
		t.Errorf("308 on the same host: %+v with body %q, want 204 and the body kept", res, movedBody)
	}
}

func TestSendTimesOutAndFailsOnErrors(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		if r.URL.Path == "/big" {
			w.Write([]byte(strings.Repeat("x", 1<<20)))
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	defer close(release)
	c := NewClient(ClientOptions{AllowPrivate: true, Timeout: 100 * time.Millisecond, MaxResponseBytes: 1024})
	start := time.Now()
	if res := c.Send(context.Background(), delivery(srv.URL+"/slow")); res.Err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("slow receiver: %+v after %s, want a timeout", res, time.Since(start))
	}
	if res := c.Send(context.Background(), delivery(srv.URL+"/fail")); res.OK() || res.StatusCode != 500 || res.Err != nil {
		t.Errorf("500: %+v", res)
	}
	if res := c.Send(context.Background(), delivery(srv.URL+"/big")); !res.OK() {
		t.Errorf("a large answer: %+v, want 200 with the body cut short", res)
	}
}

func mustRead(t *testing.T, r io.Reader) []byte {
	b, err := io.ReadAll(r)
	if err != nil {
		t.Error(err)
	}
	return b
}
