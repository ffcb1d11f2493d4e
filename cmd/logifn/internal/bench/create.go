package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/webhook"
)

// create measures POST /v1/shipments (three items, an Idempotency-Key) on
// the built shipment-create binary against the same writes issued straight
// through database/sql in one transaction, at each concurrency.
func (r *runner) create(ctx context.Context) error {
	w := r.world
	tok, err := w.token(domain.RoleCustomer)
	if err != nil {
		return err
	}
	srv, err := r.startFunction(ctx, "shipment-create", "knative")
	if err != nil {
		return err
	}
	defer srv.Stop()
	client := newClient(maxClients(r.opt.Clients))
	run := fmt.Sprintf("%d-%d", time.Now().UnixNano(), 0)
	var n atomic.Int64
	fullOp := func(ctx context.Context, c int) error {
		key := fmt.Sprintf("bench-%s-%d", run, n.Add(1))
		return call(ctx, client, http.MethodPost, srv.URL+"/v1/shipments", tok, createBody, map[string]string{"Idempotency-Key": key}, http.StatusCreated)
	}
	rawOp := func(ctx context.Context, c int) error {
		return rawCreate(ctx, w, fmt.Sprintf("raw-%s-%d", run, n.Add(1)))
	}
	var full, raw int
	for _, c := range r.opt.Clients {
		full, raw = r.pair(ctx, Row{Scenario: "create", Name: fmt.Sprintf("full stack, Knative, %d clients", c), Clients: c, CPUOf: "function process"},
			Workload{Clients: c, CPU: serverCPU(srv), Op: fullOp},
			Row{Scenario: "create", Name: fmt.Sprintf("serial, then the same INSERTs in one transaction, %d clients", c), Baseline: true, Clients: c,
				CPUOf: "harness process"},
			Workload{Clients: c, CPU: selfCPU, Op: rawOp})
	}
	r.memoryFigures(full, srv)
	f, b := r.rep.Rows[full], r.rep.Rows[raw]
	r.rep.check("create", fmt.Sprintf("throughput >= 70%% of raw at %d clients", maxClients(r.opt.Clients)), f.Ratio >= 0.7,
		"%.0f%% (%.0f vs %.0f req/s)", f.Ratio*100, f.Rate, b.Rate)
	return nil
}

// rawCreate writes what creating one shipment with an Idempotency-Key
// writes (see the store's CreateShipment and the idempotency middleware):
// the waybill serial, taken by a statement of its own as the store takes
// it, so that the counter's row lock is not held across the rest;
// then the idempotency record, the shipment, its three items, its created
// event, its webhook stream and status-changed event, and the stored
// response, all in one transaction.
func rawCreate(ctx context.Context, w *World, key string) error {
	wb, err := rawSerial(ctx, w)
	if err != nil {
		return err
	}
	tx, err := w.Raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC().Truncate(time.Microsecond)
	t := w.timeArg(now)
	sum := sha256.Sum256([]byte(createBody))
	if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, done, status,
		headers, body, created_at, expires_at, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		demo.Tenant, key, hex.EncodeToString(sum[:]), false, 0, "{}", []byte{}, t, w.timeArg(now.Add(24*time.Hour)), w.timeArg(now.Add(time.Minute))); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key,
		sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
		receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
		service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
		status, version, created_at, updated_at, last_event_at) VALUES `+valueRows(27, 1),
		demo.Tenant, wb, customer, key, sender.Name, sender.Phone, sender.Address.Province, sender.Address.City, sender.Address.District,
		sender.Address.Detail, receiver.Name, receiver.Phone, receiver.Address.Province, receiver.Address.City, receiver.Address.District,
		receiver.Address.Detail, domain.ServiceStandard, origin, destination, "CNY", 1500, 2000, domain.StatusCreated, 1, t, t, t)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	args := make([]any, 0, len(items)*10)
	for i, it := range items {
		args = append(args, demo.Tenant, id, i+1, it.Name, it.Quantity, it.WeightG, it.LengthMM, it.WidthMM, it.HeightMM, it.DeclaredValue.Amount)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO shipment_items (tenant_id, shipment_id, seq, name, quantity,
		weight_g, length_mm, width_mm, height_mm, declared_value) VALUES `+valueRows(10, len(items)), args...); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
		station_code, actor, source, incident_reason, note, occurred_at, recorded_at) VALUES `+valueRows(12, 1),
		demo.Tenant, id, wb, "", domain.StatusCreated, "", customer, domain.SourceAPI, "", "", t, t); err != nil {
		return err
	}
	if err := rawOutbox(ctx, tx, id, wb, now, t); err != nil {
		return err
	}
	body, _ := json.Marshal(domain.Shipment{Waybill: wb, CustomerID: customer, Sender: sender, Receiver: receiver, Items: items,
		ServiceLevel: domain.ServiceStandard, OriginStation: origin, DestinationStation: destination, Currency: "CNY",
		Status: domain.StatusCreated, Version: 1, CreatedAt: now, UpdatedAt: now})
	if _, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET done = ?, status = ?, headers = ?, body = ?
		WHERE tenant_id = ? AND idem_key = ? AND done = ?`, true, http.StatusCreated, `{"Content-Type":["application/json"]}`, body,
		demo.Tenant, key, false); err != nil {
		return err
	}
	return tx.Commit()
}

// rawSerial takes the next waybill serial of the demo tenant's counter as
// the store does: one statement, on its own, the new value read back with
// LAST_INSERT_ID(expr) on MySQL and RETURNING on SQLite; serials without a
// check digit are skipped.
func rawSerial(ctx context.Context, w *World) (domain.Waybill, error) {
	for {
		var next int64
		if w.Driver == store.DriverMySQL {
			res, err := w.Raw.ExecContext(ctx, `UPDATE waybill_counters SET next_serial = LAST_INSERT_ID(next_serial + 1) WHERE tenant_id = ?`, demo.Tenant)
			if err != nil {
				return "", err
			}
			if next, err = res.LastInsertId(); err != nil {
				return "", err
			}
		} else if err := w.Raw.QueryRowContext(ctx, `UPDATE waybill_counters SET next_serial = next_serial + 1 WHERE tenant_id = ?
			RETURNING next_serial`, demo.Tenant).Scan(&next); err != nil {
			return "", err
		}
		if wb, err := domain.NewWaybill(next - 1); err == nil {
			return wb, nil
		}
	}
}

// rawOutbox writes a new shipment's webhook stream and its first
// status-changed event, as the store's outbox does on creation.
func rawOutbox(ctx context.Context, tx *sql.Tx, id int64, wb domain.Waybill, now time.Time, t any) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_streams (tenant_id, shipment_id, last_seq, last_status, writes)
		VALUES (?, ?, 0, '', 1)`, demo.Tenant, id); err != nil {
		return err
	}
	data, _ := json.Marshal(webhook.ShipmentData{Waybill: wb, Status: domain.StatusCreated, Source: domain.SourceAPI, OccurredAt: now})
	evID := uuid.NewString()
	body, _ := json.Marshal(webhook.Event{ID: evID, Type: webhook.EventStatusChanged, CreatedAt: now, Waybill: wb, Sequence: 1, Data: data})
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (tenant_id, id, shipment_id, seq, type, dedup_key, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, demo.Tenant, evID, id, 1, webhook.EventStatusChanged, nil, string(body), t); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE webhook_streams SET last_seq = ?, last_status = ? WHERE tenant_id = ? AND shipment_id = ?`,
		1, domain.StatusCreated, demo.Tenant, id)
	return err
}
