package tests

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// Limits of the fault tests. The functions run with faultRequestTimeout as
// LOGIFN_REQUEST_TIMEOUT; no answer may take longer than it plus
// faultSlack, and service must come back within recoveryLimit of the
// database returning.
const (
	faultRequestTimeout = 2 * time.Second
	faultSlack          = time.Second
	recoveryLimit       = 5 * time.Second
)

// leak matches what an error body must never carry: SQL, driver text,
// stack traces, Go error plumbing.
var leak = regexp.MustCompile(`(?i)\b(select|insert|update|delete)\b.*\b(from|into|set)\b|\[mysql\]|goroutine \d+|\.go:\d+|panic|sql: |dial tcp|connection refused|i/o timeout|driver: `)

// TestDatabaseFaultsUnderLoad runs shipment-create (Knative) and
// shipment-get (FC) on MySQL through a proxy under a steady load of creates
// and gets, and drops, stalls and refuses the database in turn. While it is
// away every failing answer must be a quick 503 with Retry-After and the
// JSON error; once it is back, both functions must answer 2xx again within
// recoveryLimit.
func TestDatabaseFaultsUnderLoad(t *testing.T) {
	skipShort(t)
	t.Parallel()
	bins := binaries(t)
	direct := database{driver: store.DriverMySQL, dsn: storetest.MySQLDSN(t)}
	seed(t, bins, direct)
	proxy, db := proxiedDatabase(t, direct)
	e := env{"LOGIFN_REQUEST_TIMEOUT": faultRequestTimeout.String()}
	create := startServer(t, "shipment-create on knative", bins.function("shipment-create"), withEnv(knativeLaunch("shipment-create", db), e))
	get := startServer(t, "shipment-get on fc", bins.function("shipment-get"), withEnv(fcLaunch("shipment-get", db), e))

	tok := token(t, demoUser(t, domain.RoleCustomer), 0)
	first := createOn(create, tok, "fault-first")
	if first.status != http.StatusCreated {
		t.Fatalf("create before any fault: %d %v %s", first.status, first.err, first.body)
	}
	load := startLoad(create, get, tok, first.waybill)
	load.phase("healthy", time.Second)
	for _, fault := range []struct {
		name string
		mode proxyMode
		hold time.Duration
	}{
		{"drop", proxyDrop, 1500 * time.Millisecond},
		{"stall", proxyStall, faultRequestTimeout + time.Second},
		{"refuse", proxyRefuse, 1500 * time.Millisecond},
	} {
		load.phase(fault.name, 0)
		proxy.set(t, fault.mode)
		time.Sleep(fault.hold)
		proxy.set(t, proxyForward)
		took := load.recover(t, "after "+fault.name)
		t.Logf("database %s for %s: service back %s after the database returned", fault.name, fault.hold, took.Round(time.Millisecond))
	}
	load.phase("healthy again", time.Second)
	results := load.stop()
	load.check(t, results)
	for _, p := range []*process{create, get} {
		p.checkJSONLogs(t)
		if out := p.stdout.String(); strings.TrimSpace(out) != "" {
			t.Errorf("%s wrote to stdout: %s", p.name, out)
		}
	}
}

// proxiedDatabase puts a proxy in front of db's MySQL server and returns
// it with the database as seen through it.
func proxiedDatabase(t *testing.T, db database) (*tcpProxy, database) {
	t.Helper()
	cfg, err := mysql.ParseDSN(db.dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, cfg.Addr)
	cfg.Addr = proxy.addr
	return proxy, database{driver: db.driver, dsn: cfg.FormatDSN()}
}

// withEnv adds e to what l sets.
func withEnv(l launch, e env) launch {
	return func(port string) ([]string, env) {
		args, base := l(port)
		return args, base.with(e)
	}
}

// loadResult is one request of the load.
type loadResult struct {
	op, phase string // phase: when the request was sent
	endPhase  string // when its answer came
	status    int
	header    http.Header
	body      []byte
	err       error
	sent      time.Time
	took      time.Duration
}

