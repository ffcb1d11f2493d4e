package scanfileingest_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// The benchmark's file: benchShipments shipments, each scanned five times
// (pickup to deliver), a line per scan.
const (
	benchShipments = 20000
	benchLines     = 5 * benchShipments
	rawPerInsert   = 500
)

var benchTypes = []domain.ScanType{domain.ScanPickup, domain.ScanArrive, domain.ScanDepart, domain.ScanOutForDelivery, domain.ScanDeliver}

// benchWorld is a fresh database (MySQL when LOGIFN_TEST_MYSQL_DSN is set,
// else SQLite) with the benchmark's shipments, and the scan file in a
// bucket.
type benchWorld struct {
	driver string
	db     *sql.DB // the same database, for raw statements
	st     *store.Store
	bucket *memblob.Store
	ids    []int64
	wbs    []domain.Waybill
	event  platform.ObjectCreated
}

func newBenchWorld(b *testing.B) *benchWorld {
	b.Helper()
	w := &benchWorld{driver: store.DriverSQLite, bucket: memblob.New(bucket)}
	var dsn, rawDSN string
	if os.Getenv(storetest.MySQLDSNEnv) != "" {
		w.driver = store.DriverMySQL
		dsn = storetest.MySQLDSN(b)
		rawDSN = dsn + "&parseTime=true"
		if !strings.Contains(dsn, "?") {
			rawDSN = dsn + "?parseTime=true"
		}
	} else {
		dsn = storetest.SQLitePath(b)
		rawDSN = "file:" + dsn + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	}
	st, err := store.Open(store.Config{Driver: w.driver, DSN: dsn, Now: func() time.Time { return start.Add(48 * time.Hour) }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	w.st = st
	if w.db, err = sql.Open(w.driver, rawDSN); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.db.Close() })
	w.seed(b)
	w.createRawTable(b)
	w.event = w.put(b)
	return w
}

// rawTable is where the raw baseline writes: a table shaped like
// tracking_events, with its index and foreign key, so that the baseline
// pays for what an event row costs and nothing of what ingest does besides.
const rawTable = "bench_raw_events"

