package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// SoakOptions configure a soak.
type SoakOptions struct {
	MySQLDSN string // empty runs on SQLite
	Duration time.Duration
	Clients  int
	Out      string
	Stdout   io.Writer
	Stderr   io.Writer
	Progress *Progress
}

// SoakReport is what a soak saw.
type SoakReport struct {
	Started  time.Time        `json:"started"`
	Seconds  float64          `json:"seconds"`
	Database string           `json:"database"`
	Clients  int              `json:"clients"`
	Requests int64            `json:"requests"`
	Errors   int64            `json:"errors"`
	ByRoute  map[string]int64 `json:"requests_by_route"`
	FirstErr []string         `json:"first_errors,omitempty"`
	Samples  []SoakSample     `json:"samples"`
}

// SoakSample is the process's memory and goroutines at one moment, after
// a garbage collection.
type SoakSample struct {
	At         string  `json:"at"`
	Seconds    float64 `json:"seconds"`
	RSSMiB     float64 `json:"rss_mib"`
	HeapMiB    float64 `json:"heap_mib"`
	Goroutines int     `json:"goroutines"`
}

// Soak serves every HTTP function of the manifest in this process, on one
// loopback port as the local platform mounts them, on a fresh database,
// and drives a mixed workload at it for opt.Duration: each client creates
// a shipment, reads it, lists, quotes, scans it through its life and
// confirms its receipt, again and again, while one more follows the newest
// shipment on public tracking under that route's rate limit.
// Memory and goroutines are sampled at a tenth, half and the end of the
// time; client and server share the process, and the clients' own state
// is bounded.
func Soak(ctx context.Context, opt SoakOptions) (*SoakReport, error) {
	if opt.Duration <= 0 {
		opt.Duration = 2 * time.Minute
	}
	opt.Clients = max(opt.Clients, 1)
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if opt.Stderr == nil {
		opt.Stderr = io.Discard
	}
	if opt.Progress == nil {
		opt.Progress = NewProgress(opt.Stderr, IsTerminal(opt.Stderr))
	}
	tmp, err := os.MkdirTemp("", "logifn-soak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	driver := store.DriverMySQL
	if opt.MySQLDSN == "" {
		driver = store.DriverSQLite
	}
	opt.Progress.Step("soak: creating, migrating and seeding a "+driver+" database", 0)
	w, err := openWorld(ctx, driver, opt.MySQLDSN, tmp)
	if err != nil {
		opt.Progress.Done()
		return nil, err
	}
	defer w.Close()
	base, stop, err := serveAll(w)
	if err != nil {
		opt.Progress.Done()
		return nil, err
	}
	defer stop()
	rep := &SoakReport{Started: time.Now().UTC(), Database: driver, Clients: opt.Clients, ByRoute: map[string]int64{}}
	opt.Progress.Step(fmt.Sprintf("soak: %d clients for %s", opt.Clients, opt.Duration), opt.Duration)
	s, err := newSoaker(w, base, opt.Clients)
	if err != nil {
		opt.Progress.Done()
		return nil, err
	}
	s.run(ctx, opt.Duration, rep)
	opt.Progress.Done()
	rep.Seconds = time.Since(rep.Started).Seconds()
	rep.WriteTable(opt.Stdout)
	if opt.Out != "" {
		if err := writeJSON(opt.Out, rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// serveAll mounts the HTTP routes of every function of the manifest on one
// router and serves it on a loopback port. It returns the base URL and a
// function that stops the server.
func serveAll(w *World) (string, func(), error) {
	rt := app.NewRouter(w.Deps, "local")
	for _, spec := range registry.All() {
		h, err := spec.New(w.Deps)
		if err != nil {
			return "", nil, fmt.Errorf("build %s: %w", spec.Name, err)
		}
		if h.HTTP != nil {
			rt.Mount(spec, h.HTTP)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: rt.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// soaker drives the mixed workload.
type soaker struct {
	base            string
	client          *http.Client
	customer, admin string
	requests, errs  atomic.Int64
	last            atomic.Value // the newest waybill, for public tracking
	mu              sync.Mutex
	byRoute         map[string]int64
	firstErr        []string
}

func newSoaker(w *World, base string, clients int) (*soaker, error) {
	s := &soaker{base: base, client: newClient(clients), byRoute: map[string]int64{}}
	var err error
	if s.customer, err = w.token(domain.RoleCustomer); err != nil {
		return nil, err
	}
	s.admin, err = w.token(domain.RoleAdmin)
	return s, err
}

// journey is the scans of one shipment's life, from the Shanghai outlet to
// the Beijing one.
var journey = []struct {
	typ     domain.ScanType
	station string
}{
	{domain.ScanPickup, "SHA-01"}, {domain.ScanArrive, "SHA-HUB"}, {domain.ScanDepart, "SHA-HUB"}, {domain.ScanArrive, "BJS-HUB"},
	{domain.ScanDepart, "BJS-HUB"}, {domain.ScanArrive, "BJS-01"}, {domain.ScanOutForDelivery, "BJS-01"}, {domain.ScanDeliver, "BJS-01"},
}

func (s *soaker) run(ctx context.Context, d time.Duration, rep *SoakReport) {
	began := time.Now()
	ctx, cancel := context.WithDeadline(ctx, began.Add(d))
	defer cancel()
	var wg sync.WaitGroup
	for c := range rep.Clients {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				s.life(ctx, fmt.Sprintf("soak-%d-%d-%d", began.UnixNano(), c, n))
			}
		})
	}
	wg.Go(func() { s.track(ctx) })
	for _, at := range []struct {
		name string
		frac float64
	}{{"start", 0.1}, {"middle", 0.5}, {"end", 0.97}} {
		select {
		case <-ctx.Done():
		case <-time.After(time.Until(began.Add(time.Duration(at.frac * float64(d))))):
		}
		rep.Samples = append(rep.Samples, sample(at.name, time.Since(began)))
	}
	wg.Wait()
	rep.Requests, rep.Errors, rep.ByRoute, rep.FirstErr = s.requests.Load(), s.errs.Load(), s.byRoute, s.firstErr
}

// life takes one shipment from creation to receipt. A step that fails ends
// the life; the end of the soak's time is not an error.
func (s *soaker) life(ctx context.Context, key string) {
	var created struct {
		Waybill string `json:"waybill"`
	}
	if !s.do(ctx, "POST /v1/shipments", http.MethodPost, "/v1/shipments", s.customer, createBody, key, &created) {
		return
	}
	wb := created.Waybill
	s.last.Store(wb)
	quote := `{"origin_station":"SHA-01","destination_station":"BJS-01","service_level":"standard","items":[{"quantity":1,"weight_g":1200}]}`
	steps := []struct{ route, method, path, token, body string }{
		{"GET /v1/shipments/{waybill}", http.MethodGet, "/v1/shipments/" + wb, s.customer, ""},
		{"GET /v1/shipments", http.MethodGet, "/v1/shipments?limit=20", s.customer, ""},
		{"POST /v1/quotes", http.MethodPost, "/v1/quotes", s.customer, quote},
	}
	for _, j := range journey {
		steps = append(steps, struct{ route, method, path, token, body string }{"POST /v1/shipments/{waybill}/scans", http.MethodPost,
			"/v1/shipments/" + wb + "/scans", s.admin, fmt.Sprintf(`{"type":%q,"station":%q}`, j.typ, j.station)})
	}
	steps = append(steps, struct{ route, method, path, token, body string }{"POST /v1/shipments/{waybill}/receipt", http.MethodPost,
		"/v1/shipments/" + wb + "/receipt", s.customer, ""})
	for _, st := range steps {
		if !s.do(ctx, st.route, st.method, st.path, st.token, st.body, "", nil) {
			return
		}
	}
}

// trackEvery paces public tracking: it is rate-limited per client address
// (shipment-track's RequestsPerMinute), and every call here comes from
// one, so the soak stays at half the limit.
const trackEvery = 2 * time.Second

// track follows the newest shipment publicly, as someone with its waybill
// number would, until ctx ends.
func (s *soaker) track(ctx context.Context) {
	wait := 200 * time.Millisecond // the first shipment is created by then
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = trackEvery
		if wb, ok := s.last.Load().(string); ok {
			s.do(ctx, "GET /v1/tracking/{waybill}", http.MethodGet, "/v1/tracking/"+wb+"?tenant=demo", "", "", "", nil)
		} else {
			wait = 50 * time.Millisecond
		}
	}
}

// do makes one call; it counts it, and an answer other than 2xx as an
// error, unless the soak's time ran out during the call.
func (s *soaker) do(ctx context.Context, route, method, path, token, body, idemKey string, into any) bool {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return s.fail(route, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := s.client.Do(req)
	if ctx.Err() != nil {
		return false
	}
	s.requests.Add(1)
	s.mu.Lock()
	s.byRoute[route]++
	s.mu.Unlock()
	if err != nil {
		return s.fail(route, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return s.fail(route, err)
	}
	if resp.StatusCode/100 != 2 {
		return s.fail(route, fmt.Errorf("status %d: %.300s", resp.StatusCode, b))
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			return s.fail(route, err)
		}
	}
	return true
}

func (s *soaker) fail(route string, err error) bool {
	s.errs.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.firstErr) < 5 {
		s.firstErr = append(s.firstErr, route+": "+err.Error())
	}
	return false
}

// sample collects garbage and reads this process's resident set, live
// heap and goroutines.
func sample(at string, since time.Duration) SoakSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := SoakSample{At: at, Seconds: since.Seconds(), HeapMiB: mib(int64(ms.HeapAlloc)), Goroutines: runtime.NumGoroutine()}
	if m, err := processMemory(os.Getpid()); err == nil {
		s.RSSMiB = mib(m.RSS)
	}
	return s
}

// WriteTable writes rep as text.
func (rep *SoakReport) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "\nlogifn soak, %s, %s, %d clients, %.0f s: %d requests (%.0f/s), %d errors\n", rep.Started.Format(time.RFC3339),
		rep.Database, rep.Clients, rep.Seconds, rep.Requests, float64(rep.Requests)/rep.Seconds, rep.Errors)
	fmt.Fprintf(w, "%-8s %8s %10s %10s %11s\n", "sample", "at s", "RSS MiB", "heap MiB", "goroutines")
	for _, s := range rep.Samples {
		fmt.Fprintf(w, "%-8s %8.0f %10.1f %10.1f %11d\n", s.At, s.Seconds, s.RSSMiB, s.HeapMiB, s.Goroutines)
	}
	if n := len(rep.Samples); n >= 2 {
		a, b := rep.Samples[0], rep.Samples[n-1]
		fmt.Fprintf(w, "growth start to end: RSS %+.1f MiB, heap %+.1f MiB, goroutines %+d\n", b.RSSMiB-a.RSSMiB, b.HeapMiB-a.HeapMiB, b.Goroutines-a.Goroutines)
	}
	routes := make([]string, 0, len(rep.ByRoute))
	for route, n := range rep.ByRoute {
		routes = append(routes, fmt.Sprintf("%s %d", route, n))
	}
	slices.Sort(routes)
	fmt.Fprintf(w, "requests by route: %s\n", strings.Join(routes, ", "))
	for _, e := range rep.FirstErr {
		fmt.Fprintf(w, "error: %s\n", e)
	}
}
