package scanfileingest_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	ceevent "github.com/cloudevents/sdk-go/v2/event"
	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store/storetest"
)

// The outcomes of the sample files' lines.
var (
	sampleCSV = []outcome{
		{"2", "created", "from created to picked_up"},
		{"3", "created", "from created to picked_up"},
		{"4", "created", "from picked_up to in_transit"},
		{"5", "created", "from created to exception"},
		{"6", "duplicate", "repeats the pickup scan at SHA01 of 2026-03-04T10:11:30Z"},
		{"7", "invalid", "wrong check digit"},
	}
	sampleJSONL = []outcome{
		{"1", "created", "from created to picked_up"},
		{"2", "created", "from created to picked_up"},
		{"3", "illegal_transition", "created cannot become delivery_failed"},
		{"5", "duplicate", "repeats the pickup scan"},
		{"6", "invalid", "occurred_at must be a string"},
		{"7", "invalid", `unknown field "colour"`},
		{"8", "invalid", "the line is a JSON array, not an object"},
		{"9", "invalid", "more than one JSON value"},
	}
)

// TestFixtures replays each platform's upload event from testdata through
// the platform's own decoding, with the sample file it names in the
// bucket, and checks the report.
func TestFixtures(t *testing.T) {
	tests := []struct {
		event, file, key string
		decode           func(body []byte) ([]platform.ObjectCreated, error)
		want             []outcome
	}{
		{"fc-oss-event.json", "scans.csv", "scans/t1/SHA01/2026-03-04-evening.csv", platform.DecodeFCOSS, sampleCSV},
		{"s3-event.json", "scans.jsonl", "scans/t1/SHA01/night shift+1.jsonl", decodeS3, sampleJSONL},
		{"cloudevent.json", "scans.csv", "scans/t1/SHA01/2026-03-04-late.csv", decodeCloudEvent, sampleCSV},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tt.event)
			if err != nil {
				t.Fatal(err)
			}
			content, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := tt.decode(body)
			if err != nil || len(objs) != 1 || objs[0].Key != tt.key {
				t.Fatalf("decoded %+v, %v; want one object at %s", objs, err, tt.key)
			}
			clk := newClock()
			e := newEnv(t, storetest.SQLite(t, storetest.WithClock(clk.Now)), clk, 3, scanfileingest.Options{})
			clk.Advance(2 * time.Hour)
			stored := e.put(tt.key, string(content))
			if stored.Size != objs[0].Size {
				t.Fatalf("the event says %d bytes, the sample has %d", objs[0].Size, stored.Size)
			}
			e.deliver(objs[0])
			checkReport(t, e.report(tt.key), tt.want)
		})
	}
}

func decodeS3(body []byte) ([]platform.ObjectCreated, error) {
	var ev events.S3Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, err
	}
	return platform.FromS3Event(ev), nil
}

func decodeCloudEvent(body []byte) ([]platform.ObjectCreated, error) {
	var ev ceevent.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, err
	}
	objs, _, err := platform.FromCloudEvent(ev)
	return objs, err
}
