// Package dailyreport is the daily-report function. Every night it writes,
// for every station of every tenant, the figures of the station's last
// complete local day (in the station's own time zone) to object storage as
// JSON and CSV, under reports/{tenant}/{station}/{date}; a rerun, or a tick
// naming a past date, replaces them. GET /v1/reports/daily computes the
// same report from the database on demand, so it answers without object
// storage and for any day.
package dailyreport

import (
	"context"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/schedule"
	"github.com/logifn/logifn/shared/store"
)

// Name is the function's name and its schedule's.
const Name = "daily-report"

// ExceptionLookback is how long ago an exception may have been raised and
// still count as open in a report.
const ExceptionLookback = 30 * 24 * time.Hour

// Spec is daily-report's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    Name,
		Summary: "Daily station reports: written to object storage nightly, served on demand",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/reports/daily", Roles: []domain.Role{domain.RoleOperator, domain.RoleAdmin}},
		},
		// 02:00 in China: the day just ended there, and in Europe too.
		Schedules:      []app.Schedule{{Name: Name, Cron: "0 2 * * *", TimeZone: "Asia/Shanghai"}},
		MemoryMB:       256,
		TimeoutSeconds: 900,
		Bucket:         true,
		New: func(d *app.Deps) (platform.Handlers, error) {
			var bucket Bucket
			if d.Blob != nil {
				bucket = d.Blob
			}
			return platform.Handlers{HTTP: Handler(d.Store, d.Now), Tick: TickHandler(d.Store, bucket, d.Now)}, nil
		},
	}
}

// Store is what daily-report needs of the database.
type Store interface {
	schedule.Tenants
	JobSettings(ctx context.Context, tenant string) (domain.JobSettings, error)
	Station(ctx context.Context, tenant, code string) (*domain.Station, error)
	ListStations(ctx context.Context, tenant string) ([]domain.Station, error)
	StationDays(ctx context.Context, tenant string, q store.DayQuery) (map[string]*store.StationDay, error)
}

// Bucket is where reports are written; Put replaces an object.
type Bucket interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Object, error)
}

// Report is one station's figures for one local day, From (inclusive) to
// To (exclusive) in UTC. See store.StationDay for what each counts.
type Report struct {
	Station        string                `json:"station"`
	Date           string                `json:"date"`
	TimeZone       string                `json:"time_zone"`
	From           time.Time             `json:"from"`
	To             time.Time             `json:"to"`
	StatusCounts   map[domain.Status]int `json:"status_counts"`
	Created        int                   `json:"created"`
	PickedUp       int                   `json:"picked_up"`
	Delivered      int                   `json:"delivered"`
	TimedDelivered int                   `json:"timed_deliveries"`
	OnTime         int                   `json:"on_time"`
	// OnTimeRate is OnTime over TimedDelivered, null without any.
	OnTimeRate *float64 `json:"on_time_rate"`
	// AvgPickupToDeliveryHours is null without timed deliveries.
	AvgPickupToDeliveryHours *float64  `json:"avg_pickup_to_delivery_hours"`
	OpenExceptions           int       `json:"open_exceptions"`
	GeneratedAt              time.Time `json:"generated_at"`
}

// Day is a station's local day: its date and its span in UTC.
type Day struct {
	Date     string
	From, To time.Time
}

// dateLayout is how dates are written: 2026-03-01.
const dateLayout = time.DateOnly

// LocalDay returns the day named by date (YYYY-MM-DD) in loc. Days are
// calendar days: 23 or 25 hours long when the clocks change.
func LocalDay(date string, loc *time.Location) (Day, error) {
	d, err := time.ParseInLocation(dateLayout, date, loc)
	if err != nil {
		return Day{}, err
	}
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	return Day{Date: date, From: from.UTC(), To: from.AddDate(0, 0, 1).UTC()}, nil
}

// PreviousDay returns the last complete day before t in loc.
func PreviousDay(t time.Time, loc *time.Location) Day {
	local := t.In(loc)
	prev := time.Date(local.Year(), local.Month(), local.Day()-1, 12, 0, 0, 0, loc)
	day, _ := LocalDay(prev.Format(dateLayout), loc)
	return day
}

// newReport turns a station's figures into its report.
func newReport(st domain.Station, day Day, fig *store.StationDay, now time.Time) Report {
	counts := make(map[domain.Status]int, len(domain.Statuses))
	for _, s := range domain.Statuses {
		counts[s] = fig.StatusCounts[s]
	}
	r := Report{Station: st.Code, Date: day.Date, TimeZone: st.TimeZone, From: day.From, To: day.To,
		StatusCounts: counts, Created: fig.Created, PickedUp: fig.PickedUp, Delivered: fig.Delivered,
		TimedDelivered: fig.Timed, OnTime: fig.OnTime, OpenExceptions: fig.OpenExceptions, GeneratedAt: now.UTC()}
	if fig.Timed > 0 {
		rate := round(float64(fig.OnTime)/float64(fig.Timed), 4)
		hours := round(fig.PickupToDelivery.Hours()/float64(fig.Timed), 2)
		r.OnTimeRate, r.AvgPickupToDeliveryHours = &rate, &hours
	}
	return r
}

func round(v float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(v*p) / p
}

// compute returns the reports of stations, which share one time zone, for
// day.
func compute(ctx context.Context, st Store, tenant string, stations []domain.Station, day Day, now time.Time) ([]Report, error) {
	settings, err := st.JobSettings(ctx, tenant)
	if err != nil {
		return nil, err
	}
	q := store.DayQuery{From: day.From, To: day.To, Promise: settings.Promise, ExceptionsSince: day.To.Add(-ExceptionLookback)}
	for _, s := range stations {
		q.Stations = append(q.Stations, s.Code)
	}
	figures, err := st.StationDays(ctx, tenant, q)
	if err != nil {
		return nil, err
	}
	reports := make([]Report, 0, len(stations))
	for _, s := range stations {
		reports = append(reports, newReport(s, day, figures[s.Code], now))
	}
	return reports, nil
}
