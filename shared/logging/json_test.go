package logging

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

// texts are strings that exercise every escape encoding/json makes.
var texts = []string{"", "plain", `"quoted" \back\`, "<a href='x'>&amp;</a>", "tab\tnew\nline\r\x00\x1f",
	"中文 城市", "line\u2028sep\u2029", "bad \xff utf-8 \xc3", "emoji 📦", "fields.time"}

// values are field values of the kinds the fast path writes itself and of
// kinds it hands to json.Marshal.
var values = []any{"s", "<x&y>", 0, -42, int64(1) << 62, int32(-7), uint64(1) << 63, true, false, nil,
	errors.New(`db "down" <now>`), 1500 * time.Millisecond, 3.25, 1e21, float32(0.1),
	time.Date(2026, 11, 22, 5, 6, 7, 8, time.UTC), []string{"a", "<b>"}, map[string]int{"z": 1, "a": 2},
	struct {
		A int    `json:"a"`
		B string `json:"b,omitempty"`
	}{A: 1}, []byte("bytes"), fmt.Errorf("wrapped: %w", errors.New("inner"))}

// format renders e with both formatters, each on a buffer of its own as
// logrus hands one to its formatter.
func format(t *testing.T, e *logrus.Entry) (got, want string) {
	t.Helper()
	fast, slow := *e, *e
	fast.Buffer, slow.Buffer = new(bytes.Buffer), new(bytes.Buffer)
	fast.Buffer.WriteString("stale bytes a pooled buffer may hold")
	fast.Buffer.Reset()
	g, err := newJSONFormatter().Format(&fast)
	if err != nil {
		t.Fatalf("fast: %v", err)
	}
	w, err := newJSONFormatter().logrus.Format(&slow)
	if err != nil {
		t.Fatalf("logrus: %v", err)
	}
	return string(g), string(w)
}

func TestJSONFormatterWritesWhatLogrusWrites(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	at := time.Date(2026, 11, 22, 4, 49, 17, 123456789, time.FixedZone("CST", 8*3600))
	for i := range 3000 {
		e := &logrus.Entry{Data: logrus.Fields{}, Time: at.Add(time.Duration(i) * time.Millisecond),
			Level: logrus.AllLevels[rng.IntN(len(logrus.AllLevels))], Message: texts[rng.IntN(len(texts))]}
		for range rng.IntN(12) {
			k := texts[rng.IntN(len(texts))] + strings.Repeat("k", rng.IntN(3))
			if rng.IntN(2) == 0 {
				k = []string{FieldRequestID, FieldStatus, FieldDurationMS, FieldPath, "error", "a", "zz"}[rng.IntN(7)]
			}
			e.Data[k] = values[rng.IntN(len(values))]
		}
		if got, want := format(t, e); got != want {
			t.Fatalf("entry %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestJSONFormatterEdges(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	many := logrus.Fields{}
	for i := range maxFastFields + 5 {
		many[fmt.Sprintf("f%02d", i)] = i
	}
	for name, data := range map[string]logrus.Fields{
		"no fields":        {},
		"time clash":       {"time": "then", "a": 1},
		"message clash":    {"message": "other", "fields.message": "x"},
		"level clash":      {"level": 3},
		"logrus_error key": {"logrus_error": "mine"},
		"msg is no clash":  {"msg": "fine"},
		"more than stack":  many,
		"unmarshalable":    {"ch": "ok", "n": 1},
		"nil error":        {"error": error(nil)},
	} {
		t.Run(name, func(t *testing.T) {
			e := &logrus.Entry{Data: data, Time: at, Level: logrus.WarnLevel, Message: "m"}
			if got, want := format(t, e); got != want {
				t.Errorf("\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestJSONFormatterFailsAsLogrusFails(t *testing.T) {
	e := &logrus.Entry{Data: logrus.Fields{"ch": make(chan int)}, Time: time.Now(), Message: "m", Buffer: new(bytes.Buffer)}
	if _, err := newJSONFormatter().Format(e); err == nil {
		t.Fatal("a channel field formatted without error; logrus refuses it")
	}
}

func TestJSONFormatterWithoutBuffer(t *testing.T) {
	e := &logrus.Entry{Data: logrus.Fields{"a": "b"}, Time: time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC), Level: logrus.InfoLevel, Message: "hi"}
	got, err := newJSONFormatter().Format(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"a":"b","level":"info","message":"hi","time":"2026-01-02T03:04:05.006Z"}` + "\n"
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestNewWritesThroughTheFastFormatter(t *testing.T) {
	var out bytes.Buffer
	log, err := New(&out, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := log.Formatter.(*jsonFormatter); !ok {
		t.Fatalf("json logs use %T", log.Formatter)
	}
	log.WithField(FieldStatus, 201).WithError(errors.New("x<y")).Info("done")
	if !strings.HasPrefix(out.String(), `{"error":"x\u003cy","level":"info","message":"done","status":201,"time":"`) {
		t.Errorf("line %q", out.String())
	}
}

func FuzzJSONFormatter(f *testing.F) {
	for _, s := range texts {
		f.Add(s, s, int64(len(s)))
	}
	f.Fuzz(func(t *testing.T, key, text string, n int64) {
		e := &logrus.Entry{Data: logrus.Fields{key: text, "n": n, key + "_e": errors.New(text)},
			Time: time.Unix(n%(1<<40), n%1e9).UTC(), Level: logrus.ErrorLevel, Message: text}
		if got, want := format(t, e); got != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

// BenchmarkAccessLine formats an access log line as the router writes one,
// beside logrus's own JSON formatter.
func BenchmarkAccessLine(b *testing.B) {
	e := &logrus.Entry{Data: logrus.Fields{FieldRequestID: "4bd2c1f0a3e94f5c", FieldFunction: "shipment-list",
		FieldPlatform: "knative", FieldTenant: "acme", FieldSubject: "cust-1", FieldRole: "customer",
		FieldMethod: "GET", FieldPath: "/v1/shipments", FieldRoute: "GET /v1/shipments", FieldStatus: 200,
		FieldDurationMS: int64(3)}, Time: time.Now(), Level: logrus.InfoLevel, Message: "request", Buffer: new(bytes.Buffer)}
	for name, f := range map[string]logrus.Formatter{"logifn": newJSONFormatter(), "logrus": newJSONFormatter().logrus} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Buffer.Reset()
				if _, err := f.Format(e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
