package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
)

// answerStore keeps answers stored with new keys in memory, as the
// database does for a request refused before its write. It fails the test
// on a reserve: IdempotentInWrite must not write a key pending unless it
// takes one over.
type answerStore struct {
	t       *testing.T
	mu      sync.Mutex
	records map[string]*store.IdempotencyRecord
}

func (s *answerStore) LookupIdempotencyKey(ctx context.Context, tenant, key, hash string) (*store.IdempotencyRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.records[tenant+"/"+key]; rec != nil {
		return rec, false, nil
	}
	return nil, false, domain.Errorf(domain.KindNotFound, "not_found", "idempotency key not found")
}

func (s *answerStore) StoreIdempotencyAnswer(ctx context.Context, tenant, key, hash string, ttl time.Duration, status int, header http.Header, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.records[tenant+"/"+key] != nil {
		return domain.Errorf(domain.KindConflict, "conflict", "idempotency key exists")
	}
	s.records[tenant+"/"+key] = &store.IdempotencyRecord{Tenant: tenant, Key: key, RequestHash: hash, Done: true,
		Status: status, Header: header, Body: body}
	return nil
}

func (s *answerStore) ReserveIdempotencyKey(ctx context.Context, tenant, key, hash string, ttl, lease time.Duration) (*store.IdempotencyRecord, bool, error) {
	s.t.Errorf("key %s reserved pending", key)
	return nil, false, domain.Errorf(domain.KindInternal, "internal", "unexpected reserve")
}

func (s *answerStore) CompleteIdempotencyKey(ctx context.Context, tenant, key string, status int, header http.Header, body []byte) error {
	s.t.Errorf("key %s completed", key)
	return nil
}

func (s *answerStore) ReleaseIdempotencyKey(ctx context.Context, tenant, key string) error {
	s.t.Errorf("key %s released", key)
	return nil
}

// TestIdempotentInWriteStoresRefusals checks the answers that never reach
// a write: a client error is stored and replayed, even when the handler
// would now answer otherwise; a server error is not stored, so the retry
// gets the handler's new answer.
func TestIdempotentInWriteStoresRefusals(t *testing.T) {
	for _, tt := range []struct {
		name     string
		kind     domain.Kind
		status   int
		replayed bool
	}{
		{"client error", domain.KindUnprocessable, 422, true},
		{"server error", domain.KindUnavailable, 503, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := &answerStore{t: t, records: map[string]*store.IdempotencyRecord{}}
			runs := 0
			h := IdempotentInWrite(st, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				runs++
				AnswerInWrite(r, func(w http.ResponseWriter, result any) { t.Error("answer rendered without a write") })
				return domain.Errorf(tt.kind, "refused", "refusal %d", runs)
			}))
			send := func() *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodPost, "/v1/shipments", strings.NewReader(`{"a":1}`))
				r.Header.Set(IdempotencyHeader, "k1")
				r = r.WithContext(reqctx.WithPrincipal(r.Context(), domain.Principal{Tenant: "t1", Subject: "cust-1"}))
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return w
			}
			first, again := send(), send()
			if first.Code != tt.status || again.Code != tt.status || !strings.Contains(first.Body.String(), "refusal 1") {
				t.Fatalf("got %d %s then %d %s, want %d twice, first refusal 1", first.Code, first.Body, again.Code, again.Body, tt.status)
			}
			if got := again.Header().Get("Idempotent-Replayed") == "true"; got != tt.replayed {
				t.Errorf("second answer replayed %v, want %v", got, tt.replayed)
			}
			if got := first.Body.String() == again.Body.String(); got != tt.replayed {
				t.Errorf("second answer %s the same as the first: %v, want %v", again.Body, got, tt.replayed)
			}
			if again.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("second answer Content-Type %q, want JSON", again.Header().Get("Content-Type"))
			}
		})
	}
}

// TestIdempotentInWriteHoldsTheAnswer checks that a handler's answer
// reaches the caller whole, headers and all, though it was held.
func TestIdempotentInWriteHoldsTheAnswer(t *testing.T) {
	st := &answerStore{t: t, records: map[string]*store.IdempotencyRecord{}}
	h := IdempotentInWrite(st, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Location", "/v1/shipments/LF00000000019")
		WriteJSON(w, http.StatusCreated, map[string]string{"waybill": "LF00000000019"})
		return nil
	}))
	r := httptest.NewRequest(http.MethodPost, "/v1/shipments", strings.NewReader(`{}`))
	r.Header.Set(IdempotencyHeader, "k2")
	r = r.WithContext(reqctx.WithPrincipal(r.Context(), domain.Principal{Tenant: "t1", Subject: "cust-1"}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 201 || w.Header().Get("Location") != "/v1/shipments/LF00000000019" || w.Body.String() != "{\"waybill\":\"LF00000000019\"}\n" {
		t.Errorf("got %d %v %q", w.Code, w.Header(), w.Body)
	}
	if rec := st.records["t1/k2"]; rec == nil || rec.Status != 201 || string(rec.Body) != w.Body.String() {
		t.Errorf("stored %+v, want the 201 sent", rec)
	}
}
