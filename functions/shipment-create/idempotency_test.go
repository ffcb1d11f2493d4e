package shipmentcreate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	shipmentcreate "github.com/logifn/logifn/functions/shipment-create"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/web"
)

// TestSameNewKeyAtOnce sends one create with a new Idempotency-Key several
// times at once: one shipment is stored, and every caller gets its answer.
func TestSameNewKeyAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		tok := h.Token(customer)
		res := make([]*apptest.Response, 6)
		var wg sync.WaitGroup
		for i := range res {
			wg.Go(func() {
				res[i] = h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: body(),
					Header: map[string]string{"Idempotency-Key": "order-race"}})
			})
		}
		wg.Wait()
		firsts := 0
		for i, r := range res {
			if r.Status != http.StatusCreated || string(r.Body) != string(res[0].Body) {
				t.Errorf("caller %d: %d %s, want 201 %s", i, r.Status, r.Body, res[0].Body)
			}
			if r.Header.Get("Idempotent-Replayed") != "true" {
				firsts++
			}
		}
		if firsts != 1 {
			t.Errorf("%d answers not marked replayed, want 1", firsts)
		}
		if n := count(t, st); n != 1 {
			t.Errorf("%d shipments stored, want 1", n)
		}
	})
}

// TestRefusalIsReplayed checks that a create refused before anything was
// written is answered the same on a retry with its key, even once the
// cause is gone, as Idempotency-Key promises.
func TestRefusalIsReplayed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		tok := h.Token(customer)
		in := body()
		in["destination_station"] = "NEW1"
		key := map[string]string{"Idempotency-Key": "order-refused"}
		first := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: in, Header: key})
		if e := first.Err(t, http.StatusUnprocessableEntity); !hasField(e, "destination_station") {
			t.Fatalf("first answer %s, want a 422 naming destination_station", first.Body)
		}
		if _, err := st.PutStation(context.Background(), storetest.Station("t1", "NEW1")); err != nil {
			t.Fatal(err)
		}
		again := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: in, Header: key})
		if again.Status != first.Status || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry = %d %s (replayed %q), want the first answer replayed", again.Status, again.Body, again.Header.Get("Idempotent-Replayed"))
		}
		if n := count(t, st); n != 0 {
			t.Errorf("%d shipments stored, want 0", n)
		}
	})
}

// TestKeyTakenOverIsServedAgain checks the keys a create takes over, an
// expired one and one left pending by a process that died: the create
// runs again, request body and all.
func TestKeyTakenOverIsServedAgain(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
			if _, err := st.PutStation(context.Background(), storetest.Station("t1", code)); err != nil {
				t.Fatal(err)
			}
		}
		h := apptest.NewWithClock(t, st, clock, shipmentcreate.Spec())
		key := map[string]string{"Idempotency-Key": "order-old"}
		first := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body(), Header: key})
		advance(web.IdempotencyTTL + time.Second)
		again := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body(), Header: key})
		// The shipment keeps its request key: the create run again finds it.
		var was, is domain.Shipment
		first.JSON(t, &was)
		again.JSON(t, &is)
		if first.Status != 201 || again.Status != 200 || again.Header.Get("Idempotent-Replayed") != "" || is.Waybill != was.Waybill {
			t.Errorf("expired key: %d then %d %s (replayed %q); want 201, then 200 with %s run again",
				first.Status, again.Status, again.Body, again.Header.Get("Idempotent-Replayed"), was.Waybill)
		}
		hash := requestHash(t, h, key)
		if _, reserved, err := st.ReserveIdempotencyKey(context.Background(), "t1", "order-dead", hash, web.IdempotencyTTL, web.IdempotencyLease); err != nil || !reserved {
			t.Fatalf("reserve: %v %v", reserved, err)
		}
		dead := map[string]string{"Idempotency-Key": "order-dead"}
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body(), Header: dead})
		if e := res.Err(t, http.StatusConflict); e.Error.Code != "idempotency_key_in_use" {
			t.Errorf("pending key: code %s, want idempotency_key_in_use", e.Error.Code)
		}
		advance(web.IdempotencyLease)
		res = h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body(), Header: dead})
		if res.Status != 201 || res.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("pending key past its lease: %d %s, want 201", res.Status, res.Body)
		}
		if n := count(t, st); n != 2 {
			t.Errorf("%d shipments, want 2", n)
		}
	}, storetest.WithClock(clock))
}

// requestHash returns the hash the Idempotency-Key middleware keeps for
// the customer's create of body().
func requestHash(t *testing.T, h *apptest.Harness, key map[string]string) string {
	t.Helper()
	js, err := json.Marshal(body())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(customer.Subject + "\nPOST /v1/shipments\n" + string(js)))
	return hex.EncodeToString(sum[:])
}
