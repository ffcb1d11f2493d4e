package dailyreport_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dailyreport "github.com/logifn/logifn/functions/daily-report"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule/scheduletest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// The stations: one in Shanghai (UTC+8), one in Berlin (UTC+1 in winter),
// and a hub in Shanghai the parcels come from or go to.
const (
	shanghai = "SHA01"
	berlin   = "BER01"
	hub      = "HUB01"
)

func quietContext(t *testing.T) context.Context {
	log, err := logging.New(io.Discard, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	return reqctx.WithLogger(context.Background(), log.WithField(logging.FieldFunction, dailyreport.Name))
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func putStations(t *testing.T, st *store.Store, tenant string) {
	t.Helper()
	for code, zone := range map[string]string{shanghai: "Asia/Shanghai", berlin: "Europe/Berlin", hub: "Asia/Shanghai"} {
		s := storetest.Station(tenant, code)
		s.TimeZone = zone
		if _, err := st.PutStation(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

// nearMidnight are moments around midnight in Shanghai (16:00 UTC) and in
// Berlin (23:00 UTC) either side of 1 March 2026.
var nearMidnight = []string{
	"2026-02-28T15:59:00Z", // Shanghai 28 Feb 23:59, Berlin 28 Feb 16:59
	"2026-02-28T16:01:00Z", // Shanghai 1 Mar 00:01,  Berlin 28 Feb 17:01
	"2026-02-28T23:01:00Z", // Shanghai 1 Mar 07:01,  Berlin 1 Mar 00:01
	"2026-03-01T15:59:00Z", // Shanghai 1 Mar 23:59,  Berlin 1 Mar 16:59
	"2026-03-01T16:01:00Z", // Shanghai 2 Mar 00:01,  Berlin 1 Mar 17:01
	"2026-03-01T22:59:00Z", // Shanghai 2 Mar 06:59,  Berlin 1 Mar 23:59
	"2026-03-01T23:01:00Z", // Shanghai 2 Mar 07:01,  Berlin 2 Mar 00:01
	"2026-03-01T23:30:00Z", // Shanghai 2 Mar 07:30,  Berlin 2 Mar 00:30
}

// seedMidnight stores, for every moment of nearMidnight, a shipment created
// then at each of the two stations, and a shipment delivered then to each,
// picked up a day before (express: on time).
func seedMidnight(t *testing.T, st *store.Store, tenant string) {
	t.Helper()
	putStations(t, st, tenant)
	for _, m := range nearMidnight {
		at := utc(m)
		for _, code := range []string{shanghai, berlin} {
			out := storetest.Shipment(tenant)
			out.OriginStation, out.DestinationStation = code, hub
			storetest.Journey(t, st, out, at)
			in := storetest.Shipment(tenant)
			in.OriginStation, in.DestinationStation, in.ServiceLevel = hub, code, domain.ServiceExpress
			storetest.Journey(t, st, in, at.Add(-48*time.Hour),
				storetest.Step{Status: domain.StatusPickedUp, At: at.Add(-24 * time.Hour)},
				storetest.Step{Status: domain.StatusOutForDelivery, At: at.Add(-time.Hour)},
				storetest.Step{Status: domain.StatusDelivered, At: at})
		}
	}
}

func readReport(t *testing.T, bucket *memblob.Store, key string) dailyreport.Report {
	t.Helper()
	body := bucket.Bytes(key)
	if body == nil {
		t.Fatalf("no object %s; have %v", key, bucket.Keys(""))
	}
	var r dailyreport.Report
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return r
}

// TestLocalDaysNearMidnight: the same UTC moments fall into each station's
// own 1 March: three of them in Shanghai, four in Berlin.
func TestLocalDaysNearMidnight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedMidnight(t, st, "t1")
		bucket := memblob.New("reports")
		h := dailyreport.TickHandler(st, bucket, time.Now)
		backfill := platform.Tick{Name: dailyreport.Name, Time: utc("2026-03-05T18:00:00Z"), Payload: `{"date":"2026-03-01"}`}
		if err := h(quietContext(t), backfill); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			station, zone, from, to string
			count                   int
		}{
			{shanghai, "Asia/Shanghai", "2026-02-28T16:00:00Z", "2026-03-01T16:00:00Z", 3},
			{berlin, "Europe/Berlin", "2026-02-28T23:00:00Z", "2026-03-01T23:00:00Z", 4},
		}
		for _, tt := range tests {
			r := readReport(t, bucket, dailyreport.Key("t1", tt.station, "2026-03-01")+".json")
			if r.TimeZone != tt.zone || !r.From.Equal(utc(tt.from)) || !r.To.Equal(utc(tt.to)) {
				t.Errorf("%s: day %s %s to %s, want %s %s to %s", tt.station, r.TimeZone, r.From, r.To, tt.zone, tt.from, tt.to)
			}
			if r.Created != tt.count || r.Delivered != tt.count || r.OnTime != tt.count || r.TimedDelivered != tt.count {
				t.Errorf("%s: created %d, delivered %d, on time %d of %d; want %d each", tt.station, r.Created, r.Delivered, r.OnTime, r.TimedDelivered, tt.count)
			}
			if r.OnTimeRate == nil || *r.OnTimeRate != 1 || r.AvgPickupToDeliveryHours == nil || *r.AvgPickupToDeliveryHours != 24 {
				t.Errorf("%s: on-time rate %v, average %v hours; want 1 and 24", tt.station, r.OnTimeRate, r.AvgPickupToDeliveryHours)
			}
			// Each delivered parcel ended the day delivered, each new one created.
			if r.StatusCounts[domain.StatusCreated] != tt.count || r.StatusCounts[domain.StatusDelivered] != tt.count {
				t.Errorf("%s: status counts %v", tt.station, r.StatusCounts)
			}
		}
	})
}

// TestTicksFromEveryPlatform: the fixtures fire at 02:00 in Shanghai on 2
// March, 19:00 on 1 March in Berlin: each station reports its last
// complete day, and the three deliveries of the tick leave one pair of
// objects per station.
func TestTicksFromEveryPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedMidnight(t, st, "t1")
		_, ticks := scheduletest.Ticks(t)
		bucket := memblob.New("reports")
		h := dailyreport.TickHandler(st, bucket, time.Now)
		for _, name := range []string{scheduletest.FCTimer, scheduletest.EventBridge, scheduletest.Ping} {
			if err := h(quietContext(t), ticks[name]); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		want := []string{
			"reports/t1/BER01/2026-02-28.csv", "reports/t1/BER01/2026-02-28.json",
			"reports/t1/HUB01/2026-03-01.csv", "reports/t1/HUB01/2026-03-01.json",
			"reports/t1/SHA01/2026-03-01.csv", "reports/t1/SHA01/2026-03-01.json",
		}
		if got := bucket.Keys("reports/"); !slices.Equal(got, want) {
			t.Fatalf("objects %v, want %v", got, want)
		}
		if r := readReport(t, bucket, "reports/t1/SHA01/2026-03-01.json"); r.Created != 3 {
			t.Errorf("Shanghai created %d on 1 March, want 3", r.Created)
		}
		if r := readReport(t, bucket, "reports/t1/BER01/2026-02-28.json"); r.Created != 2 || r.OnTimeRate == nil {
			t.Errorf("Berlin created %d on 28 February (want 2), on-time rate %v", r.Created, r.OnTimeRate)
		}
		rows, err := csv.NewReader(strings.NewReader(string(bucket.Bytes("reports/t1/SHA01/2026-03-01.csv")))).ReadAll()
		if err != nil || len(rows) != 2 || len(rows[0]) != len(rows[1]) || rows[0][0] != "station" || rows[1][0] != shanghai {
			t.Fatalf("CSV = %v (%v), want a header and one row", rows, err)
		}
		if i := slices.Index(rows[0], "created"); i < 0 || rows[1][i] != "3" {
			t.Errorf("CSV created column %d: %v", i, rows)
		}
	})
}

