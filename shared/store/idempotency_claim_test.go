package store_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// claimFor returns a claim on key whose answer is the shipment's waybill.
func claimFor(key string) *store.IdempotencyClaim {
	return &store.IdempotencyClaim{Tenant: "t1", Key: key, RequestHash: "hash-" + key, TTL: ttl,
		Answer: func(result any) (int, http.Header, []byte, error) {
			sh := result.(*domain.Shipment)
			body, err := json.Marshal(map[string]any{"waybill": sh.Waybill, "version": sh.Version})
			return http.StatusCreated, http.Header{"Location": {"/v1/shipments/" + sh.Waybill.String()}}, body, err
		}}
}

func TestClaimRecordedWithTheShipment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedStations(t, s, "t1")
		ctx := context.Background()
		c := claimFor("k1")
		sh := storetest.Shipment("t1")
		created, err := s.PriceAndCreateShipment(store.WithIdempotencyClaim(ctx, c), sh, "cust-1", "k1")
		if err != nil || !created {
			t.Fatalf("create: created %v, err %v", created, err)
		}
		if !c.Recorded() || c.Taken() {
			t.Errorf("claim recorded %v, taken %v; want true, false", c.Recorded(), c.Taken())
		}
		rec, takeOver, err := s.LookupIdempotencyKey(ctx, "t1", "k1", "hash-k1")
		if err != nil || takeOver {
			t.Fatalf("lookup: takeOver %v, err %v", takeOver, err)
		}
		want, _ := json.Marshal(map[string]any{"waybill": sh.Waybill, "version": 1})
		if !rec.Done || rec.Status != 201 || string(rec.Body) != string(want) || rec.Header.Get("Location") != "/v1/shipments/"+sh.Waybill.String() {
			t.Errorf("record = done %v %d %s %v, want done 201 %s with the Location", rec.Done, rec.Status, rec.Body, rec.Header, want)
		}
	})
}

// TestClaimNotRecordedWhenTheWriteFails checks that the key's record rolls
// back with a creation that fails: the caller's answer is an error the
// middleware decides about.
func TestClaimNotRecordedWhenTheWriteFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedStations(t, s, "t1")
		ctx := context.Background()
		c := claimFor("k1")
		sh := storetest.Shipment("t1")
		sh.DestinationStation = "NOPE"
		_, err := s.CreateShipment(store.WithIdempotencyClaim(ctx, c), sh, "cust-1", "k1")
		wantKind(t, err, domain.KindUnprocessable)
		if c.Recorded() || c.Taken() {
			t.Errorf("claim recorded %v, taken %v; want false, false", c.Recorded(), c.Taken())
		}
		_, _, err = s.LookupIdempotencyKey(ctx, "t1", "k1", "hash-k1")
		wantKind(t, err, domain.KindNotFound)
	})
}

// TestClaimRaceStoresOneShipment runs creations with the same new key at
// once: one stores the shipment and the key, the others roll back with
// their claims taken, and nothing of theirs stays.
func TestClaimRaceStoresOneShipment(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		stores := openStores(t, driver, dsn, 4)
		seedStations(t, stores[0], "t1")
		ctx := context.Background()
		claims := make([]*store.IdempotencyClaim, len(stores))
		errs := make([]error, len(stores))
		var wg sync.WaitGroup
		for i, s := range stores {
			claims[i] = claimFor("same")
			wg.Go(func() {
				_, errs[i] = s.PriceAndCreateShipment(store.WithIdempotencyClaim(ctx, claims[i]), storetest.Shipment("t1"), "cust-1", "same")
			})
		}
		wg.Wait()
		recorded := 0
		for i, c := range claims {
			switch {
			case c.Recorded() && errs[i] == nil:
				recorded++
			case c.Taken():
				wantKind(t, errs[i], domain.KindConflict)
			default:
				t.Errorf("creation %d: recorded %v, taken %v, err %v; want recorded or taken", i, c.Recorded(), c.Taken(), errs[i])
			}
		}
		list, err := stores[0].ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if recorded != 1 || len(list) != 1 {
			t.Fatalf("%d claims recorded, %d shipments stored; want 1, 1", recorded, len(list))
		}
		rec, _, err := stores[0].LookupIdempotencyKey(ctx, "t1", "same", "hash-same")
		if err != nil || !rec.Done || rec.Header.Get("Location") != "/v1/shipments/"+list[0].Waybill.String() {
			t.Errorf("record %+v, err %v; want done, locating %s", rec, err, list[0].Waybill)
		}
	})
}

