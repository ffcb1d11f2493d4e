package platform

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func TestFromS3EventFixture(t *testing.T) {
	var e events.S3Event
	if err := json.Unmarshal(fixture(t, "s3-event.json"), &e); err != nil {
		t.Fatal(err)
	}
	got := FromS3Event(e)
	want := ObjectCreated{
		Bucket: "logifn-uploads", Key: "waybills/LF2026010200017/proof of delivery+签收.jpg", Size: 31337,
		ETag: "d41d8cd98f00b204e9800998ecf8427e", Time: time.Date(2026, 1, 2, 3, 4, 5, 123e6, time.UTC),
		EventID: "C3D13FE58DE4C810", Region: "us-east-1",
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v\nwant [%+v]", got, want)
	}
}

func TestFromS3Event(t *testing.T) {
	record := func(name, key, decoded string) events.S3EventRecord {
		r := events.S3EventRecord{EventName: name, ResponseElements: map[string]string{}}
		r.S3.Bucket.Name = "b"
		r.S3.Object = events.S3Object{Key: key, URLDecodedKey: decoded, Sequencer: "SEQ-" + key}
		return r
	}
	tests := []struct {
		name     string
		records  []events.S3EventRecord
		wantKeys []string
	}{
		{"every record", []events.S3EventRecord{record("ObjectCreated:Put", "a", "a"), record("ObjectCreated:Copy", "b", "b")}, []string{"a", "b"}},
		{"removals skipped", []events.S3EventRecord{record("ObjectRemoved:Delete", "a", "a"), record("s3:ObjectCreated:Put", "b", "b")}, []string{"b"}},
		{"key decoded when built by hand", []events.S3EventRecord{record("ObjectCreated:Put", "x+y%2Bz%C3%A9", "")}, []string{"x y+zé"}},
		{"bad escape kept as is", []events.S3EventRecord{record("ObjectCreated:Put", "100%", "")}, []string{"100%"}},
		{"no records", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromS3Event(events.S3Event{Records: tt.records})
			if len(got) != len(tt.wantKeys) {
				t.Fatalf("got %d objects, want %d", len(got), len(tt.wantKeys))
			}
			for i, k := range tt.wantKeys {
				if got[i].Key != k {
					t.Errorf("object %d key = %q, want %q", i, got[i].Key, k)
				}
				if got[i].EventID == "" {
					t.Errorf("object %d has no event id; want the sequencer", i)
				}
			}
		})
	}
}

func TestFromScheduledEvent(t *testing.T) {
	var fx events.EventBridgeEvent
	if err := json.Unmarshal(fixture(t, "eventbridge-scheduled.json"), &fx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		e    events.EventBridgeEvent
		want Tick
	}{
		{"fixture", fx, Tick{Name: "daily-station-report", Time: at}},
		{"scheduler schedule", events.EventBridgeEvent{Time: at, Resources: []string{"arn:aws:scheduler:us-east-1:123456789012:schedule/default/auto-confirm"}},
			Tick{Name: "auto-confirm", Time: at}},
		{"detail kept as payload", events.EventBridgeEvent{Time: at, Resources: []string{"arn:aws:events:r:a:rule/sweep"}, Detail: json.RawMessage(` {"hours":72} `)},
			Tick{Name: "sweep", Time: at, Payload: `{"hours":72}`}},
		{"colon form", events.EventBridgeEvent{Time: at, Resources: []string{"arn:aws:events:r:a:rule:sweep"}, Detail: json.RawMessage(`null`)},
			Tick{Name: "sweep", Time: at}},
		{"no resources", events.EventBridgeEvent{Time: at}, Tick{Time: at}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromScheduledEvent(tt.e); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
