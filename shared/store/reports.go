package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// DayQuery asks for the figures of some stations of one tenant over one
// span of time, their local day: From inclusive, To exclusive.
type DayQuery struct {
	Stations []string
	From, To time.Time
	// Promise is how long after pickup a shipment of each service level is
	// due; deliveries within it are on time.
	Promise func(domain.ServiceLevel) time.Duration
	// ExceptionsSince bounds how far back an exception may have been raised
	// and still count as open at To.
	ExceptionsSince time.Time
}

// StationDay are one station's figures for a day. A shipment belongs to
// its origin and its destination station: created and picked-up counts go
// to the origin, deliveries to the destination, the rest to both.
type StationDay struct {
	// StatusCounts counts the station's shipments with an event during the
	// day by the status their last event of the day left them in.
	StatusCounts map[domain.Status]int
	Created      int // created during the day
	PickedUp     int // picked up during the day
	Delivered    int // delivered during the day
	// Timed counts the deliveries with a pickup event to time them from;
	// OnTime those within the promise, and PickupToDelivery adds up their
	// times from (first) pickup to delivery.
	Timed            int
	OnTime           int
	PickupToDelivery time.Duration
	// OpenExceptions counts the station's shipments whose latest event at
	// To is an exception: an exception scan or a stale alert, raised since
	// ExceptionsSince and not followed by any other event.
	OpenExceptions int
}

// StationDays returns the figures of every station of q, computed from the
// timeline. It streams the day's events once, so memory does not grow with
// their number.
func (s *Store) StationDays(ctx context.Context, tenant string, q DayQuery) (map[string]*StationDay, error) {
	days := make(map[string]*StationDay, len(q.Stations))
	for _, code := range q.Stations {
		days[code] = &StationDay{StatusCounts: map[domain.Status]int{}}
	}
	if err := s.dayEvents(ctx, tenant, q, days); err != nil {
		return nil, err
	}
	if err := s.openExceptions(ctx, tenant, q, days); err != nil {
		return nil, err
	}
	return days, nil
}

// dayEvent is one event of the day with what the figures need of its
// shipment. FirstPickup is set on deliveries only.
type dayEvent struct {
	shipmentID          int64
	status              domain.Status
	occurredAt          time.Time
	origin, destination string
	level               domain.ServiceLevel
	createdAt           time.Time
	firstPickup         sql.Null[time.Time]
}

// dayEvents adds up the day's events, one shipment at a time.
func (s *Store) dayEvents(ctx context.Context, tenant string, q DayQuery, days map[string]*StationDay) error {
	// Naming every status lets the query walk the index on (tenant,
	// status, occurred_at) once per status instead of the whole tenant.
	args := []any{tenant}
	for _, st := range domain.Statuses {
		args = append(args, st)
	}
	args = append(args, s.d.timeArg(dbTime(q.From)), s.d.timeArg(dbTime(q.To)))
	rows, err := s.db.QueryContext(ctx, `SELECT e.shipment_id, e.status, e.occurred_at,
		sh.origin_station, sh.destination_station, sh.service_level, sh.created_at,
		CASE WHEN e.status = 'delivered' THEN (SELECT MIN(p.occurred_at) FROM tracking_events p
			WHERE p.tenant_id = e.tenant_id AND p.shipment_id = e.shipment_id AND p.status = 'picked_up') END
		FROM tracking_events e JOIN shipments sh ON sh.tenant_id = e.tenant_id AND sh.id = e.shipment_id
		WHERE e.tenant_id = ? AND e.status IN (`+placeholders(len(domain.Statuses))+`)
		AND e.occurred_at >= ? AND e.occurred_at < ?
		ORDER BY e.shipment_id, e.occurred_at, e.id`, args...)
	if err != nil {
		return wrapf(err, "report", "read the day's events")
	}
	defer rows.Close()
	var group []dayEvent
	for rows.Next() {
		var ev dayEvent
		err := rows.Scan(&ev.shipmentID, &ev.status, scanTime(&ev.occurredAt), &ev.origin, &ev.destination,
			&ev.level, scanTime(&ev.createdAt), nullTime{&ev.firstPickup})
		if err != nil {
			return wrapf(err, "report", "read the day's events")
		}
		if len(group) > 0 && group[0].shipmentID != ev.shipmentID {
			addShipmentDay(days, q, group)
			group = group[:0]
		}
		group = append(group, ev)
	}
	if err := rows.Err(); err != nil {
		return wrapf(err, "report", "read the day's events")
	}
	if len(group) > 0 {
		addShipmentDay(days, q, group)
	}
	return nil
}