// TestRacingAndLateTicks: two ticks at once and one delivered a day late
// write the same objects, for the same days.
func TestRacingAndLateTicks(t *testing.T) {
	st := storetest.SQLite(t)
	seedMidnight(t, st, "t1")
	bucket := memblob.New("reports")
	tick := platform.Tick{Name: dailyreport.Name, Time: utc("2026-03-01T18:00:00Z")}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := dailyreport.TickHandler(st, bucket, time.Now)(quietContext(t), tick); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	before := bucket.Keys("")
	late := func() time.Time { return tick.Time.Add(26 * time.Hour) }
	if err := dailyreport.TickHandler(st, bucket, late)(quietContext(t), tick); err != nil {
		t.Fatal(err)
	}
	if after := bucket.Keys(""); len(before) != 6 || !slices.Equal(before, after) {
		t.Errorf("objects %v, then after the late tick %v; want the same 6", before, after)
	}
	if r := readReport(t, bucket, "reports/t1/SHA01/2026-03-01.json"); r.Created != 3 || !r.GeneratedAt.Equal(late()) {
		t.Errorf("after the late tick: created %d generated %s; want 3, replaced at %s", r.Created, r.GeneratedAt, late())
	}
}

func TestTickPayloads(t *testing.T) {
	st := storetest.SQLite(t)
	putStations(t, st, "t1")
	putStations(t, st, "t2")
	bucket := memblob.New("reports")
	h := dailyreport.TickHandler(st, bucket, time.Now)
	at := utc("2026-03-01T18:00:00Z")
	if err := h(quietContext(t), platform.Tick{Time: at, Payload: `{"tenant":"t2","station":"BER01"}`}); err != nil {
		t.Fatal(err)
	}
	if got := bucket.Keys(""); !slices.Equal(got, []string{"reports/t2/BER01/2026-02-28.csv", "reports/t2/BER01/2026-02-28.json"}) {
		t.Errorf("one tenant's station: objects %v", got)
	}
	// A day that has not ended anywhere is not written.
	if err := h(quietContext(t), platform.Tick{Time: at, Payload: `{"date":"2026-03-02"}`}); err != nil {
		t.Fatal(err)
	}
	if n := len(bucket.Keys("")); n != 2 {
		t.Errorf("an unfinished day wrote objects: %v", bucket.Keys(""))
	}
	for _, bad := range []string{`{"date":"1 March"}`, `{"day":"2026-03-01"}`, `[]`} {
		err := h(quietContext(t), platform.Tick{Time: at, Payload: bad})
		if domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("payload %s: %v, want invalid", bad, err)
		}
	}
	// Without object storage the tick writes nothing and succeeds.
	if err := dailyreport.TickHandler(st, nil, time.Now)(quietContext(t), platform.Tick{Time: at}); err != nil {
		t.Errorf("without a bucket: %v", err)
	}
}

func TestLocalDay(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		date     string
		from, to string
	}{
		{"2026-03-29", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"}, // 23 hours: summer time starts
		{"2026-10-25", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"}, // 25 hours
	}
	for _, tt := range tests {
		d, err := dailyreport.LocalDay(tt.date, berlin)
		if err != nil || !d.From.Equal(utc(tt.from)) || !d.To.Equal(utc(tt.to)) {
			t.Errorf("LocalDay(%s) = %+v (%v), want %s to %s", tt.date, d, err, tt.from, tt.to)
		}
	}
	if d := dailyreport.PreviousDay(utc("2026-03-29T22:30:00Z"), berlin); d.Date != "2026-03-29" {
		t.Errorf("PreviousDay at 00:30 on 30 March in Berlin = %s, want 2026-03-29", d.Date)
	}
}
