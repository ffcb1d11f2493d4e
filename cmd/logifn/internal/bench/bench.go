// Package bench is logifn's performance harness: it measures each scenario
// (get, create, list, cold start, scan ingest, image ingest) beside a
// baseline measured in the same run on the same machine, and reports
// ratios, because on a shared machine absolute figures move from run to
// run while ratios hold. It also runs the soak: a mixed workload for a set
// time, watching memory and goroutines.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/store"
)

// Scenarios are the scenarios of a run, in the order they run.
var Scenarios = []string{"coldstart", "get", "create", "list", "scan", "image"}

// Options configure a run. Zero sizes take the defaults of a full run.
type Options struct {
	// MySQLDSN names a server on which the run creates (and then drops) a
	// database of its own. Empty runs on SQLite.
	MySQLDSN string
	Duration time.Duration // each load step; default 5s
	Only     []string      // scenarios to run; empty runs all
	Out      string        // JSON report path; empty writes none
	Stdout   io.Writer     // the table
	Stderr   io.Writer     // progress
	Progress *Progress     // default: a bar when Stderr is a terminal

	Clients    []int // concurrency levels of get and create; default 1, 16, 64
	ListSizes  []int // shipments of the listed customers; default 10, 1 000, 100 000
	ListCalls  int   // calls per list size; default 2 000
	ColdStarts int   // starts per binary; default 30
	ScanLines  int   // lines of the scan file; default 100 000
	Photos     int   // photos ingested; default 10
}

func (o *Options) defaults() {
	if o.Duration <= 0 {
		o.Duration = 5 * time.Second
	}
	if len(o.Only) == 0 {
		o.Only = Scenarios
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Progress == nil {
		o.Progress = NewProgress(o.Stderr, IsTerminal(o.Stderr))
	}
	if len(o.Clients) == 0 {
		o.Clients = []int{1, 16, 64}
	}
	if len(o.ListSizes) == 0 {
		o.ListSizes = []int{10, 1_000, 100_000}
	}
	if o.ListCalls <= 0 {
		o.ListCalls = 2_000
	}
	if o.ColdStarts <= 0 {
		o.ColdStarts = 30
	}
	if o.ScanLines <= 0 {
		o.ScanLines = 100_000
	}
	if o.Photos <= 0 {
		o.Photos = 10
	}
}

// CheckOnly rejects unknown scenario names.
func CheckOnly(only []string) error {
	for _, s := range only {
		if !slices.Contains(Scenarios, s) {
			return fmt.Errorf("unknown scenario %q: want one of %s", s, strings.Join(Scenarios, ", "))
		}
	}
	return nil
}

// runner holds what the scenarios of one run share.
type runner struct {
	opt   Options
	rep   *Report
	prog  *Progress
	world *World
	root  string // the module's directory
	tmp   string
	bins  map[string]*Binary
}

// Run runs the selected scenarios, prints the table to opt.Stdout and
// writes the JSON report. A scenario that fails is reported and the others
// still run; the error lists every failure.
func Run(ctx context.Context, opt Options) (*Report, error) {
	opt.defaults()
	if err := CheckOnly(opt.Only); err != nil {
		return nil, err
	}
	r := &runner{opt: opt, prog: opt.Progress, bins: map[string]*Binary{}}
	r.rep = &Report{Started: time.Now().UTC(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		CPUs: runtime.NumCPU(), StepTime: opt.Duration.String()}
	tmp, err := os.MkdirTemp("", "logifn-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	r.tmp = tmp
	if err := r.prepare(ctx); err != nil {
		r.prog.Done()
		return nil, err
	}
	if r.world != nil {
		defer r.world.Close()
	}
	var errs []error
	for _, name := range Scenarios {
		if !r.selected(name) {
			continue
		}
		if err := r.scenario(name)(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("%s failed: %v", name, err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	r.prog.Done()
	r.rep.Seconds = time.Since(r.rep.Started).Seconds()
	if err := r.rep.WriteTable(opt.Stdout); err != nil {
		errs = append(errs, err)
	}
	if opt.Out != "" {
		if err := r.rep.WriteJSON(opt.Out); err != nil {
			errs = append(errs, err)
		}
	}
	return r.rep, errors.Join(errs...)
}

func (r *runner) selected(name string) bool { return slices.Contains(r.opt.Only, name) }

func (r *runner) scenario(name string) func(context.Context) error {
	return map[string]func(context.Context) error{
		"coldstart": r.coldStart, "get": r.get, "create": r.create, "list": r.list, "scan": r.scan, "image": r.image,
	}[name]
}

// prepare builds the binaries and opens the database the selected
// scenarios need.
func (r *runner) prepare(ctx context.Context) error {
	var bins []*Binary
	add := func(b *Binary) {
		if r.bins[b.Name] == nil {
			r.bins[b.Name] = b
			bins = append(bins, b)
		}
	}
	if r.selected("coldstart") {
		add(&Binary{Name: "minhttp", Pkg: "tests/testdata/minhttp", Deploy: true})
		add(&Binary{Name: "logifn", Pkg: "cmd/logifn"})
		for _, spec := range registry.All() {
			add(&Binary{Name: spec.Name, Pkg: "functions/" + spec.Name + "/cmd", Deploy: true})
		}
	}
	for _, name := range []string{"get", "create"} {
		if r.selected(name) {
			add(&Binary{Name: "shipment-" + name, Pkg: "functions/shipment-" + name + "/cmd", Deploy: true})
		}
	}
	if len(bins) > 0 {
		root, err := moduleRoot()
		if err != nil {
			return err
		}
		r.root = root
		flags, err := makefileFlags(root)
		if err != nil {
			return err
		}
		if r.opt.MySQLDSN == "" {
			// Deployed binaries may leave SQLite out; on SQLite the
			// functions under load need it.
			flags.Tags = withoutTag(flags.Tags, "nosqlite")
		}
		r.rep.Build = &flags
		r.prog.Step(fmt.Sprintf("building %d binaries (-tags %s -ldflags '%s')", len(bins), flags.Tags, flags.LDFlags),
			time.Duration(len(bins))*3*time.Second)
		// A binary that does not build is left out, and the scenarios
		// that need it fail, rather than the whole run.
		if err := buildAll(ctx, root, r.tmp, flags, bins); err != nil {
			r.rep.Notes = append(r.rep.Notes, err.Error())
			for _, b := range bins {
				if _, serr := os.Stat(b.Path); serr != nil {
					delete(r.bins, b.Name)
				}
			}
		}
	}
	if slices.ContainsFunc(r.opt.Only, func(s string) bool { return s != "coldstart" }) {
		driver := store.DriverMySQL
		if r.opt.MySQLDSN == "" {
			driver = store.DriverSQLite
		}
		r.prog.Step("creating, migrating and seeding a "+driver+" database", 0)
		w, err := openWorld(ctx, driver, r.opt.MySQLDSN, r.tmp)
		if err != nil {
			return err
		}
		r.world = w
		if driver == store.DriverMySQL {
			w.Raw.QueryRowContext(ctx, "SELECT VERSION()").Scan(&r.rep.Database)
		}
	}
	return nil
}

// warmup is the unmeasured run before each measured load step.
func (r *runner) warmup() time.Duration { return min(r.opt.Duration/5, 2*time.Second) }
