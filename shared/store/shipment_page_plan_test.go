package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPageQueryPlanOnSQLite: SQLite reads a page's items by shipment, for
// every filter a listing takes. Left to its planner it once scanned every
// item of the tenant and probed the page for each: a customer with 100 000
// shipments cost 30 times one with 10.
func TestPageQueryPlanOnSQLite(t *testing.T) {
	st := migratedSQLite(t)
	defer st.Close()
	ctx := context.Background()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for name, f := range map[string]ShipmentFilter{
		"customer": {CustomerID: "c1", Limit: 21},
		"tenant":   {Limit: 21},
		"status":   {Status: "in_transit", Limit: 21},
		"station":  {Station: "SHA01", Limit: 21},
		"dates":    {CreatedFrom: day, CreatedTo: day.Add(24 * time.Hour), Before: 1000, Limit: 21},
	} {
		q, args := st.pageQuery("t1", f)
		rows, err := st.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		items := false
		for _, step := range plan {
			if strings.Contains(step, " i ") {
				items = true
				if !strings.Contains(step, "shipment_id=?") {
					t.Errorf("%s: items are not read by shipment: %q\nplan:\n%s", name, step, strings.Join(plan, "\n"))
				}
			}
		}
		if !items {
			t.Errorf("%s: no step reads the items:\n%s", name, strings.Join(plan, "\n"))
		}
	}
}

// migratedSQLite opens a migrated SQLite store in a directory of the
// test's own; the caller closes it.
func migratedSQLite(t *testing.T) *Store {
	t.Helper()
	st, err := Open(Config{Driver: DriverSQLite, DSN: filepath.Join(t.TempDir(), "store.db")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st
}
