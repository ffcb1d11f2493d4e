package platform

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	ceevent "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

// structuredEvent decodes a CloudEvent in structured JSON form.
func structuredEvent(t *testing.T, body []byte) ceevent.Event {
	t.Helper()
	var e ceevent.Event
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// newEvent returns an event with the given attributes and JSON data.
func newEvent(t *testing.T, typ, source, data string) ceevent.Event {
	t.Helper()
	e := ceevent.New()
	e.SetID("ce-1")
	e.SetType(typ)
	e.SetSource(source)
	e.SetTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if data != "" {
		if err := e.SetData("application/json", json.RawMessage(data)); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestFromCloudEventPing(t *testing.T) {
	withName := newEvent(t, cePingType, "/apis/v1/namespaces/logifn/pingsources/ps-1", `"hello"`)
	withName.SetExtension("name", "housekeeping")
	noTime := newEvent(t, cePingType, "/apis/v1/namespaces/logifn/pingsources/ps-1", "")
	noTime.SetTime(time.Time{})
	tests := []struct {
		name    string
		e       ceevent.Event
		want    Tick
		wantErr string
	}{
		{name: "structured fixture", e: structuredEvent(t, fixture(t, "ping-cloudevent.json")),
			want: Tick{Name: "auto-confirm", Time: time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC), Payload: `{"batch": 500}`}},
		{name: "name extension wins", e: withName,
			want: Tick{Name: "housekeeping", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Payload: `"hello"`}},
		{name: "no time", e: noTime, wantErr: "needs a source and a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, tick, err := FromCloudEvent(tt.e)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || objs != nil || tick == nil {
				t.Fatalf("FromCloudEvent = %v, %v, %v; want a tick", objs, tick, err)
			}
			if *tick != tt.want {
				t.Errorf("tick = %+v, want %+v", *tick, tt.want)
			}
		})
	}
}

func TestFromCloudEventOSSBinaryFixture(t *testing.T) {
	e, err := cehttp.NewEventFromHTTPRequest(httpFixture(t, "eventbridge-oss-binary.http"))
	if err != nil {
		t.Fatal(err)
	}
	objs, tick, err := FromCloudEvent(*e)
	if err != nil || tick != nil {
		t.Fatalf("FromCloudEvent = %v, %v, %v", objs, tick, err)
	}
	want := ObjectCreated{
		Bucket: "logifn-uploads", Key: "waybills/LF2026010200017/damage 破损.jpg", Size: 40960,
		ETag: "9E107D9D372BB6826BD81D3542A419D6", ContentType: "image/jpeg",
		Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), EventID: "62A2E2EFD0DEFE3930847A70", Region: "cn-hangzhou",
	}
	if len(objs) != 1 || objs[0] != want {
		t.Errorf("got %+v\nwant [%+v]", objs, want)
	}
}

func TestFromCloudEventMinIOFixture(t *testing.T) {
	objs, tick, err := FromCloudEvent(structuredEvent(t, fixture(t, "minio-cloudevent.json")))
	if err != nil || tick != nil {
		t.Fatalf("FromCloudEvent = %v, %v, %v", objs, tick, err)
	}
	want := ObjectCreated{
		Bucket: "logifn-uploads", Key: "scans/HZ01/batch 7.csv", Size: 512, ETag: "5d41402abc4b2a76b9719d911017c592",
		ContentType: "text/csv", Time: time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC), EventID: "17A6B9C0D1E2F3A4",
	}
	if len(objs) != 1 || objs[0] != want {
		t.Errorf("got %+v\nwant [%+v]", objs, want)
	}
}

func TestFromCloudEventObjects(t *testing.T) {
	record := ossRecordJSON("ObjectCreated:PutObject", "k1")
	noTime := strings.Replace(record, `"eventTime":"2026-01-02T03:04:05Z",`, "", 1)
	s3 := `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"a%2Fb+c","eTag":"E"}}},` +
		`{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"gone"}}},` +
		`{"eventName":"ObjectCreated:Copy","s3":{"bucket":{"name":"b"},"object":{"key":"d","contentType":"image/png"}}}]}`
	tests := []struct {
		name     string
		e        ceevent.Event
		wantKeys []string
		wantType []string
	}{
		{"oss record", newEvent(t, "oss:ObjectCreated:PutObject", ceOSSSource, record), []string{"k1"}, []string{""}},
		{"oss batch", newEvent(t, "oss:ObjectCreated:PostObject", ceOSSSource, `{"events":[`+record+`,`+ossRecordJSON("ObjectCreated:PutObject", "k2")+`]}`),
			[]string{"k1", "k2"}, []string{"", ""}},
		{"oss record without time", newEvent(t, "oss:ObjectCreated:PutObject", ceOSSSource, noTime), []string{"k1"}, []string{""}},
		{"s3 bridge", newEvent(t, "com.example.s3", "bridge", s3), []string{"a/b c", "d"}, []string{"", "image/png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, tick, err := FromCloudEvent(tt.e)
			if err != nil || tick != nil || len(objs) != len(tt.wantKeys) {
				t.Fatalf("FromCloudEvent = %+v, %v, %v; want %d objects", objs, tick, err, len(tt.wantKeys))
			}
			for i, o := range objs {
				if o.Key != tt.wantKeys[i] || o.ContentType != tt.wantType[i] {
					t.Errorf("object %d = %q (%q), want %q (%q)", i, o.Key, o.ContentType, tt.wantKeys[i], tt.wantType[i])
				}
				if o.EventID == "" || o.Time.IsZero() {
					t.Errorf("object %d: event id %q, time %v; want both filled, from the envelope if need be", i, o.EventID, o.Time)
				}
			}
		})
	}
}

func TestFromCloudEventMalformed(t *testing.T) {
	tests := []struct {
		name    string
		e       ceevent.Event
		wantErr string
	}{
		{"oss removal", newEvent(t, "oss:ObjectRemoved:DeleteObject", ceOSSSource, ossRecordJSON("ObjectRemoved:DeleteObject", "k")), "not an object creation"},
		{"oss data not json", newEvent(t, "oss:ObjectCreated:PutObject", ceOSSSource, ""), "oss event ce-1"},
		{"oss record without key", newEvent(t, "oss:ObjectCreated:PutObject", ceOSSSource, ossRecordJSON("ObjectCreated:PutObject", "")), "without bucket or key"},
		{"oss empty batch", newEvent(t, "oss:ObjectCreated:PutObject", ceOSSSource, `{"events":[]}`), "no records"},
		{"unknown type", newEvent(t, "com.example.order", "shop", `{"order":1}`), `unsupported type "com.example.order"`},
		{"unknown type, no data", newEvent(t, "com.example.order", "shop", ""), "not an s3 notification"},
		{"s3 bad escape", newEvent(t, "com.example.s3", "bridge", `{"Records":[{"s3":{"object":{"key":"%zz"}}}]}`), "not an s3 notification"},
		{"s3 records not array", newEvent(t, "com.example.s3", "bridge", `{"Records":{}}`), "not an s3 notification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, tick, err := FromCloudEvent(tt.e)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("FromCloudEvent = %v, %v, %v; want error containing %q", objs, tick, err, tt.wantErr)
			}
			if objs != nil || tick != nil {
				t.Errorf("got objects %v, tick %v alongside the error", objs, tick)
			}
		})
	}
}
