package dailyreport

import (
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Handler serves GET /v1/reports/daily?station=CODE&date=YYYY-MM-DD: the
// report of one station for one local day, computed now. An operator sees
// their own station (the default); an admin names any station of the
// tenant. The date defaults to the station's previous day; today gives
// the day so far, a later date is refused.
func Handler(st Store, now func() time.Time) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		q := web.NewQuery(r.URL.Query(), "station", "date")
		code, date := q.Station("station"), q.String("date")
		switch {
		case p.Role == domain.RoleOperator && code == "":
			code = p.Station
		case p.Role == domain.RoleOperator && code != p.Station:
			return domain.Errorf(domain.KindForbidden, "forbidden", "an operator sees the reports of station %s only", p.Station)
		case code == "":
			q.Problem("station", "is required")
		}
		if err := q.Err(); err != nil {
			return err
		}
		station, err := st.Station(r.Context(), p.Tenant, code)
		if err != nil {
			return err
		}
		day, err := reportDay(station, date, now())
		if err != nil {
			return err
		}
		reports, err := compute(r.Context(), st, p.Tenant, []domain.Station{*station}, day, now())
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, reports[0])
		return nil
	})
}

// reportDay returns the day date names in the station's time zone, or its
// previous day at now when date is empty.
func reportDay(station *domain.Station, date string, now time.Time) (Day, error) {
	loc, err := time.LoadLocation(station.TimeZone)
	if err != nil {
		return Day{}, domain.Wrap(domain.KindInternal, "bad_time_zone", "the station has a bad time zone", err)
	}
	if date == "" {
		return PreviousDay(now, loc), nil
	}
	day, err := LocalDay(date, loc)
	var probs domain.Problems
	switch {
	case err != nil:
		probs.Add("date", "must be a date such as 2026-03-01")
	case !day.From.Before(now):
		probs.Add("date", "must not be after today in the station's time zone (%s)", station.TimeZone)
	}
	if len(probs) > 0 {
		return Day{}, &domain.Error{Kind: domain.KindInvalid, Code: "invalid_query", Message: "the query has invalid parameters", Details: probs}
	}
	return day, nil
}
