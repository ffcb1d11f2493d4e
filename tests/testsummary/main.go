// Command testsummary reads `go test -json` on stdin and prints what a
// person needs: one line per package, the output of every failed test,
// every skipped test with its reason, how many tests ran on MySQL, and a
// closing "N passed, N failed, N skipped" line. It exits non-zero when
// anything failed or no test ran.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type summary struct {
	passed, failed, skipped, mysql int
	output                         map[string][]string // package/test -> output lines
	skips                          []string
	failures                       []string
	badPackages                    int
}

func main() {
	s, err := read(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if !s.report(os.Stdout) {
		os.Exit(1)
	}
}

func read(in io.Reader, out io.Writer) (*summary, error) {
	s := &summary{output: map[string][]string{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(out, sc.Text()) // build errors arrive as plain text
			continue
		}
		s.add(e, out)
	}
	return s, sc.Err()
}

func (s *summary) add(e event, out io.Writer) {
	id := e.Package + " " + e.Test
	switch e.Action {
	case "output":
		s.output[id] = append(s.output[id], e.Output)
	case "pass", "fail", "skip":
		if e.Test == "" {
			s.packageDone(e, out)
			return
		}
		s.testDone(e, id)
	}
}

func (s *summary) packageDone(e event, out io.Writer) {
	switch e.Action {
	case "pass":
		fmt.Fprintf(out, "ok    %-60s %.1fs\n", e.Package, e.Elapsed)
	case "skip":
		fmt.Fprintf(out, "?     %-60s [no test files]\n", e.Package)
	case "fail":
		s.badPackages++
		fmt.Fprintf(out, "FAIL  %-60s %.1fs\n", e.Package, e.Elapsed)
		if lines := s.output[e.Package+" "]; len(lines) > 0 {
			fmt.Fprint(out, indent(lines))
		}
	}
}

func (s *summary) testDone(e event, id string) {
	switch e.Action {
	case "pass":
		s.passed++
		if strings.Contains(e.Test, "/mysql") || strings.Contains(e.Test, "MySQL") {
			s.mysql++
		}
	case "fail":
		s.failed++
		s.failures = append(s.failures, fmt.Sprintf("--- FAIL: %s (%s)\n%s", e.Test, e.Package, indent(s.output[id])))
	case "skip":
		s.skipped++
		s.skips = append(s.skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, reason(s.output[id])))
	}
	delete(s.output, id)
}

// report prints the summary and says whether the run is good.
func (s *summary) report(out io.Writer) bool {
	for _, f := range s.failures {
		fmt.Fprint(out, "\n", f)
	}
	if len(s.skips) > 0 {
		sort.Strings(s.skips)
		fmt.Fprintln(out, "\nSkipped:")
		for _, k := range s.skips {
			fmt.Fprintln(out, "  "+k)
		}
	}
	fmt.Fprintf(out, "\nMySQL: %d tests ran against MySQL\n", s.mysql)
	fmt.Fprintf(out, "%d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
	return s.failed == 0 && s.badPackages == 0 && s.passed > 0
}

// reason picks the skip message out of a skipped test's output.
func reason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "=== ") {
			return l
		}
	}
	return "(no reason given)"
}

func indent(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if strings.HasPrefix(l, "=== ") {
			continue
		}
		b.WriteString("    " + l)
	}
	return b.String()
}
