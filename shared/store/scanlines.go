package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// ScanBatch moves the checkpoint of one chunk past a run of lines: from
// offset From, where the chunk's checkpoint must stand, to offset To, the
// chunk having Lines lines applied then. Done marks the chunk's last batch.
// The owner's lease is renewed for Lease.
type ScanBatch struct {
	Tenant string
	FileID int64
	Chunk  int
	Owner  string
	From   int64
	To     int64
	Lines  int64
	Done   bool
	Lease  time.Duration
}

// ApplyScanBatch runs fn in one transaction with the move of b's
// checkpoint, so that the lines fn applies and records and the checkpoint
// past them commit together or not at all. The checkpoint moves first:
// when b.Owner no longer holds the chunk's lease, or the checkpoint is not
// at b.From (another delivery went on), nothing runs and the error is a
// conflict, code scan_chunk_lost. An error from fn rolls everything back.
func (s *Store) ApplyScanBatch(ctx context.Context, b ScanBatch, fn func(ctx context.Context, tx *ScanTx) error) error {
	now := s.clock()
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scan_file_chunks SET next_offset = ?, next_line = ?, done = ?,
			lease_until = ?, updated_at = ?
			WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND lease_owner = ? AND next_offset = ? AND done = ?`,
			b.To, b.Lines, b.Done, s.d.timeArg(now.Add(b.Lease)), s.d.timeArg(now),
			b.Tenant, b.FileID, b.Chunk, b.Owner, b.From, false)
		if err != nil {
			return wrapf(err, "scan file chunk", "move checkpoint")
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapf(err, "scan file chunk", "move checkpoint")
		} else if n != 1 {
			return domain.Errorf(domain.KindConflict, "scan_chunk_lost",
				"chunk %d of scan file %d moved on without this delivery: its lease was taken over", b.Chunk, b.FileID)
		}
		return fn(ctx, &ScanTx{s: s, tx: tx, tenant: b.Tenant, fileID: b.FileID, chunk: b.Chunk, now: now})
	})
	if err != nil {
		return fmt.Errorf("apply lines of chunk %d of scan file %d: %w", b.Chunk, b.FileID, err)
	}
	return nil
}

// ScanTx is the transaction of one batch of a scan file's lines. It reads
// and writes within the batch's tenant only.
type ScanTx struct {
	s      *Store
	tx     *sql.Tx
	tenant string
	fileID int64
	chunk  int
	now    time.Time
}

// Shipments returns the tenant's shipments with the waybill numbers ws,
// by waybill, with what deciding a scan on them needs: their id, waybill
// number, status and version, and nothing else. Numbers of no shipment
// are left out.
func (t *ScanTx) Shipments(ctx context.Context, ws []domain.Waybill) (map[domain.Waybill]*domain.Shipment, error) {
	found := make(map[domain.Waybill]*domain.Shipment, len(ws))
	if len(ws) == 0 {
		return found, nil
	}
	args := make([]any, 0, 1+len(ws))
	args = append(args, t.tenant)
	for _, w := range ws {
		args = append(args, w)
	}
	// A batch reads hundreds of shipments and uses four columns of them:
	// the other twenty would cost the database and the driver more than
	// the rest of the read.
	rows, err := t.tx.QueryContext(ctx, `SELECT id, waybill, status, version FROM shipments
		WHERE tenant_id = ? AND waybill IN (`+placeholders(len(ws))+`)`, args...)
	if err != nil {
		return nil, wrapf(err, "shipment", "read %d shipments", len(ws))
	}
	defer rows.Close()
	for rows.Next() {
		sh := &domain.Shipment{Tenant: t.tenant}
		if err := rows.Scan(&sh.ID, &sh.Waybill, &sh.Status, &sh.Version); err != nil {
			return nil, wrapf(err, "shipment", "read %d shipments", len(ws))
		}
		found[sh.Waybill] = sh
	}
	return found, wrapf(rows.Err(), "shipment", "read %d shipments", len(ws))
}

// Events returns the timelines of the tenant's shipments ids, by shipment,
// each ordered by when its events occurred, with what deciding a scan on
// them needs: each event's id, shipment, type, status, station, source and
// time (not its waybill, actor, incident reason, note or recording time).
func (t *ScanTx) Events(ctx context.Context, ids []int64) (map[int64][]domain.TrackingEvent, error) {
	byShipment := make(map[int64][]domain.TrackingEvent, len(ids))
	if len(ids) == 0 {
		return byShipment, nil
	}
	args := make([]any, 0, 1+len(ids))
	args = append(args, t.tenant)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT id, shipment_id, scan_type, status, station_code, source, occurred_at
		FROM tracking_events WHERE tenant_id = ? AND shipment_id IN (`+placeholders(len(ids))+`)
		ORDER BY shipment_id, occurred_at, id`, args...)
	if err != nil {
		return nil, wrapf(err, "tracking event", "list events of %d shipments", len(ids))
	}
	defer rows.Close()
	for rows.Next() {
		ev := domain.TrackingEvent{Tenant: t.tenant}
		err := rows.Scan(&ev.ID, &ev.ShipmentID, &ev.Type, &ev.Status, &ev.Station, &ev.Source, scanTime(&ev.OccurredAt))
		if err != nil {
			return nil, wrapf(err, "tracking event", "list events of %d shipments", len(ids))
		}
		byShipment[ev.ShipmentID] = append(byShipment[ev.ShipmentID], ev)
	}
	return byShipment, wrapf(rows.Err(), "tracking event", "list events of %d shipments", len(ids))
}

