package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	_ "modernc.org/sqlite"
)

// TestTranslate feeds real driver errors through the one translation table.
func TestTranslate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := store.DB(s)
		insert := `INSERT INTO waybill_counters (tenant_id, next_serial) VALUES ('t1', 1)`
		if _, err := db.ExecContext(ctx, insert); err != nil {
			t.Fatal(err)
		}
		_, dup := db.ExecContext(ctx, insert)
		noRows := db.QueryRowContext(ctx, `SELECT next_serial FROM waybill_counters WHERE tenant_id = 'nobody'`).Scan(new(int64))
		_, syntax := db.ExecContext(ctx, `SELECT FROM WHERE`)
		expired, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
		defer cancel()
		_, deadline := db.ExecContext(expired, `SELECT 1`)

		for _, tc := range []struct {
			name string
			err  error
			kind domain.Kind
			msg  string
		}{
			{"no rows", noRows, domain.KindNotFound, "thing not found"},
			{"duplicate key", dup, domain.KindConflict, "thing already exists"},
			{"deadline", deadline, domain.KindUnavailable, "the database is unavailable"},
			{"syntax error", syntax, domain.KindInternal, "internal error"},
			{"domain error passes", domain.Errorf(domain.KindPrecondition, "x", "stale"), domain.KindPrecondition, "stale"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.err == nil {
					t.Fatal("the setup produced no error")
				}
				got := store.Translate(fmt.Errorf("op: %w", tc.err), "thing")
				de := wantKind(t, got, tc.kind)
				if de.Message != tc.msg {
					t.Errorf("got message %q, want %q", de.Message, tc.msg)
				}
				if strings.Contains(de.Message, "SELECT") || strings.Contains(de.Message, "INSERT") {
					t.Errorf("message %q shows SQL", de.Message)
				}
				if tc.kind != domain.KindPrecondition && !errors.Is(got, tc.err) {
					t.Errorf("the cause %v is lost in %v", tc.err, got)
				}
			})
		}
	})
}

func TestUnavailableOnClosedPort(t *testing.T) {
	s, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: "root:s3cret@tcp(127.0.0.1:1)/test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	err = s.Ping(ctx)
	de := wantKind(t, err, domain.KindUnavailable)
	if de.Message != "the database is unavailable" {
		t.Errorf("got message %q, want %q", de.Message, "the database is unavailable")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows the password", err)
	}
	_, err = s.ShipmentByWaybill(ctx, "t1", "LF00000000013")
	wantKind(t, err, domain.KindUnavailable)
	_, err = s.NextWaybill(ctx, "t1")
	wantKind(t, err, domain.KindUnavailable)
}

// TestSQLiteBusyIsUnavailable holds SQLite's write lock and asks for it from
// a connection that does not wait.
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	ctx := context.Background()
	holder, other := open(), open()
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, busy := other.BeginTx(ctx, nil)
	if busy == nil {
		t.Fatal("a second writer got the lock")
	}
	wantKind(t, store.Translate(busy, "thing"), domain.KindUnavailable)
}