// loadWorkers are the operations the load runs, one goroutine each.
var loadWorkers = []string{"create", "create", "get", "get"}

// load keeps two goroutines creating shipments and two getting one, and
// records every answer with the phase it began in and the one it ended in.
type load struct {
	mu       sync.Mutex
	results  []loadResult
	current  string
	lastOK   map[string]time.Time // per op, when its latest 2xx answer came
	stopping atomic.Bool
	wg       sync.WaitGroup
	serial   atomic.Int64
	create   *process
	get      *process
	tok      string
	waybill  domain.Waybill
}

// startLoad starts the load on create and get, as tok's holder, reading
// shipment wb.
func startLoad(create, get *process, tok string, wb domain.Waybill) *load {
	l := &load{current: "start", lastOK: map[string]time.Time{}, create: create, get: get, tok: tok, waybill: wb}
	for _, op := range loadWorkers {
		l.wg.Go(func() {
			for !l.stopping.Load() {
				l.record(l.once(op))
			}
		})
	}
	return l
}

// once performs one request of op.
func (l *load) once(op string) loadResult {
	l.mu.Lock()
	r := loadResult{op: op, phase: l.current, sent: time.Now()}
	l.mu.Unlock()
	var (
		res *apptest.Response
		err error
	)
	if op == "create" {
		key := fmt.Sprintf("fault-%05d", l.serial.Add(1))
		res, err = l.create.send(request{method: "POST", path: "/v1/shipments", token: l.tok, body: shipmentBody(),
			header: map[string]string{"Idempotency-Key": key}})
	} else {
		res, err = l.get.send(request{method: "GET", path: "/v1/shipments/" + string(l.waybill), token: l.tok})
	}
	r.took, r.err = time.Since(r.sent), err
	if res != nil {
		r.status, r.header, r.body = res.Status, res.Header, res.Body
	}
	if err != nil || r.status/100 != 2 {
		// Do not spin on failures: one every few milliseconds shows enough.
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

func (l *load) record(r loadResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r.endPhase = l.current
	l.results = append(l.results, r)
	if r.err == nil && r.status/100 == 2 {
		l.lastOK[r.op] = r.sent.Add(r.took)
	}
}

// phase names the requests that begin from now on, and lets them run for d.
func (l *load) phase(name string, d time.Duration) {
	l.mu.Lock()
	l.current = name
	l.mu.Unlock()
	time.Sleep(d)
}

// recover waits until every operation has had a 2xx answer sent after now
// and returns how long that took; the test fails past recoveryLimit.
func (l *load) recover(t *testing.T, name string) time.Duration {
	t.Helper()
	l.mu.Lock()
	l.current = "recovering " + name
	l.mu.Unlock()
	back := time.Now()
	for {
		l.mu.Lock()
		ok := true
		for _, op := range []string{"create", "get"} {
			ok = ok && l.lastOK[op].After(back)
		}
		l.mu.Unlock()
		took := time.Since(back)
		if ok {
			return took
		}
		if took > recoveryLimit+faultRequestTimeout+faultSlack {
			t.Fatalf("%s: no 2xx from every function within %s of the database returning", name, took.Round(time.Millisecond))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the load and returns every result.
func (l *load) stop() []loadResult {
	l.stopping.Store(true)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.results
}

// check holds every answer to the rules of an outage: 2xx, or 503 with
// Retry-After and the JSON error free of internals, always within the
// request timeout; no 503 for a request sent and answered while the
// database was healthy; some 503s while it was not.
func (l *load) check(t *testing.T, results []loadResult) {
	t.Helper()
	perPhase := map[string][2]int{} // ok, unavailable
	slowest := map[string]time.Duration{}
	for _, r := range results {
		slowest[r.phase] = max(slowest[r.phase], r.took)
		name := fmt.Sprintf("%s in phase %q (sent %s)", r.op, r.phase, r.sent.Format("15:04:05.000"))
		if r.took > faultRequestTimeout+faultSlack {
			t.Errorf("%s took %s, more than the request timeout %s", name, r.took.Round(time.Millisecond), faultRequestTimeout)
		}
		n := perPhase[r.phase]
		switch {
		case r.err != nil:
			t.Errorf("%s: %v", name, r.err)
		case r.status/100 == 2:
			n[0]++
		case r.status == http.StatusServiceUnavailable:
			n[1]++
			checkUnavailable(t, name, r)
			if strings.HasPrefix(r.phase, "healthy") && r.endPhase == r.phase {
				t.Errorf("%s: 503 with the database up: %s\n%s logged: %v", name, r.body, l.proc(r.op).name, l.logOf(r))
			}
		default:
			t.Errorf("%s: %d %s, want 2xx or 503", name, r.status, r.body)
		}
		perPhase[r.phase] = n
	}
	for _, healthy := range []string{"healthy", "healthy again"} {
		if n := perPhase[healthy]; n[0] == 0 {
			t.Errorf("phase %s: no 2xx answer", healthy)
		}
	}
	for _, fault := range []string{"drop", "stall", "refuse"} {
		if n := perPhase[fault]; n[1] == 0 {
			t.Errorf("database %s: %d answers 2xx and no 503: the fault did not bite", fault, n[0])
		}
	}
	t.Logf("%d requests under load: per phase [2xx 503] %v; slowest answer per phase %v", len(results), perPhase, slowest)
}

func (l *load) proc(op string) *process {
	if op == "create" {
		return l.create
	}
	return l.get
}

// logOf returns the access log line of r's request.
func (l *load) logOf(r loadResult) map[string]any {
	lines, _ := l.proc(r.op).logLines()
	for _, line := range lines {
		if line["request_id"] == r.header.Get("X-Request-Id") {
			return line
		}
	}
	return nil
}

// checkUnavailable checks a 503: Retry-After and logifn's JSON error
// without internals.
func checkUnavailable(t *testing.T, name string, r loadResult) {
	t.Helper()
	if r.header.Get("Retry-After") == "" {
		t.Errorf("%s: 503 without Retry-After", name)
	}
	var e apptest.ErrorBody
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" || e.RequestID == "" {
		t.Errorf("%s: 503 body is not logifn's JSON error: %s", name, r.body)
	}
	if leak.Match(r.body) {
		t.Errorf("%s: 503 body shows internals: %s", name, r.body)
	}
}

// TestSIGKILLMidLoadLosesNoAcknowledgedCreate kills shipment-create with
// SIGKILL while creates are in flight. Every create it acknowledged must be
// whole in the database (shipment, items, created event), no shipment may
// be half written, and retrying the unacknowledged creates with their
// Idempotency-Key on a new process must create each exactly once.
func TestSIGKILLMidLoadLosesNoAcknowledgedCreate(t *testing.T) {
	skipShort(t)
	t.Parallel()
	bins := binaries(t)
	db := database{driver: store.DriverMySQL, dsn: storetest.MySQLDSN(t)}
	seed(t, bins, db)
	p := startServer(t, "shipment-create on fc", bins.function("shipment-create"), fcLaunch("shipment-create", db))
	tok := token(t, demoUser(t, domain.RoleCustomer), 0)

	const workers = 4
	var (
		mu      sync.Mutex
		answers = map[string]createResult{}
		next    atomic.Int64
		acked   atomic.Int64
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				key := fmt.Sprintf("kill-%04d", next.Add(1))
				r := createOn(p, tok, key)
				mu.Lock()
				answers[key] = r
				mu.Unlock()
				if r.err != nil && r.status == 0 {
					return // the process is gone
				}
				if r.status == http.StatusCreated {
					acked.Add(1)
				}
			}
		})
	}
	for deadline := time.Now().Add(20 * time.Second); acked.Load() < 30; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d creates acknowledged in 20 s", acked.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.stopped = true // killed here, not stopped by the cleanup
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	wg.Wait()

	conn := openSQL(t, db.dsn)
	var unacked []string
	for key, r := range answers {
		if r.status == http.StatusCreated {
			checkWhole(t, conn, key, r.waybill)
			continue
		}
		if r.status != 0 {
			t.Errorf("create %s before the kill: %d %s", key, r.status, r.body)
		}
		unacked = append(unacked, key)
	}
	checkNoHalfShipments(t, conn)
	t.Logf("SIGKILL after %d acknowledged creates; %d were in flight", len(answers)-len(unacked), len(unacked))

	p2 := startServer(t, "shipment-create on fc, restarted", bins.function("shipment-create"), fcLaunch("shipment-create", db))
	start := time.Now()
	for _, key := range unacked {
		r := retryCreate(t, p2, tok, key)
		checkWhole(t, conn, key, r.waybill)
	}
	if len(unacked) > 0 {
		t.Logf("%d unacknowledged creates retried to completion in %s (a key's lease outlives its process)", len(unacked), time.Since(start).Round(time.Millisecond))
	}
	checkNoHalfShipments(t, conn)
	var rows, keys int
	if err := conn.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT request_key) FROM shipments WHERE tenant_id = ? AND request_key LIKE 'kill-%'`, demo.Tenant).Scan(&rows, &keys); err != nil {
		t.Fatal(err)
	}
	if rows != len(answers) || keys != len(answers) {
		t.Errorf("%d shipments for %d distinct keys, want exactly one for each of the %d keys sent", rows, keys, len(answers))
	}
}

// retryCreate sends key's create to p until it completes, waiting out a
// 409 while the killed process's lease on the key lasts.
func retryCreate(t *testing.T, p *process, tok, key string) createResult {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		r := createOn(p, tok, key)
		if r.status == http.StatusCreated || r.status == http.StatusOK {
			return r
		}
		if r.status != http.StatusConflict || time.Now().After(deadline) {
			t.Fatalf("retry of %s: %d %v %s, want 2xx (or 409 while the key is leased)", key, r.status, r.err, r.body)
		}
		time.Sleep(time.Second)
	}
}

// openSQL opens the test's own connection to a MySQL database.
func openSQL(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	conn, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// checkWhole checks that key's create is in the database whole: one
// shipment with waybill wb, its item and its created event.
func checkWhole(t *testing.T, conn *sql.DB, key string, wb domain.Waybill) {
	t.Helper()
	var id int64
	var waybill string
	err := conn.QueryRow(`SELECT id, waybill FROM shipments WHERE tenant_id = ? AND request_key = ?`, demo.Tenant, key).Scan(&id, &waybill)
	if err != nil {
		t.Errorf("create %s (%s) acknowledged, but its shipment: %v", key, wb, err)
		return
	}
	if waybill != string(wb) {
		t.Errorf("create %s answered waybill %s, the database holds %s", key, wb, waybill)
	}
	var items, created int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM shipment_items WHERE tenant_id = ? AND shipment_id = ?`, demo.Tenant, id).Scan(&items); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT COUNT(*) FROM tracking_events WHERE tenant_id = ? AND shipment_id = ? AND status = ?`,
		demo.Tenant, id, domain.StatusCreated).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if items != len(shipmentBody()["items"].([]any)) || created != 1 {
		t.Errorf("shipment %s of %s: %d items and %d created events, want %d and 1", wb, key, items, created, len(shipmentBody()["items"].([]any)))
	}
}

// checkNoHalfShipments checks that no shipment lacks items or events.
func checkNoHalfShipments(t *testing.T, conn *sql.DB) {
	t.Helper()
	rows, err := conn.Query(`SELECT waybill FROM shipments s WHERE
		NOT EXISTS (SELECT 1 FROM shipment_items i WHERE i.tenant_id = s.tenant_id AND i.shipment_id = s.id) OR
		NOT EXISTS (SELECT 1 FROM tracking_events e WHERE e.tenant_id = s.tenant_id AND e.shipment_id = s.id)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var wb string
		rows.Scan(&wb)
		t.Errorf("shipment %s is half written: no items or no events", wb)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
