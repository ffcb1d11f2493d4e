package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// ShipmentFilter selects shipments of one tenant, newest first, one page at
// a time. Zero fields select everything.
type ShipmentFilter struct {
	CustomerID  string        // only this customer's shipments
	Station     string        // only shipments from or to this station
	Status      domain.Status // only shipments in this status
	CreatedFrom time.Time     // only shipments created at or after this time
	CreatedTo   time.Time     // only shipments created before this time
	Before      int64         // keyset cursor: only ids below Before; 0 starts at the newest
	Limit       int           // rows to return, 1 to MaxListLimit+1
}

// MaxListLimit is the largest page a listing serves. The store returns one
// row more on request, which tells a caller whether another page follows.
const MaxListLimit = 100

const maxQueryLimit = MaxListLimit + 1

// ListShipments returns up to f.Limit of tenant's shipments that match f,
// with their items, ordered by id from the newest. The next page is the one
// Before the last id returned. Each page costs one query on indexes that
// start with the tenant, whatever the size of the tenant.
func (s *Store) ListShipments(ctx context.Context, tenant string, f ShipmentFilter) ([]*domain.Shipment, error) {
	if f.Limit < 1 || f.Limit > maxQueryLimit {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "limit must be between 1 and %d", maxQueryLimit)
	}
	query, args := s.pageQuery(tenant, f)
	// One statement, which needs no transaction: items are written with
	// their shipment and never change.
	var list []*domain.Shipment
	err := s.read(ctx, func(ctx context.Context, q querier) error {
		return s.queryPage(ctx, q, query, args, func(rows *sql.Rows) (err error) {
			list, err = readPage(rows, tenant, f.Limit)
			return err
		})
	})
	return list, wrapf(err, "shipment", "list shipments")
}

// listQuery builds the query of a page of shipments that match f, with the
// given columns. A station filter is a UNION ALL of an origin and a
// destination branch, each walking its own index, rather than an OR that
// would walk the whole tenant.
func (s *Store) listQuery(tenant string, f ShipmentFilter, columns string) (string, []any) {
	where, args := `tenant_id = ?`, []any{tenant}
	if f.CustomerID != "" {
		where, args = where+` AND customer_id = ?`, append(args, f.CustomerID)
	}
	if f.Status != "" {
		where, args = where+` AND status = ?`, append(args, f.Status)
	}
	if !f.CreatedFrom.IsZero() {
		where, args = where+` AND created_at >= ?`, append(args, s.d.timeArg(dbTime(f.CreatedFrom)))
	}
	if !f.CreatedTo.IsZero() {
		where, args = where+` AND created_at < ?`, append(args, s.d.timeArg(dbTime(f.CreatedTo)))
	}
	if f.Before > 0 {
		where, args = where+` AND id < ?`, append(args, f.Before)
	}
	if f.Station == "" {
		return `SELECT ` + columns + ` FROM shipments WHERE ` + where + ` ORDER BY id DESC LIMIT ?`,
			append(args, f.Limit)
	}
	query := `SELECT * FROM (SELECT ` + columns + ` FROM shipments WHERE ` + where +
		` AND origin_station = ? ORDER BY id DESC LIMIT ?) AS o
		UNION ALL
		SELECT * FROM (SELECT ` + columns + ` FROM shipments WHERE ` + where +
		` AND destination_station = ? AND origin_station <> ? ORDER BY id DESC LIMIT ?) AS d
		ORDER BY id DESC LIMIT ?`
	all := append(append([]any{}, args...), f.Station, f.Limit)
	all = append(append(all, args...), f.Station, f.Station, f.Limit)
	return query, append(all, f.Limit)
}

// querier is a *sql.DB, *sql.Conn or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func queryShipments(ctx context.Context, q querier, query string, args ...any) ([]*domain.Shipment, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "shipment", "list shipments")
	}
	defer rows.Close()
	list := []*domain.Shipment{}
	for rows.Next() {
		sh, err := scanShipment(rows)
		if err != nil {
			return nil, wrapf(err, "shipment", "list shipments")
		}
		list = append(list, sh)
	}
	return list, wrapf(rows.Err(), "shipment", "list shipments")
}

// shipmentColumns are the columns scanShipment reads, in its order.
const shipmentColumns = `id, tenant_id, waybill, customer_id,
	sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
	receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
	service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
	status, version, created_at, updated_at`

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanShipment(r rowScanner) (*domain.Shipment, error) {
	var sh domain.Shipment
	if err := r.Scan(shipmentDest(&sh)...); err != nil {
		return nil, err
	}
	sh.Fee.Currency = sh.Currency
	sh.Items = []domain.Item{}
	return &sh, nil
}

// shipmentDest returns where the columns of shipmentColumns go in sh.
func shipmentDest(sh *domain.Shipment) []any {
	snd, rcv := &sh.Sender, &sh.Receiver
	return []any{&sh.ID, &sh.Tenant, &sh.Waybill, &sh.CustomerID,
		&snd.Name, &snd.Phone, &snd.Address.Province, &snd.Address.City, &snd.Address.District, &snd.Address.Detail,
		&rcv.Name, &rcv.Phone, &rcv.Address.Province, &rcv.Address.City, &rcv.Address.District, &rcv.Address.Detail,
		&sh.ServiceLevel, &sh.OriginStation, &sh.DestinationStation, &sh.Currency, &sh.Fee.Amount, &sh.ChargeableWeightG,
		&sh.Status, &sh.Version, scanTime(&sh.CreatedAt), scanTime(&sh.UpdatedAt)}
}

// loadItems fills the items of every shipment in list, all of tenant, with
// one query.
func loadItems(ctx context.Context, q querier, tenant string, list []*domain.Shipment) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*domain.Shipment, len(list))
	args := []any{tenant}
	for _, sh := range list {
		byID[sh.ID] = sh
		args = append(args, sh.ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT shipment_id, name, quantity, weight_g, length_mm, width_mm, height_mm, declared_value
		FROM shipment_items WHERE tenant_id = ? AND shipment_id IN (`+placeholders(len(list))+`)
		ORDER BY shipment_id, seq`, args...)
	if err != nil {
		return wrapf(err, "shipment item", "load items")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it domain.Item
		if err := rows.Scan(&id, &it.Name, &it.Quantity, &it.WeightG, &it.LengthMM, &it.WidthMM, &it.HeightMM, &it.DeclaredValue.Amount); err != nil {
			return wrapf(err, "shipment item", "load items")
		}
		sh := byID[id]
		it.DeclaredValue.Currency = sh.Currency
		sh.Items = append(sh.Items, it)
	}
	return wrapf(rows.Err(), "shipment item", "load items")
}
