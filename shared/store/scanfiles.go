package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// The formats of scan files.
const (
	ScanFileCSV   = "csv"
	ScanFileJSONL = "jsonl"
)

// The statuses of scan files: lines are still being applied, or every line
// is and the report is written.
const (
	ScanFileProcessing = "processing"
	ScanFileComplete   = "complete"
)

// ScanFile is one scan file being applied, keyed by the object it was read
// from: an upload under the same key with another ETag is another file.
type ScanFile struct {
	ID      int64
	Tenant  string
	Bucket  string
	Key     string
	ETag    string
	Size    int64
	Format  string // ScanFileCSV or ScanFileJSONL
	Station string // the station the file's key names
	// Header is the CSV header line naming the columns, "" for JSON Lines.
	Header string
	// HeaderLines counts the lines before the first chunk's first line.
	HeaderLines int
	// Problem, when not empty, says why no line of the file was applied.
	Problem   string
	Status    string
	ReportKey string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ScanChunk is a byte range of a scan file, whole lines from Start up to
// End, and its checkpoint: the lines before offset Next, Lines of them,
// are applied. Only the holder of a live lease applies more.
type ScanChunk struct {
	No         int
	Start      int64
	End        int64
	Next       int64
	Lines      int64
	Done       bool
	LeaseOwner string
	LeaseUntil time.Time
}

// ScanLine is the outcome of one line of a scan file. Line counts from 1
// within the chunk.
type ScanLine struct {
	Chunk   int
	Line    int64
	Waybill string
	Outcome string
	Reason  string
}

// Column limits of scan_lines, in characters.
const (
	MaxScanLineWaybill = 64
	MaxScanLineReason  = 500
)

// sourceHash identifies the object a scan file was read from.
func sourceHash(bucket, key, etag string) string {
	sum := sha256.Sum256([]byte(bucket + "\x00" + key + "\x00" + etag))
	return hex.EncodeToString(sum[:])
}

// CreateScanFile records f, with status processing, and its chunks, unless
// the same object (tenant, bucket, key and ETag) is recorded already: then
// *f becomes the stored file and created is false. Chunks must be numbered
// from 0 in order; their checkpoints start at their Start. It fills f.ID,
// f.Status, f.CreatedAt and f.UpdatedAt.
func (s *Store) CreateScanFile(ctx context.Context, f *ScanFile, chunks []ScanChunk) (created bool, err error) {
	if err := checkScanFile(f, chunks); err != nil {
		return false, err
	}
	now := s.clock()
	err = s.inTx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO scan_files (tenant_id, source_hash, bucket, object_key, etag, size,
			format, station_code, header, header_lines, problem, status, report_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.Tenant, sourceHash(f.Bucket, f.Key, f.ETag), f.Bucket, f.Key, f.ETag, f.Size, f.Format, f.Station,
			f.Header, f.HeaderLines, f.Problem, ScanFileProcessing, f.ReportKey, s.d.timeArg(now), s.d.timeArg(now))
		if err != nil {
			return wrapf(err, "scan file", "insert scan file")
		}
		if f.ID, err = res.LastInsertId(); err != nil {
			return wrapf(err, "scan file", "insert scan file")
		}
		for _, c := range chunks {
			_, err := tx.ExecContext(ctx, `INSERT INTO scan_file_chunks (tenant_id, file_id, chunk_no, start_offset,
				end_offset, next_offset, next_line, done, lease_owner, lease_until, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, 0, ?, '', ?, ?)`,
				f.Tenant, f.ID, c.No, c.Start, c.End, c.Start, false, s.d.timeArg(now), s.d.timeArg(now))
			if err != nil {
				return wrapf(err, "scan file chunk", "insert chunk %d", c.No)
			}
		}
		return nil
	})
	if domain.IsKind(err, domain.KindConflict) {
		stored, err := s.ScanFile(ctx, f.Tenant, f.Bucket, f.Key, f.ETag)
		if err != nil {
			return false, fmt.Errorf("create scan file %s: %w", f.Key, err)
		}
		*f = *stored
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create scan file %s: %w", f.Key, err)
	}
	f.Status, f.CreatedAt, f.UpdatedAt = ScanFileProcessing, now, now
	return true, nil
}

