package platform

import (
	"strings"
	"testing"
	"time"
)

func TestDecodeFCOSSFixture(t *testing.T) {
	got, err := DecodeFCOSS(fixture(t, "fc-oss-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ObjectCreated{
		{
			Bucket: "logifn-uploads", Key: "waybills/LF2026010200017/label.jpg", Size: 29203,
			ETag: "7D73E1052AF595535DE90994F4C3E6D5", ContentType: "image/jpeg",
			Time:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			EventID: "62A2E2EFD0DEFE3930847A6E", Region: "cn-hangzhou",
		},
		{
			Bucket: "logifn-uploads", Key: "scans/HZ01/2026-01-02 批次1.csv", Size: 1873,
			ETag: "0CC175B9C0F1B6A831C399E269772661", ContentType: "text/csv",
			Time:    time.Date(2026, 1, 2, 3, 4, 6, 500e6, time.UTC),
			EventID: "62A2E2EFD0DEFE3930847A6F", Region: "cn-hangzhou",
		},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d objects, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("object %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// ossRecordJSON returns one OSS record with the given event name and key.
func ossRecordJSON(name, key string) string {
	return `{"eventName":"` + name + `","eventTime":"2026-01-02T03:04:05Z","region":"cn-hangzhou",` +
		`"oss":{"bucket":{"name":"b"},"object":{"key":"` + key + `","size":1,"eTag":"E"}}}`
}

func TestDecodeFCOSSBatches(t *testing.T) {
	body := `{"events":[` + ossRecordJSON("ObjectCreated:PutObject", "a") + `,` +
		ossRecordJSON("ObjectRemoved:DeleteObject", "b") + `,` +
		ossRecordJSON("ObjectCreated:CompleteMultipartUpload", "c") + `]}`
	got, err := DecodeFCOSS([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range got {
		keys = append(keys, o.Key)
	}
	if strings.Join(keys, ",") != "a,c" {
		t.Errorf("keys = %v, want [a c]: created records only, in order", keys)
	}
}

func TestDecodeFCOSSMalformed(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"empty", ``, "decode oss event"},
		{"not json", `events`, "decode oss event"},
		{"json null", `null`, "no records"},
		{"array", `[1,2]`, "decode oss event"},
		{"no events", `{}`, "no records"},
		{"empty events", `{"events":[]}`, "no records"},
		{"events object", `{"events":{}}`, "decode oss event"},
		{"record not object", `{"events":[1]}`, "decode oss event"},
		{"size not number", `{"events":[{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"b"},"object":{"key":"k","size":"big"}}}]}`, "decode oss event"},
		{"no bucket", `{"events":[` + strings.Replace(ossRecordJSON("ObjectCreated:PutObject", "k"), `"name":"b"`, `"name":""`, 1) + `]}`, "record 0: record without bucket or key"},
		{"no key", `{"events":[` + ossRecordJSON("ObjectCreated:PutObject", "") + `]}`, "record 0: record without bucket or key"},
		{"bad time", `{"events":[` + strings.Replace(ossRecordJSON("ObjectCreated:PutObject", "k"), "2026-01-02T03:04:05Z", "yesterday", 1) + `]}`, "eventTime"},
		{"second record bad", `{"events":[` + ossRecordJSON("ObjectCreated:PutObject", "k") + `,` + ossRecordJSON("ObjectCreated:PutObject", "") + `]}`, "record 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeFCOSS([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("DecodeFCOSS(%q) = %v, %v; want error containing %q", tt.body, got, err, tt.wantErr)
			}
		})
	}
}

func TestDecodeFCTimer(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Tick
	}{
		{"fixture", string(fixture(t, "fc-timer-event.json")),
			Tick{Name: "stale-sweep", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Payload: `{"max_age_hours":72}`}},
		{"no payload", `{"triggerTime":"2026-01-02T03:04:05+08:00","triggerName":"t"}`,
			Tick{Name: "t", Time: time.Date(2026, 1, 1, 19, 4, 5, 0, time.UTC)}},
		{"null payload", `{"triggerTime":"2026-01-02T03:04:05Z","triggerName":"t","payload":null}`,
			Tick{Name: "t", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{"object payload kept as text", `{"triggerTime":"2026-01-02T03:04:05Z","triggerName":"t","payload":{"a":1}}`,
			Tick{Name: "t", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Payload: `{"a":1}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeFCTimer([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeFCTimerMalformed(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"empty", ``, "decode timer event"},
		{"not json", `tick`, "decode timer event"},
		{"null", `null`, "required"},
		{"no time", `{"triggerName":"t"}`, "required"},
		{"no name", `{"triggerTime":"2026-01-02T03:04:05Z"}`, "required"},
		{"bad time", `{"triggerTime":"02/01/2026","triggerName":"t"}`, "triggerTime"},
		{"time not string", `{"triggerTime":1767323045,"triggerName":"t"}`, "decode timer event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeFCTimer([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("DecodeFCTimer(%q) = %+v, %v; want error containing %q", tt.body, got, err, tt.wantErr)
			}
		})
	}
}

func FuzzDecodeFCOSS(f *testing.F) {
	f.Add([]byte(`{"events":[` + ossRecordJSON("ObjectCreated:PutObject", "k") + `]}`))
	f.Add([]byte(`{"events":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		objs, err := DecodeFCOSS(body)
		for _, o := range objs {
			if err == nil && (o.Bucket == "" || o.Key == "") {
				t.Errorf("object without bucket or key: %+v", o)
			}
		}
	})
}

func FuzzDecodeFCTimer(f *testing.F) {
	f.Add([]byte(`{"triggerTime":"2026-01-02T03:04:05Z","triggerName":"t","payload":"p"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		tick, err := DecodeFCTimer(body)
		if err == nil && tick.Name == "" {
			t.Errorf("tick without a name: %+v", tick)
		}
	})
}
