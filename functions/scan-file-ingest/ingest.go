// Package scanfileingest is the scan-file-ingest function: transit-centre
// scanners export their scans as CSV or JSON Lines files, one scan per
// line, under scans/{tenant}/{station}/; each upload fires this function,
// which applies every line through the same rules as the HTTP scans
// (validation, the station, the transition table, duplicate and late
// scans, optimistic concurrency) and writes a report of every line's
// outcome under scan-results/ with the same path.
//
// A file is applied at most once per object version (bucket, key and
// ETag), in batches that commit each line's outcome with its effect and a
// checkpoint, so a delivery that died part-way resumes where the last batch
// ended and a redelivery never applies a line twice. A file larger than
// the chunk size is split at line boundaries into byte ranges, each applied
// by an asynchronous invocation of this same function, one after the
// other; the invocation that finishes the last range writes the report.
//
// One function does both: it is the object trigger's handler and the
// handler of the chunk invocations (a tick named scan-file-chunk), so the
// coordinator and its workers are always the same code, deployed and sized
// together, and by default the function invokes itself.
package scanfileingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
)

// Name is the function's name in the manifest.
const Name = "scan-file-ingest"

// ChunkTick names the invocations that apply one chunk of a file.
const ChunkTick = "scan-file-chunk"

// ResumeTick names the schedule that takes over files left processing:
// their delivery, or the invocation of their next chunk, was lost for good.
const ResumeTick = "scan-file-resume"

// resumeAfter is how long a file must have made no progress before the
// schedule takes it over: far longer than a lease, so that only files
// nobody works on are.
const resumeAfter = 15 * time.Minute

// Defaults of Options.
const (
	DefaultBatchLines = 500
	DefaultLease      = time.Minute
)

// Spec is scan-file-ingest's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    Name,
		Summary: "Apply the scans of an uploaded scanner file and write a report of every line",
		Objects: []app.ObjectTrigger{
			{Prefix: ScansPrefix, Suffix: ".csv"},
			{Prefix: ScansPrefix, Suffix: ".jsonl"},
		},
		Schedules:      []app.Schedule{{Name: ResumeTick, Cron: "*/10 * * * *", TimeZone: "UTC"}},
		MemoryMB:       256,
		TimeoutSeconds: 900,
		Bucket:         true,
		New: func(d *app.Deps) (platform.Handlers, error) {
			target := d.Config.InvokeFunction
			if target == "" {
				target = Name
			}
			local := invoke.NewLocal()
			inv, err := invoke.Open(context.Background(), d.Config, local)
			if err != nil {
				return platform.Handlers{}, err
			}
			f := New(d.Store, d.Blob, d.Now, Options{ChunkBytes: d.Config.ScanChunkBytes, Invoker: inv, Function: target})
			local.Register(target, f.Tick)
			return platform.Handlers{Object: f.Object, Tick: f.Tick}, nil
		},
	}
}

// Store is what the function needs of the database. Its methods fail with
// the store's kinds: not found, conflict (a chunk leased or taken over),
// precondition (a shipment changed under a batch), unavailable.
type Store interface {
	ListStations(ctx context.Context, tenant string) ([]domain.Station, error)
	CreateScanFile(ctx context.Context, f *store.ScanFile, chunks []store.ScanChunk) (bool, error)
	ScanFile(ctx context.Context, tenant, bucket, key, etag string) (*store.ScanFile, error)
	ScanFileByID(ctx context.Context, tenant string, id int64) (*store.ScanFile, error)
	ScanChunks(ctx context.Context, tenant string, fileID int64) ([]store.ScanChunk, error)
	ClaimScanChunk(ctx context.Context, tenant string, fileID int64, no int, owner string, ttl time.Duration) (*store.ScanChunk, error)
	ReleaseScanChunk(ctx context.Context, tenant string, fileID int64, no int, owner string) error
	PendingScanChunks(ctx context.Context, tenant string, fileID int64) (int, error)
	ApplyScanBatch(ctx context.Context, b store.ScanBatch, fn func(ctx context.Context, tx *store.ScanTx) error) error
	ScanLines(ctx context.Context, tenant string, fileID int64, chunk int, after int64, limit int) ([]store.ScanLine, error)
	ScanOutcomes(ctx context.Context, tenant string, fileID int64) (map[string]int64, error)
	CompleteScanFile(ctx context.Context, tenant string, id int64, reportKey string) error
	StaleScanFiles(ctx context.Context, tenant string, before time.Time, limit int) ([]store.ScanFile, error)
	EachTenant(ctx context.Context, fn func(ctx context.Context, tenant string) error) error
}

// Options tune a Function; zero values take the defaults.
type Options struct {
	// ChunkBytes is the size above which a file is split into chunks
	// (config.DefaultScanChunkBytes).
	ChunkBytes int64
	// BatchLines is how many lines one transaction applies at most.
	BatchLines int
	// Lease is how long a delivery holds a chunk without committing a
	// batch before another delivery may take the chunk over.
	Lease time.Duration
	// Invoker starts chunk invocations; Function names the function they
	// go to (this one, as the platform knows it).
	Invoker  invoke.Invoker
	Function string
}

