package webhookdispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	webhookdispatch "github.com/logifn/logifn/functions/webhook-dispatch"
	webhookendpoints "github.com/logifn/logifn/functions/webhook-endpoints"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// clock is the settable clock of the store and the dispatcher: retries
// fall due when the test says, without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
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

// delivery is what the receiver saw of one request.
type delivery struct {
	event   webhook.Event
	attempt int
	replay  bool
	at      time.Time // the test clock's time
	status  int
}

// receiver is a webhook endpoint in the test process. It verifies every
// signature as the README tells receivers to, records what it gets, and
// answers 500 to the first failFirst deliveries of event failID, or to
// everything while down.
type receiver struct {
	t   *testing.T
	clk *clock

	mu        sync.Mutex
	secret    string
	failID    string
	failFirst int
	down      bool
	log       []delivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Error(err)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := webhook.Verify(rc.secret, r.Header.Get(webhook.SignatureHeader), body, 5*time.Minute); err != nil {
		rc.t.Errorf("delivery %s: %v", r.Header.Get(webhook.EventIDHeader), err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev webhook.Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID != r.Header.Get(webhook.EventIDHeader) || string(ev.Type) != r.Header.Get(webhook.EventTypeHeader) {
		rc.t.Errorf("body %s does not match headers %v (%v)", body, r.Header, err)
	}
	attempt, _ := strconv.Atoi(r.Header.Get(webhook.AttemptHeader))
	d := delivery{event: ev, attempt: attempt, replay: r.Header.Get(webhook.ReplayHeader) == "true", at: rc.clk.Now(), status: http.StatusOK}
	if rc.down || ev.ID == rc.failID && rc.failFirst > 0 {
		if !rc.down {
			rc.failFirst--
		}
		d.status = http.StatusInternalServerError
	}
	rc.log = append(rc.log, d)
	w.WriteHeader(d.status)
}

func (rc *receiver) seen() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.log...)
}

func (rc *receiver) set(fn func(rc *receiver)) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	fn(rc)
}

// localEndpoints is webhook-endpoints as the local platform builds it,
// with loopback receivers allowed.
func localEndpoints() app.Spec {
	spec := webhookendpoints.Spec()
	spec.New = func(d *app.Deps) (platform.Handlers, error) {
		local := *d
		local.Config.WebhookAllowPrivate = true
		return webhookendpoints.Spec().New(&local)
	}
	return spec
}

var admin = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}

