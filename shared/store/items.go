package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// ItemFilter selects parcel items across one tenant's shipments, newest
// shipment first, one page at a time. Zero fields select everything.
type ItemFilter struct {
	Station     string        // only items of shipments from or to this station
	Status      domain.Status // only items of shipments in this status
	CreatedFrom time.Time     // only items of shipments created at or after this time
	CreatedTo   time.Time     // only items of shipments created before this time
	After       ItemCursor    // keyset cursor: only items after this one
	Limit       int           // rows to return, 1 to MaxListLimit+1
}

// ItemCursor is the position of an item in the listing: its shipment's id
// and its place in that shipment.
type ItemCursor struct {
	ShipmentID int64
	Seq        int
}

// ItemRow is one item with the shipment it travels in.
type ItemRow struct {
	Cursor             ItemCursor     `json:"-"`
	Waybill            domain.Waybill `json:"waybill"`
	Status             domain.Status  `json:"status"`
	OriginStation      string         `json:"origin_station"`
	DestinationStation string         `json:"destination_station"`
	ShipmentCreatedAt  time.Time      `json:"shipment_created_at"`
	domain.Item
}

// ListItems returns up to f.Limit of tenant's items matching f, ordered by
// shipment from the newest and then as listed in the shipment.
//
// The query picks the page's shipments first, walking the same indexes as
// ListShipments (a station filter is a UNION ALL of the origin and the
// destination index), and only then joins their items: sorting the items
// of the whole tenant would cost time in proportion to its size. Every
// shipment has at least one item, so f.Limit shipments after the cursor's
// own carry enough items for the page.
func (s *Store) ListItems(ctx context.Context, tenant string, f ItemFilter) ([]ItemRow, error) {
	if f.Limit < 1 || f.Limit > maxQueryLimit {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "limit must be between 1 and %d", maxQueryLimit)
	}
	sf := ShipmentFilter{Station: f.Station, Status: f.Status, CreatedFrom: f.CreatedFrom, CreatedTo: f.CreatedTo, Limit: f.Limit + 1}
	var after string
	var afterArgs []any
	if f.After.ShipmentID > 0 {
		sf.Before = f.After.ShipmentID + 1 // the cursor's shipment may have items left
		after = ` WHERE i.shipment_id < ? OR (i.shipment_id = ? AND i.seq > ?)`
		afterArgs = []any{f.After.ShipmentID, f.After.ShipmentID, f.After.Seq}
	}
	// The page's shipments carry only the columns the items need.
	shipments, args := s.listQuery(tenant, sf,
		`id, tenant_id, waybill, currency, status, origin_station, destination_station, created_at`)
	query := `SELECT i.shipment_id, i.seq, i.name, i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm,
		i.declared_value, s.currency, s.waybill, s.status, s.origin_station, s.destination_station, s.created_at
		FROM (` + shipments + `) AS s JOIN shipment_items i ON i.tenant_id = s.tenant_id AND i.shipment_id = s.id` +
		after + ` ORDER BY i.shipment_id DESC, i.seq LIMIT ?`
	args = append(append(args, afterArgs...), f.Limit)
	var list []ItemRow
	err := s.readRows(ctx, func(rows *sql.Rows) error {
		var r ItemRow
		err := rows.Scan(&r.Cursor.ShipmentID, &r.Cursor.Seq, &r.Name, &r.Quantity, &r.WeightG, &r.LengthMM, &r.WidthMM,
			&r.HeightMM, &r.DeclaredValue.Amount, &r.DeclaredValue.Currency, &r.Waybill, &r.Status, &r.OriginStation,
			&r.DestinationStation, scanTime(&r.ShipmentCreatedAt))
		if err == nil {
			list = append(list, r)
		}
		return err
	}, query, args...)
	if err != nil {
		return nil, wrapf(err, "shipment item", "list items")
	}
	return list, nil
}
