package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func TestMigrateTwiceIsNoOp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// storetest migrated s already.
		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatalf("migrate again: %v", err)
		}
		if len(applied) != 0 {
			t.Errorf("second migrate applied %v, want nothing", applied)
		}
		var n int
		if err := store.DB(s).QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = 1 AND name = '0001_init'`).Scan(&n); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		if n != 1 {
			t.Errorf("got %d rows for 0001_init in schema_migrations, want 1", n)
		}
	})
}

func TestMigrateFreshSQLite(t *testing.T) {
	s, err := store.Open(store.Config{DSN: filepath.Join(t.TempDir(), "fresh.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Driver(); got != store.DriverSQLite {
		t.Errorf("got driver %q, want the default %q", got, store.DriverSQLite)
	}
	applied, err := s.Migrate(context.Background())
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if want := migrationNames(t, store.DriverSQLite); !reflect.DeepEqual(applied, want) {
		t.Errorf("got applied %v, want %v", applied, want)
	}
}

// migrationNames lists the migration files of driver as Migrate names
// them, in order.
func migrationNames(t *testing.T, driver string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", driver, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("list migrations of %s: %v", driver, err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(filepath.Base(f), ".sql")
	}
	return names
}

// TestMigrateRace empties a database and migrates it from several stores at
// once: exactly one of them applies the migration, and nobody fails.
func TestMigrateRace(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		ctx := context.Background()
		stores := openStores(t, driver, dsn, 4)
		for _, table := range []string{"tracking_events", "shipment_items", "shipments", "stations",
			"waybill_counters", "idempotency_keys", "rate_cards", "schema_migrations"} {
			if _, err := store.DB(stores[0]).ExecContext(ctx, "DROP TABLE "+table); err != nil {
				t.Fatalf("drop %s: %v", table, err)
			}
		}
		var wg sync.WaitGroup
		results := make([][]string, len(stores))
		errs := make([]error, len(stores))
		for i, s := range stores {
			wg.Go(func() { results[i], errs[i] = s.Migrate(ctx) })
		}
		wg.Wait()
		appliedBy := 0
		for i := range stores {
			if errs[i] != nil {
				t.Fatalf("store %d: migrate: %v", i, errs[i])
			}
			if len(results[i]) > 0 {
				appliedBy++
				if want := migrationNames(t, driver); !reflect.DeepEqual(results[i], want) {
					t.Errorf("store %d applied %v, want %v", i, results[i], want)
				}
			}
		}
		if appliedBy != 1 {
			t.Errorf("%d stores applied the migration, want exactly 1", appliedBy)
		}
	})
}

func TestOpenValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  store.Config
		want string
	}{
		{"unknown driver", store.Config{Driver: "postgres", DSN: "x"}, "unknown database driver"},
		{"empty DSN", store.Config{Driver: store.DriverSQLite}, "DSN is empty"},
		{"sqlite URI", store.Config{DSN: "file:x.db?mode=ro"}, "file path"},
		{"sqlite memory", store.Config{DSN: ":memory:"}, "file path"},
		{"mysql without database", store.Config{Driver: store.DriverMySQL, DSN: "root@tcp(127.0.0.1:3306)/"}, "names no database"},
		{"mysql malformed", store.Config{Driver: store.DriverMySQL, DSN: "root:s3cret@tcp(127.0.0.1:3306/db"}, "parse MySQL DSN"},
		{"negative pool", store.Config{DSN: "x.db", MaxOpenConns: -1}, "must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := store.Open(tc.cfg)
			if err == nil {
				s.Close()
				t.Fatalf("got no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %q, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestOpenDoesNoIO(t *testing.T) {
	s, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: "root:s3cret@tcp(127.0.0.1:1)/test"})
	if err != nil {
		t.Fatalf("open on a closed port: %v, want no error until the first query", err)
	}
	defer s.Close()
	if got := s.Driver(); got != store.DriverMySQL {
		t.Errorf("got driver %q, want %q", got, store.DriverMySQL)
	}
}