func checkScanFile(f *ScanFile, chunks []ScanChunk) error {
	bad := func(format string, args ...any) error {
		return domain.Errorf(domain.KindInvalid, "invalid_scan_file", format, args...)
	}
	switch {
	case f.Tenant == "":
		return domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	case f.Bucket == "" || f.Key == "" || f.ETag == "":
		return bad("a scan file needs a bucket, a key and an ETag")
	case f.Format != ScanFileCSV && f.Format != ScanFileJSONL:
		return bad("scan file format %q: want csv or jsonl", f.Format)
	}
	for i, c := range chunks {
		if c.No != i || c.Start < 0 || c.End < c.Start || c.End > f.Size || (i > 0 && c.Start != chunks[i-1].End) {
			return bad("chunk %d (%d-%d) does not follow on from the one before within %d bytes", i, c.Start, c.End, f.Size)
		}
	}
	return nil
}

// scanFileColumns are the columns scanScanFile reads, in its order.
const scanFileColumns = `id, tenant_id, bucket, object_key, etag, size, format, station_code, header, header_lines,
	problem, status, report_key, created_at, updated_at`

func scanScanFile(r rowScanner) (*ScanFile, error) {
	var f ScanFile
	err := r.Scan(&f.ID, &f.Tenant, &f.Bucket, &f.Key, &f.ETag, &f.Size, &f.Format, &f.Station, &f.Header,
		&f.HeaderLines, &f.Problem, &f.Status, &f.ReportKey, scanTime(&f.CreatedAt), scanTime(&f.UpdatedAt))
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// ScanFile returns tenant's scan file read from the object bucket/key with
// etag, or a not-found error.
func (s *Store) ScanFile(ctx context.Context, tenant, bucket, key, etag string) (*ScanFile, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+scanFileColumns+` FROM scan_files WHERE tenant_id = ? AND source_hash = ?`,
		tenant, sourceHash(bucket, key, etag))
	f, err := scanScanFile(row)
	if err != nil {
		return nil, wrapf(err, "scan file", "get scan file %s", key)
	}
	return f, nil
}

// ScanFileByID returns tenant's scan file id, or a not-found error.
func (s *Store) ScanFileByID(ctx context.Context, tenant string, id int64) (*ScanFile, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+scanFileColumns+` FROM scan_files WHERE tenant_id = ? AND id = ?`, tenant, id)
	f, err := scanScanFile(row)
	if err != nil {
		return nil, wrapf(err, "scan file", "get scan file %d", id)
	}
	return f, nil
}

// CompleteScanFile marks tenant's scan file id complete, its report
// written at reportKey. Completing a complete file again changes nothing
// but the report key and the time.
func (s *Store) CompleteScanFile(ctx context.Context, tenant string, id int64, reportKey string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE scan_files SET status = ?, report_key = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		ScanFileComplete, reportKey, s.d.timeArg(s.clock()), tenant, id)
	if err != nil {
		return wrapf(err, "scan file", "complete scan file %d", id)
	}
	return wrapf(oneRow(res), "scan file", "complete scan file %d", id)
}

// oneRow turns an UPDATE that matched no row into sql.ErrNoRows.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return sql.ErrNoRows
	}
	return err
}

// scanChunkColumns are the columns scanScanChunk reads, in its order.
const scanChunkColumns = `chunk_no, start_offset, end_offset, next_offset, next_line, done, lease_owner, lease_until`

func scanScanChunk(r rowScanner) (*ScanChunk, error) {
	var c ScanChunk
	err := r.Scan(&c.No, &c.Start, &c.End, &c.Next, &c.Lines, &c.Done, &c.LeaseOwner, scanTime(&c.LeaseUntil))
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// ScanChunks returns the chunks of tenant's scan file fileID, in order.
func (s *Store) ScanChunks(ctx context.Context, tenant string, fileID int64) ([]ScanChunk, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+scanChunkColumns+` FROM scan_file_chunks
		WHERE tenant_id = ? AND file_id = ? ORDER BY chunk_no`, tenant, fileID)
	if err != nil {
		return nil, wrapf(err, "scan file chunk", "list chunks of scan file %d", fileID)
	}
	defer rows.Close()
	list := []ScanChunk{}
	for rows.Next() {
		c, err := scanScanChunk(rows)
		if err != nil {
			return nil, wrapf(err, "scan file chunk", "list chunks of scan file %d", fileID)
		}
		list = append(list, *c)
	}
	return list, wrapf(rows.Err(), "scan file chunk", "list chunks of scan file %d", fileID)
}

