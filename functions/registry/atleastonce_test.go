package registry_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// Object and schedule events are delivered at least once: a platform may
// retry, duplicate and reorder them, and run the copies at once. The test
// here delivers two different events of every event function of the
// manifest three times each, shuffled and concurrently, retrying what asks
// for a retry as a platform would, and then compares the world (every
// table's rows, the shipments' statuses, versions and timelines, the
// objects in the bucket and the webhook requests received) with a world
// where each event arrived once, in one order or the other.

// worldNow is the clock of the worlds: fixed, so that both worlds write the
// same times and leases never run out under the test.
var worldNow = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

// delivery is one event: an object created, or a tick.
type delivery struct {
	object *platform.ObjectCreated
	tick   *platform.Tick
}

func (d delivery) String() string {
	if d.object != nil {
		return "object " + d.object.Key
	}
	return fmt.Sprintf("tick %s at %s", d.tick.Name, d.tick.Time.Format(time.RFC3339))
}

// eventCases holds, for every event function of the manifest, how to set
// up a world for it and which two different events to deliver there. A
// function of the manifest without a row fails the test.
var eventCases = map[string]func(t *testing.T, w *world) [2]delivery{
	"waybill-image-ingest": func(t *testing.T, w *world) [2]delivery {
		sh := storetest.ShipmentIn(t, w.st, "t1", domain.StatusOutForDelivery)
		if sh.Waybill != "LF00000000019" {
			t.Fatalf("first waybill of t1 is %s; the photos show LF00000000019", sh.Waybill)
		}
		dir := filepath.Join("..", "waybill-image-ingest", "testdata")
		return [2]delivery{
			w.put(t, "images/t1/LF00000000019/label/a.jpg", readFile(t, filepath.Join(dir, "label.jpg")), "image/jpeg"),
			w.put(t, "images/t1/LF00000000019/proof_of_delivery/b.jpg", readFile(t, filepath.Join(dir, "pod.jpg")), "image/jpeg"),
		}
	},
	"scan-file-ingest": func(t *testing.T, w *world) [2]delivery {
		a := storetest.Journey(t, w.st, storetest.Shipment("t1"), worldNow.Add(-3*time.Hour))
		b := storetest.Journey(t, w.st, storetest.Shipment("t1"), worldNow.Add(-3*time.Hour))
		at := worldNow.Add(-time.Hour).Format(time.RFC3339)
		csv := "waybill,type,station,occurred_at,actor\n" +
			fmt.Sprintf("%s,pickup,SHA01,%s,courier-1\n%s,pickup,SHA01,%s,courier-1\n", a.Waybill, at, b.Waybill, at)
		jsonl := fmt.Sprintf(`{"waybill":%q,"type":"depart","station":"SHA01","occurred_at":%q,"actor":"operator-1"}`+"\n", a.Waybill, worldNow.Add(-30*time.Minute).Format(time.RFC3339)) +
			fmt.Sprintf(`{"waybill":%q,"type":"arrive","station":"SHA01","occurred_at":%q,"actor":"operator-1"}`+"\n", b.Waybill, at)
		return [2]delivery{
			w.put(t, "scans/t1/SHA01/morning.csv", []byte(csv), "text/csv"),
			w.put(t, "scans/t1/SHA01/evening.jsonl", []byte(jsonl), "application/x-ndjson"),
		}
	},
	"stale-sweep": func(t *testing.T, w *world) [2]delivery {
		for range 2 {
			storetest.Journey(t, w.st, storetest.Shipment("t1"), worldNow.Add(-60*time.Hour),
				storetest.Step{Status: domain.StatusPickedUp, At: worldNow.Add(-50 * time.Hour)})
		}
		storetest.Journey(t, w.st, storetest.Shipment("t2"), worldNow.Add(-60*time.Hour),
			storetest.Step{Status: domain.StatusPickedUp, At: worldNow.Add(-50 * time.Hour)},
			storetest.Step{Status: domain.StatusInTransit, At: worldNow.Add(-49 * time.Hour)},
			storetest.Step{Status: domain.StatusOutForDelivery, At: worldNow.Add(-20 * time.Hour)})
		return [2]delivery{w.tick("stale-sweep", worldNow), w.tick("stale-sweep", worldNow.Add(time.Hour))}
	},
	"auto-receipt": func(t *testing.T, w *world) [2]delivery {
		for _, tenant := range []string{"t1", "t1", "t2"} {
			at := worldNow.Add(-8 * 24 * time.Hour)
			storetest.Journey(t, w.st, storetest.Shipment(tenant), at.Add(-48*time.Hour),
				storetest.Step{Status: domain.StatusPickedUp, At: at.Add(-40 * time.Hour)},
				storetest.Step{Status: domain.StatusInTransit, At: at.Add(-30 * time.Hour)},
				storetest.Step{Status: domain.StatusOutForDelivery, At: at.Add(-2 * time.Hour)},
				storetest.Step{Status: domain.StatusDelivered, At: at})
		}
		return [2]delivery{w.tick("auto-receipt", worldNow), w.tick("auto-receipt", worldNow.Add(24*time.Hour))}
	},
	"daily-report": func(t *testing.T, w *world) [2]delivery {
		storetest.Journey(t, w.st, storetest.Shipment("t1"), worldNow.Add(-30*time.Hour),
			storetest.Step{Status: domain.StatusPickedUp, At: worldNow.Add(-26 * time.Hour)},
			storetest.Step{Status: domain.StatusInTransit, At: worldNow.Add(-20 * time.Hour)})
		storetest.ShipmentIn(t, w.st, "t2", domain.StatusPickedUp)
		return [2]delivery{w.tick("daily-report", worldNow), w.tickWith("daily-report", worldNow, `{"date":"2026-03-08"}`)}
	},
	"housekeeping": func(t *testing.T, w *world) [2]delivery {
		ctx := context.Background()
		for i := range 5 {
			key := fmt.Sprintf("key-%d", i)
			if _, _, err := w.st.ReserveIdempotencyKey(ctx, "t1", key, "hash", time.Duration(i+1)*time.Hour, time.Minute); err != nil {
				t.Fatal(err)
			}
			if err := w.st.CompleteIdempotencyKey(ctx, "t1", key, http.StatusCreated, http.Header{}, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
		}
		// The first tick finds three records expired, the second all five.
		return [2]delivery{w.tick("housekeeping", worldNow.Add(3*time.Hour+time.Minute)), w.tick("housekeeping", worldNow.Add(24*time.Hour))}
	},
	"webhook-dispatch": func(t *testing.T, w *world) [2]delivery {
		e := &webhook.Endpoint{Tenant: "t1", URL: w.hooks.url + "/hooks", Secret: "whsec_at_least_once",
			EventTypes: []webhook.EventType{webhook.EventStatusChanged}}
		if err := w.st.CreateWebhookEndpoint(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			storetest.ShipmentIn(t, w.st, "t1", domain.StatusInTransit)
		}
		return [2]delivery{w.tick("webhook-dispatch", worldNow), w.tick("webhook-dispatch", worldNow.Add(time.Minute))}
	},
}

// TestEveryEventAtLeastOnce delivers two events of every event function
// three times each, shuffled and at once, and checks the world is the one
// that delivering each once makes.
func TestEveryEventAtLeastOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// Each world needs a database of its own that the test can also
		// read directly; st only says which kind.
		driver := st.Driver()
		seen := map[string]bool{}
		for _, spec := range registry.All() {
			if len(spec.Objects) == 0 && len(spec.Schedules) == 0 {
				continue
			}
			seen[spec.Name] = true
			setup, listed := eventCases[spec.Name]
			if !listed {
				t.Errorf("event function %s has no row in eventCases", spec.Name)
				continue
			}
			t.Run(spec.Name, func(t *testing.T) {
				// Two different events may arrive in either order, and
				// their effects need not commute (a depart scanned before
				// its pickup is refused), so both orders make a valid
				// world; duplicates must not make a third.
				wants := map[string]bool{}
				var first string
				for _, reversed := range []bool{false, true} {
					once := newWorld(t, driver, spec)
					events := setup(t, once)
					before := once.digest(t)
					if reversed {
						events[0], events[1] = events[1], events[0]
					}
					for _, ev := range events {
						if err := once.deliver(ev); err != nil {
							t.Fatalf("%s: %v", ev, err)
						}
					}
					want := once.digest(t)
					if want == before {
						t.Fatalf("delivering %s and %s changed nothing; the case tests nothing:\n%s", events[0], events[1], want)
					}
					if !reversed {
						first = want
						t.Logf("after each event once:\n%s", want)
					} else if want != first {
						t.Logf("after each event once, in the other order:\n%s", want)
					}
					wants[want] = true
				}

				many := newWorld(t, driver, spec)
				events := setup(t, many)
				order := []delivery{events[0], events[1], events[0], events[1], events[0], events[1]}
				rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				var wg sync.WaitGroup
				for _, ev := range order {
					wg.Go(func() {
						if err := many.deliver(ev); err != nil {
							t.Errorf("%s: %v", ev, err)
						}
					})
				}
				wg.Wait()
				got := many.digest(t)
				if !wants[got] {
					t.Fatalf("after %v, three times each at once:\n%s\nwant, as after each once (in either order):\n%s", events, got, first)
				}
				// A copy that comes after everything settled changes nothing either.
				for _, ev := range events {
					if err := many.deliver(ev); err != nil {
						t.Fatalf("late %s: %v", ev, err)
					}
				}
				if late := many.digest(t); late != got {
					t.Fatalf("after late copies of %v:\n%s\nwant:\n%s", events, late, got)
				}
			})
		}
		for name := range eventCases {
			if !seen[name] {
				t.Errorf("eventCases names %s, which is no event function of the manifest", name)
			}
		}
	})
}

