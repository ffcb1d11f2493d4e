package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/logifn/logifn/functions/registry"
)

// Limits of the cold start targets.
const (
	maxBinaryBytes = 15_000_000
	maxIdleRSS     = 30_000_000
	maxColdStart   = 25 * time.Millisecond
	maxServeStart  = 300 * time.Millisecond
	serveStarts    = 5
)

// coldStart measures, for the minimal net/http server and every function
// built as deployed, the time from exec to the first 200 on /healthz (the
// median of opt.ColdStarts starts), the binary's size, and its resident
// set idle after start and after a short load. Then the local platform's
// start.
func (r *runner) coldStart(ctx context.Context) error {
	dir := filepath.Join(r.tmp, "coldstart")
	// A function opens its database lazily, so a start touches neither the
	// server nor the file; MySQL as deployed, SQLite when the run is on it.
	driver, dsn := "mysql", r.opt.MySQLDSN
	if dsn == "" {
		driver, dsn = "sqlite", filepath.Join(dir, "logifn.db")
	}
	if r.bins["minhttp"] == nil {
		return fmt.Errorf("the minimal server was not built (see the notes)")
	}
	targets := []startTarget{{name: "minhttp", env: func(port string) env { return env{"PORT": port} }}}
	for _, spec := range registry.All() {
		if r.bins[spec.Name] == nil {
			continue // not built: in the notes
		}
		targets = append(targets, startTarget{name: spec.Name, env: func(port string) env {
			return env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": spec.Name, "FC_REGION": "cn-hangzhou",
				"LOGIFN_DB_DRIVER": driver, "LOGIFN_DB_DSN": dsn, "LOGIFN_JWT_SECRET": secret,
				"LOGIFN_INVOKE_BACKEND": "local", "LOGIFN_BLOB_DRIVER": "local", "LOGIFN_BLOB_DIR": filepath.Join(dir, "objects")}
		}})
	}
	rows, err := r.measureStarts(ctx, targets)
	if err != nil {
		return err
	}
	base := rows[0]
	base.Name, base.Baseline = "minimal net/http server (tests/testdata/minhttp)", true
	r.rep.Rows = append(r.rep.Rows, base)
	baseSize := figure(base, "size")
	var slow, big, fat []string
	worst := Row{}
	for _, row := range rows[1:] {
		row.Ratio = Ratio(row.P50MS, base.P50MS)
		row.Figures = append(row.Figures, Figure{Name: "size x", Value: Ratio(figure(row, "size"), baseSize)})
		r.rep.Rows = append(r.rep.Rows, row)
		if row.Ratio > 1.5 || row.P50MS >= ms(maxColdStart) {
			slow = append(slow, fmt.Sprintf("%s %.1f ms (%.2fx)", row.Name, row.P50MS, row.Ratio))
		}
		if figure(row, "size")*(1<<20) > maxBinaryBytes {
			big = append(big, fmt.Sprintf("%s %.1f MB", row.Name, figure(row, "size")*(1<<20)/1e6))
		}
		if figure(row, "idle RSS")*(1<<20) > maxIdleRSS {
			fat = append(fat, fmt.Sprintf("%s %.1f MB", row.Name, figure(row, "idle RSS")*(1<<20)/1e6))
		}
		if row.P50MS > worst.P50MS {
			worst = row
		}
	}
	n := len(rows) - 1
	r.rep.check("coldstart", "every function's median <= 1.5x minimal and < 25 ms", len(slow) == 0,
		"slowest %s %.1f ms (%.2fx of %.1f ms); %d of %d over: %s", worst.Name, worst.P50MS, worst.Ratio, base.P50MS, len(slow), n, list(slow))
	r.rep.check("coldstart", "every binary <= 15 MB", len(big) == 0, "%d of %d over: %s", len(big), n, list(big))
	r.rep.check("coldstart", "every function idle RSS <= 30 MB", len(fat) == 0, "%d of %d over: %s", len(fat), n, list(fat))
	return r.serveStart(ctx)
}

// startTarget is a built binary to start and the environment it starts
// with on a port.
type startTarget struct {
	name string
	env  func(port string) env
}