func TestStoreIdempotencyAnswerAndLookup(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, _, err := s.LookupIdempotencyKey(ctx, "t1", "k1", "hash-1")
		wantKind(t, err, domain.KindNotFound)
		body := []byte(`{"error":{"code":"validation_failed"}}`)
		if err := s.StoreIdempotencyAnswer(ctx, "t1", "k1", "hash-1", ttl, 422, http.Header{"Content-Type": {"application/json"}}, body); err != nil {
			t.Fatal(err)
		}
		rec, takeOver, err := s.LookupIdempotencyKey(ctx, "t1", "k1", "hash-1")
		if err != nil || takeOver || !rec.Done || rec.Status != 422 || string(rec.Body) != string(body) || rec.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("lookup: %+v takeOver %v err %v; want the stored 422", rec, takeOver, err)
		}
		err = s.StoreIdempotencyAnswer(ctx, "t1", "k1", "hash-1", ttl, 201, nil, nil)
		wantKind(t, err, domain.KindConflict)

		// A pending key is left to its request until its lease runs out.
		if _, reserved, err := s.ReserveIdempotencyKey(ctx, "t1", "k2", "hash-2", ttl, lease); err != nil || !reserved {
			t.Fatalf("reserve: reserved %v, err %v", reserved, err)
		}
		if _, takeOver, err := s.LookupIdempotencyKey(ctx, "t1", "k2", "hash-2"); err != nil || takeOver {
			t.Errorf("pending key: takeOver %v, err %v; want false", takeOver, err)
		}
		clk.Advance(lease)
		if _, takeOver, err := s.LookupIdempotencyKey(ctx, "t1", "k2", "hash-2"); err != nil || !takeOver {
			t.Errorf("pending key past its lease: takeOver %v, err %v; want true", takeOver, err)
		}
		clk.Advance(ttl)
		if _, takeOver, err := s.LookupIdempotencyKey(ctx, "t1", "k1", "hash-1"); err != nil || !takeOver {
			t.Errorf("expired key: takeOver %v, err %v; want true", takeOver, err)
		}
	}, storetest.WithClock(clk.Now))
}

// TestClaimOfAStoredKeyIsTakenBeforeAnyWrite checks that a creation whose
// key has a record already stops at its first read: the claim is taken,
// and not even a waybill number is spent.
func TestClaimOfAStoredKeyIsTakenBeforeAnyWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedStations(t, s, "t1")
		ctx := context.Background()
		before := mustCreate(t, s, storetest.Shipment("t1"))
		if err := s.StoreIdempotencyAnswer(ctx, "t1", "k1", "hash-k1", ttl, 422, nil, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		c := claimFor("k1")
		_, err := s.PriceAndCreateShipment(store.WithIdempotencyClaim(ctx, c), storetest.Shipment("t1"), "cust-1", "k1")
		wantKind(t, err, domain.KindConflict)
		if !c.Taken() || c.Recorded() {
			t.Errorf("claim taken %v, recorded %v; want true, false", c.Taken(), c.Recorded())
		}
		after := mustCreate(t, s, storetest.Shipment("t1"))
		next := before.Waybill.Serial() + 1
		for ; ; next++ {
			if _, err := domain.NewWaybill(next); err == nil {
				break
			}
		}
		if after.Waybill.Serial() != next {
			t.Errorf("next shipment got serial %d, want %d: a serial was spent on the taken claim", after.Waybill.Serial(), next)
		}
	})
}
