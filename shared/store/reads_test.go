package store_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// oneConnection gives a store a pool of one connection.
func oneConnection(c *store.Config) { c.MaxOpenConns, c.MaxIdleConns = 1, 1 }

// watchers counts database/sql's goroutines that watch a query's context
// until its rows close, of the queries this goroutine ran.
func watchers(t *testing.T) int {
	t.Helper()
	self := make([]byte, 64)
	self = self[:runtime.Stack(self, false)]
	id, _, ok := bytes.Cut(bytes.TrimPrefix(self, []byte("goroutine ")), []byte(" "))
	if !ok {
		t.Fatalf("no goroutine id in %q", self)
	}
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 2); err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b.Bytes(), []byte("created by database/sql.(*Rows).initContextClose in goroutine "+string(id)+"\n"))
}

// noWatchers waits for the watchers of this goroutine's closed rows to
// end: each ends a moment after its rows close.
func noWatchers(t *testing.T) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); watchers(t) > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d watchers still running with no rows open", watchers(t))
		}
	}
}

// TestReadsStartNoWatcher: a read under a deadline, on MySQL, runs its
// query without database/sql's goroutine watching the context, which the
// same query on the pool starts (the check's own control).
func TestReadsStartNoWatcher(t *testing.T) {
	s := storetest.MySQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range []struct {
		name string
		run  func(fn func(ctx context.Context, q store.Querier) error) error
		want int
	}{
		{"on the pool", func(fn func(ctx context.Context, q store.Querier) error) error { return fn(ctx, store.DB(s)) }, 1},
		{"in a read", func(fn func(ctx context.Context, q store.Querier) error) error { return store.Read(s, ctx, fn) }, 0},
	} {
		noWatchers(t)
		got := -1
		err := c.run(func(ctx context.Context, q store.Querier) error {
			rows, err := q.QueryContext(ctx, `SELECT 1`)
			if err != nil {
				return err
			}
			defer rows.Close()
			got = watchers(t)
			return nil
		})
		if err != nil || got != c.want {
			t.Errorf("a query under a deadline %s: %d watchers while its rows are open (%v), want %d", c.name, got, err, c.want)
		}
	}
}

// TestReadsWaitNoLongerThanTheDeadline: with every connection of the pool
// taken, each read of a request fails as unavailable at its deadline
// rather than waiting for a connection past it.
func TestReadsWaitNoLongerThanTheDeadline(t *testing.T) {
	s := storetest.MySQL(t, oneConnection)
	seedStations(t, s, "t1")
	sh := mustCreate(t, s, storetest.Shipment("t1"))
	held, err := store.DB(s).Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Should a read wait for the connection, it gets it after 5s and the
	// test fails rather than hangs.
	timer := time.AfterFunc(5*time.Second, func() { held.Close() })
	defer timer.Stop()
	reads := map[string]func(ctx context.Context) error{
		"shipment": func(ctx context.Context) error { _, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill); return err },
		"events":   func(ctx context.Context) error { _, err := s.Events(ctx, "t1", sh.ID); return err },
		"list": func(ctx context.Context) error {
			_, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 21})
			return err
		},
		"items": func(ctx context.Context) error {
			_, err := s.ListItems(ctx, "t1", store.ItemFilter{Limit: 10})
			return err
		},
		// No rate card: the quote fails as invalid once it has read.
		"quote": func(ctx context.Context) error {
			_, err := s.Quote(ctx, "t1", storetest.OriginStation, storetest.DestinationStation, domain.ServiceStandard, sh.Items)
			return err
		},
		"station":  func(ctx context.Context) error { _, err := s.Station(ctx, "t1", storetest.OriginStation); return err },
		"stations": func(ctx context.Context) error { _, err := s.ListStations(ctx, "t1"); return err },
		// A key never used: not found once it has read.
		"idempotency key": func(ctx context.Context) error {
			_, _, err := s.LookupIdempotencyKey(ctx, "t1", "k1", "h1")
			return err
		},
	}
	// What a read that got its connection answers, when not its result.
	after := map[string]domain.Kind{"quote": domain.KindInvalid, "idempotency key": domain.KindNotFound}
	for name, read := range reads {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		began := time.Now()
		err := read(ctx)
		took := time.Since(began)
		cancel()
		if took > 2*time.Second {
			t.Errorf("%s: waited %v for a connection under a 200ms deadline", name, took)
		}
		wantKind(t, err, domain.KindUnavailable)
	}
	if !timer.Stop() {
		t.Fatal("the held connection was released before the reads ended")
	}
	held.Close()
	for name, read := range reads {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := read(ctx); err != nil && !domain.IsKind(err, after[name]) {
			t.Errorf("%s once the connection is back: %v", name, err)
		}
		cancel()
	}
}