func (s *Store) scanChunk(ctx context.Context, tenant string, fileID int64, no int) (*ScanChunk, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+scanChunkColumns+` FROM scan_file_chunks
		WHERE tenant_id = ? AND file_id = ? AND chunk_no = ?`, tenant, fileID, no)
	c, err := scanScanChunk(row)
	if err != nil {
		return nil, wrapf(err, "scan file chunk", "get chunk %d of scan file %d", no, fileID)
	}
	return c, nil
}

// ClaimScanChunk gives owner the lease on chunk no of tenant's scan file
// fileID for ttl, and returns the chunk, unless it is done (then it is
// returned as it is, Done set) or another owner's lease on it has not run
// out: that fails with conflict, code scan_chunk_busy. Claiming a chunk
// one holds already renews the lease.
func (s *Store) ClaimScanChunk(ctx context.Context, tenant string, fileID int64, no int, owner string, ttl time.Duration) (*ScanChunk, error) {
	if owner == "" || ttl <= 0 {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_lease", "a lease needs an owner and a positive duration")
	}
	now := s.clock()
	res, err := s.db.ExecContext(ctx, `UPDATE scan_file_chunks SET lease_owner = ?, lease_until = ?, updated_at = ?
		WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND done = ? AND (lease_owner IN ('', ?) OR lease_until <= ?)`,
		owner, s.d.timeArg(now.Add(ttl)), s.d.timeArg(now), tenant, fileID, no, false, owner, s.d.timeArg(now))
	if err != nil {
		return nil, wrapf(err, "scan file chunk", "claim chunk %d of scan file %d", no, fileID)
	}
	claimed, err := res.RowsAffected()
	if err != nil {
		return nil, wrapf(err, "scan file chunk", "claim chunk %d of scan file %d", no, fileID)
	}
	c, err := s.scanChunk(ctx, tenant, fileID, no)
	if err != nil || claimed == 1 || c.Done {
		return c, err
	}
	e := domain.Errorf(domain.KindConflict, "scan_chunk_busy", "chunk %d of scan file %d is being applied by another delivery until %s",
		no, fileID, c.LeaseUntil.Format(time.RFC3339))
	e.RetryAfter = max(1, int(c.LeaseUntil.Sub(now).Seconds()+0.999))
	return nil, e
}

// ReleaseScanChunk gives up owner's lease on a chunk, so that another
// delivery may take the chunk over at once. A lease owner no longer holds
// is left alone.
func (s *Store) ReleaseScanChunk(ctx context.Context, tenant string, fileID int64, no int, owner string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE scan_file_chunks SET lease_owner = '', updated_at = ?
		WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND lease_owner = ?`,
		s.d.timeArg(s.clock()), tenant, fileID, no, owner)
	return wrapf(err, "scan file chunk", "release chunk %d of scan file %d", no, fileID)
}

// PendingScanChunks counts the chunks of tenant's scan file fileID that
// are not done.
func (s *Store) PendingScanChunks(ctx context.Context, tenant string, fileID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM scan_file_chunks WHERE tenant_id = ? AND file_id = ? AND done = ?`,
		tenant, fileID, false).Scan(&n)
	return n, wrapf(err, "scan file chunk", "count pending chunks of scan file %d", fileID)
}

// ScanBatch moves the checkpoint of one chunk past a run of lines: from
// offset From, where the chunk's checkpoint must stand, to offset To, the
// chunk having Lines lines applied then. Done marks the chunk's last batch.
// The owner's lease is renewed for Lease.
type ScanBatch struct {
	Tenant string
	FileID int64
	Chunk  int
	Owner  string
	From   int64
	To     int64
	Lines  int64
	Done   bool
	Lease  time.Duration
}