// Function applies scan files.
type Function struct {
	st         Store
	blob       blob.Store
	now        func() time.Time
	inv        invoke.Invoker
	target     string
	chunkBytes int64
	batchLines int
	lease      time.Duration
}

// New returns the function on st and bucket b, reading the time from now.
func New(st Store, b blob.Store, now func() time.Time, opt Options) *Function {
	f := &Function{st: st, blob: b, now: now, inv: opt.Invoker, target: opt.Function,
		chunkBytes: opt.ChunkBytes, batchLines: opt.BatchLines, lease: opt.Lease}
	if f.chunkBytes <= 0 {
		f.chunkBytes = config.DefaultScanChunkBytes
	}
	if f.batchLines <= 0 {
		f.batchLines = DefaultBatchLines
	}
	if f.lease <= 0 {
		f.lease = DefaultLease
	}
	if f.target == "" {
		f.target = Name
	}
	return f
}

// Object handles an uploaded scan file. A key that is not a scan file's,
// an unknown tenant or station, or an object replaced or removed since
// the event are dropped with nothing written: a redelivery would fare the
// same. A file some other delivery is applying gives a retryable error,
// so the event comes again and finds the file complete, or takes it over
// if that delivery died.
func (f *Function) Object(ctx context.Context, obj platform.ObjectCreated) error {
	ref, err := parseKey(obj.Key)
	if err != nil {
		return err
	}
	if f.blob == nil {
		return domain.Errorf(domain.KindInternal, "no_object_storage", "scan-file-ingest runs without object storage (LOGIFN_BLOB_DRIVER)")
	}
	if obj.Bucket != f.blob.Bucket() {
		return domain.Errorf(domain.KindInvalid, "wrong_bucket", "the event names bucket %q, this function reads %q", clipText(obj.Bucket, 64), f.blob.Bucket())
	}
	if _, err := f.tenantStations(ctx, ref); err != nil {
		return err
	}
	meta, err := f.blob.Stat(ctx, obj.Key)
	if err != nil {
		return fmt.Errorf("scan file %s: %w", obj.Key, err)
	}
	if obj.ETag != "" && !sameETag(obj.ETag, meta.ETag) {
		return domain.Errorf(domain.KindConflict, "object_replaced", "scan file %s was replaced since the event (ETag %s, now %s); the new upload has an event of its own",
			obj.Key, clipText(obj.ETag, 64), meta.ETag)
	}
	file, err := f.st.ScanFile(ctx, ref.Tenant, obj.Bucket, obj.Key, meta.ETag)
	if domain.IsKind(err, domain.KindNotFound) {
		file, err = f.register(ctx, ref, obj.Bucket, meta)
	}
	if err != nil {
		return err
	}
	return f.drive(ctx, file)
}

// tenantStations returns the codes of the tenant's stations. A tenant
// without stations is unknown; the key's station must be one of them.
func (f *Function) tenantStations(ctx context.Context, ref fileRef) (map[string]bool, error) {
	list, err := f.st.ListStations(ctx, ref.Tenant)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, domain.Errorf(domain.KindInvalid, "unknown_tenant", "scan file %s names tenant %s, which has no stations", ref.Key, ref.Tenant)
	}
	codes := make(map[string]bool, len(list))
	for _, st := range list {
		codes[st.Code] = true
	}
	if !codes[ref.Station] {
		return nil, domain.Errorf(domain.KindInvalid, "unknown_station", "scan file %s names station %s, which tenant %s does not have", ref.Key, ref.Station, ref.Tenant)
	}
	return codes, nil
}

// sameETag compares ETags as OSS and S3 write them: quoted or not, in
// either case.
func sameETag(a, b string) bool {
	return strings.EqualFold(strings.Trim(a, `"`), strings.Trim(b, `"`))
}

// register plans a new file and records it; a concurrent delivery that
// recorded it first wins, and its record is returned.
func (f *Function) register(ctx context.Context, ref fileRef, bucket string, meta blob.Object) (*store.ScanFile, error) {
	file, chunks, err := f.plan(ctx, ref, bucket, meta)
	if err != nil {
		return nil, err
	}
	if _, err := f.st.CreateScanFile(ctx, file, chunks); err != nil {
		return nil, err
	}
	return file, nil
}

// drive takes a recorded file on: a file of one chunk is applied here and
// now; a larger one's first chunk not done yet is handed to an invocation
// of its own, unless a live delivery holds it. Whoever sees every chunk
// done writes the report.
func (f *Function) drive(ctx context.Context, file *store.ScanFile) error {
	if file.Status == store.ScanFileComplete {
		return nil
	}
	chunks, err := f.st.ScanChunks(ctx, file.Tenant, file.ID)
	if err != nil {
		return err
	}
	if len(chunks) == 1 {
		return f.applyChunk(ctx, file, 0)
	}
	return f.next(ctx, file, chunks)
}

