package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// MaxJobPage is the largest page the job queries serve.
const MaxJobPage = 1000

// Tenants returns up to limit tenants after the tenant after (""
// starts at the first), in order: every tenant with stations or job
// settings. Every shipment names stations of its tenant, so no tenant with
// shipments is missed.
func (s *Store) Tenants(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 || limit > MaxJobPage {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "limit must be between 1 and %d", MaxJobPage)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id FROM (
		SELECT DISTINCT tenant_id FROM stations WHERE tenant_id > ?
		UNION SELECT tenant_id FROM job_settings WHERE tenant_id > ?) AS t
		ORDER BY tenant_id LIMIT ?`, after, after, limit)
	if err != nil {
		return nil, wrapf(err, "tenant", "list tenants")
	}
	defer rows.Close()
	list := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, wrapf(err, "tenant", "list tenants")
		}
		list = append(list, t)
	}
	return list, wrapf(rows.Err(), "tenant", "list tenants")
}

// EachTenant calls fn for every tenant Tenants lists, a page at a time, and
// stops at the first error fn returns.
func (s *Store) EachTenant(ctx context.Context, fn func(ctx context.Context, tenant string) error) error {
	const page = 100
	after := ""
	for {
		list, err := s.Tenants(ctx, after, page)
		if err != nil {
			return err
		}
		for _, t := range list {
			if err := fn(ctx, t); err != nil {
				return err
			}
		}
		if len(list) < page {
			return nil
		}
		after = list[len(list)-1]
	}
}

// JobSettings returns tenant's job settings, or domain.DefaultJobSettings
// when it has none of its own.
func (s *Store) JobSettings(ctx context.Context, tenant string) (domain.JobSettings, error) {
	var js domain.JobSettings
	err := s.db.QueryRowContext(ctx, `SELECT stale_picked_up_hours, stale_in_transit_hours, stale_out_for_delivery_hours,
		stale_delivery_failed_hours, auto_receipt_days, express_promise_hours, standard_promise_hours
		FROM job_settings WHERE tenant_id = ?`, tenant).
		Scan(&js.StalePickedUpHours, &js.StaleInTransitHours, &js.StaleOutForDeliveryHours,
			&js.StaleDeliveryFailedHours, &js.AutoReceiptDays, &js.ExpressPromiseHours, &js.StandardPromiseHours)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.DefaultJobSettings(), nil
	}
	if err != nil {
		return js, wrapf(err, "job settings", "get job settings")
	}
	return js, nil
}

// PutJobSettings stores tenant's job settings, replacing any it had. Values
// out of range give an unprocessable error naming each field.
func (s *Store) PutJobSettings(ctx context.Context, tenant string, js domain.JobSettings) error {
	if tenant == "" {
		return domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	}
	if err := js.Validate(); err != nil {
		return err
	}
	now := s.d.timeArg(s.clock())
	args := []any{js.StalePickedUpHours, js.StaleInTransitHours, js.StaleOutForDeliveryHours, js.StaleDeliveryFailedHours,
		js.AutoReceiptDays, js.ExpressPromiseHours, js.StandardPromiseHours, now, tenant}
	// Insert, and update on a duplicate, each on its own (see PutStation).
	_, err := s.db.ExecContext(ctx, `INSERT INTO job_settings (stale_picked_up_hours, stale_in_transit_hours,
		stale_out_for_delivery_hours, stale_delivery_failed_hours, auto_receipt_days, express_promise_hours,
		standard_promise_hours, updated_at, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err == nil || !isDuplicate(err) {
		return wrapf(err, "job settings", "put job settings")
	}
	_, err = s.db.ExecContext(ctx, `UPDATE job_settings SET stale_picked_up_hours = ?, stale_in_transit_hours = ?,
		stale_out_for_delivery_hours = ?, stale_delivery_failed_hours = ?, auto_receipt_days = ?,
		express_promise_hours = ?, standard_promise_hours = ?, updated_at = ? WHERE tenant_id = ?`, args...)
	return wrapf(err, "job settings", "put job settings")
}

// IdleShipment is a shipment as the jobs see it: which status it is in
// and when its last event happened. Alerted is set by StaleShipments when
// its current window has its alert already.
type IdleShipment struct {
	ID          int64
	Waybill     domain.Waybill
	Status      domain.Status
	LastEventAt time.Time
	Alerted     bool
}

// IdleCursor is where the next page of idle shipments starts: after the
// shipment ID whose last event was at LastEventAt. The zero cursor starts
// at the beginning.
type IdleCursor struct {
	LastEventAt time.Time
	ID          int64
}

// Next returns the cursor after the last shipment of page.
func (c IdleCursor) Next(page []IdleShipment) IdleCursor {
	if len(page) == 0 {
		return c
	}
	last := page[len(page)-1]
	return IdleCursor{LastEventAt: last.LastEventAt, ID: last.ID}
}

// IdleShipments returns up to limit of tenant's shipments in status whose
// last event was at or before idleSince, after cursor, ordered by that
// time and id. It walks the index on (tenant, status, last event), so a
// page costs the same however many shipments the tenant has.
func (s *Store) IdleShipments(ctx context.Context, tenant string, status domain.Status, idleSince time.Time, after IdleCursor, limit int) ([]IdleShipment, error) {
	query, args, err := s.idleQuery(tenant, status, idleSince, after, limit, "", nil)
	if err != nil {
		return nil, err
	}
	return s.queryIdle(ctx, query, args...)
}

// StaleShipments returns the next page of tenant's shipments that rule
// finds stale at now, as IdleShipments does, each marked Alerted when its
// current window has its alert. Alerted shipments stay in the pages, so
// that a page costs the same however many were alerted before.
func (s *Store) StaleShipments(ctx context.Context, tenant string, rule domain.StaleRule, now time.Time, after IdleCursor, limit int) ([]IdleShipment, error) {
	query, args, err := s.staleQuery(tenant, rule, now, after, limit)
	if err != nil {
		return nil, err
	}
	return s.queryIdle(ctx, query, args...)
}

func (s *Store) staleQuery(tenant string, rule domain.StaleRule, now time.Time, after IdleCursor, limit int) (string, []any, error) {
	if rule.After <= 0 {
		return "", nil, domain.Errorf(domain.KindInvalid, "invalid_rule", "rule %s has no time limit", rule.Name)
	}
	cutoff := dbTime(now.Add(-rule.After))
	// The current window starts after cutoff (see StaleRule.Window), and an
	// alert of an earlier silence has another last_event_at.
	alerted := `EXISTS (SELECT 1 FROM shipment_alerts a WHERE a.tenant_id = s.tenant_id AND a.shipment_id = s.id
		AND a.rule = ? AND a.last_event_at = s.last_event_at AND a.window_start > ?)`
	return s.idleQuery(tenant, rule.Status, cutoff, after, limit, alerted, []any{rule.Name, s.d.timeArg(cutoff)})
}

// idleQuery builds the idle and stale queries: a page of shipments s of
// tenant in status idle since idleSince, after cursor, in order, with
// alerted (a condition on s, or "" for false) as the last column.
func (s *Store) idleQuery(tenant string, status domain.Status, idleSince time.Time, after IdleCursor, limit int, alerted string, alertedArgs []any) (string, []any, error) {
	if limit < 1 || limit > MaxJobPage {
		return "", nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "limit must be between 1 and %d", MaxJobPage)
	}
	if alerted == "" {
		alerted = "0"
	}
	query := `SELECT s.id, s.waybill, s.status, s.last_event_at, ` + alerted + ` FROM shipments s
		WHERE s.tenant_id = ? AND s.status = ? AND s.last_event_at <= ?`
	args := append(alertedArgs, tenant, status, s.d.timeArg(dbTime(idleSince)))
	if after.ID != 0 {
		// The range starts at the cursor's time; the OR only sorts out the
		// rows of that very time.
		last := s.d.timeArg(dbTime(after.LastEventAt))
		query += ` AND s.last_event_at >= ? AND (s.last_event_at > ? OR s.id > ?)`
		args = append(args, last, last, after.ID)
	}
	return query + ` ORDER BY s.last_event_at, s.id LIMIT ?`, append(args, limit), nil
}

