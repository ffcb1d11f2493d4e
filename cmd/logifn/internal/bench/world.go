package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
)

// secret signs the tokens of a run; every process under test gets it.
const secret = "logifn-bench-secret-0123456789abcdef"

// bucket is the in-memory bucket of in-process functions.
const bucket = "logifn-bench"

// World is one database made for a run, migrated and seeded with the demo
// tenant, and the dependencies functions run on in this process.
type World struct {
	Driver string
	DSN    string  // as LOGIFN_DB_DSN takes it
	Raw    *sql.DB // the same database, for baselines and bulk loads
	Deps   *app.Deps
	Blob   *memblob.Store
	drop   func() error
}

// openWorld creates a fresh database: on MySQL, a new database on the
// server adminDSN names, dropped by Close; on SQLite (adminDSN empty), a
// file under dir.
func openWorld(ctx context.Context, driver, adminDSN, dir string) (*World, error) {
	w := &World{Driver: driver, drop: func() error { return nil }}
	var err error
	if driver == store.DriverMySQL {
		err = w.createMySQL(ctx, adminDSN)
	} else {
		path := filepath.Join(dir, "bench.db")
		w.DSN = path
		w.Raw, err = sql.Open(store.DriverSQLite, "file:"+(&url.URL{Path: path}).EscapedPath()+
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	}
	if err != nil {
		return nil, err
	}
	if err := w.open(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// createMySQL creates a database with a name of its own next to the one
// adminDSN names, and opens a raw pool on it.
func (w *World) createMySQL(ctx context.Context, adminDSN string) error {
	cfg, err := mysql.ParseDSN(adminDSN)
	if err != nil {
		return fmt.Errorf("the MySQL DSN does not parse")
	}
	admin, err := sql.Open(store.DriverMySQL, cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer admin.Close()
	suffix := make([]byte, 4)
	rand.Read(suffix)
	name := fmt.Sprintf("logifn_bench_%d_%s", os.Getpid(), hex.EncodeToString(suffix))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	cfg.DBName = name
	w.DSN = cfg.FormatDSN()
	// The raw pool talks to the server as the store's does (see
	// store.Open): UTC times, matched rows, arguments interpolated into the
	// statement (one round trip per statement).
	raw := cfg.Clone()
	raw.ParseTime, raw.Loc, raw.ClientFoundRows, raw.InterpolateParams = true, time.UTC, true, true
	if w.Raw, err = sql.Open(store.DriverMySQL, raw.FormatDSN()); err != nil {
		return err
	}
	w.drop = func() error {
		admin, err := sql.Open(store.DriverMySQL, cfg.FormatDSN())
		if err != nil {
			return err
		}
		defer admin.Close()
		_, err = admin.ExecContext(context.Background(), "DROP DATABASE "+name)
		return err
	}
	return nil
}

// open builds the dependencies as a function's process does (see
// app.NewDeps), logging to nowhere, migrates and seeds.
func (w *World) open(ctx context.Context) error {
	cfg, err := config.Load(w.Env(nil).get, config.Function)
	if err != nil {
		return err
	}
	log, err := logging.New(io.Discard, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	now := func() time.Time { return time.Now().UTC() }
	keys, err := auth.NewKeys(string(cfg.JWTSecret), now)
	if err != nil {
		return err
	}
	st, err := store.Open(store.Config{Driver: cfg.DBDriver, DSN: string(cfg.DBDSN), MaxOpenConns: cfg.DBMaxOpenConns,
		MaxIdleConns: cfg.DBMaxIdleConns, ConnMaxLifetime: cfg.DBConnMaxLifetime, ConnMaxIdleTime: cfg.DBConnMaxIdleTime, Now: now})
	if err != nil {
		return err
	}
	w.Blob = memblob.New(bucket)
	w.Deps = &app.Deps{Config: cfg, Log: log, Store: st, Blob: w.Blob, Keys: keys, Now: now}
	// The baselines get the pool a function gets.
	w.Raw.SetMaxOpenConns(cfg.DBMaxOpenConns)
	w.Raw.SetMaxIdleConns(cfg.DBMaxIdleConns)
	if _, err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := demo.Seed(ctx, st, now()); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// Close closes the pools and drops a MySQL database.
func (w *World) Close() error {
	if w.Deps != nil {
		w.Deps.Store.Close()
	}
	if w.Raw != nil {
		w.Raw.Close()
	}
	return w.drop()
}

// env is a process environment as a map.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func (e env) list() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// Env returns the environment a function process of w runs with: its
// database, the run's secret, and extra.
func (w *World) Env(extra env) env {
	e := env{"LOGIFN_DB_DRIVER": w.Driver, "LOGIFN_DB_DSN": w.DSN, "LOGIFN_JWT_SECRET": secret,
		// Webhook kicks would go to a dispatcher that is not running here.
		"LOGIFN_INVOKE_BACKEND": "local"}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

// timeArg is t as the raw pool's time columns take it.
func (w *World) timeArg(t time.Time) any {
	if w.Driver == store.DriverSQLite {
		return t.UTC().Format("2006-01-02 15:04:05.000000")
	}
	return t.UTC()
}

// functionContext returns ctx carrying the logger of function name, as the
// platform adapters hand it to event handlers.
func (w *World) functionContext(ctx context.Context, name string) context.Context {
	return reqctx.WithLogger(ctx, w.Deps.Log.WithField(logging.FieldFunction, name))
}
