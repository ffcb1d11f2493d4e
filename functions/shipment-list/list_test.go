package shipmentlist_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	cust1   = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	cust2   = domain.Principal{Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer}
	admin   = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	courier = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: "HZ01"}
	outside = domain.Principal{Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin}
)

// seed stores 5 shipments of cust-1 (SHA01 -> PEK01) and 3 of cust-2
// (HZ01 -> SHA01) in t1, and returns their waybills newest first.
func seed(t *testing.T, st *store.Store) (all []domain.Waybill) {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{"SHA01", "PEK01", "HZ01"} {
		if _, err := st.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 8; i++ {
		sh := storetest.Shipment("t1")
		if i >= 5 {
			sh.CustomerID, sh.OriginStation, sh.DestinationStation = "cust-2", "HZ01", "SHA01"
		}
		if _, err := st.CreateShipment(ctx, sh, sh.CustomerID, ""); err != nil {
			t.Fatal(err)
		}
		all = append([]domain.Waybill{sh.Waybill}, all...)
	}
	return all
}

func page(t *testing.T, h *apptest.Harness, p domain.Principal, query string) shipmentlist.Page {
	t.Helper()
	res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments?" + query, Token: h.Token(p)})
	if res.Status != http.StatusOK {
		t.Fatalf("GET ?%s as %s: %d %s", query, p.Subject, res.Status, res.Body)
	}
	var pg shipmentlist.Page
	res.JSON(t, &pg)
	return pg
}

// walk follows next_cursor to the end and returns every waybill seen.
func walk(t *testing.T, h *apptest.Harness, p domain.Principal, query string) []domain.Waybill {
	t.Helper()
	var got []domain.Waybill
	q := query
	for i := 0; i < 20; i++ {
		pg := page(t, h, p, q)
		for _, s := range pg.Shipments {
			got = append(got, s.Waybill)
		}
		if pg.NextCursor == "" {
			return got
		}
		q = query + "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
	t.Fatal("pagination did not end")
	return nil
}

func TestListScopesAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		all := seed(t, st)
		h := apptest.New(t, st, shipmentlist.Spec())
		tests := []struct {
			name  string
			p     domain.Principal
			query string
			want  []domain.Waybill
		}{
			{"admin sees the tenant", admin, "limit=3", all},
			{"customer sees own", cust1, "limit=2", all[3:]},
			{"other customer sees own", cust2, "limit=1", all[:3]},
			{"courier sees own station, origin or destination", courier, "limit=2", all[:3]},
			{"admin by station matches origin or destination", admin, "limit=2&station=SHA01", all},
			{"admin by customer", admin, "customer_id=cust-2", all[:3]},
			{"status filter", admin, "status=created", all},
			{"status filter with no match", admin, "status=delivered", nil},
			{"another tenant sees nothing", outside, "", nil},
			{"created range", admin, "created_from=" + url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)) +
				"&created_to=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), all},
			{"created range in the past", admin, "created_to=2001-01-01T00:00:00Z", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := walk(t, h, tt.p, tt.query)
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("got %v\nwant %v", got, tt.want)
				}
			})
		}
	})
}

func TestListRejects(t *testing.T) {
	st := storetest.SQLite(t)
	seed(t, st)
	h := apptest.New(t, st, shipmentlist.Spec())
	tests := []struct {
		name   string
		p      domain.Principal
		query  string
		status int
		field  string
	}{
		{"limit too large", admin, "limit=101", 400, "limit"},
		{"limit zero", admin, "limit=0", 400, "limit"},
		{"bad status", admin, "status=lost", 400, "status"},
		{"bad cursor", admin, "cursor=abc", 400, "cursor"},
		{"forged cursor", admin, "cursor=czEuLTE", 400, "cursor"},
		{"bad time", admin, "created_from=yesterday", 400, "created_from"},
		{"inverted range", admin, "created_from=2026-02-01T00:00:00Z&created_to=2026-01-01T00:00:00Z", 400, "created_to"},
		{"unknown parameter", admin, "colour=red", 400, "colour"},
		{"repeated parameter", admin, "status=created&status=delivered", 400, "status"},
		{"customer asks for another customer", cust1, "customer_id=cust-2", 403, ""},
		{"courier asks for another station", courier, "station=SHA01", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments?" + tt.query, Token: h.Token(tt.p)})
			e := res.Err(t, tt.status)
			if tt.field != "" && (len(e.Error.Details) == 0 || e.Error.Details[0].Field != tt.field) {
				t.Errorf("details = %+v, want field %s", e.Error.Details, tt.field)
			}
		})
	}
}

// TestLimitAtTheMaximum: the handler asks the store for one row more than
// the page, which must work at the largest page too.
func TestLimitAtTheMaximum(t *testing.T) {
	st := storetest.SQLite(t)
	all := seed(t, st)
	h := apptest.New(t, st, shipmentlist.Spec())
	pg := page(t, h, admin, fmt.Sprintf("limit=%d", shipmentlist.MaxLimit))
	if len(pg.Shipments) != len(all) || pg.NextCursor != "" {
		t.Errorf("got %d shipments, cursor %q; want %d and none", len(pg.Shipments), pg.NextCursor, len(all))
	}
}
