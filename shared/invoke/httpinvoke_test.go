package invoke_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
)

func TestHTTPPostsACloudEvent(t *testing.T) {
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var got *platform.Tick
	var target any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Ce-Specversion") != "1.0" {
			http.Error(w, "want a binary-mode CloudEvent", http.StatusBadRequest)
			return
		}
		e, err := cehttp.NewEventFromHTTPRequest(r)
		if err == nil {
			err = e.Validate()
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// The Knative adapter's own conversion: the tick the invoked
		// function gets.
		_, tick, err := platform.FromCloudEvent(*e)
		if err != nil || tick == nil {
			http.Error(w, "not a tick", http.StatusBadRequest)
			return
		}
		got, target = tick, e.Extensions()["target"]
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	inv := &invoke.HTTP{URL: srv.URL, Now: func() time.Time { return now }}
	payload := `{"tenant":"t1","file_id":7,"chunk":2}`
	if err := inv.Invoke(context.Background(), invoke.Call{Function: "scan-file-ingest", Name: "scan-file-chunk", Payload: []byte(payload)}); err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if got == nil || got.Name != "scan-file-chunk" || got.Payload != payload || !got.Time.Equal(now) || target != "scan-file-ingest" {
		t.Errorf("the invoked function gets %+v (target %v), want tick scan-file-chunk with the payload", got, target)
	}
}

func TestHTTPErrors(t *testing.T) {
	status := http.StatusServiceUnavailable
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	inv := &invoke.HTTP{URL: srv.URL}
	call := invoke.Call{Function: "f", Name: "n", Payload: []byte(`{}`)}
	if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindUnavailable) {
		t.Errorf("503: err = %v, want unavailable", err)
	}
	status = http.StatusBadRequest
	if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindInternal) {
		t.Errorf("400: err = %v, want internal", err)
	}
	srv.Close()
	if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindUnavailable) {
		t.Errorf("unreachable: err = %v, want unavailable", err)
	}
}
