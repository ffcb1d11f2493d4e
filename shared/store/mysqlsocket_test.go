package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// mysqlWithReadTimeout returns the pool of a MySQL store whose DSN sets
// the read timeout d.
func mysqlWithReadTimeout(t *testing.T, d time.Duration) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(storetest.MySQLDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ReadTimeout = d
	s, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: cfg.FormatDSN()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return store.DB(s)
}

// TestMySQLKeepsDeadlinesOnTheSocket checks that the driver's connections
// and prepared statements are wrapped, so that a driver that stopped
// implementing what the wrappers need would be noticed here rather than
// silently fall back to its per-statement watcher.
func TestMySQLKeepsDeadlinesOnTheSocket(t *testing.T) {
	db := store.DB(storetest.MySQL(t))
	conn, stmt, err := store.OnSocket(context.Background(), db)
	if err != nil || !conn || !stmt {
		t.Errorf("connection on the socket %v, prepared statement %v (%v); want both", conn, stmt, err)
	}
}

// TestStatementsEndOnTime checks how long a statement that the server
// answers slowly may wait, for each kind of context: a deadline (kept on
// the socket), a cancellation (watched by the driver), a deadline further
// off than the DSN's read timeout, and no deadline at all (the read
// timeout per read). After each, the pool serves the next statement.
func TestStatementsEndOnTime(t *testing.T) {
	db := mysqlWithReadTimeout(t, 700*time.Millisecond)

	for _, tc := range []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		want    error // nil: any error
		within  time.Duration
		atLeast time.Duration
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, context.DeadlineExceeded, 600 * time.Millisecond, 200 * time.Millisecond},
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled, 600 * time.Millisecond, 200 * time.Millisecond},
		{"deadline past the read timeout", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Minute)
		}, nil, 1500 * time.Millisecond, 700 * time.Millisecond},
		{"no deadline", func() (context.Context, context.CancelFunc) {
			return context.Background(), func() {}
		}, nil, 1500 * time.Millisecond, 700 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			began := time.Now()
			var slept int
			err := db.QueryRowContext(ctx, `SELECT SLEEP(3)`).Scan(&slept)
			took := time.Since(began)
			if err == nil {
				t.Fatalf("SLEEP(3) answered after %v, want an error", took)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if took < tc.atLeast || took > tc.within {
				t.Errorf("the statement ended after %v, want between %v and %v", took, tc.atLeast, tc.within)
			}

			var one int
			if err := db.QueryRowContext(context.Background(), `SELECT 1`).Scan(&one); err != nil || one != 1 {
				t.Fatalf("next statement: %d, %v", one, err)
			}
		})
	}

	t.Run("a context cancelled before its deadline stops the next statement", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		cancel()
		_, err = tx.ExecContext(ctx, `DO 1`)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want %v", err, context.Canceled)
		}
	})
}

// TestConnectionOutlivesItsDeadline checks that a connection whose last
// statement's deadline has passed is used again, not found bad and
// dialled anew: the deadline stays on an idle socket until the next
// statement sets its own. It idles longer than the read timeout too,
// which each read without a deadline sets.
func TestConnectionOutlivesItsDeadline(t *testing.T) {
	const readTimeout, deadline, idle = 400 * time.Millisecond, 400 * time.Millisecond, 600 * time.Millisecond
	db := mysqlWithReadTimeout(t, readTimeout)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)

	id := func(ctx context.Context) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT CONNECTION_ID()`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := id(context.Background()) // dials the pool's one connection
	withDeadline := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), deadline)
	}
	without := func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }
	// Each statement is followed by an idle spell longer than its deadline
	// and than the read timeout a read without one sets.
	for _, next := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"a deadline", withDeadline},
		{"no deadline after a passed one", without},
		{"a deadline after idling past the read timeout", withDeadline},
		{"no deadline again", without},
	} {
		ctx, cancel := next.ctx()
		if got := id(ctx); got != first {
			t.Errorf("%s: the statement ran on connection %d, want %d, the one the pool held", next.name, got, first)
		}
		cancel()
		time.Sleep(idle)
	}
}
