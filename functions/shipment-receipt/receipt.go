// Package shipmentreceipt is the shipment-receipt function: the customer
// confirms that a delivered shipment was received (确认收件).
package shipmentreceipt

import (
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/transition"
)

// Spec is shipment-receipt's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-receipt",
		Summary: "Confirm receipt of a delivered shipment",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/shipments/{waybill}/receipt", Roles: []domain.Role{domain.RoleCustomer, domain.RoleAdmin}},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store, d.Now)}, nil
		},
	}
}

// Handler serves POST /v1/shipments/{waybill}/receipt with an optional
// body {"note": "..."}. Confirming twice answers the first confirmation.
func Handler(st transition.Store, now func() time.Time) http.Handler {
	return transition.StatusChange(st, now, domain.StatusReceived, "receipt confirmed")
}
