// Package shipmentget is the shipment-get function: one shipment by its
// waybill number, with its timeline.
package shipmentget

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/transition"
	"github.com/logifn/logifn/shared/web"
)

// Spec is shipment-get's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-get",
		Summary: "Get one shipment with its timeline",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/shipments/{waybill}", Roles: domain.Roles},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what shipment-get needs of the database. Both methods fail with
// not found outside the tenant.
type Store interface {
	ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error)
	Events(ctx context.Context, tenant string, shipmentID int64) ([]domain.TrackingEvent, error)
}

// Response is a shipment with its timeline, oldest event first.
type Response struct {
	*domain.Shipment
	Timeline []domain.TrackingEvent `json:"timeline"`
}

// Handler serves GET /v1/shipments/{waybill}. A customer asking for another
// customer's shipment gets the same 404 as for one that does not exist.
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		wb, err := domain.ParseWaybill(r.PathValue("waybill"))
		if err != nil {
			return err
		}
		if err := web.NewQuery(r.URL.Query()).Err(); err != nil {
			return err
		}
		sh, err := st.ShipmentByWaybill(r.Context(), p.Tenant, wb)
		if err != nil {
			return err
		}
		if err := p.CheckSee(sh); err != nil {
			return err
		}
		events, err := st.Events(r.Context(), p.Tenant, sh.ID)
		if err != nil {
			return err
		}
		w.Header().Set("ETag", transition.ETag(sh.Version))
		web.WriteJSON(w, http.StatusOK, Response{Shipment: sh, Timeline: events})
		return nil
	})
}