// addShipmentDay adds one shipment's events of the day, in time order, to
// the figures of its stations.
func addShipmentDay(days map[string]*StationDay, q DayQuery, events []dayEvent) {
	first := events[0]
	origin, destination := days[first.origin], days[first.destination]
	if origin != nil && !first.createdAt.Before(q.From) && first.createdAt.Before(q.To) {
		origin.Created++
	}
	pickedUp, delivered := false, false
	for _, ev := range events {
		switch {
		case ev.status == domain.StatusPickedUp && !pickedUp:
			pickedUp = true
			if origin != nil {
				origin.PickedUp++
			}
		case ev.status == domain.StatusDelivered && !delivered:
			delivered = true
			if destination != nil {
				destination.addDelivery(ev, q.Promise)
			}
		}
	}
	last := events[len(events)-1].status
	for _, d := range stationsOf(days, first.origin, first.destination) {
		d.StatusCounts[last]++
	}
}

func (d *StationDay) addDelivery(ev dayEvent, promise func(domain.ServiceLevel) time.Duration) {
	d.Delivered++
	if !ev.firstPickup.Valid {
		return
	}
	took := ev.occurredAt.Sub(ev.firstPickup.V)
	d.Timed++
	d.PickupToDelivery += took
	if took <= promise(ev.level) {
		d.OnTime++
	}
}

// stationsOf returns the figures of origin and destination that q asked
// for, each once.
func stationsOf(days map[string]*StationDay, origin, destination string) []*StationDay {
	var out []*StationDay
	if d := days[origin]; d != nil {
		out = append(out, d)
	}
	if d := days[destination]; d != nil && destination != origin {
		out = append(out, d)
	}
	return out
}

// openExceptions counts the shipments whose latest event at q.To is an
// exception scan or a stale alert (an event of the schedule with an
// incident reason), among those with one raised since q.ExceptionsSince.
func (s *Store) openExceptions(ctx context.Context, tenant string, q DayQuery, days map[string]*StationDay) error {
	since, to := s.d.timeArg(dbTime(q.ExceptionsSince)), s.d.timeArg(dbTime(q.To))
	rows, err := s.db.QueryContext(ctx, `SELECT sh.origin_station, sh.destination_station FROM shipments sh
		WHERE sh.tenant_id = ? AND sh.id IN (
			SELECT shipment_id FROM tracking_events WHERE tenant_id = ? AND status = ? AND occurred_at >= ? AND occurred_at < ?
			UNION SELECT shipment_id FROM shipment_alerts WHERE tenant_id = ? AND window_start >= ? AND window_start < ?)
		AND (SELECT CASE WHEN e.status = ? OR (e.source = ? AND e.incident_reason <> '') THEN 1 ELSE 0 END
			FROM tracking_events e WHERE e.tenant_id = sh.tenant_id AND e.shipment_id = sh.id AND e.occurred_at < ?
			ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) = 1`,
		tenant, tenant, domain.StatusException, since, to, tenant, since, to,
		domain.StatusException, domain.SourceSchedule, to)
	if err != nil {
		return wrapf(err, "report", "count open exceptions")
	}
	defer rows.Close()
	for rows.Next() {
		var origin, destination string
		if err := rows.Scan(&origin, &destination); err != nil {
			return wrapf(err, "report", "count open exceptions")
		}
		for _, d := range stationsOf(days, origin, destination) {
			d.OpenExceptions++
		}
	}
	return wrapf(rows.Err(), "report", "count open exceptions")
}

// nullTime scans a nullable time column from either driver.
type nullTime struct{ t *sql.Null[time.Time] }

func (n nullTime) Scan(src any) error {
	if src == nil {
		*n.t = sql.Null[time.Time]{}
		return nil
	}
	n.t.Valid = true
	return scanTime(&n.t.V).Scan(src)
}