// world is one database, bucket and webhook receiver with one function's
// handlers built on them as the manifest builds them.
type world struct {
	st     *store.Store
	db     *sql.DB // the same database, read directly
	driver string
	bucket *memblob.Store
	hooks  *hookReceiver
	h      platform.Handlers
	ctx    context.Context
}

func newWorld(t *testing.T, driver string, spec app.Spec) *world {
	t.Helper()
	w := &world{driver: driver, bucket: memblob.New("logifn-uploads"), hooks: newHookReceiver(t)}
	cfg := store.Config{Driver: driver, Now: func() time.Time { return worldNow }}
	var raw string
	if driver == store.DriverMySQL {
		cfg.DSN = storetest.MySQLDSN(t)
		raw = cfg.DSN
	} else {
		cfg.DSN = storetest.SQLitePath(t)
		raw = "file:" + (&url.URL{Path: cfg.DSN}).EscapedPath() + "?_pragma=busy_timeout(10000)"
	}
	var err error
	if w.st, err = store.Open(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.st.Close() })
	if w.db, err = sql.Open(driver, raw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.db.Close() })
	log, err := logging.New(io.Discard, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	w.ctx = reqctx.WithLogger(context.Background(), log.WithField(logging.FieldFunction, spec.Name))
	conf := config.Config{DBDriver: driver, WebhookAllowPrivate: true, WebhookTimeout: 5 * time.Second}
	h, err := spec.New(&app.Deps{Config: conf, Log: log, Store: w.st, Blob: w.bucket, Now: func() time.Time { return worldNow }})
	if err != nil {
		t.Fatalf("build %s: %v", spec.Name, err)
	}
	w.h = h
	return w
}

// put stores data at key and returns the event its upload fires.
func (w *world) put(t *testing.T, key string, data []byte, contentType string) delivery {
	t.Helper()
	obj, err := w.bucket.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), contentType)
	if err != nil {
		t.Fatal(err)
	}
	return delivery{object: &platform.ObjectCreated{Bucket: w.bucket.Bucket(), Key: key, Size: obj.Size, ETag: strings.ToUpper(obj.ETag),
		ContentType: contentType, Time: worldNow, EventID: "req-" + key}}
}

func (w *world) tick(name string, at time.Time) delivery { return w.tickWith(name, at, "") }

func (w *world) tickWith(name string, at time.Time, payload string) delivery {
	return delivery{tick: &platform.Tick{Name: name, Time: at, Payload: payload}}
}

// deliver hands ev to the function as a platform would: again, after a
// pause, for as long as the handler asks for a redelivery.
func (w *world) deliver(ev delivery) error {
	for attempt := 1; ; attempt++ {
		var err error
		if ev.object != nil {
			err = w.h.Object(w.ctx, *ev.object)
		} else {
			err = w.h.Tick(w.ctx, *ev.tick)
		}
		if !platform.Retryable(err) || attempt == 100 {
			return err
		}
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
	}
}

// digest describes the world: each table's row count, each shipment's
// status and version, every timeline event and webhook event, the
// objects in the bucket and the webhook requests received. It leaves out
// what differs between equal worlds: generated ids, and the order in
// which events of equal standing were written.
func (w *world) digest(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range w.tables(t) {
		if table == "scan_line_runs" {
			continue // how lines fall into runs depends on timing; see below
		}
		fmt.Fprintf(&b, "%s=%s ", table, w.query(t, `SELECT count(*) FROM `+table)[0])
	}
	b.WriteString("\nscan line outcomes: " + w.scanLineRuns(t))
	b.WriteString("\nshipments: " + strings.Join(w.query(t, `SELECT tenant_id, id, status, version FROM shipments ORDER BY tenant_id, id`), "; "))
	events := w.query(t, `SELECT tenant_id, shipment_id, scan_type, status, station_code, actor, source, note FROM tracking_events`)
	slices.Sort(events)
	b.WriteString("\ntimeline: " + strings.Join(events, "; "))
	hooks := w.query(t, `SELECT tenant_id, shipment_id, type FROM webhook_events`)
	slices.Sort(hooks)
	b.WriteString("\nwebhook events: " + strings.Join(hooks, "; "))
	keys := w.bucket.Keys("")
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\nobject %s %x", k, sha256.Sum256(w.bucket.Bytes(k)))
	}
	fmt.Fprintf(&b, "\nwebhook requests: %s", w.hooks.summary())
	return b.String()
}

