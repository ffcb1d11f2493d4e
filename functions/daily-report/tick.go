package dailyreport

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule"
)

// Payload is what a tick may carry, every field optional: {"date":
// "2026-03-01"} reports that day (a backfill) instead of each station's
// previous day; tenant and station narrow the run.
type Payload struct {
	Date    string `json:"date"`
	Tenant  string `json:"tenant"`
	Station string `json:"station"`
}

// TickHandler writes the reports of every station of every tenant to
// bucket: of the payload's date, or of the station's last complete local
// day at the tick's time, so a late tick reports the day an on-time one
// would have. Without a bucket there is nothing to write, and the tick
// only says so.
func TickHandler(st Store, bucket Bucket, now func() time.Time) platform.TickHandler {
	return func(ctx context.Context, t platform.Tick) error {
		var p Payload
		if err := schedule.ReadTick(t, &p); err != nil {
			return err
		}
		if p.Date != "" {
			if _, err := time.Parse(dateLayout, p.Date); err != nil {
				return domain.Errorf(domain.KindInvalid, "invalid_payload", "the payload's date %q is not YYYY-MM-DD", p.Date)
			}
		}
		if bucket == nil {
			reqctx.Logger(ctx).Warn("no object storage configured: daily reports are served on demand only")
			return nil
		}
		return schedule.ForEachTenant(ctx, st, p.Tenant, func(ctx context.Context, tenant string) error {
			n, err := writeTenant(ctx, st, bucket, tenant, p, t.Time, now)
			reqctx.Logger(ctx).WithFields(map[string]any{logging.FieldTenant: tenant, "reports": n}).Info("daily reports")
			return err
		})
	}
}

// writeTenant writes the reports of tenant's stations, computing those of
// one time zone and day together, and returns how many it wrote.
func writeTenant(ctx context.Context, st Store, bucket Bucket, tenant string, p Payload, at time.Time, now func() time.Time) (int, error) {
	stations, err := st.ListStations(ctx, tenant)
	if err != nil {
		return 0, err
	}
	groups, err := groupByDay(stations, p, at)
	if err != nil {
		return 0, err
	}
	written := 0
	for _, g := range groups {
		reports, err := compute(ctx, st, tenant, g.stations, g.day, now())
		if err != nil {
			return written, err
		}
		for _, r := range reports {
			if err := put(ctx, bucket, tenant, r); err != nil {
				return written, err
			}
			written++
		}
	}
	return written, nil
}

type dayGroup struct {
	day      Day
	stations []domain.Station
}

// groupByDay groups the stations p names (all, or one) by the day to
// report, in the order first seen. A station whose day has not ended at
// at is left out: its report would be partial.
func groupByDay(stations []domain.Station, p Payload, at time.Time) ([]*dayGroup, error) {
	byDay := map[string]*dayGroup{}
	var groups []*dayGroup
	for _, s := range stations {
		if p.Station != "" && s.Code != p.Station {
			continue
		}
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			return nil, domain.Wrap(domain.KindInternal, "bad_time_zone", "station "+s.Code+" has a bad time zone", err)
		}
		day := PreviousDay(at, loc)
		if p.Date != "" {
			day, _ = LocalDay(p.Date, loc)
		}
		if day.To.After(at) {
			continue
		}
		key := day.Date + " " + day.From.Format(time.RFC3339) // one date starts at different times in different zones
		g := byDay[key]
		if g == nil {
			g = &dayGroup{day: day}
			byDay[key] = g
			groups = append(groups, g)
		}
		g.stations = append(g.stations, s)
	}
	return groups, nil
}

// Key returns where the report of tenant's station for date is stored,
// without its extension: reports/{tenant}/{station}/{date}.
func Key(tenant, station, date string) string {
	return "reports/" + url.PathEscape(tenant) + "/" + station + "/" + date
}

// put writes r as JSON and as CSV, replacing what a run before wrote.
func put(ctx context.Context, bucket Bucket, tenant string, r Report) error {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	key := Key(tenant, r.Station, r.Date)
	if _, err := bucket.Put(ctx, key+".json", bytes.NewReader(js), int64(len(js)), "application/json"); err != nil {
		return err
	}
	csv := r.CSV()
	_, err = bucket.Put(ctx, key+".csv", bytes.NewReader(csv), int64(len(csv)), "text/csv; charset=utf-8")
	return err
}

// CSV returns the report as a header and one row, with a column per
// status; an absent rate or average is an empty cell.
func (r Report) CSV() []byte {
	header := []string{"station", "date", "time_zone", "from", "to", "created", "picked_up", "delivered",
		"timed_deliveries", "on_time", "on_time_rate", "avg_pickup_to_delivery_hours", "open_exceptions"}
	row := []string{r.Station, r.Date, r.TimeZone, r.From.Format(time.RFC3339), r.To.Format(time.RFC3339),
		strconv.Itoa(r.Created), strconv.Itoa(r.PickedUp), strconv.Itoa(r.Delivered), strconv.Itoa(r.TimedDelivered),
		strconv.Itoa(r.OnTime), optional(r.OnTimeRate), optional(r.AvgPickupToDeliveryHours), strconv.Itoa(r.OpenExceptions)}
	for _, s := range domain.Statuses {
		header = append(header, "status_"+string(s))
		row = append(row, strconv.Itoa(r.StatusCounts[s]))
	}
	header = append(header, "generated_at")
	row = append(row, r.GeneratedAt.Format(time.RFC3339))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll([][]string{header, row}) // a bytes.Buffer does not fail
	return b.Bytes()
}

func optional(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
