package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// addLines records lines in a batch of their own, from offset from to to.
func addLines(t *testing.T, s *store.Store, f *store.ScanFile, from, to int64, lines []store.ScanLine) error {
	t.Helper()
	b := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: from, To: to, Lines: lines[len(lines)-1].Line, Lease: time.Minute}
	return s.ApplyScanBatch(context.Background(), b, func(ctx context.Context, tx *store.ScanTx) error {
		return tx.AddLines(ctx, lines)
	})
}

// TestScanLinesAcrossRunsAndRows records a chunk's outcomes as they come
// after an upgrade: the first lines a row each (as batches wrote them
// before runs), then batches of runs, one of them longer than a run holds,
// with gaps where blank lines were. Every page of ScanLines, from any line,
// is the lines that follow in order, and ScanOutcomes counts them all.
func TestScanLinesAcrossRunsAndRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := claimedScanFile(t, s)
		var want []store.ScanLine
		for no := int64(1); no <= 3; no++ {
			l := store.ScanLine{Chunk: 0, Line: no, Waybill: fmt.Sprintf("LF%011d", no), Outcome: "invalid", Reason: "row of its own"}
			if _, err := store.DB(s).ExecContext(ctx, `INSERT INTO scan_lines (tenant_id, file_id, chunk_no, line_no, waybill, outcome, reason)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, "t1", f.ID, 0, l.Line, l.Waybill, l.Outcome, l.Reason); err != nil {
				t.Fatal(err)
			}
			want = append(want, l)
		}
		batch := func(first, n int64) []store.ScanLine {
			var lines []store.ScanLine
			for no := first; no < first+n; no++ {
				if no%7 == 0 {
					continue // a blank line: no outcome
				}
				outcome := "created"
				if no%5 == 0 {
					outcome = "duplicate"
				}
				lines = append(lines, store.ScanLine{Chunk: 0, Line: no, Waybill: fmt.Sprintf("LF%011d", no), Outcome: outcome,
					Reason: fmt.Sprintf("line %d: moved\nfrom created: to picked_up, 3:abc", no)})
			}
			return lines
		}
		from := int64(13)
		for _, b := range [][2]int64{{4, 10}, {14, 1200}, {1214, 3}} {
			lines := batch(b[0], b[1])
			if err := addLines(t, s, f, from, from+1, lines); err != nil {
				t.Fatal(err)
			}
			from++
			want = append(want, lines...)
		}
		for _, after := range []int64{0, 2, 3, 7, 13, 500, 510, 1213, 1216, 5000} {
			for _, limit := range []int{1, 7, 500, 2000} {
				var wantPage []store.ScanLine
				for _, l := range want {
					if l.Line > after && len(wantPage) < limit {
						wantPage = append(wantPage, l)
					}
				}
				got, err := s.ScanLines(ctx, "t1", f.ID, 0, after, limit)
				if err != nil || len(got) != len(wantPage) || (len(got) > 0 && !reflect.DeepEqual(got, wantPage)) {
					t.Fatalf("ScanLines after %d, limit %d: %d lines, %v; want %d", after, limit, len(got), err, len(wantPage))
				}
			}
		}
		wantCounts := map[string]int64{}
		for _, l := range want {
			wantCounts[l.Outcome]++
		}
		counts, err := s.ScanOutcomes(ctx, "t1", f.ID)
		if err != nil || !reflect.DeepEqual(counts, wantCounts) {
			t.Errorf("outcomes %v, %v; want %v", counts, err, wantCounts)
		}
	})
}

// TestScanLinesKeepText records outcomes whose text holds what a run's
// encoding uses itself (digits, colons, spaces, line ends) and longer text
// than the columns take, and reads them back as they were, clipped as the
// columns clip them.
func TestScanLinesKeepText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := claimedScanFile(t, s)
		long := strings.Repeat("é", store.MaxScanLineReason+20)
		lines := []store.ScanLine{
			{Chunk: 0, Line: 1, Waybill: "", Outcome: "invalid", Reason: ""},
			{Chunk: 0, Line: 2, Waybill: "12:ab\n", Outcome: "invalid", Reason: "3:x\r\n4 5:\n"},
			{Chunk: 0, Line: 9, Waybill: strings.Repeat("w", store.MaxScanLineWaybill+5), Outcome: "invalid", Reason: long},
			{Chunk: 0, Line: 10, Waybill: "LF00000000019", Outcome: "created", Reason: "田中 : \t ok"},
		}
		if err := addLines(t, s, f, 13, 14, lines); err != nil {
			t.Fatal(err)
		}
		want := append([]store.ScanLine(nil), lines...)
		want[2].Waybill = strings.Repeat("w", store.MaxScanLineWaybill)
		want[2].Reason = strings.Repeat("é", store.MaxScanLineReason)
		got, err := s.ScanLines(context.Background(), "t1", f.ID, 0, 0, 10)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("lines %+v, %v;\nwant %+v", got, err, want)
		}
	})
}

// TestAddLinesRecordedAlready checks that a batch recording a line
// recorded before fails with conflict and records nothing, whether the
// line is in a run or a row of its own, and that lines must come in order
// and of the batch's chunk.
func TestAddLinesRecordedAlready(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := claimedScanFile(t, s)
		line := func(no int64) store.ScanLine {
			return store.ScanLine{Chunk: 0, Line: no, Waybill: "LF00000000019", Outcome: "created", Reason: "moved"}
		}
		if _, err := store.DB(s).ExecContext(ctx, `INSERT INTO scan_lines (tenant_id, file_id, chunk_no, line_no, waybill, outcome, reason)
			VALUES ('t1', ?, 0, 2, 'LF00000000019', 'created', 'moved')`, f.ID); err != nil {
			t.Fatal(err)
		}
		if err := addLines(t, s, f, 13, 14, []store.ScanLine{line(5), line(6), line(9)}); err != nil {
			t.Fatal(err)
		}
		from := int64(14)
		for _, lines := range [][]store.ScanLine{{line(1), line(2)}, {line(2)}, {line(1), line(3)}, {line(8), line(9), line(10)},
			{line(9)}, {line(3), line(4), line(5)}, {line(4), line(7), line(12)}} {
			err := addLines(t, s, f, from, from+1, lines)
			if de := wantKind(t, err, domain.KindConflict); de != nil && de.Code == "scan_chunk_lost" {
				t.Errorf("lines %v: the checkpoint moved, want a conflict over the lines", lines)
			}
		}
		for _, lines := range [][]store.ScanLine{{line(12), line(11)}, {line(11), line(11)}, {{Chunk: 1, Line: 11}}} {
			wantKind(t, addLines(t, s, f, from, from+1, lines), domain.KindInvalid)
		}
		if err := addLines(t, s, f, from, from+1, []store.ScanLine{line(3), line(4)}); err != nil {
			t.Errorf("lines 3 and 4, between recorded ones: %v", err)
		}
		got, err := s.ScanLines(ctx, "t1", f.ID, 0, 0, 100)
		var nos []int64
		for _, l := range got {
			nos = append(nos, l.Line)
		}
		if err != nil || !reflect.DeepEqual(nos, []int64{2, 3, 4, 5, 6, 9}) {
			t.Errorf("lines recorded %v, %v; want 2, 3, 4, 5, 6 and 9", nos, err)
		}
	})
}
