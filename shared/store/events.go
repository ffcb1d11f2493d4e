package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// Events returns the timeline of tenant's shipment shipmentID, ordered by
// when each event occurred. A shipment without events, or none at all,
// gives an empty list.
func (s *Store) Events(ctx context.Context, tenant string, shipmentID int64) ([]domain.TrackingEvent, error) {
	list := []domain.TrackingEvent{}
	err := s.readRows(ctx, func(rows *sql.Rows) error {
		var ev domain.TrackingEvent
		err := rows.Scan(&ev.ID, &ev.Tenant, &ev.ShipmentID, &ev.Waybill, &ev.Type, &ev.Status, &ev.Station,
			&ev.Actor, &ev.Source, &ev.IncidentReason, &ev.Note, scanTime(&ev.OccurredAt), scanTime(&ev.RecordedAt))
		if err == nil {
			list = append(list, ev)
		}
		return err
	}, `SELECT id, tenant_id, shipment_id, waybill, scan_type, status, station_code,
		actor, source, incident_reason, note, occurred_at, recorded_at
		FROM tracking_events WHERE tenant_id = ? AND shipment_id = ? ORDER BY occurred_at, id`, tenant, shipmentID)
	if err != nil {
		return nil, wrapf(err, "tracking event", "list events of shipment %d", shipmentID)
	}
	return list, nil
}

// RecordEvent appends ev to the timeline of shipment ev.ShipmentID of tenant
// ev.Tenant and, when newStatus is not empty, moves the shipment to it, in
// one transaction. Either way the shipment's version must still be
// expectVersion and grows by one: an appended event is a change. A stale
// version gives a precondition error (code version_mismatch), a missing
// shipment not found. It fills ev.ID, ev.RecordedAt, and ev.Waybill and
// ev.Status when empty, and returns the updated shipment with its items.
// A zero ev.OccurredAt means now.
func (s *Store) RecordEvent(ctx context.Context, ev *domain.TrackingEvent, expectVersion int64, newStatus domain.Status) (*domain.Shipment, error) {
	now := s.clock()
	row := *ev
	row.OccurredAt = dbTime(row.OccurredAt)
	if row.OccurredAt.IsZero() {
		row.OccurredAt = now
	}
	var sh *domain.Shipment
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		if err := s.bumpShipment(ctx, tx, &row, expectVersion, newStatus, now); err != nil {
			return err
		}
		var err error
		if sh, err = shipmentByID(ctx, tx, row.Tenant, row.ShipmentID); err != nil {
			return err
		}
		if err := fillEvent(&row, sh); err != nil {
			return err
		}
		if err := s.insertEventRow(ctx, tx, &row, now); err != nil {
			return err
		}
		// sh is the shipment as tx left it: its status is the one to
		// announce, with no need to read it again.
		return s.announce(ctx, tx, row.Tenant, []announcement{{ev: &row, status: sh.Status}}, false, now)
	})
	if err != nil {
		return nil, fmt.Errorf("record event for shipment %d: %w", ev.ShipmentID, err)
	}
	*ev = row
	return sh, nil
}

// bumpShipment moves the shipment of ev to newStatus (if not empty) and to
// the next version, provided it is still at version expect. The row stays
// locked until the transaction ends, so a concurrent caller with the same
// version waits and then finds the version moved on.
func (s *Store) bumpShipment(ctx context.Context, tx *sql.Tx, ev *domain.TrackingEvent, expect int64, newStatus domain.Status, now time.Time) error {
	var status any // NULL keeps the current status
	if newStatus != "" {
		status = newStatus
	}
	occurred := s.d.timeArg(ev.OccurredAt)
	res, err := tx.ExecContext(ctx, `UPDATE shipments SET status = COALESCE(?, status), version = version + 1, updated_at = ?,
		last_event_at = CASE WHEN last_event_at < ? THEN ? ELSE last_event_at END
		WHERE tenant_id = ? AND id = ? AND version = ?`,
		status, s.d.timeArg(now), occurred, occurred, ev.Tenant, ev.ShipmentID, expect)
	if err != nil {
		return wrapf(err, "shipment", "update shipment %d", ev.ShipmentID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapf(err, "shipment", "update shipment %d", ev.ShipmentID)
	}
	if n == 1 {
		return nil
	}
	var current int64
	err = tx.QueryRowContext(ctx, `SELECT version FROM shipments WHERE tenant_id = ? AND id = ?`, ev.Tenant, ev.ShipmentID).Scan(&current)
	if err != nil {
		return wrapf(err, "shipment", "get shipment %d", ev.ShipmentID)
	}
	return domain.Errorf(domain.KindPrecondition, "version_mismatch",
		"the shipment is at version %d, not %d: reload it and try again", current, expect)
}

// fillEvent completes ev from the shipment it belongs to.
func fillEvent(ev *domain.TrackingEvent, sh *domain.Shipment) error {
	if ev.Waybill == "" {
		ev.Waybill = sh.Waybill
	}
	if ev.Waybill != sh.Waybill {
		return domain.Errorf(domain.KindUnprocessable, "waybill_mismatch", "waybill %s is not that of shipment %s", ev.Waybill, sh.Waybill)
	}
	if ev.Status == "" {
		ev.Status = sh.Status
	}
	return nil
}

// insertEvent appends ev, recorded at now, and sets ev.ID and ev.RecordedAt.
// The shipment's row must have been written in tx already (see writeOutbox).
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, ev *domain.TrackingEvent, now time.Time) error {
	if err := s.insertEventRow(ctx, tx, ev, now); err != nil {
		return err
	}
	// Webhooks: what this event owes subscribers (a status change, an
	// exception) joins the outbox in the same transaction, so it commits or
	// rolls back with the event. Callers need do nothing; see outbox.go.
	return s.writeOutbox(ctx, tx, ev, now)
}

// insertEventRow is insertEvent without the webhooks, for callers that
// announce the event themselves, knowing what it left the shipment in.
func (s *Store) insertEventRow(ctx context.Context, tx *sql.Tx, ev *domain.TrackingEvent, now time.Time) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
		station_code, actor, source, incident_reason, note, occurred_at, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Tenant, ev.ShipmentID, ev.Waybill, ev.Type, ev.Status, ev.Station, ev.Actor, ev.Source,
		ev.IncidentReason, ev.Note, s.d.timeArg(ev.OccurredAt), s.d.timeArg(now))
	if err != nil {
		return wrapf(err, "tracking event", "insert event")
	}
	if ev.ID, err = res.LastInsertId(); err != nil {
		return wrapf(err, "tracking event", "insert event")
	}
	ev.RecordedAt = now
	return nil
}
