package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleReport() *Report {
	rep := &Report{Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), OS: "linux", Arch: "amd64", CPUs: 2, StepTime: "5s", Database: "10.11"}
	rep.Rows = []Row{
		Row{Scenario: "get", Name: "full stack, 64 clients", Clients: 64, Ops: 5000, Rate: 1000, Unit: "req/s", CPUPerOpUS: 350, Ratio: 0.6406,
			Figures: []Figure{{Name: "peak RSS", Value: 23.4, Unit: "MiB"}}}.withLatencies(Latencies{P50: 2 * time.Millisecond, P90: 5 * time.Millisecond, P99: 12 * time.Millisecond, Max: 40 * time.Millisecond}),
		{Scenario: "get", Name: "raw, 64 clients", Baseline: true, Clients: 64, Ops: 8000, Rate: 1600, Unit: "req/s", Errors: 3},
	}
	rep.check("get", "throughput >= 50% of raw", true, "%.0f%%", 62.5)
	rep.check("get", "p99 <= 10 ms", false, "%.2f ms", 12.0)
	return rep
}

func TestWriteTable(t *testing.T) {
	var sb strings.Builder
	if err := sampleReport().WriteTable(&sb); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, want := range []string{
		"2 CPUs, 5s per step, MySQL 10.11",
		"full stack, 64 clients",
		"baseline: raw, 64 clients",
		"1000 req/s", "2.00", "12.0", "40.0", "350", "0.64", "peak RSS 23.4 MiB",
		"met      get          throughput >= 50% of raw: 62%",
		"NOT MET  get          p99 <= 10 ms: 12.00 ms",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// The baseline row shows its errors and no ratio.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "baseline: raw") && (!strings.Contains(line, " 3 ") || !strings.Contains(line, " - ")) {
			t.Errorf("baseline row %q: want 3 errors and no ratio", line)
		}
	}
}

func TestWriteJSONRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench", "results.json")
	rep := sampleReport()
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 2 || got.Rows[0].P99MS != 12 || got.Rows[0].Ratio != 0.6406 || !got.Rows[1].Baseline {
		t.Errorf("rows after a round trip: %+v", got.Rows)
	}
	if len(got.Checks) != 2 || !got.Checks[0].Met || got.Checks[1].Met || got.Checks[1].Got != "12.00 ms" {
		t.Errorf("checks after a round trip: %+v", got.Checks)
	}
	for _, key := range []string{`"p50_ms"`, `"cpu_per_op_us"`, `"ratio_to_baseline"`, `"step_duration"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		elapsed, expected time.Duration
		want              string
	}{
		{0, 10 * time.Second, "[3] [..........]   0% get"},
		{5 * time.Second, 10 * time.Second, "[3] [#####.....]  50% get"},
		{20 * time.Second, 10 * time.Second, "[3] [##########] 100% get"},
		{1500 * time.Millisecond, 0, "[3]   1.5s get"},
	}
	for _, tt := range tests {
		if got := Bar(3, "get", tt.elapsed, tt.expected, 10); got != tt.want {
			t.Errorf("Bar(%v of %v) = %q, want %q", tt.elapsed, tt.expected, got, tt.want)
		}
	}
}

func TestProgressWithoutTerminalPrintsLines(t *testing.T) {
	var sb strings.Builder
	p := NewProgress(&sb, false)
	p.Step("one", time.Second)
	p.Step("two", 0)
	p.Done()
	if got, want := sb.String(), "bench: [1] one\nbench: [2] two\n"; got != want {
		t.Errorf("progress = %q, want %q", got, want)
	}
}

func TestParseProc(t *testing.T) {
	stat := []byte("1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 8 0 100 0 0")
	got, err := parseStatCPU(stat)
	if err != nil || got != 3250*time.Millisecond {
		t.Errorf("parseStatCPU = %v, %v; want 3.25s (325 ticks)", got, err)
	}
	if _, err := parseStatCPU([]byte("garbage")); err == nil {
		t.Error("parseStatCPU(garbage) gave no error")
	}
	status := "Name:\tx\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads:\t5\n"
	m, err := parseStatusMemory(strings.NewReader(status))
	if err != nil || m.RSS != 10<<20 || m.HWM != 20<<20 {
		t.Errorf("parseStatusMemory = %+v, %v; want 10 MiB now, 20 MiB peak", m, err)
	}
	if _, err := parseStatusMemory(strings.NewReader("Name:\tx\n")); err == nil {
		t.Error("a status without VmRSS gave no error")
	}
}

func TestUpdateDocReplacesOnlyTheSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	before := "# Performance\n\nintro\n\n" + DocBegin + "\nold table\n" + DocEnd + "\n\nafter\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second refresh replaces the first
		if err := UpdateDoc(path, sampleReport()); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	if strings.Contains(got, "old table") || strings.Count(got, "full stack, 64 clients") != 1 {
		t.Errorf("section not replaced exactly once:\n%s", got)
	}
	if !strings.HasPrefix(got, "# Performance\n\nintro\n\n"+DocBegin+"\n```text\nlogifn bench, ") || !strings.HasSuffix(got, "```\n"+DocEnd+"\n\nafter\n") {
		t.Errorf("text around the section changed:\n%s", got)
	}
	if err := os.WriteFile(path, []byte("no markers"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateDoc(path, sampleReport()); err == nil {
		t.Error("a document without markers was accepted")
	}
}

func TestUpdateSoakDoc(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	doc := DocBegin + "\nbench table\n" + DocEnd + "\n" + SoakDocBegin + "\nold\n" + SoakDocEnd + "\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := &SoakReport{Database: "mysql", Clients: 16, Seconds: 120, Requests: 6000, ByRoute: map[string]int64{"POST /v1/shipments": 400},
		Samples: []SoakSample{{At: "start", RSSMiB: 30, HeapMiB: 3, Goroutines: 99}, {At: "end", RSSMiB: 31, HeapMiB: 3.5, Goroutines: 97}}}
	if err := UpdateSoakDoc(path, rep); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	for _, want := range []string{"\nbench table\n", "6000 requests (50/s), 0 errors", "growth start to end: RSS +1.0 MiB, heap +0.5 MiB, goroutines -2",
		"requests by route: POST /v1/shipments 400"} {
		if !strings.Contains(got, want) {
			t.Errorf("document lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old") {
		t.Errorf("old soak figures kept:\n%s", got)
	}
}

func TestWriteTableHasNoTrailingSpaces(t *testing.T) {
	var sb strings.Builder
	if err := sampleReport().WriteTable(&sb); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(sb.String(), "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing spaces: %q", line)
		}
	}
}
