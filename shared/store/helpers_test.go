package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// clock is a settable clock for stores under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// stored is a time as the store keeps it.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// eachDSN runs fn as subtests "sqlite" and "mysql", each with the driver and
// DSN of a fresh migrated database, for tests that open several stores.
func eachDSN(t *testing.T, fn func(t *testing.T, driver, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, store.DriverSQLite, storetest.SQLitePath(t)) })
	t.Run("mysql", func(t *testing.T) { fn(t, store.DriverMySQL, storetest.MySQLDSN(t)) })
}

// openStores opens n stores, each with its own pool, on one database.
func openStores(t *testing.T, driver, dsn string, n int, opts ...func(*store.Config)) []*store.Store {
	t.Helper()
	var all []*store.Store
	for range n {
		cfg := store.Config{Driver: driver, DSN: dsn}
		for _, o := range opts {
			o(&cfg)
		}
		s, err := store.Open(cfg)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		all = append(all, s)
	}
	return all
}

// seedStations creates the stations storetest.Shipment uses, in tenant.
func seedStations(t *testing.T, s *store.Store, tenant string, codes ...string) {
	t.Helper()
	codes = append(codes, storetest.OriginStation, storetest.DestinationStation)
	for _, code := range codes {
		if _, err := s.PutStation(context.Background(), storetest.Station(tenant, code)); err != nil {
			t.Fatalf("put station %s: %v", code, err)
		}
	}
}

// mustCreate stores sh and fails the test unless it was created.
func mustCreate(t *testing.T, s *store.Store, sh *domain.Shipment) *domain.Shipment {
	t.Helper()
	created, err := s.CreateShipment(context.Background(), sh, "actor-1", "")
	if err != nil || !created {
		t.Fatalf("create shipment: created %v, err %v", created, err)
	}
	return sh
}

// wantKind fails the test unless err is a domain error of kind want.
func wantKind(t *testing.T, err error, want domain.Kind) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("got error %v, want a domain error of kind %s", err, want)
	}
	if de.Kind != want {
		t.Fatalf("got kind %s (%v), want %s", de.Kind, err, want)
	}
	return de
}
