package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// How many creates TestConcurrentCreatesAcrossProcesses fires, and from how
// many goroutines.
const (
	concurrentCreates = 200
	createWorkers     = 50
)

func TestConcurrentCreatesAcrossProcesses(t *testing.T) {
	t.Parallel()
	skipShort(t)
	db := database{driver: store.DriverMySQL, dsn: storetest.MySQLDSN(t)}
	bins := binaries(t)
	if out := bins.run(t, db.env(), "migrate"); !strings.Contains(out, "up to date") {
		t.Errorf("logifn migrate on a migrated database printed %q, want up to date", out)
	}
	seed(t, bins, db)
	st := db.open(t)
	before := storedWaybills(t, st, demo.Tenant)

	create := bins.function("shipment-create")
	procs := []*process{
		startServer(t, "shipment-create on knative #1", create, knativeLaunch("shipment-create", db)),
		startServer(t, "shipment-create on knative #2", create, knativeLaunch("shipment-create", db)),
		startServer(t, "shipment-create on fc #1", create, fcLaunch("shipment-create", db)),
		startServer(t, "shipment-create on fc #2", create, fcLaunch("shipment-create", db)),
	}
	results := createConcurrently(procs, token(t, demoUser(t, domain.RoleCustomer), 0))

	created := map[domain.Waybill]bool{}
	for i, r := range results {
		if r.err != nil || r.status != http.StatusCreated {
			t.Errorf("create %d on %s: %d %v %s, want 201", i, procs[i%len(procs)].name, r.status, r.err, r.body)
			continue
		}
		if _, err := domain.ParseWaybill(string(r.waybill)); err != nil {
			t.Errorf("create %d: waybill %q: %v", i, r.waybill, err)
		}
		if created[r.waybill] {
			t.Errorf("create %d: waybill %s issued twice", i, r.waybill)
		}
		created[r.waybill] = true
	}
	if len(created) != concurrentCreates {
		t.Errorf("%d distinct waybills, want %d", len(created), concurrentCreates)
	}
	checkAdded(t, before, storedWaybills(t, st, demo.Tenant), created)
}

// createResult is what one of the concurrent creates got back.
type createResult struct {
	status  int
	waybill domain.Waybill
	err     error
	body    string
}

// createConcurrently fires concurrentCreates creates from createWorkers
// goroutines, create i on procs[i % len(procs)], each with an
// Idempotency-Key of its own, and returns the results in order.
func createConcurrently(procs []*process, tok string) []createResult {
	results := make([]createResult, concurrentCreates)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range createWorkers {
		wg.Go(func() {
			for i := range jobs {
				results[i] = createOn(procs[i%len(procs)], tok, fmt.Sprintf("concurrent-%03d", i))
			}
		})
	}
	for i := range concurrentCreates {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// createOn creates the README's shipment on p with an idempotency key.
func createOn(p *process, tok, key string) createResult {
	res, err := p.send(request{method: "POST", path: "/v1/shipments", token: tok, body: shipmentBody(),
		header: map[string]string{"Idempotency-Key": key}})
	if err != nil {
		return createResult{err: err}
	}
	r := createResult{status: res.Status, body: string(res.Body)}
	var sh shipmentView
	r.err = json.Unmarshal(res.Body, &sh)
	r.waybill = sh.Waybill
	return r
}

// checkAdded checks that the database went from before to after by
// exactly the shipments created.
func checkAdded(t *testing.T, before, after []domain.Waybill, created map[domain.Waybill]bool) {
	t.Helper()
	var added []domain.Waybill
	for _, w := range after {
		if !slices.Contains(before, w) {
			added = append(added, w)
		}
	}
	if len(added) != concurrentCreates {
		t.Errorf("the database holds %d new shipments, want %d", len(added), concurrentCreates)
	}
	for _, w := range added {
		if !created[w] {
			t.Errorf("the database holds %s, which no create answered", w)
		}
	}
}
