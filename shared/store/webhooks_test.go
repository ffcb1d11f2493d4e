package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

func endpoint(t *testing.T, s *store.Store, tenant string, types ...webhook.EventType) *webhook.Endpoint {
	t.Helper()
	if len(types) == 0 {
		types = []webhook.EventType{webhook.EventStatusChanged}
	}
	e := &webhook.Endpoint{Tenant: tenant, URL: "https://hooks.example.com/" + tenant, EventTypes: types, Secret: "whsec_" + tenant}
	if err := s.CreateWebhookEndpoint(context.Background(), e); err != nil {
		t.Fatalf("create endpoint: %v", err)
	}
	return e
}

func claim(t *testing.T, s *store.Store) (string, []webhook.Delivery) {
	t.Helper()
	owner := fmt.Sprint("owner-", time.Now().UnixNano())
	list, err := s.ClaimWebhookDeliveries(context.Background(), owner, 50, time.Minute)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return owner, list
}

func finish(t *testing.T, s *store.Store, owner string, d webhook.Delivery, o store.DeliveryOutcome) bool {
	t.Helper()
	disabled, err := s.FinishWebhookDelivery(context.Background(), owner, d, o)
	if err != nil {
		t.Fatalf("finish delivery %d: %v", d.ID, err)
	}
	return disabled
}

// seqs renders deliveries as "endpoint-index/seq" for comparison.
func seqs(list []webhook.Delivery, endpoints ...*webhook.Endpoint) []string {
	var out []string
	for _, d := range list {
		i := slices.IndexFunc(endpoints, func(e *webhook.Endpoint) bool { return e.ID == d.EndpointID })
		out = append(out, fmt.Sprintf("%d/%d", i, d.Sequence))
	}
	slices.Sort(out)
	return out
}

func TestWebhookEndpoints(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := endpoint(t, s, "t1", webhook.EventStatusChanged, webhook.EventException)
		if a.ID == "" || !a.Enabled || !a.CreatedAt.Equal(stored(clk.Now())) {
			t.Errorf("created %+v", a)
		}
		endpoint(t, s, "t2")
		list, err := s.WebhookEndpoints(ctx, "t1")
		if err != nil || len(list) != 1 || list[0].ID != a.ID || list[0].Secret != "whsec_t1" ||
			fmt.Sprint(list[0].EventTypes) != "[shipment.status_changed shipment.exception]" {
			t.Fatalf("list = %+v, %v", list, err)
		}
		_, err = s.WebhookEndpoint(ctx, "t2", a.ID)
		wantKind(t, err, domain.KindNotFound)

		clk.Advance(time.Minute)
		rotated, err := s.RotateWebhookSecret(ctx, "t1", a.ID, "whsec_new", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Secret != "whsec_new" || rotated.PreviousSecret != "whsec_t1" || !rotated.PreviousSecretUntil.Equal(stored(clk.Now().Add(time.Hour))) {
			t.Errorf("rotated %+v", rotated)
		}
		_, err = s.RotateWebhookSecret(ctx, "t2", a.ID, "whsec_x", time.Hour)
		wantKind(t, err, domain.KindNotFound)
		_, err = s.EnableWebhookEndpoint(ctx, "t2", a.ID)
		wantKind(t, err, domain.KindNotFound)

		wantKind(t, s.DeleteWebhookEndpoint(ctx, "t2", a.ID), domain.KindNotFound)
		if err := s.DeleteWebhookEndpoint(ctx, "t1", a.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.DeleteWebhookEndpoint(ctx, "t1", a.ID), domain.KindNotFound)

		for range store.MaxWebhookEndpoints {
			endpoint(t, s, "t3")
		}
		err = s.CreateWebhookEndpoint(ctx, &webhook.Endpoint{Tenant: "t3", URL: "https://x.example", EventTypes: []webhook.EventType{webhook.EventException}, Secret: "s"})
		if de := wantKind(t, err, domain.KindUnprocessable); de.Code != "too_many_webhooks" {
			t.Errorf("code %s, want too_many_webhooks", de.Code)
		}
		err = s.CreateWebhookEndpoint(ctx, &webhook.Endpoint{Tenant: "t1", URL: "https://x.example", EventTypes: []webhook.EventType{"shipment.lost"}, Secret: "s"})
		wantKind(t, err, domain.KindInvalid)
	}, storetest.WithClock(clk.Now))
}

