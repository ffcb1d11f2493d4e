package shipmentcreate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/store/storetest"

	shipmentcreate "github.com/logifn/logifn/functions/shipment-create"
)

// BenchmarkCreate serves POST /v1/shipments with three items through the
// whole in-process stack at apptest.BenchClients clients, and beside it,
// on MySQL, "raw": the rows such a create writes (shipment, items,
// tracking event, webhook stream and event) inserted in one transaction
// through database/sql on a pool of the same size, under waybill numbers
// counted in memory. Their ops/s ratio is the cost of everything logifn
// adds: pricing, the waybill counter, the checks, the JSON.
func BenchmarkCreate(b *testing.B) {
	db := apptest.NewBenchDB(b, 4)
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := db.Store.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			b.Fatal(err)
		}
	}
	h := apptest.NewBench(b, db.Store, shipmentcreate.Spec())
	auth := "Bearer " + h.Token(customer)
	in := body()
	item := map[string]any{"name": "pen", "quantity": 1, "weight_g": 20, "declared_value": map[string]any{"amount": "0.99", "currency": "CNY"}}
	in["items"] = append(in["items"].([]any), item, item)
	js, err := json.Marshal(in)
	if err != nil {
		b.Fatal(err)
	}
	var keys atomic.Int64
	run := time.Now().UnixNano()
	for _, withKey := range []bool{false, true} {
		name := db.Driver + "/stack"
		if withKey {
			// As callers should: a new Idempotency-Key on each create.
			name += "/key"
		}
		b.Run(name, func(b *testing.B) {
			apptest.RunParallel(b, func() {
				r := httptest.NewRequest(http.MethodPost, "/v1/shipments", strings.NewReader(string(js)))
				r.Header.Set("Authorization", auth)
				r.Header.Set("Content-Type", "application/json")
				if withKey {
					r.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", run, keys.Add(1)))
				}
				w := httptest.NewRecorder()
				h.Handler.ServeHTTP(w, r)
				if w.Code != http.StatusCreated {
					panic(fmt.Sprintf("status %d: %s", w.Code, w.Body))
				}
			})
		})
	}
	if db.Raw == nil {
		return
	}
	var serial atomic.Int64
	serial.Store(5_000_000)
	b.Run(db.Driver+"/raw", func(b *testing.B) {
		apptest.RunParallel(b, func() {
			if err := rawCreate(db, serial.Add(1)); err != nil {
				panic(err)
			}
		})
	})
}

// rawCreate inserts the rows of a created shipment with three items in
// one transaction.
func rawCreate(db apptest.BenchDB, serial int64) error {
	ctx := context.Background()
	tx, err := db.Raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	wb := fmt.Sprintf("RAW%010d", serial)
	res, err := tx.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key,
		sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
		receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
		service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
		status, version, created_at, updated_at, last_event_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		"t1", wb, "cust-1", nil, "张三", "+86 138 0000 0001", "上海市", "上海市", "中心区", "人民路 1 号",
		"李四", "13900000002", "北京市", "北京市", "中心区", "人民路 1 号", "express", storetest.OriginStation,
		storetest.DestinationStation, "CNY", 1200, 1000, "created", 1, now, now, now)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO shipment_items (tenant_id, shipment_id, seq, name, quantity,
		weight_g, length_mm, width_mm, height_mm, declared_value) VALUES (?, ?, 1, 'books', 2, 450, 0, 0, 0, 1250),
		(?, ?, 2, 'pen', 1, 20, 0, 0, 0, 99), (?, ?, 3, 'pen', 1, 20, 0, 0, 0, 99)`, "t1", id, "t1", id, "t1", id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
		station_code, actor, source, incident_reason, note, occurred_at, recorded_at)
		VALUES (?, ?, ?, '', 'created', '', 'cust-1', 'api', '', '', ?, ?)`, "t1", id, wb, now, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_streams (tenant_id, shipment_id, last_seq, last_status, writes)
		VALUES (?, ?, 1, 'created', 1)`, "t1", id); err != nil {
		return err
	}
	body := `{"type":"shipment.status_changed","data":{"waybill":"` + wb + `","status":"created"}}`
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (tenant_id, id, shipment_id, seq, type, dedup_key, body, created_at)
		VALUES (?, ?, ?, 1, 'shipment.status_changed', NULL, ?, ?)`, "t1", fmt.Sprintf("raw-%d", serial), id, body, now); err != nil {
		return err
	}
	return tx.Commit()
}
