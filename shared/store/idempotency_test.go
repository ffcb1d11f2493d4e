package store_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

const (
	ttl   = 24 * time.Hour
	lease = 30 * time.Second
)

func TestIdempotencyReserveCompleteReplay(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := stored(clk.Now())
		rec, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k1", "hash-1", ttl, lease)
		if err != nil || !reserved {
			t.Fatalf("first reserve: reserved %v, err %v; want true, nil", reserved, err)
		}
		if rec.Done || rec.RequestHash != "hash-1" || !rec.CreatedAt.Equal(now) || !rec.ExpiresAt.Equal(now.Add(ttl)) {
			t.Errorf("got %+v, want pending hash-1 created %v expiring %v", rec, now, now.Add(ttl))
		}

		rec, reserved, err = s.ReserveIdempotencyKey(ctx, "t1", "k1", "hash-1", ttl, lease)
		if err != nil || reserved || rec.Done || rec.RequestHash != "hash-1" {
			t.Fatalf("reserve while running: got %+v reserved %v err %v; want the pending record, not reserved", rec, reserved, err)
		}

		body := []byte(`{"waybill":"LF00000000013"}`)
		if err := s.CompleteIdempotencyKey(ctx, "t1", "k1", 201, http.Header{"Content-Type": {"application/json"}, "Location": {"/v1/shipments/LF00000000019"}}, body); err != nil {
			t.Fatalf("complete: %v", err)
		}
		rec, reserved, err = s.ReserveIdempotencyKey(ctx, "t1", "k1", "hash-1", ttl, lease)
		if err != nil || reserved {
			t.Fatalf("replay: reserved %v, err %v; want false, nil", reserved, err)
		}
		if !rec.Done || rec.Status != 201 || rec.Header.Get("Content-Type") != "application/json" || rec.Header.Get("Location") != "/v1/shipments/LF00000000019" || !bytes.Equal(rec.Body, body) {
			t.Errorf("replay got %+v, want done 201 application/json %s", rec, body)
		}
		err = s.CompleteIdempotencyKey(ctx, "t1", "k1", 500, http.Header{"Content-Type": {"text/plain"}}, nil)
		wantKind(t, err, domain.KindConflict)
		err = s.CompleteIdempotencyKey(ctx, "t1", "missing", 200, nil, nil)
		wantKind(t, err, domain.KindNotFound)

		// Another tenant's key of the same name is its own.
		if _, reserved, err := s.ReserveIdempotencyKey(ctx, "t2", "k1", "hash-x", ttl, lease); err != nil || !reserved {
			t.Errorf("same key in tenant t2: reserved %v, err %v; want true, nil", reserved, err)
		}
	}, storetest.WithClock(clk.Now))
}

func TestIdempotencyLeaseTakeover(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k2", "hash-1", ttl, lease); err != nil || !reserved {
			t.Fatalf("reserve: reserved %v, err %v", reserved, err)
		}
		clk.Advance(lease - time.Second)
		if _, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k2", "hash-1", ttl, lease); err != nil || reserved {
			t.Fatalf("within the lease: reserved %v, err %v; want false, nil", reserved, err)
		}
		clk.Advance(2 * time.Second)
		rec, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k2", "hash-other", ttl, lease)
		if err != nil || reserved || rec.RequestHash != "hash-1" {
			t.Fatalf("another request after the lease: got %+v reserved %v err %v; want hash-1, not reserved", rec, reserved, err)
		}
		rec, reserved, err = s.ReserveIdempotencyKey(ctx, "t1", "k2", "hash-1", ttl, lease)
		if err != nil || !reserved || rec.Done {
			t.Fatalf("the same request after the lease: got %+v reserved %v err %v; want it taken over", rec, reserved, err)
		}
		if _, reserved, _ := s.ReserveIdempotencyKey(ctx, "t1", "k2", "hash-1", ttl, lease); reserved {
			t.Error("a key taken over was taken over again within the new lease")
		}
		if err := s.CompleteIdempotencyKey(ctx, "t1", "k2", 200, http.Header{"Content-Type": {"text/plain"}}, []byte("ok")); err != nil {
			t.Errorf("complete after takeover: %v", err)
		}
	}, storetest.WithClock(clk.Now))
}

func TestIdempotencyExpiry(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.ReserveIdempotencyKey(ctx, "t1", "k3", "hash-1", time.Hour, lease); err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteIdempotencyKey(ctx, "t1", "k3", 200, http.Header{"Content-Type": {"text/plain"}}, []byte("old")); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		rec, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k3", "hash-2", time.Hour, lease)
		if err != nil || !reserved || rec.Done || rec.RequestHash != "hash-2" || len(rec.Body) != 0 {
			t.Errorf("after expiry: got %+v reserved %v err %v; want a fresh reservation for hash-2", rec, reserved, err)
		}
	}, storetest.WithClock(clk.Now))
}

func TestIdempotencyRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, err := s.ReserveIdempotencyKey(ctx, "t1", "k4", "hash-1", ttl, lease); err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseIdempotencyKey(ctx, "t1", "k4"); err != nil {
			t.Fatalf("release: %v", err)
		}
		if _, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k4", "hash-2", ttl, lease); err != nil || !reserved {
			t.Fatalf("reserve after release: reserved %v, err %v; want true, nil", reserved, err)
		}
		if err := s.CompleteIdempotencyKey(ctx, "t1", "k4", 200, nil, []byte("done")); err != nil {
			t.Fatal(err)
		}
		// A completed key is not released: its response stays.
		if err := s.ReleaseIdempotencyKey(ctx, "t1", "k4"); err != nil {
			t.Fatalf("release a completed key: %v", err)
		}
		rec, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k4", "hash-2", ttl, lease)
		if err != nil || reserved || !rec.Done || string(rec.Body) != "done" {
			t.Errorf("after releasing a completed key: got %+v reserved %v err %v; want the stored response", rec, reserved, err)
		}
		if err := s.ReleaseIdempotencyKey(ctx, "t1", "never-reserved"); err != nil {
			t.Errorf("release an unknown key: %v, want nil", err)
		}
	})
}

func TestIdempotencyRejectsBadKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, _, err := s.ReserveIdempotencyKey(ctx, "t1", "", "h", ttl, lease)
		wantKind(t, err, domain.KindInvalid)
		_, _, err = s.ReserveIdempotencyKey(ctx, "", "k", "h", ttl, lease)
		wantKind(t, err, domain.KindInvalid)
		_, _, err = s.ReserveIdempotencyKey(ctx, "t1", string(bytes.Repeat([]byte("k"), 256)), "h", ttl, lease)
		wantKind(t, err, domain.KindInvalid)
	})
}
