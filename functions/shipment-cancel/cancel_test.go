package shipmentcancel_test

import (
	"net/http"
	"strings"
	"testing"

	shipmentcancel "github.com/logifn/logifn/functions/shipment-cancel"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	owner    = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	stranger = domain.Principal{Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer}
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	courier  = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: storetest.OriginStation}
)

func post(h *apptest.Harness, p domain.Principal, path string, body any) *apptest.Response {
	return h.Do(apptest.Request{Method: "POST", Path: path, Token: h.Token(p), Body: body})
}

func TestCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, shipmentcancel.Spec())
		fresh := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated).Waybill
		post(h, stranger, "/v1/shipments/"+string(fresh)+"/cancel", nil).Err(t, http.StatusNotFound)
		if res := post(h, owner, "/v1/shipments/"+string(fresh)+"/cancel", nil); res.Status != http.StatusCreated {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}
		moving := storetest.ShipmentIn(t, st, "t1", domain.StatusPickedUp).Waybill
		post(h, admin, "/v1/shipments/"+string(moving)+"/cancel", nil).Err(t, http.StatusConflict)
		res := post(h, owner, "/v1/shipments/"+string(fresh)+"/cancel", map[string]string{"note": strings.Repeat("x", 501)})
		if e := res.Err(t, http.StatusUnprocessableEntity); e.Error.Details[0].Field != "note" {
			t.Errorf("long note: %+v", e.Error)
		}
		post(h, courier, "/v1/shipments/"+string(fresh)+"/cancel", nil).Err(t, http.StatusForbidden)
	})
}
