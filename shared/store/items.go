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
func (s *Store) ListItems(ctx context.Context, tenant string, f ItemFilter) ([]ItemRow, error) {
	if f.Limit < 1 || f.Limit > maxQueryLimit {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "limit must be between 1 and %d", maxQueryLimit)
	}
	where, args := `s.tenant_id = ?`, []any{tenant}
	if f.Station != "" {
		where, args = where+` AND (s.origin_station = ? OR s.destination_station = ?)`, append(args, f.Station, f.Station)
	}
	if f.Status != "" {
		where, args = where+` AND s.status = ?`, append(args, f.Status)
	}
	if !f.CreatedFrom.IsZero() {
		where, args = where+` AND s.created_at >= ?`, append(args, s.d.timeArg(dbTime(f.CreatedFrom)))
	}
	if !f.CreatedTo.IsZero() {
		where, args = where+` AND s.created_at < ?`, append(args, s.d.timeArg(dbTime(f.CreatedTo)))
	}
	if f.After.ShipmentID > 0 {
		where += ` AND (i.shipment_id < ? OR (i.shipment_id = ? AND i.seq > ?))`
		args = append(args, f.After.ShipmentID, f.After.ShipmentID, f.After.Seq)
	}
	query := `SELECT i.shipment_id, i.seq, i.name, i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm,
		i.declared_value, s.currency, s.waybill, s.status, s.origin_station, s.destination_station, s.created_at
		FROM shipment_items i JOIN shipments s ON s.tenant_id = i.tenant_id AND s.id = i.shipment_id
		WHERE ` + where + ` ORDER BY i.shipment_id DESC, i.seq LIMIT ?`
	var list []ItemRow
	err := s.inTx(ctx, true, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, append(args, f.Limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r ItemRow
			err := rows.Scan(&r.Cursor.ShipmentID, &r.Cursor.Seq, &r.Name, &r.Quantity, &r.WeightG, &r.LengthMM, &r.WidthMM,
				&r.HeightMM, &r.DeclaredValue.Amount, &r.DeclaredValue.Currency, &r.Waybill, &r.Status, &r.OriginStation,
				&r.DestinationStation, scanTime(&r.ShipmentCreatedAt))
			if err != nil {
				return err
			}
			list = append(list, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrapf(err, "shipment item", "list items")
	}
	return list, nil
}
