package scanfileingest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// The stations of the tests: scans are recorded at SHA01, the origin.
const (
	tenant  = "t1"
	station = storetest.OriginStation
	bucket  = "logifn-scans"
)

// clock is a settable clock, shared by a test's store and function.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// start is when a clock starts, and the shipments of a test are created.
var start = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

func newClock() *clock { return &clock{now: start} }

// Reset sets the clock back to start, for the next subtest.
func (c *clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = start
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one test's world: a store with stations and shipments, a bucket,
// a clock and the function on them, chunk invocations run in process.
type env struct {
	t      testing.TB
	st     *store.Store
	bucket *memblob.Store
	clk    *clock
	local  *invoke.Local
	fn     *scanfileingest.Function
	// ships are the tenant's shipments, created in order.
	ships []*domain.Shipment
}

// newEnv returns an env on st (made with storetest.WithClock(clk.Now))
// with n shipments of tenant in status created at start; it resets clk.
func newEnv(t testing.TB, st *store.Store, clk *clock, n int, opt scanfileingest.Options) *env {
	t.Helper()
	clk.Reset()
	e := &env{t: t, st: st, bucket: memblob.New(bucket), clk: clk, local: invoke.NewLocal()}
	e.local.Backoff = 10 * time.Millisecond
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := st.PutStation(ctx, storetest.Station(tenant, code)); err != nil {
			t.Fatal(err)
		}
	}
	for range n {
		sh := storetest.Shipment(tenant)
		if _, err := st.CreateShipment(ctx, sh, sh.CustomerID, ""); err != nil {
			t.Fatal(err)
		}
		e.ships = append(e.ships, sh)
	}
	e.fn = e.function(opt)
	return e
}

// function builds the function on e with opt, chunk invocations going to
// e.local.
func (e *env) function(opt scanfileingest.Options) *scanfileingest.Function {
	opt.Invoker, opt.Function = e.local, scanfileingest.Name
	fn := scanfileingest.New(e.st, e.bucket, e.clk.Now, opt)
	e.local.Register(scanfileingest.Name, fn.Tick)
	return fn
}

// put uploads content at key and returns the event announcing it.
func (e *env) put(key, content string) platform.ObjectCreated {
	e.t.Helper()
	obj, err := e.bucket.Put(context.Background(), key, strings.NewReader(content), int64(len(content)), "text/csv")
	if err != nil {
		e.t.Fatal(err)
	}
	return platform.ObjectCreated{Bucket: bucket, Key: key, Size: obj.Size, ETag: obj.ETag, EventID: "ev-" + key}
}

// deliver hands ev to the function until it is handled or dropped, as a
// platform redelivers retryable failures, and waits for the chunk
// invocations it started. It fails the test when an attempt fails for
// any other reason than the file being busy.
func (e *env) deliver(ev platform.ObjectCreated) {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := e.fn.Object(context.Background(), ev)
		e.local.Wait()
		if !platform.Retryable(err) {
			if err != nil {
				e.t.Fatalf("deliver %s: %v", ev.Key, err)
			}
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("deliver %s: still failing after a minute: %v", ev.Key, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// report returns the rows of the report of the scan file at key, header first.
func (e *env) report(key string) [][]string {
	e.t.Helper()
	data := e.bucket.Bytes("scan-results/" + strings.TrimPrefix(key, "scans/") + ".report.csv")
	if data == nil {
		e.t.Fatalf("no report for %s; objects %v", key, e.bucket.Keys(""))
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		e.t.Fatalf("report of %s is not CSV: %v\n%s", key, err, data)
	}
	return rows
}

// timeline returns shipment i's events as "type@station status source", in order.
func (e *env) timeline(i int) []string {
	e.t.Helper()
	events, err := e.st.Events(context.Background(), tenant, e.ships[i].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range events {
		out = append(out, fmt.Sprintf("%s@%s %s %s", ev.Type, ev.Station, ev.Status, ev.Source))
	}
	return out
}

// status returns shipment i's status and version.
func (e *env) status(i int) (domain.Status, int64) {
	e.t.Helper()
	sh, err := e.st.ShipmentByWaybill(context.Background(), tenant, e.ships[i].Waybill)
	if err != nil {
		e.t.Fatal(err)
	}
	return sh.Status, sh.Version
}

// at formats a time a number of minutes after the clock's start (when
// the shipments were created), as a scanner writes it.
func at(minutes int) string {
	return start.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
}

// csvHeader is the header row of the tests' CSV files.
const csvHeader = "waybill,type,station,occurred_at,actor,incident_reason,note\n"

// row is one CSV line of a scan.
func row(w domain.Waybill, typ, station, at string) string {
	return fmt.Sprintf("%s,%s,%s,%s,scanner-7,,\n", w, typ, station, at)
}
