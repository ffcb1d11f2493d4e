package domain

import (
	"strings"
	"time"
)

// DuplicateScanWindow is how close in time two scans of the same type at
// the same station must be to count as one: a courier who scans a parcel
// twice, or a scanner that uploads the same line again.
const DuplicateScanWindow = 10 * time.Minute

// MaxScanFuture is how far ahead of the server's clock a device's
// occurred_at may be before it is rejected as a wrong clock.
const MaxScanFuture = 5 * time.Minute

// Limits on free text in events.
const (
	MaxNoteLen           = 500
	MaxIncidentReasonLen = 100
)

// Scan is one scan of a parcel as a courier, an operator or a scanner
// reports it.
type Scan struct {
	Type           ScanType  `json:"type"`
	Station        string    `json:"station"`
	OccurredAt     time.Time `json:"occurred_at"`
	IncidentReason string    `json:"incident_reason,omitempty"`
	Note           string    `json:"note,omitempty"`
}

// Validate reports every problem with sc, with field paths. now bounds
// occurred_at; a zero occurred_at means now and is filled in.
func (sc *Scan) Validate(now time.Time) error {
	var p Problems
	sc.Station = strings.TrimSpace(sc.Station)
	sc.Note = strings.TrimSpace(sc.Note)
	sc.IncidentReason = strings.TrimSpace(sc.IncidentReason)
	if _, ok := sc.Type.Status(); !ok {
		p.Add("type", "must be one of pickup, arrive, depart, out_for_delivery, delivery_attempt, deliver, exception, return, returned")
	}
	checkCode(&p, "station", sc.Station)
	if sc.OccurredAt.IsZero() {
		sc.OccurredAt = now
	}
	if sc.OccurredAt.After(now.Add(MaxScanFuture)) {
		p.Add("occurred_at", "is in the future; check the device clock")
	}
	needsReason := sc.Type == ScanException || sc.Type == ScanDeliveryAttempt
	switch {
	case needsReason && sc.IncidentReason == "":
		p.Add("incident_reason", "is required for a %s scan", sc.Type)
	case !needsReason && sc.IncidentReason != "":
		p.Add("incident_reason", "only exception and delivery_attempt scans carry one")
	}
	CheckText(&p, "incident_reason", sc.IncidentReason, MaxIncidentReasonLen, false)
	CheckText(&p, "note", sc.Note, MaxNoteLen, false)
	sc.OccurredAt = sc.OccurredAt.UTC()
	return p.Err()
}

// ScanOutcome is what a scan does to a shipment.
type ScanOutcome int

// The outcomes of a scan.
const (
	ScanMoves     ScanOutcome = iota // the scan moves the shipment to a new status
	ScanLate                         // older than the latest event: joins the timeline, status unchanged
	ScanDuplicate                    // the same scan again: nothing changes
)

// DecideScan says what scan sc by role does to shipment sh, whose timeline
// is events. A duplicate is reported with the event it repeats. A scan that
// would move the shipment where the transition table forbids fails with
// conflict naming the current status, or forbidden for the role.
func DecideScan(sh *Shipment, events []TrackingEvent, sc Scan, role Role) (ScanOutcome, *TrackingEvent, error) {
	var latest time.Time
	for i := range events {
		ev := &events[i]
		if ev.Type == sc.Type && ev.Station == sc.Station && absDuration(ev.OccurredAt.Sub(sc.OccurredAt)) <= DuplicateScanWindow {
			return ScanDuplicate, ev, nil
		}
		// A photo is evidence about the parcel and a schedule's alert or
		// automatic receipt is logifn's own note, not steps of its journey:
		// neither may make a delayed scan look late.
		if ev.Source != SourceImage && ev.Source != SourceSchedule && ev.OccurredAt.After(latest) {
			latest = ev.OccurredAt
		}
	}
	if role != RoleCourier && role != RoleOperator && role != RoleAdmin && role != RoleSystem {
		return 0, nil, Errorf(KindForbidden, "forbidden", "role %s may not record scans", role)
	}
	// Devices report whole seconds while logifn stamps its own events
	// finer: a scan in the same second as the latest event is current.
	if sc.OccurredAt.Before(latest.Truncate(time.Second)) {
		if sh.Status == StatusCancelled {
			return 0, nil, Errorf(KindConflict, "illegal_transition", "the shipment is cancelled; it takes no scans")
		}
		return ScanLate, nil, nil
	}
	to, _ := sc.Type.Status()
	if err := CheckTransition(sh.Status, to, role); err != nil {
		return 0, nil, err
	}
	return ScanMoves, nil, nil
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
