// Package transition applies a change to one shipment safely: it loads the
// shipment and its timeline, lets the caller decide what to record, and
// writes the event and the new status under optimistic concurrency. When
// another writer got there first it decides again on the fresh state,
// unless the caller pinned the version it saw (If-Match), so no update is
// ever lost and no decision rests on stale data.
package transition

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// Store is what a transition needs of the database. ShipmentByWaybill
// fails with not found outside the tenant; RecordEvent with precondition
// when the version moved on.
type Store interface {
	ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error)
	Events(ctx context.Context, tenant string, shipmentID int64) ([]domain.TrackingEvent, error)
	RecordEvent(ctx context.Context, ev *domain.TrackingEvent, expectVersion int64, newStatus domain.Status) (*domain.Shipment, error)
}

// Change is what a Decide function wants recorded: an event and, unless
// empty, the status it moves the shipment to. A nil Event records nothing;
// Existing then names the event the request repeats, if any.
type Change struct {
	Event     *domain.TrackingEvent
	NewStatus domain.Status
	Existing  *domain.TrackingEvent
}

// Decide looks at the shipment and its timeline and says what to record.
type Decide func(sh *domain.Shipment, events []domain.TrackingEvent) (Change, error)

// Result is the shipment after the change and the event recorded (or the
// existing one a duplicate repeats).
type Result struct {
	Shipment *domain.Shipment
	Event    *domain.TrackingEvent
	Recorded bool
}

// MaxAttempts bounds how often Apply decides again after losing a race.
const MaxAttempts = 8

// Apply changes tenant's shipment w as decide says. p must be allowed to
// see the shipment (a customer only their own; others get not found).
// ifMatch, when not zero, is the version the caller saw: a shipment at
// another version gives a precondition error instead of a fresh decision.
func Apply(ctx context.Context, st Store, p domain.Principal, w domain.Waybill, ifMatch int64, decide Decide) (Result, error) {
	var lastErr error // the last lost race
	for attempt := 0; attempt < MaxAttempts; attempt++ {
		sh, err := st.ShipmentByWaybill(ctx, p.Tenant, w)
		if err != nil {
			return Result{}, err
		}
		if err := p.CheckSee(sh); err != nil {
			return Result{}, err
		}
		if ifMatch != 0 && sh.Version != ifMatch {
			return Result{}, stale(sh.Version, ifMatch)
		}
		events, err := st.Events(ctx, p.Tenant, sh.ID)
		if err != nil {
			return Result{}, err
		}
		ch, err := decide(sh, events)
		if err != nil {
			return Result{}, err
		}
		if ch.Event == nil {
			return Result{Shipment: sh, Event: ch.Existing}, nil
		}
		ch.Event.Tenant, ch.Event.ShipmentID, ch.Event.Waybill = p.Tenant, sh.ID, sh.Waybill
		if ch.Event.Status == "" {
			ch.Event.Status = sh.Status
			if ch.NewStatus != "" {
				ch.Event.Status = ch.NewStatus
			}
		}
		next, err := st.RecordEvent(ctx, ch.Event, sh.Version, ch.NewStatus)
		if err == nil {
			return Result{Shipment: next, Event: ch.Event, Recorded: true}, nil
		}
		if !domain.IsKind(err, domain.KindPrecondition) || ifMatch != 0 {
			return Result{}, err
		}
		lastErr = err
		// Back off a little, by a random amount, so that writers who lost
		// the same race do not meet again at once.
		time.Sleep(time.Duration(1+rand.IntN(4*(attempt+1))) * time.Millisecond)
	}
	return Result{}, &domain.Error{Kind: domain.KindConflict, Code: "concurrent_update",
		Message: "the shipment changed while the request was applied; send it again", Err: lastErr}
}

func stale(current, want int64) error {
	return domain.Errorf(domain.KindPrecondition, "version_mismatch",
		"the shipment is at version %d, not %d: reload it and try again", current, want)
}

// IfMatch reads the version a caller pins with If-Match: "3", 3 or W/"3".
// No header gives 0; anything else is invalid.
func IfMatch(r *http.Request) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, nil
	}
	v := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, domain.Errorf(domain.KindInvalid, "invalid_if_match", `If-Match must be the shipment version as an ETag, such as "3"`)
	}
	return n, nil
}

// ETag returns the entity tag of a shipment at version v.
func ETag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }
