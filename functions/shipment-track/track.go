// Package shipmenttrack is the shipment-track function: anyone holding a
// waybill number follows the shipment without a token, and sees only what
// a receiver needs: status, timeline, cities and times. No names, phones,
// street addresses, fees or notes.
package shipmenttrack

import (
	"context"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/web"
)

// Spec is shipment-track's manifest entry. Its route is public.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-track",
		Summary: "Track a shipment publicly by its waybill number",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/tracking/{waybill}"},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		New: func(d *app.Deps) (platform.Handlers, error) {
			limiter := web.NewRateLimiter(RequestsPerMinute, Burst, 100_000, d.Now)
			return platform.Handlers{HTTP: limiter.Limit(Handler(d.Store, d.Config.PublicTenant))}, nil
		},
	}
}

// The public rate limit per client address and instance.
const (
	RequestsPerMinute = 60
	Burst             = 20
)

// Store is what shipment-track needs of the database. Every method fails
// with not found outside the tenant.
type Store interface {
	ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error)
	Events(ctx context.Context, tenant string, shipmentID int64) ([]domain.TrackingEvent, error)
	ListStations(ctx context.Context, tenant string) ([]domain.Station, error)
}

// Place is a city-level location.
type Place struct {
	Province string `json:"province"`
	City     string `json:"city"`
}

// Event is one redacted timeline entry.
type Event struct {
	Status     domain.Status   `json:"status"`
	Type       domain.ScanType `json:"type,omitempty"`
	OccurredAt time.Time       `json:"occurred_at"`
	Place      *Place          `json:"place,omitempty"`
	Photo      bool            `json:"photo,omitempty"` // a photo was taken; the photo itself is not public
}

// View is the public view of a shipment.
type View struct {
	Waybill      domain.Waybill      `json:"waybill"`
	Status       domain.Status       `json:"status"`
	ServiceLevel domain.ServiceLevel `json:"service_level"`
	Origin       *Place              `json:"origin,omitempty"`
	Destination  *Place              `json:"destination,omitempty"`
	Timeline     []Event             `json:"timeline"`
}

// Handler serves GET /v1/tracking/{waybill}?tenant=ID. Without ?tenant= it
// tracks defaultTenant (LOGIFN_PUBLIC_TENANT), for a company that runs
// logifn for itself alone. A malformed number is refused before the
// database is asked; an unknown one is 404.
func Handler(st Store, defaultTenant string) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		wb, err := domain.ParseWaybill(r.PathValue("waybill"))
		if err != nil {
			return err
		}
		q := web.NewQuery(r.URL.Query(), "tenant")
		tenant := q.String("tenant")
		if tenant == "" {
			tenant = defaultTenant
		}
		if !domain.ValidID(tenant) {
			q.Problem("tenant", "is required: the id of the carrier that issued the waybill")
		}
		if err := q.Err(); err != nil {
			return err
		}
		view, err := track(r.Context(), st, tenant, wb)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "public, max-age=30")
		web.WriteJSON(w, http.StatusOK, view)
		return nil
	})
}

func track(ctx context.Context, st Store, tenant string, wb domain.Waybill) (*View, error) {
	sh, err := st.ShipmentByWaybill(ctx, tenant, wb)
	if err != nil {
		return nil, err
	}
	events, err := st.Events(ctx, tenant, sh.ID)
	if err != nil {
		return nil, err
	}
	stations, err := st.ListStations(ctx, tenant)
	if err != nil {
		return nil, err
	}
	places := make(map[string]*Place, len(stations))
	for _, s := range stations {
		places[s.Code] = &Place{Province: s.Address.Province, City: s.Address.City}
	}
	v := &View{Waybill: sh.Waybill, Status: sh.Status, ServiceLevel: sh.ServiceLevel,
		Origin: places[sh.OriginStation], Destination: places[sh.DestinationStation], Timeline: []Event{}}
	for _, ev := range events {
		if ev.Source == domain.SourceSchedule && ev.IncidentReason != "" {
			continue // a stale-shipment alert: the carrier's own follow-up, not the parcel's journey
		}
		v.Timeline = append(v.Timeline, Event{Status: ev.Status, Type: ev.Type, OccurredAt: ev.OccurredAt, Place: places[ev.Station],
			Photo: ev.Source == domain.SourceImage})
	}
	return v, nil
}
