package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestNextWaybillConcurrent allocates from 50 goroutines spread over several
// stores (separate pools, as separate processes would have) on one
// database, for two tenants whose counters do not exist yet. Every number is
// valid and unique, and no serial is lost: each tenant's serials are exactly
// the first ones that have a check digit.
func TestNextWaybillConcurrent(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		const goroutines, perGoroutine = 50, 4
		stores := openStores(t, driver, dsn, 3)
		tenants := []string{"t1", "t2"}
		got := make([][]domain.Waybill, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				s := stores[g%len(stores)]
				for range perGoroutine {
					w, err := s.NextWaybill(context.Background(), tenants[g%len(tenants)])
					if err != nil {
						errs[g] = err
						return
					}
					got[g] = append(got[g], w)
				}
			})
		}
		wg.Wait()
		serials := map[string]map[int64]bool{"t1": {}, "t2": {}}
		for g := range goroutines {
			if errs[g] != nil {
				t.Fatalf("goroutine %d: %v", g, errs[g])
			}
			tenant := tenants[g%len(tenants)]
			for _, w := range got[g] {
				if _, err := domain.ParseWaybill(string(w)); err != nil {
					t.Errorf("invalid waybill %q: %v", w, err)
				}
				if serials[tenant][w.Serial()] {
					t.Errorf("tenant %s got waybill %s twice", tenant, w)
				}
				serials[tenant][w.Serial()] = true
			}
		}
		for tenant, set := range serials {
			assertFirstSerials(t, tenant, set, goroutines*perGoroutine/len(tenants))
		}
	})
}

// assertFirstSerials checks that set holds exactly the first n serials that
// make a waybill number.
func assertFirstSerials(t *testing.T, tenant string, set map[int64]bool, n int) {
	t.Helper()
	if len(set) != n {
		t.Errorf("tenant %s got %d distinct waybills, want %d", tenant, len(set), n)
	}
	found := 0
	for serial := int64(1); found < n; serial++ {
		if _, err := domain.NewWaybill(serial); err != nil {
			if set[serial] {
				t.Errorf("tenant %s got serial %d, which has no check digit", tenant, serial)
			}
			continue
		}
		if !set[serial] {
			t.Errorf("tenant %s: serial %d was skipped", tenant, serial)
		}
		found++
	}
}

func TestNextWaybillSkipsSerialsWithoutCheckDigit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var prev int64
		for range 30 {
			w, err := s.NextWaybill(ctx, "t1")
			if err != nil {
				t.Fatal(err)
			}
			for skipped := prev + 1; skipped < w.Serial(); skipped++ {
				if _, err := domain.NewWaybill(skipped); err == nil {
					t.Errorf("serial %d was skipped although it has a check digit", skipped)
				}
			}
			if w.Serial() <= prev {
				t.Errorf("got serial %d after %d, want it to grow", w.Serial(), prev)
			}
			prev = w.Serial()
		}
		if prev <= 30 {
			t.Errorf("30 waybills ended at serial %d: no serial was skipped, want some", prev)
		}
	})
}
