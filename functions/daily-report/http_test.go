package dailyreport_test

import (
	"net/http"
	"testing"
	"time"

	dailyreport "github.com/logifn/logifn/functions/daily-report"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	operator = domain.Principal{Tenant: "t1", Subject: "operator-1", Role: domain.RoleOperator, Station: berlin}
)

// TestGetReport: the route computes the report the tick writes, for the
// day asked or the station's previous day.
func TestGetReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedMidnight(t, st, "t1")
		now := utc("2026-03-02T12:00:00Z") // 20:00 in Shanghai, 13:00 in Berlin
		h := apptest.NewWithClock(t, st, func() time.Time { return now }, dailyreport.Spec())
		get := func(p domain.Principal, query string) (*apptest.Response, dailyreport.Report) {
			res := h.Do(apptest.Request{Method: http.MethodGet, Path: "/v1/reports/daily" + query, Token: h.Token(p)})
			var r dailyreport.Report
			if res.Status == http.StatusOK {
				res.JSON(t, &r)
			}
			return res, r
		}
		tests := []struct {
			name    string
			p       domain.Principal
			query   string
			station string
			date    string
			created int
		}{
			{"admin, Shanghai, a date", admin, "?station=SHA01&date=2026-03-01", shanghai, "2026-03-01", 3},
			{"admin, Berlin, a date", admin, "?station=BER01&date=2026-03-01", berlin, "2026-03-01", 4},
			{"operator, own station, previous day", operator, "", berlin, "2026-03-01", 4},
			{"operator, today so far", operator, "?date=2026-03-02&station=BER01", berlin, "2026-03-02", 2},
			{"admin, the hub: nothing delivered", admin, "?station=HUB01&date=2026-03-01", hub, "2026-03-01", 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, r := get(tt.p, tt.query)
				if res.Status != http.StatusOK {
					t.Fatalf("status %d: %s", res.Status, res.Body)
				}
				if r.Station != tt.station || r.Date != tt.date || r.Created != tt.created || !r.GeneratedAt.Equal(now) {
					t.Errorf("got %s %s created %d generated %s, want %s %s created %d", r.Station, r.Date, r.Created, r.GeneratedAt, tt.station, tt.date, tt.created)
				}
				if (r.OnTimeRate == nil) != (r.TimedDelivered == 0) || (r.AvgPickupToDeliveryHours == nil) != (r.TimedDelivered == 0) {
					t.Errorf("rate %v and average %v with %d timed deliveries", r.OnTimeRate, r.AvgPickupToDeliveryHours, r.TimedDelivered)
				}
			})
		}
		rejects := []struct {
			name   string
			p      domain.Principal
			query  string
			status int
			code   string
		}{
			{"operator, another station", operator, "?station=SHA01", 403, "forbidden"},
			{"admin without a station", admin, "?date=2026-03-01", 400, "invalid_query"},
			{"unknown station", admin, "?station=NOWHERE", 404, "not_found"},
			{"bad station code", admin, "?station=sha-01", 400, "invalid_query"},
			{"bad date", admin, "?station=SHA01&date=01.03.2026", 400, "invalid_query"},
			{"tomorrow in Berlin", admin, "?station=BER01&date=2026-03-03", 400, "invalid_query"},
			{"unknown parameter", admin, "?station=SHA01&day=2026-03-01", 400, "invalid_query"},
			{"another tenant's station", domain.Principal{Tenant: "t2", Subject: "a", Role: domain.RoleAdmin}, "?station=SHA01", 404, "not_found"},
		}
		for _, tt := range rejects {
			t.Run(tt.name, func(t *testing.T) {
				res, _ := get(tt.p, tt.query)
				if e := res.Err(t, tt.status); e.Error.Code != tt.code {
					t.Errorf("code %s, want %s: %s", e.Error.Code, tt.code, res.Body)
				}
			})
		}
	})
}
