package scanfileingest

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/store"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes)
	input := "\xEF\xBB\xBFfirst\r\nsecond\n\n" + long + "\n" + long[:MaxLineBytes-1] + "\nlast"
	type got struct {
		No, Offset, End int64
		Text            string
		TooLong         bool
	}
	var lines []got
	lr := newLineReader(strings.NewReader(input), 0, 0)
	for {
		l, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, got{l.No, l.Offset, l.End, string(l.Text), l.TooLong})
	}
	n := int64(MaxLineBytes)
	want := []got{
		{1, 0, 10, "first", false},
		{2, 10, 17, "second", false},
		{3, 17, 18, "", false},
		{4, 18, 18 + n + 1, "", true},
		{5, 19 + n, 19 + 2*n, long[:MaxLineBytes-1], false},
		{6, 19 + 2*n, 23 + 2*n, "last", false},
	}
	if !reflect.DeepEqual(lines, want) {
		for i := range lines {
			lines[i].Text = clipText(lines[i].Text, 10)
		}
		t.Errorf("lines = %+v", lines)
	}
	// A range starting mid-file keeps offsets and numbers going, and a BOM
	// there is data.
	lr = newLineReader(strings.NewReader("\xEF\xBB\xBFa\nb"), 100, 41)
	if l, _ := lr.next(); l.No != 42 || l.Offset != 100 || string(l.Text) != "\xEF\xBB\xBFa" {
		t.Errorf("mid-file line = %+v", l)
	}
}

func TestSplitCSV(t *testing.T) {
	tests := []struct {
		line string
		want []string
		err  error
	}{
		{"a,b,c", []string{"a", "b", "c"}, nil},
		{"", []string{""}, nil},
		{"a,,", []string{"a", "", ""}, nil},
		{`"a,b",c`, []string{"a,b", "c"}, nil},
		{`"say ""hi""",x`, []string{`say "hi"`, "x"}, nil},
		{`"",""`, []string{"", ""}, nil},
		{`a"b,c`, nil, errBareQuote},
		{`"open,c`, nil, errUnclosedQuote},
		{`"a"b,c`, nil, errAfterCloseQuote},
	}
	for _, tt := range tests {
		got, err := splitCSV(tt.line)
		if !reflect.DeepEqual(got, tt.want) || !errors.Is(err, tt.err) {
			t.Errorf("splitCSV(%q) = %q, %v; want %q, %v", tt.line, got, err, tt.want, tt.err)
		}
	}
}

func TestParseHeader(t *testing.T) {
	cols, err := parseHeader(" note ,actor,occurred_at,station,type,waybill")
	if err != nil || cols.n != 6 || cols.index["waybill"] != 5 || cols.index["note"] != 0 || cols.get([]string{"n", "a", "o", "s", "t", "w"}, "incident_reason") != "" {
		t.Errorf("parseHeader = %+v, %v", cols, err)
	}
	for header, want := range map[string]string{
		"waybill,type,station,occurred_at":                      "lacks column actor",
		"waybill,type,station,occurred_at,actor,actor":          "names column actor twice",
		"waybill,type,station,occurred_at,actor,incident_reson": `unknown column "incident_reson"`,
		`waybill,"type`: "cannot be read",
	} {
		if _, err := parseHeader(header); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseHeader(%q) = %v, want an error saying %q", header, err, want)
		}
	}
}

func TestParseKey(t *testing.T) {
	ref, err := parseKey("scans/t1/SHA-01/2026-03-04 evening.jsonl")
	if err != nil || ref != (fileRef{Key: "scans/t1/SHA-01/2026-03-04 evening.jsonl", Tenant: "t1", Station: "SHA-01", Format: store.ScanFileJSONL}) {
		t.Errorf("parseKey = %+v, %v", ref, err)
	}
	if got := reportKey(ref.Key); got != "scan-results/t1/SHA-01/2026-03-04 evening.jsonl.report.csv" {
		t.Errorf("reportKey = %s", got)
	}
	if _, err := parseKey(reportKey("scans/t1/SHA01/a.csv")); err == nil {
		t.Errorf("a report's key parses as a scan file's")
	}
}

func TestReportText(t *testing.T) {
	for in, want := range map[string]string{
		"LF00000000019":     "LF00000000019",
		"=1+1":              "'=1+1",
		"+86 138":           "'+86 138",
		"-2":                "'-2",
		"@SUM(A1)":          "'@SUM(A1)",
		"a\x00b\tc\nd":      "a b c d",
		"bad \xff utf-8":    "bad \uFFFD utf-8",
		"上海 SHA01 note, ok": "上海 SHA01 note, ok",
	} {
		if got := reportText(in); got != want {
			t.Errorf("reportText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPlan splits files at line boundaries, a line longer than a chunk
// included, and refuses a file with a bad header without chunks.
func TestPlan(t *testing.T) {
	ctx := context.Background()
	b := memblob.New("b")
	f := New(nil, b, nil, Options{ChunkBytes: 10})
	put := func(key, content string) blob.Object {
		obj, err := b.Put(ctx, key, strings.NewReader(content), int64(len(content)), "text/csv")
		if err != nil {
			t.Fatal(err)
		}
		return obj
	}
	header := "waybill,type,station,occurred_at,actor\n"
	content := header + "aaaa\nbbbb\ncccc\n" + strings.Repeat("L", 35) + "\ndd\nee"
	ref := fileRef{Key: "scans/t1/SHA01/a.csv", Tenant: "t1", Station: "SHA01", Format: store.ScanFileCSV}
	file, chunks, err := f.plan(ctx, ref, "b", put(ref.Key, content))
	if err != nil {
		t.Fatal(err)
	}
	h := int64(len(header))
	want := []store.ScanChunk{
		{No: 0, Start: h, End: h + 10},
		{No: 1, Start: h + 10, End: h + 51},
		{No: 2, Start: h + 51, End: h + 56},
	}
	if !reflect.DeepEqual(chunks, want) || file.Header != strings.TrimSuffix(header, "\n") || file.HeaderLines != 1 || file.Problem != "" {
		t.Errorf("plan = %+v, %+v; want chunks %+v", file, chunks, want)
	}
	for _, c := range chunks {
		if c.Start > 0 && content[c.Start-1] != '\n' {
			t.Errorf("chunk %d starts mid-line at %d", c.No, c.Start)
		}
	}

	ref.Key = "scans/t1/SHA01/b.csv"
	file, chunks, err = f.plan(ctx, ref, "b", put(ref.Key, "waybil,type\nLF00000000019,pickup\n"))
	if err != nil || len(chunks) != 0 || !strings.Contains(file.Problem, `unknown column "waybil"`) {
		t.Errorf("bad header: %+v, %+v, %v", file, chunks, err)
	}
	ref.Key, ref.Format = "scans/t1/SHA01/c.jsonl", store.ScanFileJSONL
	file, chunks, err = f.plan(ctx, ref, "b", put(ref.Key, ""))
	if err != nil || len(chunks) != 0 || file.Problem != "" {
		t.Errorf("empty file: %+v, %+v, %v", file, chunks, err)
	}
}
