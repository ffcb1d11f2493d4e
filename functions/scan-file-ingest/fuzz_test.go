package scanfileingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/store"
)

// FuzzSplitCSV checks the CSV line splitter against encoding/csv on any
// one-line input: both accept or both refuse, with the same fields, and
// the fields, quoted again, split back unchanged.
func FuzzSplitCSV(f *testing.F) {
	for _, s := range []string{`a,b,c`, `"a,b",c`, `"say ""hi""",x`, `a"b`, `"a"b`, `"open`, `,,`, `"",""`, `x,"y"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return // the line reader never hands over a line ending; an empty line is blank
		}
		fields, err := splitCSV(s)
		r := csv.NewReader(strings.NewReader(s))
		r.FieldsPerRecord = -1
		want, werr := r.Read()
		if (err == nil) != (werr == nil) {
			t.Fatalf("splitCSV(%q) = %q, %v; encoding/csv: %q, %v", s, fields, err, want, werr)
		}
		if err != nil {
			return
		}
		if strings.Join(fields, "\x00") != strings.Join(want, "\x00") || len(fields) != len(want) {
			t.Fatalf("splitCSV(%q) = %q, encoding/csv %q", s, fields, want)
		}
		quoted := make([]string, len(fields))
		for i, v := range fields {
			quoted[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		again, err := splitCSV(strings.Join(quoted, ","))
		if err != nil || strings.Join(again, "\x00") != strings.Join(fields, "\x00") || len(again) != len(fields) {
			t.Fatalf("fields %q quoted split as %q, %v", fields, again, err)
		}
	})
}

// FuzzLineReader checks that lines cover the input exactly: each starts
// where the last ended, the last ends at the end, numbers count up and no
// text holds a line ending.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("\xEF\xBB\xBFwaybill,type\r\nLF1,pickup\n\nlast"), int64(0))
	f.Add([]byte("a\nb\n"), int64(100))
	f.Add([]byte("\r\n\r\n\n"), int64(7))
	f.Fuzz(func(t *testing.T, data []byte, off int64) {
		if off < 0 || off > 1<<40 {
			return
		}
		lr := newLineReader(bytes.NewReader(data), off, 3)
		at, no := off, int64(3)
		for {
			l, err := lr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			no++
			if l.No != no || l.Offset != at || l.End <= l.Offset || bytes.ContainsAny(l.Text, "\n") {
				t.Fatalf("line %+v after %d bytes and %d lines of %q", l, at, no-1, data)
			}
			at = l.End
		}
		if at != off+int64(len(data)) {
			t.Fatalf("lines end at %d, the input at %d", at, off+int64(len(data)))
		}
	})
}

// FuzzParseLine parses any line of a CSV file (under any header) or of a
// JSON Lines file: no panic; a line is blank, valid with a waybill and a
// scan at the file's station, or invalid with a short UTF-8 reason.
func FuzzParseLine(f *testing.F) {
	header := "waybill,type,station,occurred_at,actor,incident_reason,note"
	f.Add(false, header, "LF20260102000"+"17,pickup,SHA01,2026-01-02T03:04:05Z,courier-1,,")
	f.Add(false, header, `LF2026010200017,exception,SHA01,2026-01-02T03:04:05+08:00,c,"damaged, wet",note`)
	f.Add(false, "actor,occurred_at,station,type,waybill", "x,2026-01-02T03:04:05Z,SHA02,arrive,LF2026010200017")
	f.Add(true, "", `{"waybill":"LF2026010200017","type":"arrive","station":"SHA01","occurred_at":"2026-01-02T03:04:05Z","actor":"op"}`)
	f.Add(true, "", `{"waybill":1}`)
	f.Add(true, "", `[]`)
	f.Add(true, "", `{"waybill":"x"} {}`)
	f.Add(true, "", `{"wayb\u0131ll":"x"}`)
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, jsonl bool, header, text string) {
		p := &lineParser{format: store.ScanFileCSV, station: "SHA01", stations: map[string]bool{"SHA01": true, "SHA02": true},
			now: func() time.Time { return now }}
		if jsonl {
			p.format = store.ScanFileJSONL
		} else {
			cols, err := parseHeader(header)
			if err != nil {
				if !utf8.ValidString(err.Error()) && utf8.ValidString(header) || len(err.Error()) > 300 {
					t.Fatalf("header %q: error %q", header, err)
				}
				return
			}
			p.cols = cols
		}
		if strings.ContainsAny(text, "\r\n") {
			return
		}
		l := p.parse(rawLine{No: 1, End: int64(len(text)) + 1, Text: []byte(text)})
		switch {
		case l.blank:
			if strings.TrimSpace(text) != "" || l.outcome != "" {
				t.Fatalf("%q taken as blank: %+v", text, l)
			}
		case l.outcome == "":
			if l.wb == "" || l.scan.Station != p.station || l.scan.OccurredAt.IsZero() || l.actor == "" {
				t.Fatalf("%q valid but incomplete: %+v", text, l)
			}
		case l.outcome != OutcomeInvalid || l.reason == "":
			t.Fatalf("%q: outcome %q, reason %q", text, l.outcome, l.reason)
		case !utf8.ValidString(l.reason) && utf8.ValidString(text), len(l.reason) > 512:
			t.Fatalf("%q: reason %q is not short text", text, l.reason)
		}
	})
}
