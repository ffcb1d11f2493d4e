package stationput_test

import (
	"net/http"
	"testing"

	stationlist "github.com/logifn/logifn/functions/station-list"
	stationput "github.com/logifn/logifn/functions/station-put"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	operator = domain.Principal{Tenant: "t1", Subject: "op-1", Role: domain.RoleOperator, Station: "HUB1"}
	outsider = domain.Principal{Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin}
)

func station(parent string) map[string]any {
	return map[string]any{"name": "Hangzhou Transit", "kind": "transit_centre", "region": "east", "time_zone": "Asia/Shanghai",
		"parent": parent, "address": map[string]any{"province": "浙江省", "city": "杭州市", "district": "萧山区", "detail": "空港大道 300 号"}}
}

func TestPutAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := apptest.New(t, st, stationput.Spec(), stationlist.Spec())
		put := func(p domain.Principal, code string, body any) *apptest.Response {
			return h.Do(apptest.Request{Method: "PUT", Path: "/v1/stations/" + code, Token: h.Token(p), Body: body})
		}
		hub := station("")
		hub["kind"] = "hub"
		if res := put(admin, "HUB1", hub); res.Status != http.StatusCreated {
			t.Fatalf("create hub: %d %s", res.Status, res.Body)
		}
		if res := put(admin, "HGH-TC", station("HUB1")); res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		first := put(admin, "HGH-TC", station("HUB1"))
		var got domain.Station
		first.JSON(t, &got)
		if first.Status != http.StatusOK || got.Parent != "HUB1" || got.Kind != domain.StationTransit {
			t.Errorf("replace: %d %+v", first.Status, got)
		}

		tests := []struct {
			name   string
			p      domain.Principal
			code   string
			body   any
			status int
			field  string
		}{
			{"operator may not", operator, "X1", station(""), 403, ""},
			{"unknown parent", admin, "X1", station("NOPE"), 422, "parent"},
			{"own parent", admin, "HUB1", station("HUB1"), 422, "parent"},
			{"cycle", admin, "HUB1", station("HGH-TC"), 422, "parent"},
			{"bad time zone", admin, "X1", func() map[string]any { b := station(""); b["time_zone"] = "Mars/Olympus"; return b }(), 422, "time_zone"},
			{"bad kind", admin, "X1", func() map[string]any { b := station(""); b["kind"] = "depot"; return b }(), 422, "kind"},
			{"bad code", admin, "has%20space", station(""), 422, "code"},
			{"code in body", admin, "X1", func() map[string]any { b := station(""); b["code"] = "X2"; return b }(), 400, "code"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := put(tt.p, tt.code, tt.body).Err(t, tt.status)
				if tt.field != "" && (len(e.Error.Details) == 0 || e.Error.Details[0].Field != tt.field) {
					t.Errorf("details = %+v, want %s", e.Error.Details, tt.field)
				}
			})
		}

		var list struct {
			Stations []domain.Station `json:"stations"`
		}
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/stations", Token: h.Token(operator)})
		res.JSON(t, &list)
		if len(list.Stations) != 2 || list.Stations[0].Code != "HGH-TC" || list.Stations[1].Code != "HUB1" {
			t.Errorf("list = %+v", list.Stations)
		}
		res = h.Do(apptest.Request{Method: "GET", Path: "/v1/stations", Token: h.Token(outsider)})
		res.JSON(t, &list)
		if res.Status != http.StatusOK || len(list.Stations) != 0 {
			t.Errorf("another tenant sees %d stations (%s)", len(list.Stations), res.Body)
		}
	})
}
