package shipmentget_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	shipmentget "github.com/logifn/logifn/functions/shipment-get"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// benchShipments is how many shipments BenchmarkGet reads, in turn.
const benchShipments = 200

// BenchmarkGet serves GET /v1/shipments/{waybill} through the whole
// in-process stack (router, middleware, token, store, JSON) at
// apptest.BenchClients clients, and beside it, on MySQL, "raw": the same
// point SELECTs (shipment, items, timeline) issued directly through
// database/sql on a pool of the same size. Their ops/s ratio is the cost
// of everything logifn adds to the database.
func BenchmarkGet(b *testing.B) {
	db := apptest.NewBenchDB(b, 4)
	waybills := seedBench(b, db.Store)
	h := apptest.NewBench(b, db.Store, shipmentget.Spec())
	auth := "Bearer " + h.Token(domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin})
	b.Run(db.Driver+"/stack", func(b *testing.B) {
		var next atomic.Int64
		apptest.RunParallel(b, func() {
			wb := waybills[next.Add(1)%benchShipments]
			r := httptest.NewRequest(http.MethodGet, "/v1/shipments/"+string(wb), nil)
			r.Header.Set("Authorization", auth)
			w := httptest.NewRecorder()
			h.Handler.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				panic(fmt.Sprintf("status %d: %s", w.Code, w.Body))
			}
		})
	})
	if db.Raw == nil {
		return
	}
	b.Run(db.Driver+"/raw", func(b *testing.B) {
		var next atomic.Int64
		apptest.RunParallel(b, func() {
			if err := rawGet(db, waybills[next.Add(1)%benchShipments]); err != nil {
				panic(err)
			}
		})
	})
}

// rawGet reads what GET /v1/shipments/{waybill} shows with three point
// SELECTs on the raw pool, scanning every column.
func rawGet(db apptest.BenchDB, wb domain.Waybill) error {
	ctx := context.Background()
	var id int64
	var s [26]any
	for i := range s {
		s[i] = new(any)
	}
	s[0] = &id
	err := db.Raw.QueryRowContext(ctx, `SELECT id, tenant_id, waybill, customer_id,
		sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
		receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
		service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
		status, version, created_at, updated_at FROM shipments WHERE tenant_id = ? AND waybill = ?`, "t1", wb).Scan(s[:]...)
	if err != nil {
		return err
	}
	if err := scanAll(db, 8, `SELECT shipment_id, name, quantity, weight_g, length_mm, width_mm, height_mm, declared_value
		FROM shipment_items WHERE tenant_id = ? AND shipment_id = ? ORDER BY shipment_id, seq`, "t1", id); err != nil {
		return err
	}
	return scanAll(db, 13, `SELECT id, tenant_id, shipment_id, waybill, scan_type, status, station_code,
		actor, source, incident_reason, note, occurred_at, recorded_at
		FROM tracking_events WHERE tenant_id = ? AND shipment_id = ? ORDER BY occurred_at, id`, "t1", id)
}

func scanAll(db apptest.BenchDB, cols int, query string, args ...any) error {
	rows, err := db.Raw.QueryContext(context.Background(), query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, cols)
	for i := range dest {
		dest[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// seedBench stores benchShipments shipments of tenant t1 with three items
// each and returns their waybills.
func seedBench(b *testing.B, st *store.Store) []domain.Waybill {
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := st.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			b.Fatal(err)
		}
	}
	var out []domain.Waybill
	for range benchShipments {
		sh := storetest.Shipment("t1")
		sh.Items = append(sh.Items, sh.Items[0])
		if _, err := st.CreateShipment(ctx, sh, "cust-1", ""); err != nil {
			b.Fatal(err)
		}
		out = append(out, sh.Waybill)
	}
	return out
}
