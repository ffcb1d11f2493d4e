package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
)

// getFixtures is how many shipments the get workload reads, round robin.
const getFixtures = 200

// The statements the store issues for GET /v1/shipments/{waybill}
// (ShipmentByWaybill: the shipment joined with its items in one query;
// then Events), written out here for the baseline.
const (
	selectShipment = `SELECT s.id, s.tenant_id, s.waybill, s.customer_id,
	s.sender_name, s.sender_phone, s.sender_province, s.sender_city, s.sender_district, s.sender_detail,
	s.receiver_name, s.receiver_phone, s.receiver_province, s.receiver_city, s.receiver_district, s.receiver_detail,
	s.service_level, s.origin_station, s.destination_station, s.currency, s.fee_amount, s.chargeable_weight_g,
	s.status, s.version, s.created_at, s.updated_at,
	i.name, i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm, i.declared_value
	FROM shipments s LEFT JOIN shipment_items i ON i.tenant_id = s.tenant_id AND i.shipment_id = s.id
	WHERE s.tenant_id = ? AND s.waybill = ? ORDER BY i.seq`
	selectEvents = `SELECT id, tenant_id, shipment_id, waybill, scan_type, status, station_code,
		actor, source, incident_reason, note, occurred_at, recorded_at
		FROM tracking_events WHERE tenant_id = ? AND shipment_id = ? ORDER BY occurred_at, id`
)

// get measures GET /v1/shipments/{waybill} on the built shipment-get binary
// against the same reads issued straight through database/sql, at each
// concurrency, then once in Function Compute mode at the highest.
func (r *runner) get(ctx context.Context) error {
	w := r.world
	r.prog.Step("get: creating fixture shipments", 0)
	wbs, err := w.createShipments(ctx, getFixtures)
	if err != nil {
		return err
	}
	tok, err := w.token(domain.RoleCustomer)
	if err != nil {
		return err
	}
	client := newClient(maxClients(r.opt.Clients))
	fullOp := func(srv *server) Op {
		var n atomic.Int64
		return func(ctx context.Context, c int) error {
			wb := wbs[n.Add(1)%int64(len(wbs))]
			return call(ctx, client, http.MethodGet, srv.URL+"/v1/shipments/"+string(wb), tok, "", nil, http.StatusOK)
		}
	}
	rawOp := func() Op {
		var n atomic.Int64
		return func(ctx context.Context, c int) error {
			return rawGet(ctx, w.Raw, wbs[n.Add(1)%int64(len(wbs))])
		}
	}
	srv, err := r.startFunction(ctx, "shipment-get", "knative")
	if err != nil {
		return err
	}
	defer srv.Stop()
	var full, raw int
	for _, c := range r.opt.Clients {
		full, raw = r.pair(ctx, Row{Scenario: "get", Name: fmt.Sprintf("full stack, Knative, %d clients", c), Clients: c, CPUOf: "function process"},
			Workload{Clients: c, CPU: serverCPU(srv), Op: fullOp(srv)},
			Row{Scenario: "get", Name: fmt.Sprintf("same queries via database/sql, %d clients", c), Baseline: true, Clients: c, CPUOf: "harness process"},
			Workload{Clients: c, CPU: selfCPU, Op: rawOp()})
	}
	r.memoryFigures(full, srv)
	top := maxClients(r.opt.Clients)
	f, b := r.rep.Rows[full], r.rep.Rows[raw]
	r.rep.check("get", fmt.Sprintf("throughput >= 50%% of raw at %d clients", top), f.Ratio >= 0.5, "%.0f%% (%.0f vs %.0f req/s)", f.Ratio*100, f.Rate, b.Rate)
	// The closed-loop clients wait top/rate on average (Little's law), and
	// the raw queries' own p99 says what the machine allows at all.
	r.rep.check("get", fmt.Sprintf("p99 <= 10 ms at %d clients", top), f.P99MS <= 10 && f.Ops > 0,
		"%.2f ms (mean wait at this rate %.1f ms; the raw queries' p99 %.2f ms)", f.P99MS, littleMS(top, f.Rate), b.P99MS)
	fc, err := r.startFunction(ctx, "shipment-get", "fc")
	if err != nil {
		return err
	}
	defer fc.Stop()
	r.pair(ctx, Row{Scenario: "get", Name: fmt.Sprintf("full stack, Function Compute, %d clients", top), Clients: top, CPUOf: "function process"},
		Workload{Clients: top, CPU: serverCPU(fc), Op: fullOp(fc)},
		Row{Scenario: "get", Name: fmt.Sprintf("same queries via database/sql, %d clients (beside FC)", top), Baseline: true, Clients: top,
			CPUOf: "harness process"},
		Workload{Clients: top, CPU: selfCPU, Op: rawOp()})
	return nil
}

// rawGet issues the reads of one GET /v1/shipments/{waybill} as the store
// does: the shipment with its items, then its tracking events.
func rawGet(ctx context.Context, db *sql.DB, wb domain.Waybill) error {
	var id any
	err := scanRows(db.QueryContext(ctx, selectShipment, demo.Tenant, wb))(func(vals []any) {
		if id == nil {
			id = vals[0]
		}
	})
	if err != nil {
		return err
	}
	if id == nil {
		return fmt.Errorf("no shipment %s", wb)
	}
	return drain(db.QueryContext(ctx, selectEvents, demo.Tenant, id))
}

// startFunction starts the built binary of a function in a platform mode
// ("knative" or "fc") on w's database.
func (r *runner) startFunction(ctx context.Context, name, mode string) (*server, error) {
	if r.bins[name] == nil {
		return nil, fmt.Errorf("%s was not built (see the notes)", name)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	e := env{"K_SERVICE": name, "PORT": port}
	if mode == "fc" {
		e = env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": name, "FC_REGION": "cn-hangzhou"}
	}
	return start(ctx, r.bins[name].Path, nil, r.world.Env(e), port)
}

// memoryFigures adds srv's resident set now and at its peak to row i.
func (r *runner) memoryFigures(i int, srv *server) {
	m, err := processMemory(srv.Pid())
	if err != nil {
		return
	}
	r.rep.Rows[i].Figures = append(r.rep.Rows[i].Figures, Figure{Name: "RSS after load", Value: mib(m.RSS), Unit: "MiB"},
		Figure{Name: "peak RSS", Value: mib(m.HWM), Unit: "MiB"})
}

func maxClients(cs []int) int {
	top := 1
	for _, c := range cs {
		top = max(top, c)
	}
	return top
}

// littleMS is the mean latency, in milliseconds, of that many closed-loop
// clients completing rate operations per second together.
func littleMS(clients int, rate float64) float64 {
	if rate <= 0 {
		return 0
	}
	return float64(clients) / rate * 1000
}
