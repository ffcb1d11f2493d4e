package shipmentget_test

import (
	"context"
	"net/http"
	"testing"

	shipmentget "github.com/logifn/logifn/functions/shipment-get"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// seed stores one shipment of cust-1 in tenant t1 and returns its waybill.
func seed(t *testing.T, st *store.Store, tenant string) domain.Waybill {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := st.PutStation(ctx, storetest.Station(tenant, code)); err != nil {
			t.Fatal(err)
		}
	}
	sh := storetest.Shipment(tenant)
	if _, err := st.CreateShipment(ctx, sh, "cust-1", ""); err != nil {
		t.Fatal(err)
	}
	return sh.Waybill
}

func TestGet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st, "t1")
		wb := seed(t, st, "t1")
		seed(t, st, "t2") // serials are per tenant: t2 has a first shipment but no second
		h := apptest.New(t, st, shipmentget.Spec())
		owner := domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
		stranger := domain.Principal{Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer}
		courier := domain.Principal{Tenant: "t1", Subject: "c-1", Role: domain.RoleCourier, Station: "PEK01"}
		otherAdmin := domain.Principal{Tenant: "t2", Subject: "admin", Role: domain.RoleAdmin}

		for _, p := range []domain.Principal{owner, courier} {
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(wb), Token: h.Token(p)})
			var got shipmentget.Response
			res.JSON(t, &got)
			if res.Status != http.StatusOK || got.Waybill != wb || len(got.Items) != 2 {
				t.Fatalf("%s: got %d %s", p.Role, res.Status, res.Body)
			}
			if res.Header.Get("ETag") != `"1"` {
				t.Errorf("%s: ETag = %q, want \"1\"", p.Role, res.Header.Get("ETag"))
			}
			if len(got.Timeline) != 1 || got.Timeline[0].Status != domain.StatusCreated {
				t.Errorf("%s: timeline = %+v, want one created event", p.Role, got.Timeline)
			}
		}

		// Another customer's shipment, another tenant's and one that does
		// not exist all answer the same 404.
		unknown, _ := domain.NewWaybill(9_000_000_001)
		var bodies []string
		for _, c := range []struct {
			p  domain.Principal
			wb domain.Waybill
		}{{stranger, wb}, {otherAdmin, wb}, {owner, unknown}} {
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(c.wb), Token: h.Token(c.p)})
			e := res.Err(t, http.StatusNotFound)
			bodies = append(bodies, e.Error.Code+" "+e.Error.Message)
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Errorf("404 bodies differ, hinting at existence: %q vs %q", b, bodies[0])
			}
		}

		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/LF00000000018", Token: h.Token(owner)})
		if e := res.Err(t, http.StatusBadRequest); e.Error.Code != "invalid_waybill" {
			t.Errorf("bad check digit: code %s, want invalid_waybill", e.Error.Code)
		}
		res = h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(wb)})
		res.Err(t, http.StatusUnauthorized)
		res = h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(wb) + "?expand=all", Token: h.Token(owner)})
		if e := res.Err(t, http.StatusBadRequest); e.Error.Details[0].Field != "expand" {
			t.Errorf("unknown parameter: %+v", e.Error)
		}
		res = h.Do(apptest.Request{Method: "DELETE", Path: "/v1/shipments/" + string(wb), Token: h.Token(owner)})
		if e := res.Err(t, http.StatusMethodNotAllowed); res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("Allow = %q (%s)", res.Header.Get("Allow"), e.Error.Message)
		}
	})
}
