// Package shipmentcancel is the shipment-cancel function: the sender or an
// admin cancels a shipment that has not been picked up yet.
package shipmentcancel

import (
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/transition"
)

// Spec is shipment-cancel's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-cancel",
		Summary: "Cancel a shipment that is still only created",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/shipments/{waybill}/cancel", Roles: []domain.Role{domain.RoleCustomer, domain.RoleAdmin}},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store, d.Now)}, nil
		},
	}
}

// Handler serves POST /v1/shipments/{waybill}/cancel with an optional body
// {"note": "why"}. Cancelling twice answers the first cancellation.
func Handler(st transition.Store, now func() time.Time) http.Handler {
	return transition.StatusChange(st, now, domain.StatusCancelled, "cancelled")
}
