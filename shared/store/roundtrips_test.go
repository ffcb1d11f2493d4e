package store_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// statements counts what a MySQL session sends: the server's Questions
// counter of the one connection the pool keeps.
type statements struct {
	t  *testing.T
	db *sql.DB
}

// countStatements pins the pool of s to one connection, so that the
// session counters it reads are those of every statement s sends.
func countStatements(t *testing.T, s *store.Store) statements {
	db := store.DB(s)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return statements{t: t, db: db}
}

func (c statements) now() int64 {
	c.t.Helper()
	var name string
	var n int64
	if err := c.db.QueryRow(`SHOW SESSION STATUS LIKE 'Questions'`).Scan(&name, &n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

// during returns how many statements fn sends, not counting the SHOW that
// reads the counter afterwards.
func (c statements) during(fn func()) int64 {
	c.t.Helper()
	before := c.now()
	fn()
	return c.now() - before - 1
}

// TestWriteStatements pins down the statements that creating a shipment
// and moving it on cost on MySQL: each is a round trip, and round trips
// bound how many writes a small pool serves per second.
func TestWriteStatements(t *testing.T) {
	s := storetest.MySQL(t)
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := s.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			t.Fatal(err)
		}
	}
	c := countStatements(t, s)
	var last *domain.Shipment
	priced := func(key string) func() {
		return func() {
			last = storetest.Shipment("t1")
			if _, err := s.PriceAndCreateShipment(ctx, last, "cust-1", key); err != nil {
				t.Fatal(err)
			}
		}
	}
	priced("")() // the waybill counter's first use creates it
	for _, tt := range []struct {
		name      string
		endpoints int
		op        func()
		// One query for the stations, rate cards and endpoints; the
		// waybill counter's update; then BEGIN, the shipment, its items,
		// its tracking event, its webhook stream and event, COMMIT.
		want int64
	}{
		{"priced create", 0, priced(""), 9},
		{"priced create with a request key", 0, priced("req-1"), 9},
		{"plain create", 0, func() { last = mustCreate(t, s, storetest.Shipment("t1")) }, 9}, // endpoints read in the transaction
		{"status change", 0, func() {
			record(t, s, last, domain.TrackingEvent{Type: domain.ScanPickup, Station: storetest.OriginStation}, domain.StatusPickedUp)
		}, 10},
		{"priced create, an endpoint subscribed", 1, priced(""), 10}, // and its delivery
		// With the endpoint above: and the Idempotency-Key's record, done,
		// as the transaction's first statement.
		{"priced create recording an idempotency key", 0, func() {
			last = storetest.Shipment("t1")
			c := &store.IdempotencyClaim{Tenant: "t1", Key: "req-2", RequestHash: "h", TTL: time.Hour,
				Answer: func(any) (int, http.Header, []byte, error) { return 201, nil, []byte("{}"), nil }}
			if _, err := s.PriceAndCreateShipment(store.WithIdempotencyClaim(ctx, c), last, "cust-1", "req-2"); err != nil || !c.Recorded() {
				t.Fatalf("create: recorded %v, err %v", c.Recorded(), err)
			}
		}, 11},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for range tt.endpoints {
				e := &webhook.Endpoint{Tenant: "t1", URL: "https://example.com/hook", Secret: "s3cret",
					EventTypes: []webhook.EventType{webhook.EventStatusChanged}}
				if err := s.CreateWebhookEndpoint(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			before := last
			got := c.during(tt.op)
			want := tt.want
			if last != before {
				// A serial without a check digit costs the counter's
				// update again.
				want += last.Waybill.Serial() - before.Waybill.Serial() - 1
			}
			if got != want {
				t.Errorf("got %d statements, want %d", got, want)
			}
		})
	}
}
