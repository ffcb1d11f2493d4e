package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/logifn/logifn/shared/domain"
)

// linesPerRun bounds the lines one scan_line_runs row holds, and so its
// size: about 600 bytes a line at most.
const linesPerRun = 500

// AddLines records the outcomes of lines of the batch's chunk, given in
// line order, as runs of lines: one row per few hundred lines rather than
// one per line. Runs of a chunk never overlap: lines that reach into the
// span of lines recorded already (a line recorded twice, above all) fail
// the whole batch with conflict.
func (t *ScanTx) AddLines(ctx context.Context, lines []ScanLine) error {
	for i, l := range lines {
		if l.Chunk != t.chunk {
			return domain.Errorf(domain.KindInvalid, "wrong_chunk", "line %d belongs to chunk %d, not %d", l.Line, l.Chunk, t.chunk)
		}
		if i > 0 && l.Line <= lines[i-1].Line {
			return domain.Errorf(domain.KindInvalid, "lines_out_of_order", "line %d comes after line %d", l.Line, lines[i-1].Line)
		}
	}
	for len(lines) > 0 {
		n := min(len(lines), linesPerRun)
		if err := t.addRun(ctx, lines[:n]); err != nil {
			return wrapf(err, "scan line", "record %d lines of chunk %d", n, t.chunk)
		}
		lines = lines[n:]
	}
	return nil
}

// addRun records run, in line order, in one row, unless one of its lines
// is recorded already, as a run or as a line of its own (scan_lines, where
// outcomes were written one row a line). Runs of a chunk never overlap, so
// the run that starts last at or before run's last line is the only one
// that can.
func (t *ScanTx) addRun(ctx context.Context, run []ScanLine) error {
	first, last := run[0].Line, run[len(run)-1].Line
	var overlap bool
	err := t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM scan_lines
			WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND line_no BETWEEN ? AND ?)
		OR COALESCE((SELECT last_line FROM scan_line_runs WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND first_line <= ?
			ORDER BY first_line DESC LIMIT 1), 0) >= ?`,
		t.tenant, t.fileID, t.chunk, first, last, t.tenant, t.fileID, t.chunk, last, first).Scan(&overlap)
	if err != nil {
		return err
	}
	if overlap {
		return domain.Errorf(domain.KindConflict, "scan_line_recorded", "a line of %d to %d of chunk %d is recorded already", first, last, t.chunk)
	}
	counts := map[string]int64{}
	for _, l := range run {
		counts[l.Outcome]++
	}
	outcomes, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO scan_line_runs (tenant_id, file_id, chunk_no, first_line, last_line, outcomes, body)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.tenant, t.fileID, t.chunk, first, last, string(outcomes), string(encodeRun(run)))
	return err
}

// encodeRun writes each line of run as its number, a space, then its
// clipped waybill, outcome and reason, each as its length in bytes, a
// colon and its bytes, and a line feed: any text comes back as it went in.
func encodeRun(run []ScanLine) []byte {
	b := make([]byte, 0, 80*len(run))
	for _, l := range run {
		b = strconv.AppendInt(b, l.Line, 10)
		b = append(b, ' ')
		for _, s := range []string{clip(l.Waybill, MaxScanLineWaybill), l.Outcome, clip(l.Reason, MaxScanLineReason)} {
			b = strconv.AppendInt(b, int64(len(s)), 10)
			b = append(b, ':')
			b = append(b, s...)
		}
		b = append(b, '\n')
	}
	return b
}

var errBadRun = errors.New("malformed run of scan lines")

// decodeRun appends the lines of chunk that body, written by encodeRun,
// holds after line after to list.
func decodeRun(list []ScanLine, chunk int, body []byte, after int64) ([]ScanLine, error) {
	for len(body) > 0 {
		sp := bytes.IndexByte(body, ' ')
		if sp < 0 {
			return nil, errBadRun
		}
		no, err := strconv.ParseInt(string(body[:sp]), 10, 64)
		if err != nil {
			return nil, errBadRun
		}
		body = body[sp+1:]
		var fields [3]string
		for i := range fields {
			colon := bytes.IndexByte(body, ':')
			if colon < 0 {
				return nil, errBadRun
			}
			n, err := strconv.Atoi(string(body[:colon]))
			if err != nil || n < 0 || colon+1+n > len(body) {
				return nil, errBadRun
			}
			fields[i] = string(body[colon+1 : colon+1+n])
			body = body[colon+1+n:]
		}
		if len(body) == 0 || body[0] != '\n' {
			return nil, errBadRun
		}
		body = body[1:]
		if no > after {
			list = append(list, ScanLine{Chunk: chunk, Line: no, Waybill: fields[0], Outcome: fields[1], Reason: fields[2]})
		}
	}
	return list, nil
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// ScanLines returns up to limit outcomes of chunk chunk of tenant's scan
// file fileID, those after line after, in line order.
func (s *Store) ScanLines(ctx context.Context, tenant string, fileID int64, chunk int, after int64, limit int) ([]ScanLine, error) {
	if limit < 1 {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "the limit must be positive")
	}
	single, err := s.singleScanLines(ctx, tenant, fileID, chunk, after, limit)
	if err != nil {
		return nil, wrapf(err, "scan line", "list lines of scan file %d", fileID)
	}
	runs, err := s.scanLineRuns(ctx, tenant, fileID, chunk, after, limit)
	if err != nil {
		return nil, wrapf(err, "scan line", "list lines of scan file %d", fileID)
	}
	// Each list holds its first limit lines after after, or all of them:
	// merged, their first limit are the chunk's.
	list := append(single, runs...)
	slices.SortFunc(list, func(a, b ScanLine) int { return cmp.Compare(a.Line, b.Line) })
	if len(list) > limit {
		list = list[:limit]
	}
	return list, nil
}

// singleScanLines returns up to limit outcomes recorded a row a line.
func (s *Store) singleScanLines(ctx context.Context, tenant string, fileID int64, chunk int, after int64, limit int) ([]ScanLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT chunk_no, line_no, waybill, outcome, reason FROM scan_lines
		WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND line_no > ? ORDER BY line_no LIMIT ?`,
		tenant, fileID, chunk, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []ScanLine{}
	for rows.Next() {
		var l ScanLine
		if err := rows.Scan(&l.Chunk, &l.Line, &l.Waybill, &l.Outcome, &l.Reason); err != nil {
			return nil, err
		}
		list = append(list, l)
	}
	return list, rows.Err()
}

