// Package shipmentcreate is the shipment-create function: a sender, an
// operator or an admin creates a shipment (寄件) and gets its waybill number.
package shipmentcreate

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Spec is shipment-create's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-create",
		Summary: "Create a shipment and issue its waybill number",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/shipments", Roles: []domain.Role{domain.RoleCustomer, domain.RoleOperator, domain.RoleAdmin},
				AnswerInWrite: true},
		},
		MemoryMB:       256,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what shipment-create needs of the database.
// PriceAndCreateShipment prices the shipment on the tenant's rate card, as
// POST /v1/quotes does, and stores it. It fails with unprocessable for
// unknown stations, bad items or a currency other than the rate card's,
// and unavailable when the database is down; with a request key it
// already saw, it loads the stored shipment into sh and reports created
// false.
type Store interface {
	PriceAndCreateShipment(ctx context.Context, sh *domain.Shipment, actor, requestKey string) (created bool, err error)
}

// Handler serves POST /v1/shipments. A new Idempotency-Key is stored
// with the shipment, in its transaction, with the answer (see
// web.AnswerInWrite).
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		var in domain.ShipmentInput
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		sh, err := in.Shipment()
		if err != nil {
			return err
		}
		if err := setCustomer(sh, p); err != nil {
			return err
		}
		sh.Tenant = p.Tenant
		web.AnswerInWrite(r, func(w http.ResponseWriter, result any) {
			writeShipment(w, http.StatusCreated, result.(*domain.Shipment))
		})
		created, err := st.PriceAndCreateShipment(r.Context(), sh, p.Subject, r.Header.Get(web.IdempotencyHeader))
		if err != nil || web.AnsweredInWrite(r) {
			return err
		}
		status := http.StatusCreated
		if !created {
			status = http.StatusOK
		}
		writeShipment(w, status, sh)
		return nil
	})
}

// writeShipment answers with sh and where to find it.
func writeShipment(w http.ResponseWriter, status int, sh *domain.Shipment) {
	w.Header().Set("Location", "/v1/shipments/"+sh.Waybill.String())
	web.WriteJSON(w, status, shipmentJSON{sh})
}

// shipmentJSON writes a shipment without reflection (see web.JSONAppender).
type shipmentJSON struct{ sh *domain.Shipment }

// AppendJSON appends the shipment to b as json.Marshal writes it.
func (s shipmentJSON) AppendJSON(b []byte) ([]byte, error) { return domain.AppendShipmentJSON(b, s.sh) }

// setCustomer decides whose shipment this is: a customer's own, or the
// customer a member of staff names.
func setCustomer(sh *domain.Shipment, p domain.Principal) error {
	if p.Role == domain.RoleCustomer {
		if sh.CustomerID != "" && sh.CustomerID != p.Subject {
			return domain.Errorf(domain.KindForbidden, "forbidden", "customers create shipments for themselves only")
		}
		sh.CustomerID = p.Subject
		return nil
	}
	var probs domain.Problems
	if sh.CustomerID == "" || len(sh.CustomerID) > 64 {
		probs.Add("customer_id", "is required when staff create a shipment: 1 to 64 characters")
	}
	return probs.Err()
}