// ShipmentChange is what a batch does to one of the tenant's shipments:
// it appends Events to the timeline and, when Status is not empty, moves
// the shipment to it. As for Store.RecordEvent, every event is a change:
// the shipment must still be at version Expect and goes to Expect plus
// the number of events. Each event names the shipment's waybill and the
// status it records. A change without events only checks that the
// shipment is still at version Expect: a batch that decided lines on a
// shipment without changing it (a duplicate scan, an illegal move) must
// fail when the shipment changed since, as it does for one it changes.
type ShipmentChange struct {
	ShipmentID int64
	Expect     int64
	Status     domain.Status
	Events     []domain.TrackingEvent
	// After holds, for each event, the shipment's status right after it:
	// the event's own for a move, the one before for a late scan. It is
	// what the tenant's webhooks are told; missing entries read as Status.
	After []domain.Status
}

// Record makes changes, with as few statements as it can: one update for
// every few hundred shipments, in the order of their ids, and one insert
// for every few hundred events. A shipment that is no longer at its
// expected version fails the batch with a precondition error (code
// version_mismatch), as Store.RecordEvent does; a missing one too.
func (t *ScanTx) Record(ctx context.Context, changes []ShipmentChange) error {
	var events []domain.TrackingEvent
	var after []domain.Status
	bumps := slices.Clone(changes)
	// Rows are locked in the order of their ids, as RecordEvent's callers
	// and other batches take them, so that two writers never wait for each
	// other both ways.
	slices.SortFunc(bumps, func(a, b ShipmentChange) int { return cmp.Compare(a.ShipmentID, b.ShipmentID) })
	for _, c := range changes {
		for i, ev := range c.Events {
			if ev.Waybill == "" || ev.Status == "" {
				return domain.Errorf(domain.KindInvalid, "incomplete_event", "an event of a scan file names its waybill and status")
			}
			ev.Tenant, ev.ShipmentID = t.tenant, c.ShipmentID
			if ev.OccurredAt = dbTime(ev.OccurredAt); ev.OccurredAt.IsZero() {
				ev.OccurredAt = t.now
			}
			events = append(events, ev)
			status := c.Status
			if i < len(c.After) {
				status = c.After[i]
			}
			after = append(after, status)
		}
	}
	// The events bypass insertEvent, so they are announced to the tenant's
	// webhooks here, once for the whole batch, after the shipments' rows.
	list := make([]announcement, len(events))
	for i := range events {
		list[i] = announcement{ev: &events[i], status: after[i]}
	}
	const perInsert = 300
	for len(bumps) > 0 {
		n := min(len(bumps), rowsPerUpdate)
		if err := t.bump(ctx, bumps[:n]); err != nil {
			return err
		}
		bumps = bumps[n:]
	}
	for rest := events; len(rest) > 0; {
		n := min(len(rest), perInsert)
		if err := t.insertEvents(ctx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return t.s.announce(ctx, t.tx, t.tenant, list, false, t.now)
}

// bump moves each shipment of changes on by its events, provided every one
// is still at its expected version: version, status, last event time and
// update time as Store.RecordEvent moves them, in one statement. A
// shipment without events keeps them all.
func (t *ScanTx) bump(ctx context.Context, changes []ShipmentChange) error {
	rows := make([][]any, 0, len(changes))
	for _, c := range changes {
		var latest time.Time
		for _, ev := range c.Events {
			if ev.OccurredAt.After(latest) {
				latest = ev.OccurredAt
			}
		}
		latest = dbTime(latest)
		if latest.IsZero() {
			latest = t.now
		}
		rows = append(rows, []any{c.ShipmentID, len(c.Events), c.Expect, c.Status, t.s.d.timeArg(latest)})
	}
	u := rowsUpdate{table: "shipments",
		cols:  []string{"id", "n", "expect", "status", "latest"},
		casts: []string{"SIGNED", "SIGNED", "SIGNED", "CHAR(32)", "DATETIME(6)"},
		set: []string{"version = t.version + v.n", "status = CASE WHEN v.status = '' THEN t.status ELSE v.status END",
			"last_event_at = CASE WHEN v.n > 0 AND t.last_event_at < v.latest THEN v.latest ELSE t.last_event_at END",
			"updated_at = CASE WHEN v.n > 0 THEN ? ELSE t.updated_at END"},
		setArgs: []any{t.s.d.timeArg(t.now)},
		where:   "t.tenant_id = ? AND t.version = v.expect", whereArgs: []any{t.tenant},
	}
	n, err := u.exec(ctx, t.tx, t.s.d, rows)
	if err != nil {
		return wrapf(err, "shipment", "update %d shipments", len(changes))
	}
	if int(n) != len(changes) {
		return domain.Errorf(domain.KindPrecondition, "version_mismatch",
			"%d of %d shipments changed while the batch was applied: reload them and try again", len(changes)-int(n), len(changes))
	}
	return nil
}

// insertEvents appends events, recorded now, in one statement.
func (t *ScanTx) insertEvents(ctx context.Context, events []domain.TrackingEvent) error {
	args := make([]any, 0, len(events)*12)
	for _, ev := range events {
		args = append(args, ev.Tenant, ev.ShipmentID, ev.Waybill, ev.Type, ev.Status, ev.Station, ev.Actor, ev.Source,
			ev.IncidentReason, ev.Note, t.s.d.timeArg(ev.OccurredAt), t.s.d.timeArg(t.now))
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	_, err := t.tx.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
		station_code, actor, source, incident_reason, note, occurred_at, recorded_at)
		VALUES `+row+strings.Repeat(", "+row, len(events)-1), args...)
	return wrapf(err, "tracking event", "insert %d events", len(events))
}
