package itemlist_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	itemlist "github.com/logifn/logifn/functions/item-list"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func TestItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// Three shipments of two items each; the second is picked up.
		var want []string
		for _, status := range []domain.Status{domain.StatusCreated, domain.StatusPickedUp, domain.StatusCreated} {
			sh := storetest.ShipmentIn(t, st, "t1", status)
			// Newest shipment first, items in their order within it.
			want = append([]string{fmt.Sprintf("%s/book", sh.Waybill), fmt.Sprintf("%s/pen", sh.Waybill)}, want...)
		}
		storetest.ShipmentIn(t, st, "t2", domain.StatusCreated)
		h := apptest.New(t, st, itemlist.Spec())
		admin := domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}

		var got []string
		query := "limit=4"
		for n := 0; n < 5; n++ {
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/items?" + query, Token: h.Token(admin)})
			var page itemlist.Page
			res.JSON(t, &page)
			if res.Status != http.StatusOK {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			for _, it := range page.Items {
				got = append(got, fmt.Sprintf("%s/%s", it.Waybill, it.Name))
			}
			if page.NextCursor == "" {
				break
			}
			query = "limit=4&cursor=" + url.QueryEscape(page.NextCursor)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("items = %v\nwant    %v", got, want)
		}

		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/items?status=picked_up&station=" + storetest.OriginStation, Token: h.Token(admin)})
		var page itemlist.Page
		res.JSON(t, &page)
		if len(page.Items) != 2 || page.Items[0].Status != domain.StatusPickedUp {
			t.Errorf("filtered = %+v", page.Items)
		}
		courier := domain.Principal{Tenant: "t1", Subject: "c", Role: domain.RoleCourier, Station: storetest.OriginStation}
		h.Do(apptest.Request{Method: "GET", Path: "/v1/items", Token: h.Token(courier)}).Err(t, http.StatusForbidden)
		h.Do(apptest.Request{Method: "GET", Path: "/v1/items?cursor=bogus", Token: h.Token(admin)}).Err(t, http.StatusBadRequest)
	})
}

func TestItemsLimitAtTheMaximum(t *testing.T) {
	st := storetest.SQLite(t)
	storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
	h := apptest.New(t, st, itemlist.Spec())
	admin := domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/items?limit=100", Token: h.Token(admin)})
	var page itemlist.Page
	res.JSON(t, &page)
	if res.Status != http.StatusOK || len(page.Items) != 2 {
		t.Errorf("limit=100: %d with %d items, want 200 with 2", res.Status, len(page.Items))
	}
}
