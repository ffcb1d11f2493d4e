package registry_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// mutatingRoutes returns the pattern of every mutating route of the
// manifest, in manifest order.
func mutatingRoutes() []string {
	var routes []string
	for _, spec := range registry.All() {
		for _, r := range spec.Routes {
			if r.Mutating() {
				routes = append(routes, r.Pattern())
			}
		}
	}
	return routes
}

// pickRoute returns the route named by sel, or, for any other text, one
// chosen by its hash: every input lands on some route, and seeds keep
// their route when routes are added.
func pickRoute(routes []string, sel string) string {
	for _, r := range routes {
		if r == sel {
			return r
		}
	}
	h := fnv.New32a()
	h.Write([]byte(sel))
	return routes[int(h.Sum32()%uint32(len(routes)))]
}

// FuzzMutatingRoutes sends arbitrary JSON bodies to every mutating route
// of the manifest, as an admin, on a path built as the access matrix
// builds it (a fresh shipment, station, rate card or webhook). Whatever the
// body: no panic and no 5xx; every error is logifn's JSON error with a
// request id; the exchange matches the API document; and a rejected
// request (4xx) commits nothing to the database.
func FuzzMutatingRoutes(f *testing.F) {
	routes := mutatingRoutes()
	if len(routes) == 0 {
		f.Fatal("the manifest has no mutating route")
	}
	for _, r := range routes {
		f.Add(r, []byte(`{}`))
		f.Add(r, []byte(`{"unknown":1}`))
		f.Add(r, []byte(`[]`))
		f.Add(r, []byte(``))
	}
	path := storetest.SQLitePath(f)
	st, err := store.Open(store.Config{Driver: store.DriverSQLite, DSN: path})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	// Stations and a shipment in both tenants, so that calls naming them
	// can succeed from the first input on.
	storetest.ShipmentIn(f, st, "t1", domain.StatusCreated)
	storetest.ShipmentIn(f, st, "t2", domain.StatusCreated)
	snap := openSnapshot(f, path)
	h := apptest.New(f, st, registry.All()...)
	token := h.Token(principals[admin])
	f.Fuzz(func(t *testing.T, sel string, body []byte) {
		route := pickRoute(routes, sel)
		r := request(t, st, route, admin)
		req := httptest.NewRequest(r.Method, r.Path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		sent := req.Header.Clone()
		rec := httptest.NewRecorder()
		before := snap.take(t)
		// The harness's handler, not h.Do: Do reports through the harness's
		// testing.F, which a fuzz target must not use.
		h.Handler.ServeHTTP(rec, req)
		after := snap.take(t)
		res := &apptest.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
		where := fmt.Sprintf("%s %s with body %q", r.Method, r.Path, clip(body))
		if res.Status >= 500 {
			t.Fatalf("%s: status %d: %s", where, res.Status, res.Body)
		}
		if err := res.CheckContract(r.Method, r.Path, sent, body); err != nil {
			t.Errorf("%s: contract: %v", where, err)
		}
		if res.Status < 400 {
			return
		}
		var e apptest.ErrorBody
		if err := json.Unmarshal(res.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" || e.RequestID == "" {
			t.Fatalf("%s: status %d without logifn's JSON error: %s", where, res.Status, res.Body)
		}
		if !before.same(after) {
			t.Fatalf("%s: rejected with %d (%s) but the database changed:\nbefore %v\nafter  %v", where, res.Status, e.Error.Code, before, after)
		}
	})
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// snapshotter reads, on a connection of its own, what tells whether a
// request changed the database: SQLite's data_version, which moves with
// every commit by another connection, and each table's row count.
type snapshotter struct {
	conn   *sql.Conn
	tables []string
}

// snapshot is the state snapshotter read.
type snapshot struct {
	dataVersion int64
	counts      map[string]int64
}

func (s snapshot) same(o snapshot) bool {
	if s.dataVersion != o.dataVersion || len(s.counts) != len(o.counts) {
		return false
	}
	for k, v := range s.counts {
		if o.counts[k] != v {
			return false
		}
	}
	return true
}

func (s snapshot) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data_version=%d", s.dataVersion)
	for _, k := range slices.Sorted(maps.Keys(s.counts)) {
		fmt.Fprintf(&b, " %s=%d", k, s.counts[k])
	}
	return b.String()
}

func openSnapshot(tb testing.TB, path string) *snapshotter {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	rows, err := conn.QueryContext(context.Background(), `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	s := &snapshotter{conn: conn}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		s.tables = append(s.tables, name)
	}
	if err := rows.Err(); err != nil || len(s.tables) == 0 {
		tb.Fatalf("list tables: %v, %v", s.tables, err)
	}
	return s
}

func (s *snapshotter) take(t *testing.T) snapshot {
	t.Helper()
	ctx := context.Background()
	out := snapshot{counts: map[string]int64{}}
	if err := s.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&out.dataVersion); err != nil {
		t.Fatal(err)
	}
	for _, table := range s.tables {
		var n int64
		if err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out.counts[table] = n
	}
	return out
}

// TestFuzzPicksEveryMutatingRoute checks that FuzzMutatingRoutes picks
// exactly the manifest's mutating routes, each by its own pattern and each
// from arbitrary selectors, so a new route is fuzzed from the start.
func TestFuzzPicksEveryMutatingRoute(t *testing.T) {
	routes := mutatingRoutes()
	for _, spec := range registry.All() {
		for _, r := range spec.Routes {
			if got := pickRoute(routes, r.Pattern()); r.Mutating() != (got == r.Pattern()) {
				t.Errorf("route %s (mutating %v) picked as %s", r.Pattern(), r.Mutating(), got)
			}
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 10*len(routes)*len(routes); i++ {
		seen[pickRoute(routes, fmt.Sprint(i))] = true
	}
	if len(seen) != len(routes) {
		t.Errorf("arbitrary selectors reach %d of %d mutating routes", len(seen), len(routes))
	}
}