func (w *benchWorld) createRawTable(b *testing.B) {
	b.Helper()
	ddl := []string{`CREATE TABLE ` + rawTable + ` (
		id BIGINT NOT NULL AUTO_INCREMENT, tenant_id VARCHAR(64) NOT NULL, shipment_id BIGINT NOT NULL,
		waybill VARCHAR(32) NOT NULL, scan_type VARCHAR(32) NOT NULL, status VARCHAR(32) NOT NULL,
		station_code VARCHAR(32) NOT NULL, actor VARCHAR(128) NOT NULL, source VARCHAR(32) NOT NULL,
		incident_reason VARCHAR(200) NOT NULL, note TEXT NOT NULL, occurred_at DATETIME(6) NOT NULL,
		recorded_at DATETIME(6) NOT NULL, PRIMARY KEY (id),
		KEY bench_raw_events_shipment (tenant_id, shipment_id, occurred_at, id),
		CONSTRAINT bench_raw_events_shipment FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id)
	) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`}
	if w.driver == store.DriverSQLite {
		ddl = []string{`CREATE TABLE ` + rawTable + ` (
			id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, shipment_id INTEGER NOT NULL,
			waybill TEXT NOT NULL, scan_type TEXT NOT NULL, status TEXT NOT NULL, station_code TEXT NOT NULL,
			actor TEXT NOT NULL, source TEXT NOT NULL, incident_reason TEXT NOT NULL, note TEXT NOT NULL,
			occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
			FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id)
		) STRICT`,
			`CREATE INDEX bench_raw_events_shipment ON ` + rawTable + ` (tenant_id, shipment_id, occurred_at, id)`}
	}
	for _, q := range ddl {
		if _, err := w.db.ExecContext(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

// timeArg is t as the driver's time columns take it.
func (w *benchWorld) timeArg(t time.Time) any {
	if w.driver == store.DriverSQLite {
		return t.UTC().Format("2006-01-02 15:04:05.000000")
	}
	return t.UTC()
}

// seed writes the stations and, with multi-row inserts, the shipments.
func (w *benchWorld) seed(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := w.st.PutStation(ctx, storetest.Station(tenant, code)); err != nil {
			b.Fatal(err)
		}
	}
	for serial := int64(1); len(w.wbs) < benchShipments; serial++ {
		if wb, err := domain.NewWaybill(serial); err == nil {
			w.wbs = append(w.wbs, wb)
		}
	}
	created := w.timeArg(start)
	const cols = 26
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for i := 0; i < len(w.wbs); i += rawPerInsert {
		part := w.wbs[i:min(i+rawPerInsert, len(w.wbs))]
		args := make([]any, 0, len(part)*cols)
		for _, wb := range part {
			args = append(args, tenant, wb, "cust-1", nil, "张三", "+86 138-0000-0001", "上海市", "上海市", "浦东新区", "世纪大道 100 号",
				"李四", "13900000002", "北京市", "北京市", "朝阳区", "建国路 1 号", "standard", storetest.OriginStation,
				storetest.DestinationStation, "CNY", domain.StatusCreated, 1, created, created, created, 0)
		}
		_, err := w.db.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key, sender_name,
			sender_phone, sender_province, sender_city, sender_district, sender_detail, receiver_name, receiver_phone,
			receiver_province, receiver_city, receiver_district, receiver_detail, service_level, origin_station,
			destination_station, currency, status, version, created_at, updated_at, last_event_at, fee_amount)
			VALUES `+row+strings.Repeat(", "+row, len(part)-1), args...)
		if err != nil {
			b.Fatal(err)
		}
	}
	rows, err := w.db.QueryContext(ctx, `SELECT id FROM shipments WHERE tenant_id = ? ORDER BY id`, tenant)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		w.ids = append(w.ids, id)
	}
	if len(w.ids) != benchShipments {
		b.Fatalf("seeded %d shipments, want %d", len(w.ids), benchShipments)
	}
}

// occurred is when scan round r of shipment i happened.
func occurred(r, i int) time.Time {
	return start.Add(time.Duration(r)*time.Hour + time.Duration(i)*time.Millisecond)
}

// put writes the scan file: round after round, every shipment's next scan.
func (w *benchWorld) put(b *testing.B) platform.ObjectCreated {
	b.Helper()
	var sb strings.Builder
	sb.WriteString(csvHeader)
	for r, typ := range benchTypes {
		for i, wb := range w.wbs {
			fmt.Fprintf(&sb, "%s,%s,%s,%s,scanner-%d,,\n", wb, typ, station, occurred(r, i).Format(time.RFC3339Nano), i%40)
		}
	}
	const key = "scans/t1/SHA01/bench.csv"
	obj, err := w.bucket.Put(context.Background(), key, strings.NewReader(sb.String()), int64(sb.Len()), "text/csv")
	if err != nil {
		b.Fatal(err)
	}
	return platform.ObjectCreated{Bucket: bucket, Key: key, Size: obj.Size, ETag: obj.ETag}
}

// ingest applies the file and checks every line moved its shipment.
func (w *benchWorld) ingest(b *testing.B) {
	b.Helper()
	fn := scanfileingest.New(w.st, w.bucket, func() time.Time { return start.Add(48 * time.Hour) }, scanfileingest.Options{ChunkBytes: 1 << 30})
	if err := fn.Object(context.Background(), w.event); err != nil {
		b.Fatal(err)
	}
	f, err := w.st.ScanFile(context.Background(), tenant, bucket, w.event.Key, w.event.ETag)
	if err != nil {
		b.Fatal(err)
	}
	if counts, err := w.st.ScanOutcomes(context.Background(), tenant, f.ID); err != nil || counts[scanfileingest.OutcomeCreated] != benchLines {
		b.Fatalf("outcomes %v, %v; want %d created", counts, err, benchLines)
	}
}

// rawInsert writes the events the file's lines stand for straight into
// rawTable, rawPerInsert rows per INSERT (each its own transaction, as each
// batch of the ingest is), returns how long it took, and empties the table
// again.
func (w *benchWorld) rawInsert(b *testing.B) time.Duration {
	b.Helper()
	ctx := context.Background()
	defer func() {
		if _, err := w.db.ExecContext(ctx, `DELETE FROM `+rawTable); err != nil {
			b.Fatal(err)
		}
	}()
	recorded := w.timeArg(start.Add(48 * time.Hour))
	begin := time.Now()
	const cols = 12
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	args := make([]any, 0, rawPerInsert*cols)
	flush := func() {
		n := len(args) / cols
		_, err := w.db.ExecContext(ctx, `INSERT INTO `+rawTable+` (tenant_id, shipment_id, waybill, scan_type, status,
			station_code, actor, source, incident_reason, note, occurred_at, recorded_at) VALUES `+row+strings.Repeat(", "+row, n-1), args...)
		if err != nil {
			b.Fatal(err)
		}
		args = args[:0]
	}
	for r, typ := range benchTypes {
		status, _ := typ.Status()
		for i, wb := range w.wbs {
			args = append(args, tenant, w.ids[i], wb, typ, status, station, fmt.Sprintf("scanner-%d", i%40), domain.SourceScanFile,
				"", "", w.timeArg(occurred(r, i)), recorded)
			if len(args) == rawPerInsert*cols {
				flush()
			}
		}
	}
	if len(args) > 0 {
		flush()
	}
	return time.Since(begin)
}

// BenchmarkIngest100k applies a 100 000-line scan file (MySQL when
// LOGIFN_TEST_MYSQL_DSN is set, else SQLite) and reports lines/s. In the
// same run, just before and just after the ingest, it inserts the same
// number of event rows straight into a table shaped like tracking_events
// with multi-row INSERTs, and reports that rate (raw_rows/s, over both
// runs, so that a machine busier during one of them skews it less), the
// ingest's rate as a fraction of it (of_raw) and how many times longer
// the ingest took (raw_speedup).
func BenchmarkIngest100k(b *testing.B) {
	var ingest, raw time.Duration
	for range b.N {
		b.StopTimer()
		w := newBenchWorld(b)
		raw += w.rawInsert(b)
		b.StartTimer()
		begin := time.Now()
		w.ingest(b)
		ingest += time.Since(begin)
		b.StopTimer()
		raw += w.rawInsert(b)
	}
	lines := float64(benchLines * b.N)
	raw /= 2
	b.ReportMetric(lines/ingest.Seconds(), "lines/s")
	b.ReportMetric(lines/raw.Seconds(), "raw_rows/s")
	b.ReportMetric(raw.Seconds()/ingest.Seconds(), "of_raw")
	b.ReportMetric(ingest.Seconds()/raw.Seconds(), "raw_speedup")
}

// BenchmarkRawInsert100k inserts the rows of the same 100 000 lines
// straight into a table shaped like tracking_events, rawPerInsert rows per
// INSERT, and reports rows/s: the floor under what any ingest can do.
func BenchmarkRawInsert100k(b *testing.B) {
	var raw time.Duration
	for range b.N {
		b.StopTimer()
		w := newBenchWorld(b)
		b.StartTimer()
		raw += w.rawInsert(b)
		b.StopTimer()
	}
	b.ReportMetric(float64(benchLines*b.N)/raw.Seconds(), "rows/s")
}