// ApplyScanBatch runs fn in one transaction with the move of b's
// checkpoint, so that the lines fn applies and records and the checkpoint
// past them commit together or not at all. The checkpoint moves first:
// when b.Owner no longer holds the chunk's lease, or the checkpoint is not
// at b.From (another delivery went on), nothing runs and the error is a
// conflict, code scan_chunk_lost. An error from fn rolls everything back.
func (s *Store) ApplyScanBatch(ctx context.Context, b ScanBatch, fn func(ctx context.Context, tx *ScanTx) error) error {
	now := s.clock()
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scan_file_chunks SET next_offset = ?, next_line = ?, done = ?,
			lease_until = ?, updated_at = ?
			WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND lease_owner = ? AND next_offset = ? AND done = ?`,
			b.To, b.Lines, b.Done, s.d.timeArg(now.Add(b.Lease)), s.d.timeArg(now),
			b.Tenant, b.FileID, b.Chunk, b.Owner, b.From, false)
		if err != nil {
			return wrapf(err, "scan file chunk", "move checkpoint")
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapf(err, "scan file chunk", "move checkpoint")
		} else if n != 1 {
			return domain.Errorf(domain.KindConflict, "scan_chunk_lost",
				"chunk %d of scan file %d moved on without this delivery: its lease was taken over", b.Chunk, b.FileID)
		}
		return fn(ctx, &ScanTx{s: s, tx: tx, tenant: b.Tenant, fileID: b.FileID, chunk: b.Chunk, now: now})
	})
	if err != nil {
		return fmt.Errorf("apply lines of chunk %d of scan file %d: %w", b.Chunk, b.FileID, err)
	}
	return nil
}

// ScanTx is the transaction of one batch of a scan file's lines. It reads
// and writes within the batch's tenant only.
type ScanTx struct {
	s      *Store
	tx     *sql.Tx
	tenant string
	fileID int64
	chunk  int
	now    time.Time
}

// Shipments returns the tenant's shipments with the waybill numbers ws,
// without their items, by waybill. Numbers of no shipment are left out.
func (t *ScanTx) Shipments(ctx context.Context, ws []domain.Waybill) (map[domain.Waybill]*domain.Shipment, error) {
	found := make(map[domain.Waybill]*domain.Shipment, len(ws))
	if len(ws) == 0 {
		return found, nil
	}
	args := []any{t.tenant}
	for _, w := range ws {
		args = append(args, w)
	}
	list, err := queryShipments(ctx, t.tx, `SELECT `+shipmentColumns+` FROM shipments
		WHERE tenant_id = ? AND waybill IN (`+placeholders(len(ws))+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, sh := range list {
		found[sh.Waybill] = sh
	}
	return found, nil
}

// Events returns the timelines of the tenant's shipments ids, by shipment,
// each ordered by when its events occurred.
func (t *ScanTx) Events(ctx context.Context, ids []int64) (map[int64][]domain.TrackingEvent, error) {
	byShipment := make(map[int64][]domain.TrackingEvent, len(ids))
	if len(ids) == 0 {
		return byShipment, nil
	}
	args := []any{t.tenant}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT id, tenant_id, shipment_id, waybill, scan_type, status, station_code,
		actor, source, incident_reason, note, occurred_at, recorded_at
		FROM tracking_events WHERE tenant_id = ? AND shipment_id IN (`+placeholders(len(ids))+`)
		ORDER BY shipment_id, occurred_at, id`, args...)
	if err != nil {
		return nil, wrapf(err, "tracking event", "list events of %d shipments", len(ids))
	}
	defer rows.Close()
	for rows.Next() {
		var ev domain.TrackingEvent
		err := rows.Scan(&ev.ID, &ev.Tenant, &ev.ShipmentID, &ev.Waybill, &ev.Type, &ev.Status, &ev.Station,
			&ev.Actor, &ev.Source, &ev.IncidentReason, &ev.Note, scanTime(&ev.OccurredAt), scanTime(&ev.RecordedAt))
		if err != nil {
			return nil, wrapf(err, "tracking event", "list events of %d shipments", len(ids))
		}
		byShipment[ev.ShipmentID] = append(byShipment[ev.ShipmentID], ev)
	}
	return byShipment, wrapf(rows.Err(), "tracking event", "list events of %d shipments", len(ids))
}

