package shipmentlist_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// bigCustomer has at least 100 000 shipments in BenchmarkList.
const bigCustomer = 100_000

// BenchmarkList serves the first page (20) of one customer's shipments
// through the whole in-process stack, one call at a time, for a customer
// with 10 shipments, one with 20 (a full page), one with 1 000 and one
// with over 100 000 in the same tenant, and
// reports the CPU time of each call (cpu-us/op). A listing walks an index
// that starts with the tenant and the customer, so a full page should cost
// the same for every customer. The large customers are seeded with SQL, so it runs on MySQL only;
// the plans of the listings' queries are logged.
func BenchmarkList(b *testing.B) {
	db := apptest.NewBenchDB(b, 4)
	if db.Raw == nil {
		b.Skip("seeding 100 000 shipments needs MySQL: set LOGIFN_TEST_MYSQL_DSN")
	}
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := db.Store.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 20 {
		for _, c := range []string{"small", "twenty", "thousand", "big"} {
			if c == "small" && i >= 10 {
				continue
			}
			sh := storetest.Shipment("t1")
			sh.CustomerID = c
			sh.Items = append(sh.Items, sh.Items[0])
			if _, err := db.Store.CreateShipment(ctx, sh, c, ""); err != nil {
				b.Fatal(i, err)
			}
		}
	}
	thousand := grow(b, db, "thousand", "T", 1000)
	n := grow(b, db, "big", "B", bigCustomer)
	if _, err := db.Raw.ExecContext(ctx, `ANALYZE TABLE shipments, shipment_items`); err != nil {
		b.Fatal(err)
	}
	logPlans(b, db)
	h := apptest.NewBench(b, db.Store, shipmentlist.Spec())
	for _, c := range []struct {
		name, customer string
		count          int
	}{{"customer-10", "small", 10}, {"customer-20", "twenty", 20}, {fmt.Sprintf("customer-%d", thousand), "thousand", thousand},
		{fmt.Sprintf("customer-%d", n), "big", n}} {
		auth := "Bearer " + h.Token(domain.Principal{Tenant: "t1", Subject: c.customer, Role: domain.RoleCustomer})
		b.Run(c.name, func(b *testing.B) {
			call := func() *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodGet, "/v1/shipments?limit=20", nil)
				r.Header.Set("Authorization", auth)
				w := httptest.NewRecorder()
				h.Handler.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %.200s", w.Code, w.Body)
				}
				return w
			}
			var page shipmentlist.Page
			if w := call(); json.Unmarshal(w.Body.Bytes(), &page) != nil || len(page.Shipments) != min(20, c.count) {
				b.Fatalf("%d shipments, want %d: %.200s", len(page.Shipments), min(20, c.count), w.Body)
			}
			b.ReportAllocs()
			start := apptest.CPUTime()
			for b.Loop() {
				call()
			}
			apptest.ReportCPU(b, start)
		})
		// The same page read from the store alone, under a deadline as a
		// request's: the database's share of the call.
		b.Run("store/"+c.name, func(b *testing.B) {
			f := store.ShipmentFilter{CustomerID: c.customer, Limit: 21}
			b.ReportAllocs()
			start := apptest.CPUTime()
			for b.Loop() {
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				if _, err := db.Store.ListShipments(ctx, "t1", f); err != nil {
					b.Fatal(err)
				}
				cancel()
			}
			apptest.ReportCPU(b, start)
		})
	}
}

