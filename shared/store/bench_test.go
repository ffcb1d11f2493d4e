package store_test

import (
	"context"
	"runtime"
	"testing"

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
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := s.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			b.Fatal(err)
		}
	}
	runParallel(b, func() error {
		_, err := s.CreateShipment(ctx, storetest.Shipment("t1"), "cust-1", "")
		return err
	})
}
