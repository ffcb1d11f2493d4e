package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// commitHolder is a TCP proxy to MySQL that holds every COMMIT a client
// sends, while armed, until the test releases it: a database that stalls
// just as a transaction commits.
type commitHolder struct {
	target  string
	ln      net.Listener
	mu      sync.Mutex
	armed   bool
	held    chan struct{} // closed when a COMMIT is held
	release chan struct{}
}

func newCommitHolder(t *testing.T, target string) *commitHolder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &commitHolder{target: target, ln: ln, held: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go h.pipe(c)
		}
	}()
	return h
}

func (h *commitHolder) pipe(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", h.target)
	if err != nil {
		return
	}
	defer server.Close()
	go io.Copy(client, server)
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 && bytes.Contains(buf[:n], []byte("COMMIT")) && h.hold() {
			<-h.release
		}
		if n > 0 {
			if _, err := server.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// hold reports whether to hold a COMMIT, and says it is held.
func (h *commitHolder) hold() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.armed {
		return false
	}
	h.armed = false
	close(h.held)
	return true
}

// driverDialNet is a network name whose connections the store leaves to
// the driver's own handling of contexts.
const driverDialNet = "logifn-test-driver-dial"

// TestCommitKeepsTheDeadline checks that a write whose COMMIT gets no
// answer returns when its context ends, as unavailable, rather than when
// the database answers; and that the transaction is then whole or absent.
// A context is cancelled (a caller gone) or reaches its deadline, which
// the connection keeps on its socket, or the store itself when the
// connection is left to the driver.
func TestCommitKeepsTheDeadline(t *testing.T) {
	// A network of its own makes the store keep the driver's own handling
	// of contexts (newSocketConnector): the COMMIT's deadline is then the
	// store's to keep.
	mysql.RegisterDialContext(driverDialNet, func(ctx context.Context, addr string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	})
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		end  func(context.CancelFunc) // while the COMMIT is held
		want error
		net  string // the DSN's network; tcp when empty
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, func(cancel context.CancelFunc) { cancel() }, context.Canceled, ""},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 3*time.Second)
		}, func(context.CancelFunc) {}, context.DeadlineExceeded, ""},
		{"deadline, driver's own handling", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 3*time.Second)
		}, func(context.CancelFunc) {}, context.DeadlineExceeded, driverDialNet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := storetest.MySQLDSN(t)
			cfg, err := mysql.ParseDSN(dsn)
			if err != nil {
				t.Fatal(err)
			}
			h := newCommitHolder(t, cfg.Addr)
			cfg.Addr = h.ln.Addr().String()
			if tc.net != "" {
				cfg.Net = tc.net
			}
			s, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: cfg.FormatDSN()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			seedStations(t, s, "t1")

			h.mu.Lock()
			h.armed = true
			h.mu.Unlock()
			ctx, cancel := tc.ctx()
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := s.PriceAndCreateShipment(ctx, storetest.Shipment("t1"), "cust-1", "")
				done <- err
			}()
			select {
			case <-h.held:
			case err := <-done:
				t.Fatalf("the create ended before its COMMIT: %v", err)
			}
			tc.end(cancel)
			select {
			case err := <-done:
				wantKind(t, err, domain.KindUnavailable)
				if !errors.Is(err, tc.want) {
					t.Errorf("got %v, want %v", err, tc.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the create still waits for its COMMIT after its context ended")
			}
			close(h.release)
			list, err := s.ListShipments(context.Background(), "t1", store.ShipmentFilter{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, sh := range list {
				full, err := s.ShipmentByWaybill(context.Background(), "t1", sh.Waybill)
				if err != nil || len(full.Items) == 0 {
					t.Errorf("shipment %s stored without its items: %+v, %v", sh.Waybill, full, err)
				}
			}
		})
	}
}
