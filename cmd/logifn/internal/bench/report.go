package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the outcome of one run: every measured row and every target
// checked, with what the run ran on.
type Report struct {
	Started   time.Time `json:"started"`
	Seconds   float64   `json:"seconds"`
	GoVersion string    `json:"go_version"`
	OS        string    `json:"os"`
	Arch      string    `json:"arch"`
	CPUs      int       `json:"cpus"`
	Database  string    `json:"database,omitempty"` // the MySQL server's version
	StepTime  string    `json:"step_duration"`
	// Build is how the binaries under test were built: the Makefile's
	// flags for deployed binaries.
	Build  *BuildFlags `json:"build,omitempty"`
	Rows   []Row       `json:"rows"`
	Checks []Check     `json:"checks"`
	Notes  []string    `json:"notes,omitempty"`
}

// Row is one measured step: a scenario's variant, or its baseline.
type Row struct {
	Scenario string  `json:"scenario"`
	Name     string  `json:"name"`
	Baseline bool    `json:"baseline,omitempty"`
	Clients  int     `json:"clients,omitempty"`
	Ops      int64   `json:"ops"`
	Errors   int64   `json:"errors"`
	Seconds  float64 `json:"seconds"`
	Rate     float64 `json:"rate,omitempty"` // Ops per second
	Unit     string  `json:"unit,omitempty"` // what Rate counts, such as req/s or lines/s
	P50MS    float64 `json:"p50_ms"`
	P90MS    float64 `json:"p90_ms"`
	P99MS    float64 `json:"p99_ms"`
	MaxMS    float64 `json:"max_ms"`
	// CPUPerOpUS is the CPU time (user and system) per operation of the
	// process named by CPUOf.
	CPUPerOpUS float64 `json:"cpu_per_op_us,omitempty"`
	CPUOf      string  `json:"cpu_of,omitempty"`
	// Ratio is Rate over the baseline's Rate (or, for figures without a
	// rate, the figure the scenario compares over the baseline's).
	Ratio   float64  `json:"ratio_to_baseline,omitempty"`
	Figures []Figure `json:"figures,omitempty"`
}

// Figure is a named measurement that is not a rate or a latency: a binary's
// size, a resident set.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Check is a target and whether the run met it.
type Check struct {
	Scenario string `json:"scenario"`
	Target   string `json:"target"`
	Got      string `json:"got"`
	Met      bool   `json:"met"`
}

// withLatencies fills r's latency columns from l.
func (r Row) withLatencies(l Latencies) Row {
	r.P50MS, r.P90MS, r.P99MS, r.MaxMS = ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max)
	return r
}

// check appends a target to rep: met when ok.
func (rep *Report) check(scenario, target string, ok bool, got string, args ...any) {
	rep.Checks = append(rep.Checks, Check{Scenario: scenario, Target: target, Got: fmt.Sprintf(got, args...), Met: ok})
}

// WriteTable writes rep as text tables: the rows, then the targets.
func (rep *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "\nlogifn bench, %s, %s/%s, %d CPUs, %s per step", rep.Started.Format(time.RFC3339), rep.OS, rep.Arch, rep.CPUs, rep.StepTime)
	if rep.Database != "" {
		fmt.Fprintf(w, ", MySQL %s", rep.Database)
	}
	if rep.Build != nil {
		fmt.Fprintf(w, ", binaries built with -tags %s -ldflags '%s'", rep.Build.Tags, rep.Build.LDFlags)
	}
	fmt.Fprintln(w)
	var rows bytes.Buffer
	tw := tabwriter.NewWriter(&rows, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tvariant\trate\tp50 ms\tp90 ms\tp99 ms\tmax ms\tCPU/op us\terrors\tx base\t")
	for _, r := range rep.Rows {
		name := r.Name
		if r.Baseline {
			name = "baseline: " + name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.Scenario, name, rate(r), num(r.P50MS), num(r.P90MS),
			num(r.P99MS), num(r.MaxMS), num(r.CPUPerOpUS), r.Errors, ratio(r), figures(r.Figures))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(rows.String(), "\n") {
		io.WriteString(w, strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			io.WriteString(w, "\n")
		}
	}
	fmt.Fprintln(w, "\ntargets")
	for _, c := range rep.Checks {
		verdict := "met"
		if !c.Met {
			verdict = "NOT MET"
		}
		fmt.Fprintf(w, "  %-8s %-12s %s: %s\n", verdict, c.Scenario, c.Target, c.Got)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

// WriteJSON writes rep, indented, to path, creating its directory.
func (rep *Report) WriteJSON(path string) error { return writeJSON(path, rep) }

// writeJSON writes v, indented, to path, creating its directory.
func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(js, '\n'), 0o644)
}

func rate(r Row) string {
	if r.Rate == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f %s", r.Rate, r.Unit)
}

func ratio(r Row) string {
	if r.Ratio == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", r.Ratio)
}

// num formats a figure with three significant digits or so; 0 is "-".
func num(v float64) string {
	switch {
	case v == 0:
		return "-"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func figures(fs []Figure) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("%s %s %s", f.Name, num(f.Value), f.Unit)))
	}
	return strings.Join(parts, ", ")
}
