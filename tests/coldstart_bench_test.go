package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/logifn/logifn/functions/registry"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// coldStartFunctions are the functions BenchmarkColdStart measures: every
// function of the manifest.
func coldStartFunctions() []string {
	var names []string
	for _, spec := range registry.All() {
		names = append(names, spec.Name)
	}
	return names
}

// coldStartRuns is how many cold starts of each binary are measured.
const coldStartRuns = 10

// baselinePkg is a minimal net/http server, the reference a function's
// cold start is compared with.
const baselinePkg = "./tests/testdata/minhttp"

// coldStart is the figures of one binary.
type coldStart struct {
	Name       string    `json:"name"`
	SizeBytes  int64     `json:"size_bytes"`
	MedianMS   float64   `json:"cold_start_ms_median"`
	MinMS      float64   `json:"cold_start_ms_min"`
	MaxMS      float64   `json:"cold_start_ms_max"`
	SamplesMS  []float64 `json:"samples_ms"`
	SizeRatio  float64   `json:"size_ratio_to_baseline,omitempty"`
	StartRatio float64   `json:"cold_start_ratio_to_baseline,omitempty"`
}

// coldStartReport is what bench/coldstart.json holds.
type coldStartReport struct {
	Measured  time.Time   `json:"measured"`
	GoVersion string      `json:"go_version"`
	OS        string      `json:"os"`
	Arch      string      `json:"arch"`
	CPUs      int         `json:"cpus"`
	Runs      int         `json:"runs"`
	Method    string      `json:"method"`
	Baseline  coldStart   `json:"baseline"`
	Functions []coldStart `json:"functions"`
}

// BenchmarkColdStart reports, for a few functions and for a minimal Go
// HTTP server built in the same run with the same flags, the stripped
// binary size and the cold start: from exec to the first 200 on GET
// /healthz, the median of coldStartRuns starts. It prints a table and
// writes bench/coldstart.json. These are figures, not assertions: run it
// with `make bench`.
func BenchmarkColdStart(b *testing.B) {
	root, err := moduleRoot()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	pkgs := map[string]string{"baseline": baselinePkg}
	for _, f := range coldStartFunctions() {
		pkgs[f] = "./functions/" + f + "/cmd"
	}
	errs := make(chan error, len(pkgs))
	var wg sync.WaitGroup
	for name, pkg := range pkgs {
		wg.Go(func() { errs <- goBuild(root, filepath.Join(dir, name), pkg) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	db := filepath.Join(dir, "logifn.db")
	for range b.N {
		rep := coldStartReport{Measured: time.Now().UTC(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
			CPUs: runtime.NumCPU(), Runs: coldStartRuns,
			Method: "exec to the first 200 on GET /healthz, polled every 0.5 ms; Function Compute custom runtime environment, SQLite; binaries built with CGO_ENABLED=0 -tags lambda.norpc -ldflags '-s -w'"}
		rep.Baseline = measureColdStart(b, "net/http baseline", filepath.Join(dir, "baseline"), func(port string) []string {
			return []string{"PORT=" + port}
		})
		for _, f := range coldStartFunctions() {
			c := measureColdStart(b, f, filepath.Join(dir, f), func(port string) []string {
				return baseEnv().with(env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": f, "FC_REGION": "cn-hangzhou",
					"LOGIFN_DB_DRIVER": "sqlite", "LOGIFN_DB_DSN": db, "LOGIFN_INVOKE_BACKEND": "local",
					"LOGIFN_BLOB_DRIVER": "local", "LOGIFN_BLOB_DIR": filepath.Join(dir, "objects")}).list()
			})
			c.SizeRatio = float64(c.SizeBytes) / float64(rep.Baseline.SizeBytes)
			c.StartRatio = c.MedianMS / rep.Baseline.MedianMS
			rep.Functions = append(rep.Functions, c)
			b.ReportMetric(c.MedianMS, f+"-ms")
		}
		b.ReportMetric(rep.Baseline.MedianMS, "baseline-ms")
		fmt.Print(coldStartTable(rep))
		out := filepath.Join(root, "bench", "coldstart.json")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			b.Fatal(err)
		}
		js, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(out, append(js, '\n'), 0o644); err != nil {
			b.Fatal(err)
		}
		fmt.Printf("wrote %s\n", filepath.Join("bench", "coldstart.json"))
	}
}

// measureColdStart starts bin coldStartRuns times, each on a new port
// with the environment envFor gives, and measures each start.
func measureColdStart(b *testing.B, name, bin string, envFor func(port string) []string) coldStart {
	b.Helper()
	fi, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	c := coldStart{Name: name, SizeBytes: fi.Size()}
	// One start first, not counted, so that every counted start finds the
	// binary in the page cache: a warm disk, a cold process.
	for i := range coldStartRuns + 1 {
		d, err := startOnce(bin, envFor)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		if i > 0 {
			c.SamplesMS = append(c.SamplesMS, float64(d.Microseconds())/1000)
		}
	}
	s := slices.Clone(c.SamplesMS)
	slices.Sort(s)
	c.MinMS, c.MaxMS = s[0], s[len(s)-1]
	if n := len(s); n%2 == 1 {
		c.MedianMS = s[n/2]
	} else {
		c.MedianMS = (s[n/2-1] + s[n/2]) / 2
	}
	return c
}

// startOnce starts bin, waits for its first 200 on /healthz, stops it with
// SIGTERM and returns the time from exec to that answer.
func startOnce(bin string, envFor func(port string) []string) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = envFor(port)
	var stderr output
	cmd.Stderr = &stderr
	dieWithTest(cmd)
	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://127.0.0.1:" + port + "/healthz"
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var took time.Duration
	for {
		resp, err := probe.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				took = time.Since(began)
				break
			}
		}
		select {
		case err := <-done:
			return 0, fmt.Errorf("exited before answering: %v\n%s", err, stderr.tail(10))
		default:
		}
		if time.Since(began) > healthTimeout {
			cmd.Process.Kill()
			<-done
			return 0, errors.New("no 200 on /healthz within " + healthTimeout.String())
		}
		time.Sleep(500 * time.Microsecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopTimeout):
		cmd.Process.Kill()
		<-done
	}
	return took, nil
}

// coldStartTable renders rep as a text table.
func coldStartTable(rep coldStartReport) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\ncold start: %s, %s/%s, %d CPUs, median of %d runs\n", rep.GoVersion, rep.OS, rep.Arch, rep.CPUs, rep.Runs)
	fmt.Fprintf(&sb, "%-20s %10s %7s %11s %9s %9s %7s\n", "binary", "size MiB", "x size", "median ms", "min ms", "max ms", "x start")
	row := func(c coldStart, sizeRatio, startRatio float64) {
		fmt.Fprintf(&sb, "%-20s %10.2f %7.2f %11.2f %9.2f %9.2f %7.2f\n", c.Name, float64(c.SizeBytes)/(1<<20), sizeRatio,
			c.MedianMS, c.MinMS, c.MaxMS, startRatio)
	}
	row(rep.Baseline, 1, 1)
	for _, c := range rep.Functions {
		row(c, c.SizeRatio, c.StartRatio)
	}
	return sb.String()
}