func (s *Store) queryIdle(ctx context.Context, query string, args ...any) ([]IdleShipment, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "shipment", "list idle shipments")
	}
	defer rows.Close()
	list := []IdleShipment{}
	for rows.Next() {
		var sh IdleShipment
		if err := rows.Scan(&sh.ID, &sh.Waybill, &sh.Status, scanTime(&sh.LastEventAt), &sh.Alerted); err != nil {
			return nil, wrapf(err, "shipment", "list idle shipments")
		}
		list = append(list, sh)
	}
	return list, wrapf(rows.Err(), "shipment", "list idle shipments")
}

// RaiseStaleAlerts records, for each shipment of list that rule still
// finds stale at now, one alert for its current window and one event on
// its timeline: no scan type, the shipment's status, source schedule, the
// rule's name as incident reason, occurred at the window's start. The
// shipment's version grows by one and its last event time stays: an alert
// is not a scan. It returns how many alerts it raised. A shipment marked
// Alerted, or whose window was alerted meanwhile (a doubled or racing
// sweep), or that moved on since list was read, is left alone.
func (s *Store) RaiseStaleAlerts(ctx context.Context, tenant string, rule domain.StaleRule, now time.Time, actor string, list []IdleShipment) (int, error) {
	alerts := make([]staleAlert, 0, len(list))
	for _, sh := range list {
		if start, ok := rule.Window(sh.LastEventAt, now); ok && sh.Status == rule.Status && !sh.Alerted {
			alerts = append(alerts, staleAlert{IdleShipment: sh, windowStart: dbTime(start)})
		}
	}
	if len(alerts) == 0 {
		return 0, nil
	}
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		return s.writeAlerts(ctx, tx, tenant, rule, now, actor, alerts)
	})
	if err == nil {
		return len(alerts), nil
	}
	if !domain.IsKind(err, domain.KindConflict) {
		return 0, fmt.Errorf("raise %s alerts: %w", rule.Name, err)
	}
	// Another sweep got to some of them first, or some moved on: one by one.
	raised := 0
	for _, a := range alerts {
		err := s.inTx(ctx, false, func(tx *sql.Tx) error {
			return s.writeAlerts(ctx, tx, tenant, rule, now, actor, []staleAlert{a})
		})
		switch {
		case err == nil:
			raised++
		case !domain.IsKind(err, domain.KindConflict):
			return raised, fmt.Errorf("raise %s alert for shipment %d: %w", rule.Name, a.ID, err)
		}
	}
	return raised, nil
}

