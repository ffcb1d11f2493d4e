// Package shipmentscan is the shipment-scan function: couriers and
// operators record scans (pickup, arrive, depart, out for delivery, delivery
// attempts, delivery, exceptions, returns), which move a shipment along its
// lifecycle as the transition table allows.
package shipmentscan

import (
	"context"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/transition"
	"github.com/logifn/logifn/shared/web"
)

// Spec is shipment-scan's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-scan",
		Summary: "Record a scan and move the shipment along its lifecycle",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/shipments/{waybill}/scans", Roles: []domain.Role{domain.RoleCourier, domain.RoleOperator, domain.RoleAdmin}},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store, d.Now)}, nil
		},
	}
}

// Response is the shipment after the scan and the event the scan is in
// the timeline as. Outcome says whether it moved the shipment ("moved"),
// joined the timeline late ("late") or repeated an earlier scan
// ("duplicate").
type Response struct {
	Outcome  string                `json:"outcome"`
	Event    *domain.TrackingEvent `json:"event"`
	Shipment *domain.Shipment      `json:"shipment"`
}

// Store is what shipment-scan needs of the database: the transition's
// methods and the station the scan names (not found outside the tenant).
type Store interface {
	transition.Store
	Station(ctx context.Context, tenant, code string) (*domain.Station, error)
}

var outcomes = map[domain.ScanOutcome]string{domain.ScanMoves: "moved", domain.ScanLate: "late", domain.ScanDuplicate: "duplicate"}

// Handler serves POST /v1/shipments/{waybill}/scans. A courier or operator
// scans at their own station; an admin at any. The answer is 201 for a
// recorded scan and 200 for a duplicate.
func Handler(st Store, now func() time.Time) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		wb, err := domain.ParseWaybill(r.PathValue("waybill"))
		if err != nil {
			return err
		}
		ifMatch, err := transition.IfMatch(r)
		if err != nil {
			return err
		}
		var sc domain.Scan
		if err := web.DecodeJSON(r, &sc); err != nil {
			return err
		}
		if err := sc.Validate(now()); err != nil {
			return err
		}
		if p.Role != domain.RoleAdmin && sc.Station != p.Station {
			return domain.Errorf(domain.KindForbidden, "wrong_station", "a %s scans at station %s only", p.Role, p.Station)
		}
		if _, err := st.Station(r.Context(), p.Tenant, sc.Station); domain.IsKind(err, domain.KindNotFound) {
			return &domain.Error{Kind: domain.KindUnprocessable, Code: "validation_failed", Message: "the request has invalid fields",
				Details: []domain.FieldError{{Field: "station", Message: "no station " + sc.Station + " in this tenant"}}}
		} else if err != nil {
			return err
		}
		var outcome domain.ScanOutcome
		res, err := transition.Apply(r.Context(), st, p, wb, ifMatch, func(sh *domain.Shipment, events []domain.TrackingEvent) (transition.Change, error) {
			var existing *domain.TrackingEvent
			var err error
			outcome, existing, err = domain.DecideScan(sh, events, sc, p.Role)
			if err != nil || outcome == domain.ScanDuplicate {
				return transition.Change{Existing: existing}, err
			}
			ch := transition.Change{Event: &domain.TrackingEvent{Type: sc.Type, Station: sc.Station, Actor: p.Subject,
				Source: domain.SourceAPI, IncidentReason: sc.IncidentReason, Note: sc.Note, OccurredAt: sc.OccurredAt}}
			// A late scan keeps the status it implied when it happened, so the
			// timeline reads right in time order; only a current scan moves
			// the shipment.
			ch.Event.Status, _ = sc.Type.Status()
			if outcome == domain.ScanMoves {
				ch.NewStatus = ch.Event.Status
			}
			return ch, nil
		})
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if !res.Recorded {
			status = http.StatusOK
		}
		w.Header().Set("ETag", transition.ETag(res.Shipment.Version))
		web.WriteJSON(w, status, Response{Outcome: outcomes[outcome], Event: res.Event, Shipment: res.Shipment})
		return nil
	})
}
