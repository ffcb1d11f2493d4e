package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// benchClients is how many clients the store benchmarks run at once.
const benchClients = 64

// benchStore returns a store on a fresh MySQL database, pooling 4
// connections as a function instance does; without LOGIFN_TEST_MYSQL_DSN
// the benchmark is skipped.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	return storetest.MySQL(b)
}

// benchStations creates the stations storetest.Shipment uses, in tenant t1.
func benchStations(b *testing.B, s *store.Store) {
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := s.PutStation(context.Background(), storetest.Station("t1", code)); err != nil {
			b.Fatal(err)
		}
	}
}

func runParallel(b *testing.B, op func() error) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((benchClients + procs - 1) / procs)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil {
				panic(err)
			}
		}
	})
}

// BenchmarkNextWaybill allocates waybill numbers of one tenant from many
// clients at once: each is one statement on the counter's row.
func BenchmarkNextWaybill(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	runParallel(b, func() error {
		_, err := s.NextWaybill(ctx, "t1")
		return err
	})
}

// BenchmarkCreateShipment creates shipments of one tenant from many
// clients at once.
func BenchmarkCreateShipment(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	benchStations(b, s)
	runParallel(b, func() error {
		_, err := s.CreateShipment(ctx, storetest.Shipment("t1"), "cust-1", "")
		return err
	})
}

// BenchmarkListFloor lists a 20-shipment page one call at a time, also
// with the read on the pool as before Store.read took a connection for
// it, and beside them runs the page's own statement straight through
// database/sql on a pool of the driver's own connections, prepared, its
// rows read as bytes and not taken apart: under a deadline as a request's,
// and without one. It reports the CPU time of this process per call
// (cpu-us/op): what a listing costs at least through database/sql and
// this driver, on this machine.
func BenchmarkListFloor(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	benchStations(b, s)
	for range 20 {
		sh := storetest.Shipment("t1")
		sh.CustomerID, sh.Items = "c1", append(sh.Items, sh.Items[0])
		if _, err := s.CreateShipment(ctx, sh, "c1", ""); err != nil {
			b.Fatal(err)
		}
	}
	f := store.ShipmentFilter{CustomerID: "c1", Limit: 21}
	query, args := store.PageQuery(s, "t1", f)
	cfg, err := mysql.ParseDSN(os.Getenv(storetest.MySQLDSNEnv))
	if err != nil {
		b.Fatal(err)
	}
	cfg.DBName = dbName(b, s)
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		b.Fatal(err)
	}
	raw := sql.OpenDB(conn)
	defer raw.Close()
	stmt, err := raw.Prepare(query)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	rawPage := func(ctx context.Context) error {
		rows, err := stmt.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		n, packed := 0, sql.RawBytes{}
		for rows.Next() {
			if err := rows.Scan(&packed); err != nil {
				return err
			}
			n++
		}
		if n != 20 {
			return fmt.Errorf("%d rows, want 20", n)
		}
		return rows.Err()
	}
	// The store's listing, and the same with the read run on the pool
	// under the request's context, database/sql watching it.
	pool := store.OnThePool(s)
	list := func(ctx context.Context, s *store.Store) error {
		list, err := s.ListShipments(ctx, "t1", f)
		if err == nil && len(list) != 20 {
			err = fmt.Errorf("%d shipments, want 20", len(list))
		}
		return err
	}
	for _, c := range []struct {
		name string
		call func(ctx context.Context) error
		// deadline: the call runs under one, as a request's.
		deadline bool
	}{
		{"store", func(ctx context.Context) error { return list(ctx, s) }, true},
		{"store-on-the-pool", func(ctx context.Context) error { return list(ctx, pool) }, true},
		{"database-sql", rawPage, true},
		{"database-sql-no-deadline", rawPage, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			start := apptest.CPUTime()
			for b.Loop() {
				ctx, cancel := ctx, context.CancelFunc(func() {})
				if c.deadline {
					ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
				}
				err := c.call(ctx)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
			}
			apptest.ReportCPU(b, start)
		})
	}
}

// dbName returns the name of the database s is on.
func dbName(b *testing.B, s *store.Store) string {
	var name string
	if err := store.DB(s).QueryRow(`SELECT DATABASE()`).Scan(&name); err != nil {
		b.Fatal(err)
	}
	return name
}
