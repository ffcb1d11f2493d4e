// Package store keeps logifn's system of record in MySQL (production) or
// SQLite (a laptop, tests): shipments with their items, tracking events,
// stations, waybill counters and idempotency records. Every query is scoped
// by tenant. Every error wraps a *domain.Error (see domain.KindOf) of kind
// invalid, not found, conflict, precondition, unprocessable, unavailable
// (the database is down or busy; try later) or internal; the driver's own
// errors stay in its hidden cause and never reach callers' messages.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Config says which database to open and how to pool connections. Pools are
// small on purpose: many function instances share one database, and
// instances times pool size must stay under its max_connections.
type Config struct {
	Driver          string           // "sqlite" (default) or "mysql"
	DSN             string           // a MySQL DSN, or the SQLite file path
	MaxOpenConns    int              // default 4
	MaxIdleConns    int              // default MaxOpenConns
	ConnMaxLifetime time.Duration    // default 5m
	ConnMaxIdleTime time.Duration    // default 1m
	Now             func() time.Time // the clock, default time.Now
	// DriverLog receives the MySQL driver's own messages (a connection
	// reset, a bad idle connection closed), which it would otherwise print
	// to stderr as plain text among the JSON logs; nil drops them. The
	// same failures reach callers as errors anyway.
	DriverLog func(args ...any)
}

// The drivers Open accepts.
const (
	DriverSQLite = "sqlite"
	DriverMySQL  = "mysql"
)

func (c Config) withDefaults() Config {
	if c.Driver == "" {
		c.Driver = DriverSQLite
	}
	if c.MaxOpenConns == 0 {
		c.MaxOpenConns = 4
	}
	if c.MaxIdleConns == 0 {
		// As many as may be open: fewer makes a busy pool close and reopen
		// connections after every burst.
		c.MaxIdleConns = c.MaxOpenConns
	}
	if c.ConnMaxLifetime == 0 {
		c.ConnMaxLifetime = 5 * time.Minute
	}
	if c.ConnMaxIdleTime == 0 {
		c.ConnMaxIdleTime = time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.Driver != DriverSQLite && c.Driver != DriverMySQL:
		return fmt.Errorf("unknown database driver %q: want %s or %s", c.Driver, DriverSQLite, DriverMySQL)
	case c.DSN == "":
		return errors.New("the database DSN is empty")
	case c.MaxOpenConns < 0 || c.MaxIdleConns < 0:
		return errors.New("connection pool sizes must not be negative")
	case c.ConnMaxLifetime < 0 || c.ConnMaxIdleTime < 0:
		return errors.New("connection lifetimes must not be negative")
	}
	return nil
}

// driverLogger is the MySQL driver's logger on top of a Config.DriverLog.
type driverLogger func(args ...any)

// Print hands the driver's message on, or drops it when there is no log.
func (l driverLogger) Print(args ...any) {
	if l != nil {
		l(args...)
	}
}

// Store is logifn's database. It is safe for concurrent use; several Stores,
// in one process or many, may share one database.
type Store struct {
	db    *sql.DB
	d     dialect
	now   func() time.Time
	pages *pageStmts // shared by the stores At returns
	// socketDeadlines: the connections keep a statement's deadline on
	// their socket (read).
	socketDeadlines bool
}

// Open validates cfg and returns a Store. It does no network I/O: the first
// query connects, so a cold start does not wait for the database. A MySQL
// DSN gets parseTime, loc=UTC and interpolateParams whatever it says,
// group_concat_max_len of at least 1 MiB, and 5s/30s/30s dial, read and
// write timeouts unless it sets its own. A MySQL statement under a context
// with a deadline ends at the deadline or a read timeout after it began,
// whichever comes first, kept on the connection's socket. Errors
// from Open are configuration errors and never show the DSN's password.
func Open(cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	var (
		db       *sql.DB
		d        dialect
		onSocket bool
		err      error
	)
	switch cfg.Driver {
	case DriverMySQL:
		db, onSocket, err = openMySQL(cfg.DSN, driverLogger(cfg.DriverLog))
		d = mysqlDialect{}
	default:
		db, err = openSQLite(cfg.DSN)
		d = sqliteDialect{}
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db.SetMaxOpenConns(cfg.MaxOpenConns)
	db.SetMaxIdleConns(cfg.MaxIdleConns)
	db.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	db.SetConnMaxIdleTime(cfg.ConnMaxIdleTime)
	return &Store{db: db, d: d, now: cfg.Now, pages: &pageStmts{}, socketDeadlines: onSocket}, nil
}

// Close closes the connection pool and the statements prepared on it.
func (s *Store) Close() error { return errors.Join(s.pages.close(), s.db.Close()) }

// Ping checks that the database answers. It fails with kind unavailable
// when it does not.
func (s *Store) Ping(ctx context.Context) error {
	return wrapf(s.db.PingContext(ctx), "database", "ping database")
}

// Driver returns the name of the driver in use: "sqlite" or "mysql".
func (s *Store) Driver() string { return s.d.name() }

// clock returns the current time as stored: UTC, to the microsecond.
func (s *Store) clock() time.Time { return dbTime(s.now()) }

// At returns a store on the same database that reads the time from now:
// for data whose times lie in the past, such as backfills and demo data.
// Closing either store closes the database of both.
func (s *Store) At(now func() time.Time) *Store {
	at := *s
	at.now = now
	return &at
}

// dbTime returns t as every time column holds it: UTC, truncated to the
// microsecond, without a monotonic reading.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// inTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. Read-only transactions do not take SQLite's write lock.
func (s *Store) inTx(ctx context.Context, readOnly bool, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return wrapf(err, "transaction", "begin transaction")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return wrapf(s.commit(ctx, tx), "transaction", "commit transaction")
}

// commit commits tx, or stops waiting when ctx ends first: database/sql
// sends COMMIT without a context, so on a stalled database it would wait
// for the driver's read timeout, long past the request's deadline. Given
// up on, the transaction is left as a COMMIT whose answer was lost leaves
// it, committed whole or not at all; its connection is released once the
// database answers. A MySQL connection that keeps the deadline on its
// socket (socketConn) ends the COMMIT at it, and SQLite's COMMIT does not
// wait on a network, so a deadline needs waiting for here only on a MySQL
// connection with the driver's own handling; a context cancelled without
// a deadline always does.
func (s *Store) commit(ctx context.Context, tx *sql.Tx) error {
	_, deadline := ctx.Deadline()
	if ctx.Done() == nil || deadline && (s.socketDeadlines || s.d.name() == DriverSQLite) {
		return tx.Commit()
	}
	done := make(chan error, 1)
	go func() { done <- tx.Commit() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("commit outcome unknown: %w", ctx.Err())
	}
}
