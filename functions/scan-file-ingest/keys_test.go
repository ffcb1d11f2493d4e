package scanfileingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestHostileKeys delivers events whose keys or buckets must not be
// trusted: each is dropped (not retried) with a clear error, and nothing
// is written, neither in the database nor in the bucket.
func TestHostileKeys(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 1, scanfileingest.Options{})
		// Tenant t2 exists, with other stations.
		if _, err := st.PutStation(context.Background(), storetest.Station("t2", "CAN01")); err != nil {
			t.Fatal(err)
		}
		body := csvHeader + row(e.ships[0].Waybill, "pickup", station, at(10))
		tests := []struct {
			name, bucket, key, code string
		}{
			{"dot dot", bucket, "scans/t1/../t2/SHA01/a.csv", "invalid_object_key"},
			{"dot dot up front", bucket, "../scans/t1/SHA01/a.csv", "invalid_object_key"},
			{"empty segment", bucket, "scans/t1//SHA01/a.csv", "invalid_object_key"},
			{"backslash", bucket, `scans/t1/SHA01/..\a.csv`, "invalid_object_key"},
			{"leading slash", bucket, "/scans/t1/SHA01/a.csv", "invalid_object_key"},
			{"too deep", bucket, "scans/t1/SHA01/extra/a.csv", "invalid_scan_key"},
			{"too shallow", bucket, "scans/t1/a.csv", "invalid_scan_key"},
			{"not a scan file", bucket, "scans/t1/SHA01/a.txt", "invalid_scan_key"},
			{"no name", bucket, "scans/t1/SHA01/.csv", "invalid_scan_key"},
			{"another prefix", bucket, "images/t1/SHA01/a.csv", "invalid_scan_key"},
			{"results prefix", bucket, "scan-results/t1/SHA01/a.csv", "invalid_scan_key"},
			{"lower-case station", bucket, "scans/t1/sha01/a.csv", "invalid_scan_key"},
			{"tenant with a dot", bucket, "scans/t1.x/SHA01/a.csv", "invalid_scan_key"},
			{"unknown tenant", bucket, "scans/nobody/SHA01/a.csv", "unknown_tenant"},
			{"another tenant's prefix, our station", bucket, "scans/t2/SHA01/a.csv", "unknown_station"},
			{"unknown station", bucket, "scans/t1/NOPE99/a.csv", "unknown_station"},
			{"another bucket", "someone-elses", "scans/t1/SHA01/a.csv", "wrong_bucket"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ev := platform.ObjectCreated{Bucket: tt.bucket, Key: tt.key, ETag: "0123"}
				if !strings.Contains(tt.key, "..") && !strings.Contains(tt.key, `\`) && !strings.HasPrefix(tt.key, "/") && !strings.Contains(tt.key, "//") {
					ev = e.put(tt.key, body)
					ev.Bucket = tt.bucket
				}
				err := e.fn.Object(context.Background(), ev)
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != tt.code || platform.Retryable(err) {
					t.Fatalf("err = %v, want a dropped error with code %s", err, tt.code)
				}
				for _, tenant := range []string{"t1", "t2", "nobody"} {
					if _, err := st.ScanFile(context.Background(), tenant, ev.Bucket, ev.Key, ev.ETag); !domain.IsKind(err, domain.KindNotFound) {
						t.Errorf("scan file of %s recorded in tenant %s (%v)", ev.Key, tenant, err)
					}
				}
			})
		}
		for _, k := range e.bucket.Keys("") {
			if strings.HasSuffix(k, scanfileingest.ReportSuffix) {
				t.Errorf("report %s written for a hostile key", k)
			}
		}
		if _, v := e.status(0); v != 1 {
			t.Errorf("shipment at version %d, want 1: a hostile file applied a scan", v)
		}
	}, storetest.WithClock(clk.Now))
}

// TestAnotherTenantsShipment names, in a file of t1, a waybill number only
// t2 has: the line is an unknown waybill, and t2's shipment is untouched.
func TestAnotherTenantsShipment(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 1, scanfileingest.Options{})
		ctx := context.Background()
		for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
			if _, err := st.PutStation(ctx, storetest.Station("t2", code)); err != nil {
				t.Fatal(err)
			}
		}
		var theirs *domain.Shipment
		for range 3 {
			theirs = storetest.Shipment("t2")
			if _, err := st.CreateShipment(ctx, theirs, "cust-9", ""); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(time.Hour)
		ev := e.put("scans/t1/SHA01/mixed-tenants.jsonl",
			`{"waybill":"`+string(theirs.Waybill)+`","type":"pickup","station":"SHA01","occurred_at":"`+at(10)+`","actor":"scanner-7"}`+"\n"+
				`{"waybill":"`+string(e.ships[0].Waybill)+`","type":"pickup","station":"SHA01","occurred_at":"`+at(10)+`","actor":"scanner-7"}`+"\n")
		e.deliver(ev)
		checkReport(t, e.report(ev.Key), []outcome{
			{"1", "unknown_waybill", "no shipment " + string(theirs.Waybill) + " in this tenant"},
			{"2", "created", "from created to picked_up"},
		})
		if got, err := st.ShipmentByWaybill(ctx, "t2", theirs.Waybill); err != nil || got.Version != 1 || got.Status != domain.StatusCreated {
			t.Errorf("t2's shipment: %+v, %v; want it untouched", got, err)
		}
	}, storetest.WithClock(clk.Now))
}

// TestFilesWithoutScans covers files with nothing to apply: a header that
// cannot be used refuses the whole file in its report, and a file of a
// header alone, or empty, gets an empty report.
func TestFilesWithoutScans(t *testing.T) {
	clk := newClock()
	e := newEnv(t, storetest.SQLite(t, storetest.WithClock(clk.Now)), clk, 1, scanfileingest.Options{})
	clk.Advance(time.Hour)
	line := row(e.ships[0].Waybill, "pickup", station, at(10))
	tests := []struct {
		key, content string
		want         []outcome
	}{
		{"scans/t1/SHA01/typo.csv", "waybill,type,station,occured_at,actor\n" + line,
			[]outcome{{"1", "invalid", `unknown column "occured_at"`}}},
		{"scans/t1/SHA01/utf16.csv", "\xff\xfew\x00a\x00y\x00\n" + line, []outcome{{"1", "invalid", "header row is not UTF-8"}}},
		{"scans/t1/SHA01/no-header.csv", line, []outcome{{"1", "invalid", "unknown column"}}},
		{"scans/t1/SHA01/header-only.csv", csvHeader, nil},
		{"scans/t1/SHA01/empty.csv", "", nil},
		{"scans/t1/SHA01/empty.jsonl", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			ev := e.put(tt.key, tt.content)
			e.deliver(ev)
			checkReport(t, e.report(tt.key), tt.want)
		})
	}
	if _, v := e.status(0); v != 1 {
		t.Errorf("shipment at version %d, want 1: a refused file applied a scan", v)
	}
}
