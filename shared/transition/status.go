package transition

import (
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Note is the optional body of a status change.
type Note struct {
	Note string `json:"note"`
}

// Response is the shipment after a status change and the event recording it.
type Response struct {
	Event    *domain.TrackingEvent `json:"event"`
	Shipment *domain.Shipment      `json:"shipment"`
}

// StatusChange returns the handler of a route that moves a shipment to
// status `to` as the transition table allows the caller's role, recording
// an event whose note defaults to what. A shipment already in `to` answers
// 200 with the event that moved it there, so a retried confirmation or
// cancellation is harmless; a first change answers 201.
func StatusChange(st Store, now func() time.Time, to domain.Status, what string) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		wb, err := domain.ParseWaybill(r.PathValue("waybill"))
		if err != nil {
			return err
		}
		ifMatch, err := IfMatch(r)
		if err != nil {
			return err
		}
		var body Note
		if r.ContentLength != 0 {
			if err := web.DecodeJSON(r, &body); err != nil {
				return err
			}
		}
		var probs domain.Problems
		domain.CheckText(&probs, "note", body.Note, domain.MaxNoteLen, false)
		if err := probs.Err(); err != nil {
			return err
		}
		if body.Note == "" {
			body.Note = what
		}
		res, err := Apply(r.Context(), st, p, wb, ifMatch, func(sh *domain.Shipment, events []domain.TrackingEvent) (Change, error) {
			if sh.Status == to {
				return Change{Existing: lastWithStatus(events, to)}, nil
			}
			if err := domain.CheckTransition(sh.Status, to, p.Role); err != nil {
				return Change{}, err
			}
			return Change{NewStatus: to, Event: &domain.TrackingEvent{Status: to, Actor: p.Subject, Source: domain.SourceAPI,
				Note: body.Note, OccurredAt: now()}}, nil
		})
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if !res.Recorded {
			status = http.StatusOK
		}
		w.Header().Set("ETag", ETag(res.Shipment.Version))
		web.WriteJSON(w, status, Response{Event: res.Event, Shipment: res.Shipment})
		return nil
	})
}

func lastWithStatus(events []domain.TrackingEvent, s domain.Status) *domain.TrackingEvent {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Status == s {
			return &events[i]
		}
	}
	return nil
}