// scanLineRuns describes the recorded outcomes of every scan file's
// lines, by the file's object key and chunk: a batch interrupted by a
// concurrent delivery records its chunk in two runs where an
// uninterrupted one records one, and the lines are the same. A run's body
// encodes each line on its own, so a chunk's runs in line order join into
// the body one run would have.
func (w *world) scanLineRuns(t *testing.T) string {
	t.Helper()
	rows := w.query(t, `SELECT f.object_key, r.chunk_no, r.body FROM scan_line_runs r
		JOIN scan_files f ON f.tenant_id = r.tenant_id AND f.id = r.file_id ORDER BY f.object_key, r.chunk_no, r.first_line`)
	bodies := map[string]string{}
	var chunks []string
	for _, row := range rows {
		f := strings.SplitN(row, "|", 3)
		chunk := f[0] + "|" + f[1]
		if _, ok := bodies[chunk]; !ok {
			chunks = append(chunks, chunk)
		}
		bodies[chunk] += f[2]
	}
	var out []string
	for _, c := range chunks {
		out = append(out, fmt.Sprintf("%s %x", c, sha256.Sum256([]byte(bodies[c]))))
	}
	return strings.Join(out, "; ")
}

func (w *world) tables(t *testing.T) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if w.driver == store.DriverMySQL {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()`
	}
	names := w.query(t, q)
	slices.Sort(names)
	return names
}

// query returns the rows of q, each row's columns joined by "|".
func (w *world) query(t *testing.T, q string) []string {
	t.Helper()
	rows, err := w.db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hookReceiver is a webhook endpoint that records what it is sent. A
// receiver deduplicates on the event id header, so the test checks that
// the header names the event the body carries.
type hookReceiver struct {
	t   *testing.T
	url string

	mu    sync.Mutex
	posts []string // event id, type and waybill of each request
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{t: t}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	rc.url = srv.URL
	return rc
}

func (rc *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Error(err)
		return
	}
	id := r.Header.Get(webhook.EventIDHeader)
	if id == "" || !bytes.Contains(body, []byte(`"id":"`+id+`"`)) {
		rc.t.Errorf("webhook request with event id header %q and body %s", id, body)
	}
	rc.mu.Lock()
	rc.posts = append(rc.posts, id+" "+r.Header.Get(webhook.EventTypeHeader))
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// summary counts the requests and the different events they carried, and
// lists the event types: generated ids differ between worlds.
func (rc *hookReceiver) summary() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ids := map[string]bool{}
	var types []string
	for _, p := range rc.posts {
		id, typ, _ := strings.Cut(p, " ")
		ids[id] = true
		types = append(types, typ)
	}
	slices.Sort(types)
	return fmt.Sprintf("%d for %d events %v", len(rc.posts), len(ids), types)
}
