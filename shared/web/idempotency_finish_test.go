package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// stuckStore reserves every key, and then hangs on releasing or completing
// one until its context ends or the test lets it go, as a database that
// stopped answering mid-request does.
type stuckStore struct {
	finishing chan context.Context
	unblock   chan struct{}
}

func (s *stuckStore) ReserveIdempotencyKey(ctx context.Context, tenant, key, hash string, ttl, lease time.Duration) (*store.IdempotencyRecord, bool, error) {
	return &store.IdempotencyRecord{Key: key, RequestHash: hash}, true, nil
}

func (s *stuckStore) CompleteIdempotencyKey(ctx context.Context, tenant, key string, status int, header http.Header, body []byte) error {
	return s.hang(ctx)
}

func (s *stuckStore) ReleaseIdempotencyKey(ctx context.Context, tenant, key string) error {
	return s.hang(ctx)
}

func (s *stuckStore) hang(ctx context.Context) error {
	s.finishing <- ctx
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.unblock:
		return nil
	}
}

// TestIdempotentFailureIsNotHeldByTheDatabase checks that a request whose
// handler failed with 503 gets its answer while the release of its key
// still hangs on the database, and that the release, like the completion
// of a success, ends with the request's deadline rather than when the
// database lets it go.
func TestIdempotentFailureIsNotHeldByTheDatabase(t *testing.T) {
	st := &stuckStore{finishing: make(chan context.Context, 1), unblock: make(chan struct{})}
	const requestTimeout = 3 * time.Second
	srv := httptest.NewServer(Timeout(requestTimeout, Idempotent(st, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path == "/fail" {
			return domain.Errorf(domain.KindUnavailable, "database_unavailable", "the database is unavailable")
		}
		WriteJSON(w, http.StatusCreated, map[string]string{"ok": "yes"})
		return nil
	}))))
	defer srv.Close()
	defer close(st.unblock)

	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/fail", strings.NewReader(`{}`))
		req.Header.Set(IdempotencyHeader, "k-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	ctx := <-st.finishing // the release is under way, and hangs
	select {
	case status := <-answered:
		if status != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", status)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the 503 waited for the release of its key")
	}
	// The release ends with the request's own deadline.
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > requestTimeout {
		t.Errorf("the release runs past the request's deadline (deadline %v, %v)", d, ok)
	}

	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/ok", strings.NewReader(`{}`))
		req.Header.Set(IdempotencyHeader, "k-2")
		// A connection of its own: the first one is busy until the
		// release of the first key ends.
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case ctx := <-st.finishing:
		if d, ok := ctx.Deadline(); !ok || time.Until(d) > requestTimeout {
			t.Errorf("the completion of a success runs past the request's deadline (deadline %v, %v)", d, ok)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the success was never completed")
	}
}
