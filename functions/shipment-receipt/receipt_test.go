package shipmentreceipt_test

import (
	"net/http"
	"testing"

	shipmentreceipt "github.com/logifn/logifn/functions/shipment-receipt"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	owner    = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	stranger = domain.Principal{Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer}
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
)

func shipmentIn(t *testing.T, st *store.Store, status domain.Status) domain.Waybill {
	return storetest.ShipmentIn(t, st, "t1", status).Waybill
}

func post(h *apptest.Harness, p domain.Principal, path string, body any) *apptest.Response {
	return h.Do(apptest.Request{Method: "POST", Path: path, Token: h.Token(p), Body: body})
}

func TestReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, shipmentreceipt.Spec())
		wb := shipmentIn(t, st, domain.StatusDelivered)
		path := "/v1/shipments/" + string(wb) + "/receipt"
		post(h, stranger, path, nil).Err(t, http.StatusNotFound)
		res := post(h, owner, path, map[string]string{"note": "收到了，谢谢"})
		if res.Status != http.StatusCreated {
			t.Fatalf("receipt: %d %s", res.Status, res.Body)
		}
		var out struct {
			Event    domain.TrackingEvent `json:"event"`
			Shipment domain.Shipment      `json:"shipment"`
		}
		res.JSON(t, &out)
		if out.Shipment.Status != domain.StatusReceived || out.Event.Note != "收到了，谢谢" || out.Event.Actor != "cust-1" {
			t.Errorf("receipt = %+v", out)
		}
		if again := post(h, owner, path, nil); again.Status != http.StatusOK {
			t.Errorf("second receipt: %d, want 200", again.Status)
		}
		early := shipmentIn(t, st, domain.StatusPickedUp)
		e := post(h, owner, "/v1/shipments/"+string(early)+"/receipt", nil).Err(t, http.StatusConflict)
		if e.Error.Code != "illegal_transition" || e.Error.Details[0].Message != "current status is picked_up" {
			t.Errorf("early receipt: %+v", e.Error)
		}
	})
}