// TestReceiverGetsEveryEventInOrder is the end-to-end story: an endpoint
// registered through the admin API gets every status change and exception,
// verifiably signed, each shipment's in sequence; the event it answers 500
// twice comes again after growing delays, holding back the ones after it;
// an endpoint that keeps failing is disabled and gets nothing until it is
// enabled again, and then gets what it missed, in order; a replay sends
// one event again.
func TestReceiverGetsEveryEventInOrder(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rc := &receiver{t: t, clk: clk}
		srv := httptest.NewServer(rc)
		defer srv.Close()

		h := apptest.NewWithClock(t, st, clk.Now, localEndpoints())
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/webhooks", Token: h.Token(admin),
			Body: map[string]any{"url": srv.URL + "/hooks/logifn", "event_types": []string{"shipment.status_changed", "shipment.exception"}}})
		var ep webhookendpoints.WithSecret
		res.JSON(t, &ep)
		if res.Status != http.StatusCreated {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		rc.set(func(rc *receiver) { rc.secret = ep.Secret })

		client := webhook.NewClient(webhook.ClientOptions{AllowPrivate: true, Timeout: 5 * time.Second})
		disp := webhookdispatch.New(st, client, webhookdispatch.Options{Now: clk.Now, MaxFailures: 3, DisableWindow: time.Minute})
		tick := func() {
			t.Helper()
			if err := disp.Tick(ctx, platform.Tick{Name: webhookdispatch.Name, Time: clk.Now()}); err != nil {
				t.Fatalf("tick: %v", err)
			}
		}
		move := func(sh *domain.Shipment, typ domain.ScanType, to domain.Status) *domain.Shipment {
			t.Helper()
			ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Type: typ, Status: to, Actor: "courier-1", Source: domain.SourceAPI}
			if typ == domain.ScanException {
				ev.IncidentReason = "damaged"
			}
			next, err := st.RecordEvent(ctx, ev, sh.Version, to)
			if err != nil {
				t.Fatalf("record %s: %v", typ, err)
			}
			return next
		}

		a := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		b := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		a = move(a, domain.ScanPickup, domain.StatusPickedUp)
		b = move(b, domain.ScanPickup, domain.StatusPickedUp)
		a = move(a, domain.ScanArrive, domain.StatusInTransit)
		a = move(a, domain.ScanException, domain.StatusException)
		aEvents, _ := st.WebhookEvents(ctx, "t1", a.ID)
		rc.set(func(rc *receiver) { rc.failID, rc.failFirst = aEvents[1].ID, 2 }) // a's pickup

		tick()
		if got := sequences(rc.seen(), a.Waybill); fmt.Sprint(got) != "[1 2]" {
			t.Fatalf("first tick sent %v of %s, want 1 and then 2, which failed and holds back the rest", got, a.Waybill)
		}
		clk.Advance(30 * time.Second) // the longest first delay
		tick()
		clk.Advance(time.Minute) // the longest second delay
		tick()
		clk.Advance(10 * time.Minute)
		tick() // nothing more is due

		log := rc.seen()
		checkOrder(t, log)
		var tries []delivery
		for _, d := range log {
			if d.event.ID == aEvents[1].ID {
				tries = append(tries, d)
			}
		}
		if len(tries) != 3 || tries[0].status != 500 || tries[1].status != 500 || tries[2].status != 200 ||
			tries[0].attempt != 1 || tries[1].attempt != 2 || tries[2].attempt != 3 {
			t.Fatalf("tries of the failing event: %+v, want attempts 1, 2 (500) and 3 (200)", tries)
		}
		first, second := tries[1].at.Sub(tries[0].at), tries[2].at.Sub(tries[1].at)
		if first < 22*time.Second || second <= first {
			t.Errorf("retry delays %s then %s, want at least 22.5s and growing", first, second)
		}
		allEvents := append(aEvents, mustEvents(t, st, b.ID)...)
		checkAllDelivered(t, log, allEvents)

		// The receiver goes down: three failures in a row over a minute
		// disable the endpoint.
		rc.set(func(rc *receiver) { rc.down = true })
		b = move(b, domain.ScanArrive, domain.StatusInTransit)
		for range 3 {
			tick()
			clk.Advance(time.Hour)
		}
		list := endpoints(t, h)
		if len(list) != 1 || list[0].Enabled || list[0].DisabledReason == "" || list[0].ConsecutiveFailures != 3 {
			t.Fatalf("after 3 failures: %+v, want the endpoint disabled with a reason", list)
		}
		// Back up, but disabled: nothing more arrives, however long.
		rc.set(func(rc *receiver) { rc.down = false })
		b = move(b, domain.ScanOutForDelivery, domain.StatusOutForDelivery)
		before := len(rc.seen())
		for range 3 {
			clk.Advance(6 * time.Hour)
			tick()
		}
		if got := len(rc.seen()); got != before {
			t.Fatalf("a disabled endpoint got %d more deliveries", got-before)
		}
		res = h.Do(apptest.Request{Method: "POST", Path: "/v1/webhooks/" + ep.ID + "/enable", Token: h.Token(admin)})
		if res.Status != http.StatusOK {
			t.Fatalf("enable: %d %s", res.Status, res.Body)
		}
		tick()
		after := rc.seen()[before:]
		if got := sequences(after, b.Waybill); fmt.Sprint(got) != "[3 4]" {
			t.Errorf("after enabling, %s got %v, want what it missed, in order: [3 4]", b.Waybill, got)
		}

		// A replay sends one event again, marked, with its id unchanged.
		res = h.Do(apptest.Request{Method: "POST", Path: "/v1/webhook-events/" + aEvents[0].ID + "/replay", Token: h.Token(admin)})
		if res.Status != http.StatusAccepted {
			t.Fatalf("replay: %d %s", res.Status, res.Body)
		}
		tick()
		last := rc.seen()[len(rc.seen())-1]
		if !last.replay || last.event.ID != aEvents[0].ID || last.event.Sequence != 1 {
			t.Errorf("replayed %+v, want event %s marked as a replay", last, aEvents[0].ID)
		}

		log = rc.seen()
		checkOrder(t, log)
		checkAllDelivered(t, log, append(aEvents, mustEvents(t, st, b.ID)...))
	}, storetest.WithClock(clk.Now))
}

// sequences lists the sequence numbers w's deliveries carried, in the
// order they came, replays left out.
func sequences(log []delivery, w domain.Waybill) []int64 {
	var out []int64
	for _, d := range log {
		if d.event.Waybill == w && !d.replay {
			out = append(out, d.event.Sequence)
		}
	}
	return out
}

// checkOrder: each shipment's deliveries never go back in sequence, and
// each sequence number is taken (answered 200) once, 1, 2, 3 ... in turn.
func checkOrder(t *testing.T, log []delivery) {
	t.Helper()
	sent, taken := map[domain.Waybill]int64{}, map[domain.Waybill]int64{}
	for _, d := range log {
		w, seq := d.event.Waybill, d.event.Sequence
		if d.replay {
			continue
		}
		if seq < sent[w] {
			t.Errorf("%s: sequence %d came after %d", w, seq, sent[w])
		}
		sent[w] = seq
		if d.status == http.StatusOK {
			if seq != taken[w]+1 {
				t.Errorf("%s: took sequence %d after %d", w, seq, taken[w])
			}
			taken[w] = seq
		}
	}
}

// checkAllDelivered: every event was taken at least once.
func checkAllDelivered(t *testing.T, log []delivery, events []webhook.Event) {
	t.Helper()
	taken := map[string]bool{}
	for _, d := range log {
		if d.status == http.StatusOK {
			taken[d.event.ID] = true
		}
	}
	for _, ev := range events {
		if !taken[ev.ID] {
			t.Errorf("event %d of %s (%s) never delivered", ev.Sequence, ev.Waybill, ev.Type)
		}
	}
}

func mustEvents(t *testing.T, st *store.Store, shipmentID int64) []webhook.Event {
	t.Helper()
	events, err := st.WebhookEvents(context.Background(), "t1", shipmentID)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func endpoints(t *testing.T, h *apptest.Harness) []webhook.Endpoint {
	t.Helper()
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/webhooks", Token: h.Token(admin)})
	var l webhookendpoints.List
	res.JSON(t, &l)
	return l.Webhooks
}
