package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/store"
)

// TestBusyPoolKeepsItsConnections: with the default pool, bursts of as
// many concurrent queries as the pool holds reuse its connections instead
// of closing and reopening them after every burst, whether they run on
// the pool or, under a request's deadline, on a connection each
// (Store.read).
func TestBusyPoolKeepsItsConnections(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		s := openStores(t, driver, dsn, 1)[0]
		deadline, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, ctx := range []context.Context{context.Background(), deadline} {
			for range 20 {
				var wg sync.WaitGroup
				for range 4 {
					wg.Go(func() {
						if _, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 1}); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
			}
		}
		stats := store.DB(s).Stats()
		if stats.MaxIdleClosed != 0 || stats.OpenConnections > 4 {
			t.Errorf("%d connections closed for want of idle room and %d open, want 0 and at most 4",
				stats.MaxIdleClosed, stats.OpenConnections)
		}
	})
}
