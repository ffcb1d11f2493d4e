// Package storetest gives tests a real, freshly migrated database: an
// SQLite file of their own, or a MySQL database of their own on the server
// named by LOGIFN_TEST_MYSQL_DSN. Each runs one test body on both.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/store"
)

// MySQLDSNEnv names the environment variable holding the DSN of a MySQL
// server tests may create databases on, such as
// root@tcp(127.0.0.1:3306)/test.
const MySQLDSNEnv = "LOGIFN_TEST_MYSQL_DSN"

// Option adjusts the configuration of a test store.
type Option func(*store.Config)

// WithClock makes the store read the time from now.
func WithClock(now func() time.Time) Option {
	return func(c *store.Config) { c.Now = now }
}

// Each runs fn as subtest "sqlite" on a fresh SQLite store and as subtest
// "mysql" on a fresh MySQL store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store), opts ...Option) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, opts...)) })
	t.Run("mysql", func(t *testing.T) { fn(t, MySQL(t, opts...)) })
}

// SQLite returns a store on a new, migrated SQLite file in t's temporary
// directory, closed when t ends.
func SQLite(t testing.TB, opts ...Option) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "logifn.db")
	return openMigrated(t, store.Config{Driver: store.DriverSQLite, DSN: path}, opts...)
}

// SQLitePath returns the path of a new, migrated SQLite file in t's
// temporary directory, for tests that open it from several stores or
// processes.
func SQLitePath(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "logifn.db")
	s := openMigrated(t, store.Config{Driver: store.DriverSQLite, DSN: path})
	if err := s.Close(); err != nil {
		t.Fatalf("close SQLite store: %v", err)
	}
	return path
}

// MySQL returns a store on a new, migrated MySQL database, closed and
// dropped when t ends. Without LOGIFN_TEST_MYSQL_DSN the test is skipped,
// or fails when the environment variable CI is set.
func MySQL(t testing.TB, opts ...Option) *store.Store {
	t.Helper()
	return openMigrated(t, store.Config{Driver: store.DriverMySQL, DSN: MySQLDSN(t)}, opts...)
}

// MySQLDSN creates a new, migrated MySQL database, dropped when t ends, and
// returns its DSN, for tests that start other processes. It skips or fails
// as MySQL does.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(MySQLDSNEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("MySQL tests cannot run: set %s (CI is set, so they may not be skipped)", MySQLDSNEnv)
		}
		t.Skipf("MySQL tests SKIPPED: set %s, for example root@tcp(127.0.0.1:3306)/test", MySQLDSNEnv)
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("%s is not a MySQL DSN: %v", MySQLDSNEnv, err)
	}
	name := "logifn_t_" + randomHex(t, 8)
	admin := openAdmin(t, cfg)
	createDatabase(t, admin, name)
	cfg.DBName = name
	dsn := cfg.FormatDSN()
	s := openMigrated(t, store.Config{Driver: store.DriverMySQL, DSN: dsn})
	if err := s.Close(); err != nil {
		t.Fatalf("close MySQL store: %v", err)
	}
	return dsn
}

// openAdmin opens a pool on the server of cfg, closed when t ends.
func openAdmin(t testing.TB, cfg *mysql.Config) *sql.DB {
	t.Helper()
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("configure MySQL connector: %v", err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { db.Close() })
	return db
}

// createDatabase creates database name and drops it when t ends.
func createDatabase(t testing.TB, admin *sql.DB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create test database (is MySQL running at %s?): %v", MySQLDSNEnv, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
}

// openMigrated opens a store on cfg, migrates it and closes it when t ends.
func openMigrated(t testing.TB, cfg store.Config, opts ...Option) *store.Store {
	t.Helper()
	for _, o := range opts {
		o(&cfg)
	}
	s, err := store.Open(cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", cfg.Driver, err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s store: %v", cfg.Driver, err)
	}
	return s
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random name: %v", err)
	}
	return hex.EncodeToString(b)
}
