package shipmentlist_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store/storetest"
)

// bigCustomer has at least 100 000 shipments in BenchmarkList.
const bigCustomer = 100_000

// BenchmarkList serves the first page (20) of one customer's shipments
// through the whole in-process stack, one call at a time, for a customer
// with 10 shipments, one with 20 (a full page) and one with over 100 000
// in the same tenant, and
// reports the CPU time of each call (cpu-us/op). A listing walks an index
// that starts with the tenant and the customer, so the two should cost the
// same. The large customer is seeded with SQL, so it runs on MySQL only;
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
		for _, c := range []string{"small", "twenty", "big"} {
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
	n := 20
	for round := 0; n < bigCustomer; round++ {
		// Doubles the big customer's shipments, and their items, under new
		// waybill numbers; the ids grow, so the copies are the newest.
		_, err := db.Raw.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key,
			sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
			receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
			service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
			status, version, created_at, updated_at, last_event_at)
			SELECT tenant_id, CONCAT('B', ?, '-', id), customer_id, NULL,
			sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
			receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
			service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
			status, version, created_at, updated_at, last_event_at
			FROM shipments WHERE tenant_id = 't1' AND customer_id = 'big' ORDER BY id`, round)
		if err != nil {
			b.Fatal(err)
		}
		n *= 2
	}
	_, err := db.Raw.ExecContext(ctx, `INSERT INTO shipment_items (tenant_id, shipment_id, seq, name, quantity,
		weight_g, length_mm, width_mm, height_mm, declared_value)
		SELECT s.tenant_id, s.id, i.seq, i.name, i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm, i.declared_value
		FROM shipments s JOIN shipment_items i ON i.tenant_id = s.tenant_id
		AND i.shipment_id = (SELECT MIN(id) FROM shipments WHERE tenant_id = 't1' AND customer_id = 'big')
		WHERE s.tenant_id = 't1' AND s.customer_id = 'big' AND s.waybill LIKE 'B%'`)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Raw.ExecContext(ctx, `ANALYZE TABLE shipments, shipment_items`); err != nil {
		b.Fatal(err)
	}
	logPlans(b, db)
	h := apptest.NewBench(b, db.Store, shipmentlist.Spec())
	for _, c := range []struct {
		name, customer string
		count          int
	}{{"customer-10", "small", 10}, {"customer-20", "twenty", 20}, {fmt.Sprintf("customer-%d", n), "big", n}} {
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
	}
}

// logPlans logs how MySQL runs the listings' queries for the big customer.
func logPlans(b *testing.B, db apptest.BenchDB) {
	for _, q := range []string{
		`SELECT id FROM shipments WHERE tenant_id = 't1' AND customer_id = 'big' ORDER BY id DESC LIMIT 21`,
		`SELECT shipment_id FROM shipment_items WHERE tenant_id = 't1' AND shipment_id IN (1, 2, 3) ORDER BY shipment_id, seq`,
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