type staleAlert struct {
	IdleShipment
	windowStart time.Time
}

// writeAlerts inserts the alerts first, so that a racing sweep waits on
// their keys and then fails on them, and bumps the shipments only when all
// of them still are where they were read.
func (s *Store) writeAlerts(ctx context.Context, tx *sql.Tx, tenant string, rule domain.StaleRule, now time.Time, actor string, alerts []staleAlert) error {
	recorded := s.d.timeArg(s.clock())
	raisedAt := s.d.timeArg(dbTime(now))
	var alertArgs, bumpArgs, eventArgs []any
	ids := make([]any, 0, len(alerts))
	for _, a := range alerts {
		start, last := s.d.timeArg(a.windowStart), s.d.timeArg(a.LastEventAt)
		alertArgs = append(alertArgs, tenant, a.ID, rule.Name, start, last, rule.Status, raisedAt, recorded,
			s.d.timeArg(dbTime(a.windowStart.Add(domain.AlertRetention))))
		ids = append(ids, a.ID)
		bumpArgs = append(bumpArgs, a.ID, last)
		eventArgs = append(eventArgs, tenant, a.ID, a.Waybill, "", rule.Status, "", actor, domain.SourceSchedule,
			rule.Name, rule.Note(a.LastEventAt), start, recorded)
	}
	n := len(alerts)
	_, err := tx.ExecContext(ctx, `INSERT INTO shipment_alerts (tenant_id, shipment_id, rule, window_start, last_event_at,
		status, raised_at, recorded_at, expires_at) VALUES `+rowsOf(n, 9), alertArgs...)
	if err != nil {
		return wrapf(err, "stale alert", "insert stale alerts")
	}
	res, err := tx.ExecContext(ctx, `UPDATE shipments SET version = version + 1, updated_at = ?
		WHERE tenant_id = ? AND status = ? AND id IN (`+placeholders(n)+`) AND (id, last_event_at) IN (`+rowsOf(n, 2)+`)`,
		append(append([]any{recorded, tenant, rule.Status}, ids...), bumpArgs...)...)
	if err != nil {
		return wrapf(err, "shipment", "bump stale shipments")
	}
	if moved, err := res.RowsAffected(); err != nil || moved != int64(n) {
		if err != nil {
			return wrapf(err, "shipment", "bump stale shipments")
		}
		// A shipment changed since it was read: roll back as for a duplicate.
		return domain.Errorf(domain.KindConflict, "moved_on", "a shipment moved on since it was read")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
		station_code, actor, source, incident_reason, note, occurred_at, recorded_at) VALUES `+rowsOf(n, 12), eventArgs...)
	return wrapf(err, "tracking event", "insert stale alert events")
}

// rowsOf returns n parenthesised groups of width placeholders, for
// multi-row VALUES lists and row-value IN lists.
func rowsOf(n, width int) string {
	row := "(" + placeholders(width) + ")"
	out := make([]byte, 0, n*(len(row)+2))
	for i := range n {
		if i > 0 {
			out = append(out, ", "...)
		}
		out = append(out, row...)
	}
	return string(out)
}
