package scanfileingest_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// outcome is what the report should say of a line: its outcome and a
// part of its reason.
type outcome struct {
	line, outcome, reason string
}

// checkReport compares a report's rows with want, line by line.
func checkReport(t *testing.T, rows [][]string, want []outcome) {
	t.Helper()
	if len(rows) == 0 || !reflect.DeepEqual(rows[0], scanfileingest.ReportHeader) {
		t.Fatalf("report header %v, want %v", rows[:min(1, len(rows))], scanfileingest.ReportHeader)
	}
	rows = rows[1:]
	if len(rows) != len(want) {
		t.Errorf("report has %d rows, want %d:\n%v", len(rows), len(want), rows)
	}
	for i := range min(len(rows), len(want)) {
		r, w := rows[i], want[i]
		if r[0] != w.line || r[2] != w.outcome || !strings.Contains(r[3], w.reason) {
			t.Errorf("report row %v, want line %s %s with reason containing %q", r, w.line, w.outcome, w.reason)
		}
	}
}

func TestIngestCSV(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 5, scanfileingest.Options{})
		clk.Advance(3 * time.Hour)
		unknown, _ := domain.NewWaybill(99999)
		s := e.ships
		file := csvHeader +
			row(s[0].Waybill, "pickup", station, at(10)) +
			row(s[0].Waybill, "arrive", station, at(20)) +
			row(s[0].Waybill, "pickup", station, at(12)) +
			row(s[0].Waybill, "depart", station, at(15)) +
			row(s[1].Waybill, "deliver", station, at(10)) +
			row("LF00000000018", "pickup", station, at(10)) +
			row(unknown, "pickup", station, at(10)) +
			row(s[2].Waybill, "teleport", station, at(10)) +
			row(s[2].Waybill, "pickup", storetest.DestinationStation, at(10)) +
			row(s[2].Waybill, "pickup", "NOPE99", at(10)) +
			"  \r\n" +
			row(s[2].Waybill, "pickup", station, "") +
			string(s[2].Waybill) + ",pickup,SHA01,\xff\xfe,scanner-7,,\n" +
			row(s[3].Waybill, "exception", station, at(30)) +
			string(s[3].Waybill) + ",exception," + station + "," + at(31) + ",scanner-7,damaged box,\r\n" +
			string(s[4].Waybill) + ",pickup," + station + "," + at(40) + `,scanner-7,,"left at the door, ""signed"""` + "\n" +
			string(s[4].Waybill) + ",arrive," + station + "\n" +
			row(s[2].Waybill, "pickup", station, clk.Now().Add(time.Hour).Format(time.RFC3339)) +
			string(s[2].Waybill) + ",pickup," + station + "," + at(50) + ",=cmd|' /C calc'!A0,,\n" +
			"=HYPERLINK(\"http://x\"),pickup," + station + "," + at(50) + ",scanner-7,,"
		ev := e.put("scans/t1/SHA01/2026-03-04.csv", file)
		e.deliver(ev)

		checkReport(t, e.report(ev.Key), []outcome{
			{"2", "created", "from created to picked_up"},
			{"3", "created", "from picked_up to in_transit"},
			{"4", "duplicate", "repeats the pickup scan at SHA01"},
			{"5", "created", "late: joins the timeline, the shipment stays in_transit"},
			{"6", "illegal_transition", "created cannot become delivered"},
			{"7", "invalid", "wrong check digit"},
			{"8", "unknown_waybill", "no shipment " + string(unknown)},
			{"9", "invalid", "type: must be one of"},
			{"10", "invalid", "records scans there only, not at PEK01"},
			{"11", "invalid", "no station NOPE99"},
			{"13", "invalid", "occurred_at: is required"},
			{"14", "invalid", "not UTF-8"},
			{"15", "invalid", "incident_reason: is required"},
			{"16", "created", "from created to exception"},
			{"17", "created", "from created to picked_up"},
			{"18", "invalid", "the line has 3 fields, the header 7"},
			{"19", "invalid", "occurred_at: is in the future"},
			{"20", "created", "from created to picked_up"},
			{"21", "invalid", "does not open or close a quoted field"},
		})
		if rows := e.report(ev.Key); rows[len(rows)-1][1] != `'=HYPERLINK("http://x")` {
			t.Errorf("a formula-looking waybill is reported as %q, want it quoted", rows[len(rows)-1][1])
		}
		if got, want := e.timeline(0), []string{"@ created api", "pickup@SHA01 picked_up scan_file", "depart@SHA01 in_transit scan_file", "arrive@SHA01 in_transit scan_file"}; !reflect.DeepEqual(got, want) {
			t.Errorf("timeline of shipment 0 = %v, want %v", got, want)
		}
		for i, want := range []domain.Status{domain.StatusInTransit, domain.StatusCreated, domain.StatusPickedUp, domain.StatusException, domain.StatusPickedUp} {
			if got, _ := e.status(i); got != want {
				t.Errorf("shipment %d is %s, want %s", i, got, want)
			}
		}
		// A scanner's note and actor arrive as written, a formula-looking
		// actor included; only the report defuses text for spreadsheets.
		events, _ := st.Events(context.Background(), tenant, s[4].ID)
		if events[1].Note != `left at the door, "signed"` {
			t.Errorf("note of shipment 4's pickup: %q", events[1].Note)
		}
		events, _ = st.Events(context.Background(), tenant, s[2].ID)
		if actor := events[len(events)-1].Actor; actor != "=cmd|' /C calc'!A0" {
			t.Errorf("actor of shipment 2's pickup: %q", actor)
		}
		f, err := st.ScanFile(context.Background(), tenant, bucket, ev.Key, ev.ETag)
		if err != nil || f.Status != store.ScanFileComplete {
			t.Fatalf("scan file %+v, %v; want complete", f, err)
		}

		// The same event again changes nothing.
		before := e.bucket.Bytes("scan-results/t1/SHA01/2026-03-04.csv.report.csv")
		clk.Advance(time.Hour)
		e.deliver(ev)
		if after := e.bucket.Bytes("scan-results/t1/SHA01/2026-03-04.csv.report.csv"); string(after) != string(before) {
			t.Errorf("report changed on redelivery")
		}
		if _, v := e.status(0); v != 4 {
			t.Errorf("shipment 0 at version %d after a redelivery, want 4", v)
		}
	}, storetest.WithClock(clk.Now))
}
