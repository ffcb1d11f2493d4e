package apptest

import (
	"database/sql"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/sirupsen/logrus"
)

// BenchClients is how many clients the request benchmarks run at once.
const BenchClients = 64

// BenchDB is the database of a benchmark: a store for the function under
// test and, on MySQL, a raw pool on the same database with the same pool
// size, for the baseline the function is compared with.
type BenchDB struct {
	Driver string
	Store  *store.Store
	Raw    *sql.DB // nil on SQLite
}

// NewBenchDB opens a fresh migrated database for b: MySQL when
// LOGIFN_TEST_MYSQL_DSN is set, SQLite otherwise. Both pools hold at most
// pool connections. The raw pool interpolates its arguments, as the store
// does, so that it is the best database/sql can do.
func NewBenchDB(b *testing.B, pool int) BenchDB {
	b.Helper()
	if os.Getenv(storetest.MySQLDSNEnv) == "" {
		path := storetest.SQLitePath(b)
		return BenchDB{Driver: store.DriverSQLite, Store: openBenchStore(b, store.DriverSQLite, path, pool)}
	}
	dsn := storetest.MySQLDSN(b)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ParseTime, cfg.Loc, cfg.InterpolateParams = true, time.UTC, true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		b.Fatal(err)
	}
	raw := sql.OpenDB(conn)
	raw.SetMaxOpenConns(pool)
	raw.SetMaxIdleConns(pool)
	b.Cleanup(func() { raw.Close() })
	return BenchDB{Driver: store.DriverMySQL, Store: openBenchStore(b, store.DriverMySQL, dsn, pool), Raw: raw}
}

func openBenchStore(b *testing.B, driver, dsn string, pool int) *store.Store {
	st, err := store.Open(store.Config{Driver: driver, DSN: dsn, MaxOpenConns: pool, MaxIdleConns: pool})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// NewBench mounts specs on st as New does, logging at info level (as
// functions do in production) to nowhere.
func NewBench(b *testing.B, st *store.Store, specs ...app.Spec) *Harness {
	b.Helper()
	h := New(b, st, specs...)
	h.Deps.Log.SetOutput(io.Discard)
	h.Deps.Log.SetLevel(logrus.InfoLevel)
	return h
}

// CPUTime returns the CPU time this process has used, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPU reports the process's CPU time per operation since start, in
// microseconds, as the metric cpu-us/op.
func ReportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((CPUTime()-start).Microseconds())/float64(b.N), "cpu-us/op")
}

// RunParallel runs op b.N times over BenchClients goroutines and reports
// the CPU time per operation. A failing op panics: a benchmark must not
// count failures as work done.
func RunParallel(b *testing.B, op func()) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((BenchClients + procs - 1) / procs)
	b.ReportAllocs()
	start := CPUTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			op()
		}
	})
	b.StopTimer()
	ReportCPU(b, start)
}