// measureStarts starts each target once, uncounted, to warm the page cache
// and read its resident set; then opt.ColdStarts times, in rounds that
// start every target once, so that a change in the shared machine's load
// touches every binary alike. It returns a row per target.
func (r *runner) measureStarts(ctx context.Context, targets []startTarget) ([]Row, error) {
	rows := make([]Row, len(targets))
	starts := make([][]time.Duration, len(targets))
	once := func(i int, first bool) error {
		t := targets[i]
		port, err := freePort()
		if err != nil {
			return err
		}
		srv, err := start(ctx, r.bins[t.name].Path, nil, t.env(port), port)
		if err != nil {
			return err
		}
		defer srv.Stop()
		if first {
			rows[i].Figures = r.restingMemory(ctx, srv)
		} else {
			starts[i] = append(starts[i], srv.Ready)
		}
		return nil
	}
	r.prog.Step(fmt.Sprintf("coldstart: resident sets of %d binaries", len(targets)), time.Duration(len(targets))*400*time.Millisecond)
	for i := range targets {
		if err := once(i, true); err != nil {
			return nil, err
		}
	}
	r.prog.Step(fmt.Sprintf("coldstart: %d rounds of %d starts", r.opt.ColdStarts, len(targets)),
		time.Duration(r.opt.ColdStarts*len(targets))*30*time.Millisecond)
	for range r.opt.ColdStarts {
		for i := range targets {
			if err := once(i, false); err != nil {
				return nil, err
			}
		}
	}
	for i, t := range targets {
		fi, err := os.Stat(r.bins[t.name].Path)
		if err != nil {
			return nil, err
		}
		row := Row{Scenario: "coldstart", Name: t.name, Ops: int64(len(starts[i]))}
		for _, s := range starts[i] {
			row.Seconds += s.Seconds()
		}
		lat := Summarise(starts[i])
		lat.P50 = Median(starts[i])
		row.Figures = append([]Figure{{Name: "size", Value: mib(fi.Size()), Unit: "MiB"}}, rows[i].Figures...)
		rows[i] = row.withLatencies(lat)
	}
	return rows, nil
}

// restingMemory returns srv's resident set a quarter second after its
// start, and after 1 000 requests to /healthz from 8 clients.
func (r *runner) restingMemory(ctx context.Context, srv *server) []Figure {
	time.Sleep(250 * time.Millisecond)
	idle, err := processMemory(srv.Pid())
	if err != nil {
		return nil
	}
	client := newClient(8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 125 {
				call(ctx, client, http.MethodGet, srv.URL+"/healthz", "", "", nil, http.StatusOK)
			}
		})
	}
	wg.Wait()
	loaded, err := processMemory(srv.Pid())
	if err != nil {
		return nil
	}
	return []Figure{{Name: "idle RSS", Value: mib(idle.RSS), Unit: "MiB"}, {Name: "RSS after 1k requests", Value: mib(loaded.RSS), Unit: "MiB"}}
}

// serveStart measures `logifn serve` from exec to its first 200 on
// /healthz, each start on a new data directory (so each migrates and
// seeds a new SQLite database: the first start of a laptop).
func (r *runner) serveStart(ctx context.Context) error {
	if r.bins["logifn"] == nil {
		return fmt.Errorf("logifn was not built (see the notes)")
	}
	bin := r.bins["logifn"].Path
	r.prog.Step(fmt.Sprintf("coldstart: logifn serve, %d starts on a new data directory", serveStarts), serveStarts*300*time.Millisecond)
	var starts []time.Duration
	for i := range serveStarts {
		port, err := freePort()
		if err != nil {
			return err
		}
		data := filepath.Join(r.tmp, fmt.Sprintf("serve-%d", i))
		srv, err := start(ctx, bin, []string{"serve", "--addr", "127.0.0.1:" + port, "--data", data}, env{"HOME": r.tmp}, port)
		if err != nil {
			return err
		}
		starts = append(starts, srv.Ready)
		srv.Stop()
	}
	lat := Summarise(starts)
	lat.P50 = Median(starts)
	row := Row{Scenario: "coldstart", Name: "logifn serve (local platform, new SQLite database)", Ops: serveStarts}.withLatencies(lat)
	r.rep.Rows = append(r.rep.Rows, row)
	r.rep.check("coldstart", "logifn serve serving within 300 ms of start", row.P50MS <= ms(maxServeStart), "median %.0f ms, max %.0f ms", row.P50MS, row.MaxMS)
	return nil
}

// figure returns the value of row's figure name, 0 when it has none.
func figure(row Row, name string) float64 {
	for _, f := range row.Figures {
		if f.Name == name {
			return f.Value
		}
	}
	return 0
}

func list(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