// ShipmentChange is what a batch does to one of the tenant's shipments:
// it appends Events to the timeline and, when Status is not empty, moves
// the shipment to it. As for Store.RecordEvent, every event is a change:
// the shipment must still be at version Expect and goes to Expect plus
// the number of events. Each event names the shipment's waybill and the
// status it records.
type ShipmentChange struct {
	ShipmentID int64
	Expect     int64
	Status     domain.Status
	Events     []domain.TrackingEvent
}

// Record makes changes, with as few statements as it can: one update for
// the shipments and one insert for every few hundred events. A shipment
// that is no longer at its expected version fails the batch with a
// precondition error (code version_mismatch), as Store.RecordEvent does;
// a missing one too. Empty changes are skipped.
func (t *ScanTx) Record(ctx context.Context, changes []ShipmentChange) error {
	var events []domain.TrackingEvent
	var bumps []ShipmentChange
	for _, c := range changes {
		if len(c.Events) == 0 {
			continue
		}
		for _, ev := range c.Events {
			if ev.Waybill == "" || ev.Status == "" {
				return domain.Errorf(domain.KindInvalid, "incomplete_event", "an event of a scan file names its waybill and status")
			}
			ev.Tenant, ev.ShipmentID = t.tenant, c.ShipmentID
			if ev.OccurredAt = dbTime(ev.OccurredAt); ev.OccurredAt.IsZero() {
				ev.OccurredAt = t.now
			}
			events = append(events, ev)
		}
		bumps = append(bumps, c)
	}
	const perInsert = 300
	for len(bumps) > 0 {
		n := min(len(bumps), t.s.d.caseUpdateRows())
		t0 := time.Now()
		if err := t.bump(ctx, bumps[:n]); err != nil {
			return err
		}
		DebugBump += time.Since(t0)
		bumps = bumps[n:]
	}
	for len(events) > 0 {
		n := min(len(events), perInsert)
		if err := t.insertEvents(ctx, events[:n]); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

// bump moves each shipment of changes on by its events, provided every one
// is still at its expected version: version, status and last event time
// as Store.RecordEvent moves them, in one statement.
func (t *ScanTx) bump(ctx context.Context, changes []ShipmentChange) error {
	var version, status, last, check strings.Builder
	var versionArgs, statusArgs, lastArgs, checkArgs []any
	ids := make([]any, 0, len(changes))
	for _, c := range changes {
		latest := c.Events[0].OccurredAt
		for _, ev := range c.Events[1:] {
			if ev.OccurredAt.After(latest) {
				latest = ev.OccurredAt
			}
		}
		latest = dbTime(latest)
		if latest.IsZero() {
			latest = t.now
		}
		version.WriteString(" WHEN ? THEN ?")
		versionArgs = append(versionArgs, c.ShipmentID, len(c.Events))
		if c.Status != "" {
			status.WriteString(" WHEN ? THEN ?")
			statusArgs = append(statusArgs, c.ShipmentID, c.Status)
		}
		last.WriteString(" WHEN ? THEN CASE WHEN last_event_at < ? THEN ? ELSE last_event_at END")
		lastArgs = append(lastArgs, c.ShipmentID, t.s.d.timeArg(latest), t.s.d.timeArg(latest))
		check.WriteString(" WHEN ? THEN ?")
		checkArgs = append(checkArgs, c.ShipmentID, c.Expect)
		ids = append(ids, c.ShipmentID)
	}
	statusSet := "status"
	if status.Len() > 0 {
		statusSet = "CASE id" + status.String() + " ELSE status END"
	}
	query := `UPDATE shipments SET version = version + CASE id` + version.String() + ` END,
		status = ` + statusSet + `, last_event_at = CASE id` + last.String() + ` END, updated_at = ?
		WHERE tenant_id = ? AND id IN (` + placeholders(len(ids)) + `) AND version = CASE id` + check.String() + ` END`
	args := append(append(append(versionArgs, statusArgs...), lastArgs...), t.s.d.timeArg(t.now), t.tenant)
	args = append(append(args, ids...), checkArgs...)
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return wrapf(err, "shipment", "update %d shipments", len(changes))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrapf(err, "shipment", "update %d shipments", len(changes))
	}
	if int(n) != len(changes) {
		return domain.Errorf(domain.KindPrecondition, "version_mismatch",
			"%d of %d shipments changed while the batch was applied: reload them and try again", len(changes)-int(n), len(changes))
	}
	return nil
}

// insertEvents appends events, recorded now, in one statement.
func (t *ScanTx) insertEvents(ctx context.Context, events []domain.TrackingEvent) error {
	args := make([]any, 0, len(events)*12)
	for _, ev := range events {
		args = append(args, ev.Tenant, ev.ShipmentID, ev.Waybill, ev.Type, ev.Status, ev.Station, ev.Actor, ev.Source,
			ev.IncidentReason, ev.Note, t.s.d.timeArg(ev.OccurredAt), t.s.d.timeArg(t.now))
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	_, err := t.tx.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
		station_code, actor, source, incident_reason, note, occurred_at, recorded_at)
		VALUES `+row+strings.Repeat(", "+row, len(events)-1), args...)
	return wrapf(err, "tracking event", "insert %d events", len(events))
}

// AddLines records the outcomes of lines of the batch's chunk. A line
// recorded already fails the whole batch with conflict.
func (t *ScanTx) AddLines(ctx context.Context, lines []ScanLine) error {
	const perInsert = 500
	for len(lines) > 0 {
		n := min(len(lines), perInsert)
		args := make([]any, 0, n*7)
		for _, l := range lines[:n] {
			if l.Chunk != t.chunk {
				return domain.Errorf(domain.KindInvalid, "wrong_chunk", "line %d belongs to chunk %d, not %d", l.Line, l.Chunk, t.chunk)
			}
			args = append(args, t.tenant, t.fileID, l.Chunk, l.Line, clip(l.Waybill, MaxScanLineWaybill), l.Outcome, clip(l.Reason, MaxScanLineReason))
		}
		values := "(?, ?, ?, ?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?, ?, ?, ?)", n-1)
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO scan_lines (tenant_id, file_id, chunk_no, line_no, waybill, outcome, reason)
			VALUES `+values, args...); err != nil {
			return wrapf(err, "scan line", "record %d lines of chunk %d", n, t.chunk)
		}
		lines = lines[n:]
	}
	return nil
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
	rows, err := s.db.QueryContext(ctx, `SELECT chunk_no, line_no, waybill, outcome, reason FROM scan_lines
		WHERE tenant_id = ? AND file_id = ? AND chunk_no = ? AND line_no > ? ORDER BY line_no LIMIT ?`,
		tenant, fileID, chunk, after, limit)
	if err != nil {
		return nil, wrapf(err, "scan line", "list lines of scan file %d", fileID)
	}
	defer rows.Close()
	list := []ScanLine{}
	for rows.Next() {
		var l ScanLine
		if err := rows.Scan(&l.Chunk, &l.Line, &l.Waybill, &l.Outcome, &l.Reason); err != nil {
			return nil, wrapf(err, "scan line", "list lines of scan file %d", fileID)
		}
		list = append(list, l)
	}
	return list, wrapf(rows.Err(), "scan line", "list lines of scan file %d", fileID)
}

// ScanOutcomes counts the lines of tenant's scan file fileID by outcome.
func (s *Store) ScanOutcomes(ctx context.Context, tenant string, fileID int64) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT outcome, COUNT(*) FROM scan_lines WHERE tenant_id = ? AND file_id = ? GROUP BY outcome`,
		tenant, fileID)
	if err != nil {
		return nil, wrapf(err, "scan line", "count lines of scan file %d", fileID)
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var outcome string
		var n int64
		if err := rows.Scan(&outcome, &n); err != nil {
			return nil, wrapf(err, "scan line", "count lines of scan file %d", fileID)
		}
		counts[outcome] = n
	}
	return counts, wrapf(rows.Err(), "scan line", "count lines of scan file %d", fileID)
}

var DebugBump time.Duration