// TestReadEndsAtTheDeadline: a statement of a read that the server does
// not answer, or stops answering halfway through its rows, ends at the
// request's deadline with the deadline's error, and the pool serves the
// next read.
func TestReadEndsAtTheDeadline(t *testing.T) {
	s := storetest.MySQL(t)
	for name, query := range map[string]string{
		"before its rows": `SELECT SLEEP(5)`,
		// The first row is larger than the server's network buffer, so
		// it is sent before the second row's sleep.
		"within its rows": `SELECT REPEAT('x', 65536), SLEEP(IF(seq = 2, 5, 0)) FROM seq_1_to_2`,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		began, rowsRead := time.Now(), 0
		err := store.Read(s, ctx, func(ctx context.Context, q store.Querier) error {
			rows, err := q.QueryContext(ctx, query)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				rowsRead++
			}
			return rows.Err()
		})
		took := time.Since(began)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || took > 3*time.Second {
			t.Errorf("%s: %v after %v under a 300ms deadline, want %v by then", name, err, took, context.DeadlineExceeded)
		}
		t.Logf("%s: %d rows read", name, rowsRead)
		ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 1}); err != nil {
			t.Errorf("%s: the next read: %v", name, err)
		}
		cancel()
	}
}

// TestReadStopsOnceTheRequestIsGone: a request cancelled before its
// deadline stops its read's next statement.
func TestReadStopsOnceTheRequestIsGone(t *testing.T) {
	s := storetest.MySQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var first error
	err := store.Read(s, ctx, func(sctx context.Context, q store.Querier) error {
		var n int
		first = q.QueryRowContext(sctx, `SELECT 1`).Scan(&n)
		cancel()
		return q.QueryRowContext(sctx, `SELECT 2`).Scan(&n)
	})
	if first != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("statements before and after the request went: %v and %v, want nil and %v", first, err, context.Canceled)
	}
}

// sessionStatus returns a counter of the session of s's only connection.
func sessionStatus(t *testing.T, s *store.Store, name string) int {
	t.Helper()
	var key, value string
	if err := store.DB(s).QueryRow(`SHOW SESSION STATUS LIKE ?`, name).Scan(&key, &value); err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConnectionKeepsPreparedListings: a connection prepares each shape
// of listing once, however many reads list it, up to the statements it
// keeps; one more shape is prepared, and closed, for each listing; and a
// statement prepared outside a read is closed when it is.
func TestConnectionKeepsPreparedListings(t *testing.T) {
	s := storetest.MySQL(t, oneConnection)
	// A statement prepared on the pool, outside a read, is not kept: its
	// Close closes it on the server.
	st, err := store.DB(s).Prepare(`SELECT ?`)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if n := sessionStatus(t, s, "Com_stmt_close"); n != 1 {
		t.Fatalf("a statement prepared on the pool and closed: %d closed, want 1", n)
	}
	list := func(f store.ShipmentFilter) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := s.ListShipments(ctx, "t1", f); err != nil {
			t.Fatal(err)
		}
	}
	// Seventeen shapes: each subset of four filters, and one more.
	var shapes []store.ShipmentFilter
	for bits := range 16 {
		f := store.ShipmentFilter{Limit: 21}
		if bits&1 != 0 {
			f.CustomerID = "c1"
		}
		if bits&2 != 0 {
			f.Status = domain.StatusCreated
		}
		if bits&4 != 0 {
			f.Before = 1 << 40
		}
		if bits&8 != 0 {
			f.CreatedFrom = time.Now().Add(-time.Hour)
		}
		shapes = append(shapes, f)
	}
	shapes = append(shapes, store.ShipmentFilter{Station: storetest.OriginStation, Limit: 21})
	for range 3 {
		for _, f := range shapes[:16] {
			list(f)
		}
	}
	if n := sessionStatus(t, s, "Com_stmt_prepare"); n != 1+16 {
		t.Errorf("16 shapes listed 3 times each: %d statements prepared, want 16 (and the pool's one)", n-1)
	}
	for range 2 {
		list(shapes[16])
	}
	prepared, closed := sessionStatus(t, s, "Com_stmt_prepare"), sessionStatus(t, s, "Com_stmt_close")
	if prepared != 1+18 || closed != 1+2 {
		t.Errorf("a seventeenth shape listed twice: %d prepared and %d closed by the reads, want 18 and 2", prepared-1, closed-1)
	}
}

// TestReadAfterTheServerDroppedItsConnection: a read under a deadline
// whose pooled connection the server has closed meanwhile (a restart, or
// its wait_timeout) is served on a new one, as a read on the pool is.
func TestReadAfterTheServerDroppedItsConnection(t *testing.T) {
	s := storetest.MySQL(t, oneConnection)
	admin := storetest.MySQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var id int64
	if err := store.DB(s).QueryRowContext(ctx, `SELECT CONNECTION_ID()`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := store.DB(admin).ExecContext(ctx, `KILL ?`, id); err != nil {
		t.Fatal(err)
	}
	// The server closes the socket a moment after KILL returns.
	time.Sleep(100 * time.Millisecond)
	if _, err := s.ListStations(ctx, "t1"); err != nil {
		t.Fatalf("a read after the server dropped the pool's connection: %v", err)
	}
	var again int64
	if err := store.DB(s).QueryRowContext(ctx, `SELECT CONNECTION_ID()`).Scan(&again); err != nil || again == id {
		t.Errorf("connection %d after %d was dropped (%v)", again, id, err)
	}
}
