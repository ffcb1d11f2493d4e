package bench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/store/storetest"
)

// TestRunSmoke runs the in-process scenarios at toy sizes on SQLite: every
// row is measured, every target is checked, and the table and the JSON
// agree.
func TestRunSmoke(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results.json")
	var table strings.Builder
	rep, err := Run(t.Context(), Options{Only: []string{"list", "scan", "image"}, Duration: 100 * time.Millisecond, Out: out,
		Stdout: &table, ListSizes: []int{3, 60}, ListCalls: 20, ScanLines: 50, Photos: 1})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, table.String())
	}
	byScenario := map[string][]Row{}
	for _, r := range rep.Rows {
		byScenario[r.Scenario] = append(byScenario[r.Scenario], r)
	}
	if got := len(byScenario["list"]); got != 2 {
		t.Errorf("%d list rows, want one per size (2)", got)
	}
	for _, r := range byScenario["list"] {
		if r.Ops != 20 || r.Rate <= 0 || r.P50MS <= 0 || r.Errors != 0 {
			t.Errorf("list row %+v: want 20 calls measured without errors", r)
		}
	}
	if s := byScenario["scan"]; len(s) != 2 || s[0].Ops != 50 || !s[1].Baseline || s[0].Ratio <= 0 {
		t.Errorf("scan rows %+v: want the ingest of 50 lines and its baseline, with a ratio", s)
	}
	if im := byScenario["image"]; len(im) != 1 || im[0].Ops != 1 || im[0].CPUPerOpUS <= 0 || figure(im[0], "peak memory growth") <= 0 {
		t.Errorf("image rows %+v: want one photo with its CPU and peak memory", im)
	}
	// list: two targets; scan: two; image: two.
	if len(rep.Checks) != 6 {
		t.Errorf("%d targets checked, want 6: %+v", len(rep.Checks), rep.Checks)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || len(back.Rows) != len(rep.Rows) {
		t.Errorf("JSON report: %v, %d rows, want %d", err, len(back.Rows), len(rep.Rows))
	}
	if !strings.Contains(table.String(), "scan-file-ingest, 50-line CSV") || !strings.Contains(table.String(), "targets") {
		t.Errorf("table:\n%s", table.String())
	}
}

func TestRunRejectsUnknownScenario(t *testing.T) {
	if _, err := Run(t.Context(), Options{Only: []string{"get", "nope"}}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("Run with an unknown scenario: %v, want an error naming it", err)
	}
}

// TestSoakSmoke runs the mixed workload for 2.5 s on SQLite: it must
// see no errors, touch every route of the workload (public tracking is paced: one call
// every trackEvery) and sample three times.
func TestSoakSmoke(t *testing.T) {
	var out strings.Builder
	rep, err := Soak(t.Context(), SoakOptions{Duration: 2500 * time.Millisecond, Clients: 2, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 0 {
		t.Fatalf("%d errors: %v", rep.Errors, rep.FirstErr)
	}
	for _, route := range []string{"POST /v1/shipments", "GET /v1/shipments/{waybill}", "GET /v1/shipments", "POST /v1/quotes",
		"POST /v1/shipments/{waybill}/scans", "GET /v1/tracking/{waybill}", "POST /v1/shipments/{waybill}/receipt"} {
		if rep.ByRoute[route] == 0 {
			t.Errorf("no request to %s during the soak: %v", route, rep.ByRoute)
		}
	}
	if len(rep.Samples) != 3 || rep.Samples[2].Goroutines == 0 || rep.Samples[2].HeapMiB <= 0 {
		t.Errorf("samples %+v, want start, middle and end", rep.Samples)
	}
	if !strings.Contains(out.String(), "growth start to end") {
		t.Errorf("soak table:\n%s", out.String())
	}
}

// TestRunSmokeMySQL runs the list scenario at toy sizes on a database it
// creates on the server LOGIFN_TEST_MYSQL_DSN names (and on SQLite beside
// it), and checks that the database is gone afterwards.
func TestRunSmokeMySQL(t *testing.T) {
	dsn := os.Getenv(storetest.MySQLDSNEnv)
	if dsn == "" {
		t.Skipf("MySQL tests SKIPPED: set %s", storetest.MySQLDSNEnv)
	}
	rep, err := Run(t.Context(), Options{MySQLDSN: dsn, Only: []string{"list"}, ListSizes: []int{2, 30}, ListCalls: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Two sizes on MySQL, then the same on SQLite.
	if rep.Database == "" || len(rep.Rows) != 4 || !strings.Contains(rep.Rows[0].Name, "mysql") || !strings.Contains(rep.Rows[3].Name, "sqlite") {
		t.Errorf("database %q, rows %+v; want the server's version and 2 rows on each database", rep.Database, rep.Rows)
	}
	if len(rep.Checks) != 2 {
		t.Errorf("%d targets checked, want the 2 of MySQL only", len(rep.Checks))
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var left int
	pattern := fmt.Sprintf("logifn\\_bench\\_%d\\_%%", os.Getpid())
	if err := admin.QueryRow(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?`, pattern).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d bench databases of this process left behind", left)
	}
}