// grow copies the 20 shipments of customer, and their items, under new
// waybill numbers starting with prefix, until the customer has at least
// want, and returns how many it has. The ids grow, so the copies are the
// newest.
func grow(b *testing.B, db apptest.BenchDB, customer, prefix string, want int) int {
	ctx := context.Background()
	n := 20
	for round := 0; n < want; round++ {
		_, err := db.Raw.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key,
			sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
			receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
			service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
			status, version, created_at, updated_at, last_event_at)
			SELECT tenant_id, CONCAT(?, ?, '-', id), customer_id, NULL,
			sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
			receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
			service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
			status, version, created_at, updated_at, last_event_at
			FROM shipments WHERE tenant_id = 't1' AND customer_id = ? ORDER BY id LIMIT ?`, prefix, round, customer, want-n)
		if err != nil {
			b.Fatal(err)
		}
		n = min(2*n, want)
	}
	_, err := db.Raw.ExecContext(ctx, `INSERT INTO shipment_items (tenant_id, shipment_id, seq, name, quantity,
		weight_g, length_mm, width_mm, height_mm, declared_value)
		SELECT s.tenant_id, s.id, i.seq, i.name, i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm, i.declared_value
		FROM shipments s JOIN shipment_items i ON i.tenant_id = s.tenant_id
		AND i.shipment_id = (SELECT MIN(id) FROM shipments WHERE tenant_id = 't1' AND customer_id = ?)
		WHERE s.tenant_id = 't1' AND s.customer_id = ? AND s.waybill LIKE CONCAT(?, '%')`, customer, customer, prefix)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// logPlans logs how MySQL runs the listings' queries for the big customer.
func logPlans(b *testing.B, db apptest.BenchDB) {
	for _, q := range []string{
		`SELECT id FROM shipments WHERE tenant_id = 't1' AND customer_id = 'big' ORDER BY id DESC LIMIT 21`,
		// GET /v1/shipments (shared/store.ListShipments): the page's ids on
		// the index alone, then its shipments and their items by key.
		`WITH p AS (SELECT id FROM shipments WHERE tenant_id = 't1' AND customer_id = 'big' ORDER BY id DESC LIMIT 21)
		SELECT s.id, 0 AS seq, s.waybill FROM p JOIN shipments s ON s.tenant_id = 't1' AND s.id = p.id
		UNION ALL SELECT i.shipment_id, i.seq, i.name FROM p JOIN shipment_items i ON i.tenant_id = 't1' AND i.shipment_id = p.id`,
		// GET /v1/items?station=SHA01 (shared/store.ListItems): the page's
		// shipments first, on the station indexes, then their items.
		`SELECT i.shipment_id, i.seq, s.waybill FROM (SELECT * FROM (SELECT id, tenant_id, waybill FROM shipments
		WHERE tenant_id = 't1' AND origin_station = 'SHA01' ORDER BY id DESC LIMIT 51) AS o
		UNION ALL SELECT * FROM (SELECT id, tenant_id, waybill FROM shipments WHERE tenant_id = 't1'
		AND destination_station = 'SHA01' AND origin_station <> 'SHA01' ORDER BY id DESC LIMIT 51) AS d
		ORDER BY id DESC LIMIT 51) AS s JOIN shipment_items i ON i.tenant_id = s.tenant_id AND i.shipment_id = s.id
		ORDER BY i.shipment_id DESC, i.seq LIMIT 50`,
	} {
		rows, err := db.Raw.Query("EXPLAIN " + q)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		var plan []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			var parts []string
			for i, c := range cols {
				if v, ok := vals[i].([]byte); ok {
					vals[i] = string(v)
				}
				if c != "possible_keys" {
					parts = append(parts, fmt.Sprintf("%s=%v", c, vals[i]))
				}
			}
			plan = append(plan, strings.Join(parts, " "))
		}
		rows.Close()
		b.Logf("EXPLAIN %s\n\t%s", q, strings.Join(plan, "\n\t"))
	}
}

// BenchmarkRoundTrip is the floor under BenchmarkList: one query of one
// row through database/sql and the MySQL driver, under a deadline as every
// request has, and nothing else. It reports cpu-us/op as BenchmarkList
// does.
func BenchmarkRoundTrip(b *testing.B) {
	db := apptest.NewBenchDB(b, 4)
	if db.Raw == nil {
		b.Skip("needs MySQL: set LOGIFN_TEST_MYSQL_DSN")
	}
	for _, deadline := range []bool{false, true} {
		b.Run(fmt.Sprintf("deadline=%t", deadline), func(b *testing.B) {
			b.ReportAllocs()
			start := apptest.CPUTime()
			for b.Loop() {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if deadline {
					ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
				}
				var n int64
				if err := db.Raw.QueryRowContext(ctx, `SELECT ?`, 1).Scan(&n); err != nil {
					b.Fatal(err)
				}
				cancel()
			}
			apptest.ReportCPU(b, start)
		})
	}
}

// pageInMemory is a Store that answers every listing with the same page.
type pageInMemory []*domain.Shipment

func (p pageInMemory) ListShipments(ctx context.Context, tenant string, f store.ShipmentFilter) ([]*domain.Shipment, error) {
	return p[:min(len(p), f.Limit)], nil
}

// BenchmarkListWithoutDatabase is BenchmarkList's customer with a full
// page, served from memory: what the request costs besides the query,
// through the same middleware, encoding and access log.
func BenchmarkListWithoutDatabase(b *testing.B) {
	page := make(pageInMemory, 21)
	for i := range page {
		page[i] = storetest.Shipment("t1")
		page[i].ID, page[i].Waybill = int64(100+i), domain.Waybill(fmt.Sprintf("LF%09d", i))
		page[i].CreatedAt = time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
		page[i].UpdatedAt = page[i].CreatedAt
	}
	h := apptest.NewBench(b, storetest.SQLite(b))
	rt := app.NewRouter(h.Deps, "shipment-list")
	rt.Mount(shipmentlist.Spec(), shipmentlist.Handler(page))
	handler := rt.Handler()
	auth := "Bearer " + h.Token(domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer})
	b.ReportAllocs()
	start := apptest.CPUTime()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/v1/shipments?limit=20", nil)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %.200s", w.Code, w.Body)
		}
	}
	apptest.ReportCPU(b, start)
}
