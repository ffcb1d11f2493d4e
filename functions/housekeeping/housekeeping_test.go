package housekeeping_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/functions/housekeeping"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule/scheduletest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func quietContext(t *testing.T) context.Context {
	log, err := logging.New(io.Discard, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	return reqctx.WithLogger(context.Background(), log.WithField(logging.FieldFunction, housekeeping.Name))
}

// reserveKeys stores n Idempotency-Key records of tenant, created at
// created and kept for ttl.
func reserveKeys(t *testing.T, st *store.Store, tenant string, n int, created time.Time, ttl time.Duration) {
	t.Helper()
	at := st.At(func() time.Time { return created })
	for i := range n {
		key := fmt.Sprintf("%s-%d", created.Format("150405"), i)
		if _, _, err := at.ReserveIdempotencyKey(context.Background(), tenant, key, "hash", ttl, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTicksFromEveryPlatform: the three deliveries of one tick purge what
// expired before it, in every tenant, and keep the rest.
func TestTicksFromEveryPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tick, ticks := scheduletest.Ticks(t)
		reserveKeys(t, st, "t1", 3, tick.Time.Add(-25*time.Hour), 24*time.Hour) // expired an hour ago
		reserveKeys(t, st, "t2", 2, tick.Time.Add(-25*time.Hour), 24*time.Hour)
		reserveKeys(t, st, "t1", 4, tick.Time.Add(-23*time.Hour), 24*time.Hour) // kept another hour
		h := housekeeping.Handler(st, store.ExpiringTables())
		for _, name := range []string{scheduletest.FCTimer, scheduletest.EventBridge, scheduletest.Ping} {
			if err := h(quietContext(t), ticks[name]); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if got, err := st.PurgeExpired(context.Background(), "idempotency_keys", tick.Time.Add(2*time.Hour), 100); err != nil || got != 4 {
			t.Errorf("after the ticks, %d keys (%v) were left to expire later, want 4", got, err)
		}
	})
}

// TestBoundedAndRacing: a run deletes at most its batches; two racing runs
// delete each record once between them.
func TestBoundedAndRacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 20, 30, 0, 0, time.UTC)
		for i := range 25 {
			reserveKeys(t, st, "t1", 1, now.Add(-48*time.Hour+time.Duration(i)*time.Second), 24*time.Hour)
		}
		tables := []string{"idempotency_keys"}
		got, err := housekeeping.Purge(ctx, st, tables, now, 10, 2)
		if err != nil || got["idempotency_keys"] != 20 {
			t.Fatalf("first run purged %v (%v), want 20: two batches of 10", got, err)
		}
		var wg sync.WaitGroup
		results := make([]map[string]int64, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				results[i], err = housekeeping.Purge(ctx, st, tables, now, 10, 2)
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if sum := results[0]["idempotency_keys"] + results[1]["idempotency_keys"]; sum != 5 {
			t.Errorf("racing runs purged %v, want 5 between them", results)
		}
	})
}

func TestRejectsPayload(t *testing.T) {
	h := housekeeping.Handler(storetest.SQLite(t), store.ExpiringTables())
	err := h(quietContext(t), platform.Tick{Time: time.Now(), Payload: `{"tables":["shipments"]}`})
	if domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("a payload gave %v, want invalid", err)
	}
}
