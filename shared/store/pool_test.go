package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/store"
)

// TestBusyPoolKeepsItsConnections: with the default pool, bursts of as
// many concurrent queries as the pool holds reuse its connections instead
// of closing and reopening them after every burst.
func TestBusyPoolKeepsItsConnections(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		s := openStores(t, driver, dsn, 1)[0]
		ctx := context.Background()
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
		if n := store.DB(s).Stats().MaxIdleClosed; n != 0 {
			t.Errorf("%d connections closed for want of idle room, want 0", n)
		}
	})
}
