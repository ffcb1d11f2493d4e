package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// TestPageStmts: each shape of listing is prepared once and kept, for the
// stores At returns too; a failed preparation is not kept; a closed store
// lists nothing and says so.
func TestPageStmts(t *testing.T) {
	st := migratedSQLite(t)
	ctx := context.Background()
	later := st.At(func() time.Time { return time.Now().Add(time.Hour) })
	for _, s := range []*Store{st, later, st} {
		for _, f := range []ShipmentFilter{{CustomerID: "c1", Limit: 21}, {Status: "created", Limit: 5}, {CustomerID: "c2", Limit: 3}} {
			if _, err := s.ListShipments(ctx, "t1", f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := len(st.pages.stmts); n != 2 {
		t.Errorf("%d statements prepared for two shapes of listing", n)
	}
	if _, err := st.pages.get(ctx, st.db, "SELECT nonsense FROM nowhere"); err == nil {
		t.Error("a query that cannot be prepared was")
	}
	if n := len(st.pages.stmts); n != 2 {
		t.Errorf("%d statements kept after a failed preparation, want 2", n)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := later.ListShipments(ctx, "t1", ShipmentFilter{CustomerID: "c1", Limit: 21}); !errors.Is(err, errStmtsClosed) {
		t.Errorf("listing on a closed store: %v, want %v", err, errStmtsClosed)
	}
}

func TestTooManyPrepared(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&mysql.MySQLError{Number: 1461, Message: "Can't create more than max_prepared_stmt_count statements"}, true},
		{fmt.Errorf("list: %w", &mysql.MySQLError{Number: 1461}), true},
		{&mysql.MySQLError{Number: 1062}, false},
		{errors.New("1461"), false},
		{nil, false},
	} {
		if got := tooManyPrepared(tc.err); got != tc.want {
			t.Errorf("tooManyPrepared(%v) = %t, want %t", tc.err, got, tc.want)
		}
	}
}

// TestPageStmtsConcurrent: callers that list the same shape at once, on a
// store that has prepared nothing yet, all get their page, and one
// statement is kept.
func TestPageStmtsConcurrent(t *testing.T) {
	st, err := Open(Config{Driver: DriverSQLite, DSN: filepath.Join(t.TempDir(), "stmts.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := st.ListShipments(ctx, "t1", ShipmentFilter{CustomerID: "c1", Limit: 21})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(st.pages.stmts); n != 1 {
		t.Errorf("%d statements kept for one shape of listing", n)
	}
}