// TestWebhookDeliveriesInOrder: each endpoint gets a shipment's events one
// at a time, in sequence, a failure holding back the ones after it until
// it is retried, while other shipments go on.
func TestWebhookDeliveriesInOrder(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedStations(t, s, "t1")
		all := endpoint(t, s, "t1", webhook.EventStatusChanged, webhook.EventException)
		onlyExceptions := endpoint(t, s, "t1", webhook.EventException)
		endpoint(t, s, "t2") // another tenant's endpoint hears nothing of t1
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup}, domain.StatusPickedUp)
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanException, IncidentReason: "torn"}, domain.StatusException)
		mustCreate(t, s, storetest.Shipment("t1")) // another stream, not held back by sh's
		shEvents, _ := s.WebhookEvents(context.Background(), "t1", sh.ID)

		owner, got := claim(t, s)
		if want := []string{"0/1", "0/1", "1/4"}; fmt.Sprint(seqs(got, all, onlyExceptions)) != fmt.Sprint(want) {
			t.Fatalf("first claim %v, want the head of each stream %v", seqs(got, all, onlyExceptions), want)
		}
		for _, d := range got {
			if d.Attempt != 1 || d.Tenant != "t1" || len(d.Body) == 0 || d.URL == "" || fmt.Sprint(d.Secrets) != "[whsec_t1]" {
				t.Errorf("delivery %+v", d)
			}
		}
		if _, again := claim(t, s); len(again) != 0 {
			t.Fatalf("leased deliveries claimed again: %v", seqs(again, all))
		}
		for _, d := range got {
			o := store.DeliveryOutcome{Result: webhook.Result{StatusCode: http.StatusOK}}
			if d.EndpointID == all.ID && d.EventID == shEvents[0].ID {
				o = store.DeliveryOutcome{Result: webhook.Result{StatusCode: 500}, RetryAt: clk.Now().Add(time.Minute)}
			}
			finish(t, s, owner, d, o)
		}
		// sh's stream waits for its failed first event; the others went through.
		if _, next := claim(t, s); len(next) != 0 {
			t.Fatalf("claimed %v before the retry was due", seqs(next, all))
		}
		clk.Advance(time.Minute)
		owner, retry := claim(t, s)
		if len(retry) != 1 || retry[0].Sequence != 1 || retry[0].Attempt != 2 {
			t.Fatalf("retry claim = %+v", retry)
		}
		finish(t, s, owner, retry[0], store.DeliveryOutcome{Result: webhook.Result{StatusCode: 204}})
		var order []string
		for range 5 {
			owner, next := claim(t, s)
			order = append(order, seqs(next, all)...)
			for _, d := range next {
				finish(t, s, owner, d, store.DeliveryOutcome{Result: webhook.Result{StatusCode: 200}})
			}
		}
		if want := []string{"0/2", "0/3", "0/4"}; fmt.Sprint(order) != fmt.Sprint(want) {
			t.Errorf("then %v, want %v", order, want)
		}
		if _, err := s.FinishWebhookDelivery(context.Background(), "nobody", retry[0], store.DeliveryOutcome{}); !domain.IsKind(err, domain.KindConflict) {
			t.Errorf("finishing a delivery not held: %v, want a conflict", err)
		}
	}, storetest.WithClock(clk.Now))
}

func TestWebhookEndpointDisabledAndEnabled(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		e := endpoint(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		fail := store.DeliveryOutcome{Result: webhook.Result{Err: errors.New("connection refused")}, DisableAfter: 3, DisableWindow: 2 * time.Minute}
		for i := 1; i <= 3; i++ {
			owner, got := claim(t, s)
			if len(got) != 1 || got[0].Attempt != i {
				t.Fatalf("attempt %d: claimed %+v", i, got)
			}
			fail.RetryAt = clk.Now().Add(time.Minute)
			if disabled := finish(t, s, owner, got[0], fail); disabled != (i == 3) {
				t.Errorf("attempt %d disabled the endpoint: %v", i, disabled)
			}
			clk.Advance(time.Minute)
		}
		got, _ := s.WebhookEndpoint(ctx, "t1", e.ID)
		if got.Enabled || got.ConsecutiveFailures != 3 || got.DisabledReason == "" {
			t.Fatalf("after 3 failures over 2 minutes: %+v", got)
		}
		// What happens meanwhile waits for the endpoint.
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup}, domain.StatusPickedUp)
		clk.Advance(time.Hour)
		if _, list := claim(t, s); len(list) != 0 {
			t.Fatalf("a disabled endpoint's deliveries were claimed: %+v", list)
		}
		if got, err := s.EnableWebhookEndpoint(ctx, "t1", e.ID); err != nil || !got.Enabled || got.ConsecutiveFailures != 0 || got.DisabledReason != "" {
			t.Fatalf("enable: %+v, %v", got, err)
		}
		var seen []int64
		for range 3 {
			owner, list := claim(t, s)
			for _, d := range list {
				seen = append(seen, d.Sequence)
				finish(t, s, owner, d, store.DeliveryOutcome{Result: webhook.Result{StatusCode: 200}})
			}
		}
		if fmt.Sprint(seen) != "[1 2]" {
			t.Errorf("after enabling, sent %v, want [1 2]", seen)
		}
	}, storetest.WithClock(clk.Now))
}

func TestWebhookDeliveryGivenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedStations(t, s, "t1")
		endpoint(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup}, domain.StatusPickedUp)
		owner, got := claim(t, s)
		finish(t, s, owner, got[0], store.DeliveryOutcome{Result: webhook.Result{StatusCode: 410}})
		owner, got = claim(t, s)
		if len(got) != 1 || got[0].Sequence != 2 {
			t.Fatalf("after giving up on 1, claimed %+v, want 2", got)
		}
		finish(t, s, owner, got[0], store.DeliveryOutcome{Result: webhook.Result{StatusCode: 200}})
	})
}

func TestReplayWebhookEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		a := endpoint(t, s, "t1")
		b := endpoint(t, s, "t1", webhook.EventException)
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup}, domain.StatusPickedUp)
		events, _ := s.WebhookEvents(ctx, "t1", sh.ID)
		first := events[0].ID

		to, err := s.ReplayWebhookEvent(ctx, "t1", first, "")
		if err != nil || fmt.Sprint(to) != fmt.Sprint([]string{a.ID}) {
			t.Fatalf("replay to subscribers: %v, %v", to, err)
		}
		if to, err := s.ReplayWebhookEvent(ctx, "t1", first, b.ID); err != nil || len(to) != 1 || to[0] != b.ID {
			t.Fatalf("replay to a named endpoint: %v, %v", to, err)
		}
		// Replays skip the queue: both go out with the stream's head.
		owner, got := claim(t, s)
		if want := []string{"0/1", "0/1", "1/1"}; fmt.Sprint(seqs(got, a, b)) != fmt.Sprint(want) {
			t.Errorf("claimed %v, want %v", seqs(got, a, b), want)
		}
		replays := 0
		for _, d := range got {
			if d.Replay {
				replays++
			}
			finish(t, s, owner, d, store.DeliveryOutcome{Result: webhook.Result{StatusCode: 200}})
		}
		if replays != 2 {
			t.Errorf("%d replays, want 2", replays)
		}

		_, err = s.ReplayWebhookEvent(ctx, "t2", first, "")
		wantKind(t, err, domain.KindNotFound)
		_, err = s.ReplayWebhookEvent(ctx, "t1", first, "no-such-endpoint")
		if de := wantKind(t, err, domain.KindUnprocessable); len(de.Details) != 1 || de.Details[0].Field != "endpoint_id" {
			t.Errorf("details %+v", de.Details)
		}
		if err := s.DeleteWebhookEndpoint(ctx, "t1", a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.ReplayWebhookEvent(ctx, "t1", first, "")
		if de := wantKind(t, err, domain.KindConflict); de.Code != "no_webhook" {
			t.Errorf("code %s, want no_webhook", de.Code)
		}
	})
}

// TestConcurrentClaimsNeverShare: dispatchers claiming at once from
// several stores never hold one delivery together.
func TestConcurrentClaimsNeverShare(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		stores := openStores(t, driver, dsn, 4)
		seedStations(t, stores[0], "t1")
		endpoint(t, stores[0], "t1")
		for range 12 {
			mustCreate(t, stores[0], storetest.Shipment("t1"))
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				list, err := stores[i%4].ClaimWebhookDeliveries(context.Background(), fmt.Sprint("owner-", i), 5, time.Minute)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, d := range list {
					seen[d.ID]++
				}
			})
		}
		wg.Wait()
		// A claim that lost every race comes back empty: pick up the rest.
		rest, err := stores[0].ClaimWebhookDeliveries(context.Background(), "owner-last", 20, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range rest {
			seen[d.ID]++
		}
		if len(seen) != 12 {
			t.Errorf("claimed %d deliveries in all, want 12", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("delivery %d claimed %d times", id, n)
			}
		}
	})
}
