package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// listSerials is where the list fixtures' waybill serials start, clear of
// those the counter hands out.
const listSerials = 8_000_000_000

// list measures the first page (20) of one customer's shipments for
// customers with each of opt.ListSizes shipments: the shipment-list
// handler called in this process as the router mounts it, its CPU time
// per call from getrusage over opt.ListCalls calls.
func (r *runner) list(ctx context.Context) error {
	if err := r.listOn(ctx, r.world, true); err != nil {
		return err
	}
	if r.world.Driver == store.DriverSQLite {
		return nil
	}
	// The local platform lists from SQLite: the same on an SQLite file,
	// without targets.
	w, err := openWorld(ctx, store.DriverSQLite, "", r.tmp)
	if err != nil {
		return err
	}
	defer w.Close()
	return r.listOn(ctx, w, false)
}

// listOn measures the list on w's database and, with targets, checks them.
func (r *runner) listOn(ctx context.Context, w *World, targets bool) error {
	spec := shipmentlist.Spec()
	h, err := spec.New(w.Deps)
	if err != nil {
		return err
	}
	rt := app.NewRouter(w.Deps, spec.Name)
	rt.Mount(spec, h.HTTP)
	handler := rt.Handler()
	serial := int64(listSerials)
	tokens := make([]string, len(r.opt.ListSizes))
	for i, n := range r.opt.ListSizes {
		cust := fmt.Sprintf("list-%d", n)
		r.prog.Step(fmt.Sprintf("list: bulk loading %d shipments (%s)", n, w.Driver), 0)
		if _, _, err := w.bulkShipments(ctx, cust, n, &serial, time.Now().Add(-time.Hour)); err != nil {
			return err
		}
		if tokens[i], err = w.Deps.Keys.Mint(domain.Principal{Tenant: demo.Tenant, Subject: cust, Role: domain.RoleCustomer}, time.Hour); err != nil {
			return err
		}
	}
	r.prog.Step(fmt.Sprintf("list: %d calls per customer, in turns (%s)", r.opt.ListCalls, w.Driver), 0)
	loaded, err := callsInTurns(ctx, handler, "/v1/shipments?limit=20", tokens, r.opt.ListCalls)
	if err != nil {
		return err
	}
	first := len(r.rep.Rows)
	for i, n := range r.opt.ListSizes {
		row := Row{Scenario: "list", Name: fmt.Sprintf("first page of 20, customer with %d shipments, %s, in-process", n, w.Driver), Clients: 1,
			CPUOf: "handler in-process"}
		l := loaded[i]
		row.Ops, row.Seconds, row.Rate, row.Unit, row.CPUPerOpUS = l.Ops, l.Elapsed.Seconds(), l.Rate(), "calls/s", l.CPUPerOp()
		r.rep.Rows = append(r.rep.Rows, row.withLatencies(l.Lat))
	}
	last := len(r.rep.Rows) - 1
	f, l := r.rep.Rows[first], r.rep.Rows[last]
	growth := Ratio(l.CPUPerOpUS, f.CPUPerOpUS)
	r.rep.Rows[last].Figures = append(r.rep.Rows[last].Figures, Figure{Name: fmt.Sprintf("CPU x%d", r.opt.ListSizes[0]), Value: growth, Unit: ""})
	// A customer with fewer shipments than a page gets a shorter page: the
	// growth from the first size that fills a page is the index's alone.
	for i, n := range r.opt.ListSizes[:len(r.opt.ListSizes)-1] {
		if n >= 20 && i > 0 {
			full := Ratio(l.CPUPerOpUS, r.rep.Rows[first+i].CPUPerOpUS)
			r.rep.Rows[last].Figures = append(r.rep.Rows[last].Figures, Figure{Name: fmt.Sprintf("CPU x%d", n), Value: full, Unit: ""})
			break
		}
	}
	worst := 0.0
	for _, row := range r.rep.Rows[first : last+1] {
		worst = max(worst, row.CPUPerOpUS)
	}
	if !targets {
		return nil
	}
	r.rep.check("list", "<= 100 us CPU per call", worst <= 100, "%.0f us at most", worst)
	r.rep.check("list", fmt.Sprintf("CPU per call at %d within 1.2x of %d", r.opt.ListSizes[len(r.opt.ListSizes)-1], r.opt.ListSizes[0]),
		growth <= 1.2 && growth > 0, "%.2fx (%.0f vs %.0f us)", growth, l.CPUPerOpUS, f.CPUPerOpUS)
	return nil
}

// callsInTurns calls GET target on h n times with each of tokens, after
// n/10 unmeasured calls each, and measures each call and this process's
// CPU time over each token's calls. The tokens take turns, a slice of
// their calls at a time, so that the machine's load, which moves, weighs
// on each alike and their ratios hold. Every call must answer 200.
func callsInTurns(ctx context.Context, h http.Handler, target string, tokens []string, n int) ([]Loaded, error) {
	once := func(token string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://bench"+target, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		var rw discard
		h.ServeHTTP(&rw, req)
		if rw.status != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", target, rw.status)
		}
		return nil
	}
	for _, tok := range tokens {
		for range max(n/10, 1) {
			if err := once(tok); err != nil {
				return nil, err
			}
		}
	}
	lats := make([][]time.Duration, len(tokens))
	out := make([]Loaded, len(tokens))
	for turn := range rounds {
		calls := n/rounds + btoi(turn < n%rounds)
		for i, tok := range tokens {
			cpu0, began := selfCPU(), time.Now()
			for range calls {
				t := time.Now()
				if err := once(tok); err != nil {
					return nil, err
				}
				lats[i] = append(lats[i], time.Since(t))
			}
			out[i].Ops += int64(calls)
			out[i].Elapsed += time.Since(began)
			out[i].CPU += selfCPU() - cpu0
		}
	}
	for i := range out {
		out[i].Lat = Summarise(lats[i])
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// discard is a ResponseWriter that keeps only the status: the harness's
// own share of an in-process call stays small.
type discard struct {
	header http.Header
	status int
}

func (d *discard) Header() http.Header {
	if d.header == nil {
		d.header = http.Header{}
	}
	return d.header
}

func (d *discard) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discard) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	return len(b), nil
}