// next hands the first chunk of file not done to an invocation of its
// own, or writes the report when there is none. Chunks go one after the
// other, each in an invocation of its own, never side by side: a file
// states the scans of a shipment in order, and a shipment's scans in two
// chunks applied at once would be decided out of order. One invocation
// per chunk still bounds each invocation's time, whatever the file's size.
func (f *Function) next(ctx context.Context, file *store.ScanFile, chunks []store.ScanChunk) error {
	for _, c := range chunks {
		if c.Done {
			continue
		}
		if c.LeaseOwner != "" && c.LeaseUntil.After(f.now()) {
			return nil // a live delivery applies it and goes on from there, or dies and is retried
		}
		return f.invokeChunk(ctx, file, c.No)
	}
	return f.finish(ctx, file)
}

// chunkJob is the payload of a chunk invocation. The range itself is read
// from the database, so a forged job can only ask for work that is due.
type chunkJob struct {
	Tenant string `json:"tenant"`
	FileID int64  `json:"file_id"`
	Chunk  int    `json:"chunk"`
}

func (f *Function) invokeChunk(ctx context.Context, file *store.ScanFile, no int) error {
	if f.inv == nil {
		return domain.Errorf(domain.KindInternal, "no_invoker", "scan file %s needs chunk invocations, and no invoker is configured", file.Key)
	}
	payload, err := json.Marshal(chunkJob{Tenant: file.Tenant, FileID: file.ID, Chunk: no})
	if err != nil {
		return err
	}
	if err := f.inv.Invoke(ctx, invoke.Call{Function: f.target, Name: ChunkTick, Payload: payload}); err != nil {
		return fmt.Errorf("invoke chunk %d of scan file %s: %w", no, file.Key, err)
	}
	return nil
}

// Tick handles a chunk invocation, which applies its chunk and goes on
// to the next or writes the report, and the resume schedule.
func (f *Function) Tick(ctx context.Context, t platform.Tick) error {
	switch t.Name {
	case ChunkTick:
		return f.chunk(ctx, t.Payload)
	case ResumeTick:
		at := t.Time
		if at.IsZero() {
			at = f.now()
		}
		return f.resume(ctx, at)
	}
	return domain.Errorf(domain.KindInvalid, "unknown_tick", "scan-file-ingest has no schedule %q", clipText(t.Name, 64))
}

func (f *Function) chunk(ctx context.Context, payload string) error {
	var job chunkJob
	dec := json.NewDecoder(strings.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&job); err != nil || job.Tenant == "" || job.FileID <= 0 || job.Chunk < 0 {
		return domain.Errorf(domain.KindInvalid, "invalid_chunk_job", "a chunk invocation names a tenant, a file and a chunk")
	}
	file, err := f.st.ScanFileByID(ctx, job.Tenant, job.FileID)
	if err != nil {
		return err
	}
	if file.Status == store.ScanFileComplete {
		return nil
	}
	return f.applyChunk(ctx, file, job.Chunk)
}

// resume hands every file of every tenant that made no progress for a
// while before the tick's time to an invocation of its next chunk, or
// writes its report. It goes on past a file it cannot resume and returns
// the first such error.
func (f *Function) resume(ctx context.Context, at time.Time) error {
	var first error
	err := f.st.EachTenant(ctx, func(ctx context.Context, tenant string) error {
		files, err := f.st.StaleScanFiles(ctx, tenant, at.Add(-resumeAfter), 100)
		if err != nil {
			return err
		}
		for i := range files {
			chunks, err := f.st.ScanChunks(ctx, tenant, files[i].ID)
			if err == nil {
				err = f.next(ctx, &files[i], chunks)
			}
			if err != nil && first == nil {
				first = fmt.Errorf("resume scan file %s: %w", files[i].Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return first
}

// applyChunk applies chunk no of file under a lease of its own, then
// goes on to the next chunk or, after the last, writes the report.
func (f *Function) applyChunk(ctx context.Context, file *store.ScanFile, no int) error {
	owner := uuid.NewString()
	c, err := f.st.ClaimScanChunk(ctx, file.Tenant, file.ID, no, owner, f.lease)
	if err != nil {
		return busy(err)
	}
	if !c.Done {
		if err := f.applyLines(ctx, file, c, owner); err != nil {
			f.release(ctx, file, no, owner)
			return busy(err)
		}
	}
	chunks, err := f.st.ScanChunks(ctx, file.Tenant, file.ID)
	if err != nil {
		return err
	}
	return f.next(ctx, file, chunks)
}

// release gives up a lease after a failure, so that a redelivery need not
// wait for it to run out. A delivery that dies never gets here: its lease
// runs out instead.
func (f *Function) release(ctx context.Context, file *store.ScanFile, no int, owner string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = f.st.ReleaseScanChunk(ctx, file.Tenant, file.ID, no, owner)
}

// busy turns the store's word that another delivery holds or took over a
// chunk into a retryable error: that delivery may die, and then a
// redelivery of this event must be there to take over.
func busy(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindConflict || (de.Code != "scan_chunk_busy" && de.Code != "scan_chunk_lost") {
		return err
	}
	return &domain.Error{Kind: domain.KindUnavailable, Code: "scan_file_busy", RetryAfter: max(de.RetryAfter, 1),
		Message: "another delivery is applying this scan file; deliver the event again later", Err: err}
}
