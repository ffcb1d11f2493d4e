package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func TestPurgeExpired(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		start := clk.Now()
		for i := 1; i <= 5; i++ {
			tenant := fmt.Sprintf("t%d", i%2) // across tenants
			if _, _, err := s.ReserveIdempotencyKey(ctx, tenant, fmt.Sprintf("k%d", i), "h", time.Duration(i)*time.Hour, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		before := start.Add(3*time.Hour + 30*time.Minute) // k1, k2 and k3 have expired
		var got []int64
		for {
			n, err := s.PurgeExpired(ctx, "idempotency_keys", before, 2)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n)
			if n < 2 {
				break
			}
		}
		if fmt.Sprint(got) != "[2 1]" {
			t.Errorf("batches deleted %v, want [2 1]", got)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM idempotency_keys`); n != 2 {
			t.Errorf("%d keys left, want k4 and k5", n)
		}
		if n, err := s.PurgeExpired(ctx, "idempotency_keys", before, 2); n != 0 || err != nil {
			t.Errorf("purging again deleted %d (%v), want 0", n, err)
		}

		_, err := s.PurgeExpired(ctx, "shipments", before, 10)
		wantKind(t, err, domain.KindInvalid)
		_, err = s.PurgeExpired(ctx, "idempotency_keys", before, 0)
		wantKind(t, err, domain.KindInvalid)
	}, storetest.WithClock(clk.Now))
}

func TestPurgeExpiredAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := idleFor(t, s, "t1", domain.StatusInTransit, 30*time.Hour)
		list := []store.IdleShipment{{ID: sh.ID, Waybill: sh.Waybill, Status: domain.StatusInTransit, LastEventAt: sweepNow.Add(-30 * time.Hour)}}
		if n, err := s.RaiseStaleAlerts(ctx, "t1", inTransit24h, sweepNow, "stale-sweep", list); n != 1 || err != nil {
			t.Fatalf("raise: %d %v", n, err)
		}
		expiry := sweepNow.Add(-6 * time.Hour).Add(domain.AlertRetention)
		if n, err := s.PurgeExpired(ctx, "shipment_alerts", expiry, 100); n != 0 || err != nil {
			t.Errorf("purge at the expiry deleted %d (%v), want 0", n, err)
		}
		if n, err := s.PurgeExpired(ctx, "shipment_alerts", expiry.Add(time.Microsecond), 100); n != 1 || err != nil {
			t.Errorf("purge after the expiry deleted %d (%v), want 1", n, err)
		}
		if len(store.ExpiringTables()) < 2 {
			t.Errorf("ExpiringTables = %v", store.ExpiringTables())
		}
	})
}
