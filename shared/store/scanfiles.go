package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
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

// Limits of a recorded line's waybill and reason, in characters: longer
// ones are cut.
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

// StaleScanFiles returns up to limit of tenant's scan files that are
// still processing but neither they nor any of their chunks changed since
// before: files whose delivery, or the invocation of their next chunk, was
// lost. They come in order of id.
func (s *Store) StaleScanFiles(ctx context.Context, tenant string, before time.Time, limit int) ([]ScanFile, error) {
	if limit < 1 || limit > MaxJobPage {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_limit", "limit must be between 1 and %d", MaxJobPage)
	}
	at := s.d.timeArg(dbTime(before))
	rows, err := s.db.QueryContext(ctx, `SELECT `+scanFileColumns+` FROM scan_files f
		WHERE f.tenant_id = ? AND f.status = ? AND f.updated_at < ? AND NOT EXISTS (SELECT 1 FROM scan_file_chunks c
			WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id AND c.updated_at >= ?)
		ORDER BY f.id LIMIT ?`, tenant, ScanFileProcessing, at, at, limit)
	if err != nil {
		return nil, wrapf(err, "scan file", "list stale scan files")
	}
	defer rows.Close()
	list := []ScanFile{}
	for rows.Next() {
		f, err := scanScanFile(rows)
		if err != nil {
			return nil, wrapf(err, "scan file", "list stale scan files")
		}
		list = append(list, *f)
	}
	return list, wrapf(rows.Err(), "scan file", "list stale scan files")
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