// runsPerRead is how many runs scanLineRuns reads per query.
const runsPerRead = 8

// scanLineRuns returns at least limit outcomes recorded in runs after line
// after, in line order, or all of them.
func (s *Store) scanLineRuns(ctx context.Context, tenant string, fileID int64, chunk int, after int64, limit int) ([]ScanLine, error) {
	var list []ScanLine
	for from := after; len(list) < limit; {
		rows, err := s.db.QueryContext(ctx, `SELECT last_line, body FROM scan_line_runs
			WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND last_line > ? ORDER BY first_line LIMIT ?`,
			tenant, fileID, chunk, from, runsPerRead)
		if err != nil {
			return nil, err
		}
		n := 0
		for rows.Next() {
			var body []byte
			if err := rows.Scan(&from, &body); err != nil {
				rows.Close()
				return nil, err
			}
			if list, err = decodeRun(list, chunk, body, after); err != nil {
				rows.Close()
				return nil, fmt.Errorf("run ending at line %d: %w", from, err)
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if n < runsPerRead {
			break
		}
	}
	return list, nil
}

// ScanOutcomes counts the lines of tenant's scan file fileID by outcome.
func (s *Store) ScanOutcomes(ctx context.Context, tenant string, fileID int64) (map[string]int64, error) {
	counts := map[string]int64{}
	if err := s.countSingleScanLines(ctx, tenant, fileID, counts); err != nil {
		return nil, wrapf(err, "scan line", "count lines of scan file %d", fileID)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT outcomes FROM scan_line_runs WHERE tenant_id = ? AND file_id = ?`, tenant, fileID)
	if err != nil {
		return nil, wrapf(err, "scan line", "count lines of scan file %d", fileID)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		var run map[string]int64
		if err := rows.Scan(&text); err != nil {
			return nil, wrapf(err, "scan line", "count lines of scan file %d", fileID)
		}
		if err := json.Unmarshal([]byte(text), &run); err != nil {
			return nil, wrapf(err, "scan line", "count lines of scan file %d", fileID)
		}
		for outcome, n := range run {
			counts[outcome] += n
		}
	}
	return counts, wrapf(rows.Err(), "scan line", "count lines of scan file %d", fileID)
}

// countSingleScanLines adds the outcomes recorded a row a line to counts.
func (s *Store) countSingleScanLines(ctx context.Context, tenant string, fileID int64, counts map[string]int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT outcome, COUNT(*) FROM scan_lines WHERE tenant_id = ? AND file_id = ? GROUP BY outcome`,
		tenant, fileID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var outcome string
		var n int64
		if err := rows.Scan(&outcome, &n); err != nil {
			return err
		}
		counts[outcome] += n
	}
	return rows.Err()
}
