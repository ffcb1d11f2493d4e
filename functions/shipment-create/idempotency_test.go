package shipmentcreate_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
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
