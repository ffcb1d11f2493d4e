package stalesweep_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	stalesweep "github.com/logifn/logifn/functions/stale-sweep"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// benchSizeEnv overrides the number of shipments BenchmarkStaleSweep1M
// seeds.
const benchSizeEnv = "LOGIFN_BENCH_SHIPMENTS"

// BenchmarkStaleSweep1M sweeps a MySQL tenant of a million shipments: 60%
// in transit, 20% out for delivery, 20% delivered, their last events spread
// over the past three days, so that about 570 000 are stale. It reports
// the alerts raised per second, the peak heap the sweep added, and how
// long a second sweep (nothing left to alert) takes. Run it alone, once:
//
//	LOGIFN_TEST_MYSQL_DSN=... go test -run '^$' -bench StaleSweep1M -benchtime 1x ./functions/stale-sweep/
func BenchmarkStaleSweep1M(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv(benchSizeEnv); v != "" {
		n, _ = strconv.Atoi(v)
	}
	dsn := storetest.MySQLDSN(b)
	st, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 10, 12, 15, 0, 0, time.UTC)
	start := time.Now()
	seed(b, st, dsn, n, now)
	b.Logf("seeded %d shipments in %s", n, time.Since(start).Round(time.Millisecond))

	ctx := context.Background()
	for range b.N {
		runtime.GC()
		peak, stop := watchHeap()
		b.ResetTimer()
		t0 := time.Now()
		alerts, err := stalesweep.Sweep(ctx, st, "bench", now)
		took := time.Since(t0)
		b.StopTimer()
		grown := stop()
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		again, err := stalesweep.Sweep(ctx, st, "bench", now) // the same tick again
		if err != nil || again != 0 {
			b.Fatalf("second sweep raised %d (%v), want 0", again, err)
		}
		b.ReportMetric(float64(alerts), "alerts")
		b.ReportMetric(float64(alerts)/took.Seconds(), "alerts/s")
		b.ReportMetric(float64(n)/took.Seconds(), "shipments/s")
		b.ReportMetric(float64(grown)/(1<<20), "peak-heap-MB")
		b.ReportMetric(time.Since(t1).Seconds(), "resweep-s")
		b.Logf("first sweep: %d alerts in %s, peak heap +%.1f MB (baseline %.1f MB); second sweep %s",
			alerts, took.Round(time.Millisecond), float64(grown)/(1<<20), float64(peak)/(1<<20), time.Since(t1).Round(time.Millisecond))
	}
}

// watchHeap samples the heap until stop is called, which returns how far
// it grew above where it was at the start.
func watchHeap() (base uint64, stop func() uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base = ms.HeapAlloc
	var (
		mu   sync.Mutex
		peak = base
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				mu.Lock()
				peak = max(peak, ms.HeapAlloc)
				mu.Unlock()
			}
		}
	}()
	return base, func() uint64 {
		close(done)
		wg.Wait()
		return peak - base
	}
}

// seed writes n shipments of tenant "bench" with multi-row INSERTs, from
// four connections at once.
func seed(b *testing.B, st *store.Store, dsn string, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := st.PutStation(ctx, storetest.Station("bench", code)); err != nil {
			b.Fatal(err)
		}
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ParseTime, cfg.Loc = true, time.UTC
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	const batch, workers = 2000, 4
	next := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range next {
				if err := insertShipments(ctx, db, from, min(batch, n-from), now); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for from := 0; from < n; from += batch {
		next <- from
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

func insertShipments(ctx context.Context, db *sql.DB, from, count int, now time.Time) error {
	const cols = 25
	var q strings.Builder
	q.WriteString(`INSERT INTO shipments (tenant_id, waybill, customer_id, sender_name, sender_phone, sender_province,
		sender_city, sender_district, sender_detail, receiver_name, receiver_phone, receiver_province, receiver_city,
		receiver_district, receiver_detail, service_level, origin_station, destination_station, currency, status,
		version, created_at, updated_at, last_event_at, fee_amount) VALUES `)
	args := make([]any, 0, count*cols)
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for i := from; i < from+count; i++ {
		if i > from {
			q.WriteString(", ")
		}
		q.WriteString(row)
		status := "in_transit"
		switch i % 10 {
		case 6, 7:
			status = "out_for_delivery"
		case 8, 9:
			status = "delivered"
		}
		last := now.Add(-time.Duration(i%4320) * time.Minute) // up to three days of silence
		created := last.Add(-24 * time.Hour)
		args = append(args, "bench", fmt.Sprintf("BW%010d", i), "cust-1", "张三", "+86 138-0000-0001", "上海市",
			"上海市", "浦东新区", "世纪大道 100 号", "李四", "13900000002", "北京市", "北京市", "朝阳区", "建国路 1 号",
			"standard", storetest.OriginStation, storetest.DestinationStation, "CNY", status, 3, created, last, last, 1200)
	}
	_, err := db.ExecContext(ctx, q.String(), args...)
	return err
}
