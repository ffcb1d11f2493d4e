package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
)

// rowsPerInsert is how many rows one multi-row INSERT of a bulk load or a
// raw baseline carries.
const rowsPerInsert = 500

// bulkShipments writes n shipments of the demo tenant's customer cust,
// created at createdAt, with multi-row INSERTs and one item each, taking
// waybill serials from *serial upwards. It returns their waybill numbers
// and ids in the order written.
func (w *World) bulkShipments(ctx context.Context, cust string, n int, serial *int64, createdAt time.Time) ([]domain.Waybill, []int64, error) {
	wbs := make([]domain.Waybill, 0, n)
	for len(wbs) < n {
		*serial++
		if wb, err := domain.NewWaybill(*serial); err == nil {
			wbs = append(wbs, wb)
		}
	}
	t := w.timeArg(createdAt)
	const cols = 26
	for i := 0; i < n; i += rowsPerInsert {
		part := wbs[i:min(i+rowsPerInsert, n)]
		args := make([]any, 0, len(part)*cols)
		for _, wb := range part {
			args = append(args, demo.Tenant, wb, cust, nil, sender.Name, sender.Phone, sender.Address.Province, sender.Address.City,
				sender.Address.District, sender.Address.Detail, receiver.Name, receiver.Phone, receiver.Address.Province, receiver.Address.City,
				receiver.Address.District, receiver.Address.Detail, domain.ServiceStandard, origin, destination, "CNY",
				domain.StatusCreated, 1, t, t, t, 1200)
		}
		_, err := w.Raw.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key, sender_name,
			sender_phone, sender_province, sender_city, sender_district, sender_detail, receiver_name, receiver_phone,
			receiver_province, receiver_city, receiver_district, receiver_detail, service_level, origin_station,
			destination_station, currency, status, version, created_at, updated_at, last_event_at, fee_amount)
			VALUES `+valueRows(cols, len(part)), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("bulk load shipments: %w", err)
		}
	}
	if _, err := w.Raw.ExecContext(ctx, `INSERT INTO shipment_items (tenant_id, shipment_id, seq, name, quantity, weight_g,
		length_mm, width_mm, height_mm, declared_value)
		SELECT tenant_id, id, 1, 'Books 图书', 1, 450, 0, 0, 0, 8900 FROM shipments WHERE tenant_id = ? AND customer_id = ?`, demo.Tenant, cust); err != nil {
		return nil, nil, fmt.Errorf("bulk load items: %w", err)
	}
	rows, err := w.Raw.QueryContext(ctx, `SELECT id FROM shipments WHERE tenant_id = ? AND customer_id = ? ORDER BY id`, demo.Tenant, cust)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) != n {
		return nil, nil, fmt.Errorf("bulk load: %d shipments of %s, want %d", len(ids), cust, n)
	}
	return wbs, ids, rows.Err()
}
