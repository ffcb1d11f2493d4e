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
	var first, last int
	for i, n := range r.opt.ListSizes {
		cust := fmt.Sprintf("list-%d", n)
		r.prog.Step(fmt.Sprintf("list: bulk loading %d shipments (%s)", n, w.Driver), 0)
		if _, _, err := w.bulkShipments(ctx, cust, n, &serial, time.Now().Add(-time.Hour)); err != nil {
			return err
		}
		tok, err := w.Deps.Keys.Mint(domain.Principal{Tenant: demo.Tenant, Subject: cust, Role: domain.RoleCustomer}, time.Hour)
		if err != nil {
			return err
		}
		row := Row{Scenario: "list", Name: fmt.Sprintf("first page of 20, customer with %d shipments, %s, in-process", n, w.Driver), Clients: 1,
			CPUOf: "handler in-process"}
		r.prog.Step("list: "+row.Name, 0)
		l, err := callInProcess(ctx, handler, "/v1/shipments?limit=20", tok, r.opt.ListCalls)
		if err != nil {
			return err
		}
		row.Ops, row.Seconds, row.Rate, row.Unit, row.CPUPerOpUS = l.Ops, l.Elapsed.Seconds(), l.Rate(), "calls/s", l.CPUPerOp()
		r.rep.Rows = append(r.rep.Rows, row.withLatencies(l.Lat))
		if i == 0 {
			first = len(r.rep.Rows) - 1
		}
		last = len(r.rep.Rows) - 1
	}
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

// callInProcess calls GET target on h n times, one after another, after
// n/10 unmeasured calls, and measures each call and this process's CPU
// time over them. Every call must answer 200.
func callInProcess(ctx context.Context, h http.Handler, target, token string, n int) (Loaded, error) {
	once := func() error {
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
	for range max(n/10, 1) {
		if err := once(); err != nil {
			return Loaded{}, err
		}
	}
	lat := make([]time.Duration, 0, n)
	cpu0, began := selfCPU(), time.Now()
	for range n {
		t := time.Now()
		if err := once(); err != nil {
			return Loaded{}, err
		}
		lat = append(lat, time.Since(t))
	}
	return Loaded{Ops: int64(n), Elapsed: time.Since(began), CPU: selfCPU() - cpu0, Lat: Summarise(lat)}, nil
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
