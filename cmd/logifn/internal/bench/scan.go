package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
)

// scanSerials is where the scan fixtures' waybill serials start.
const scanSerials = 9_000_000_000

// scanTypes are the scans of each shipment in the file, in order: one
// line each.
var scanTypes = []domain.ScanType{domain.ScanPickup, domain.ScanArrive, domain.ScanDepart, domain.ScanOutForDelivery, domain.ScanDeliver}

// scan measures a generated scan file of opt.ScanLines lines through
// scan-file-ingest, built by its spec in this process on an in-memory
// bucket, from the object event to the file's completion; then the same
// rows inserted straight into tracking_events with multi-row INSERTs.
func (r *runner) scan(ctx context.Context) error {
	w := r.world
	shipments := max(r.opt.ScanLines/len(scanTypes), 1)
	lines := shipments * len(scanTypes)
	r.prog.Step(fmt.Sprintf("scan: bulk loading %d shipments and writing a %d-line file", shipments, lines), 0)
	serial := int64(scanSerials)
	wbs, ids, err := w.bulkShipments(ctx, "scan-bench", shipments, &serial, time.Now().Add(-48*time.Hour))
	if err != nil {
		return err
	}
	began := time.Now().UTC().Add(-24 * time.Hour)
	occurred := func(round, i int) time.Time {
		return began.Add(time.Duration(round)*time.Hour + time.Duration(i)*time.Millisecond)
	}
	var sb strings.Builder
	sb.WriteString("waybill,type,station,occurred_at,actor,incident_reason,note\n")
	for round, typ := range scanTypes {
		for i, wb := range wbs {
			fmt.Fprintf(&sb, "%s,%s,%s,%s,scanner-%d,,\n", wb, typ, origin, occurred(round, i).Format(time.RFC3339Nano), i%40)
		}
	}
	key := fmt.Sprintf("scans/%s/%s/bench-%d.csv", demo.Tenant, origin, time.Now().UnixNano())
	obj, err := w.Blob.Put(ctx, key, strings.NewReader(sb.String()), int64(sb.Len()), "text/csv")
	if err != nil {
		return err
	}
	spec := scanfileingest.Spec()
	h, err := spec.New(w.Deps)
	if err != nil {
		return err
	}
	ctx = w.functionContext(ctx, spec.Name)
	r.prog.Step(fmt.Sprintf("scan: scan-file-ingest of %d lines", lines), time.Duration(lines)*20*time.Microsecond)
	cpu0, t0 := selfCPU(), time.Now()
	if err := h.Object(ctx, platform.ObjectCreated{Bucket: w.Blob.Bucket(), Key: key, Size: obj.Size, ETag: obj.ETag, ContentType: "text/csv"}); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if err := waitComplete(ctx, w.Deps.Store, key, obj.ETag); err != nil {
		return err
	}
	took, cpu := time.Since(t0), selfCPU()-cpu0
	ingest := Row{Scenario: "scan", Name: fmt.Sprintf("scan-file-ingest, %d-line CSV, in-process", lines), Ops: int64(lines), Seconds: took.Seconds(),
		Rate: float64(lines) / took.Seconds(), Unit: "lines/s", CPUPerOpUS: float64(cpu.Microseconds()) / float64(lines), CPUOf: "whole process"}
	r.prog.Step(fmt.Sprintf("scan: baseline, %d rows by multi-row INSERT", lines), time.Duration(lines)*10*time.Microsecond)
	cpu0, t0 = selfCPU(), time.Now()
	if err := rawEvents(ctx, w, wbs, ids, occurred); err != nil {
		return err
	}
	took, cpu = time.Since(t0), selfCPU()-cpu0
	raw := Row{Scenario: "scan", Name: fmt.Sprintf("the same %d events, %d rows per INSERT", lines, rowsPerInsert), Baseline: true, Ops: int64(lines),
		Seconds: took.Seconds(), Rate: float64(lines) / took.Seconds(), Unit: "rows/s", CPUPerOpUS: float64(cpu.Microseconds()) / float64(lines),
		CPUOf: "harness process"}
	ingest.Ratio = Ratio(ingest.Rate, raw.Rate)
	r.rep.Rows = append(r.rep.Rows, ingest, raw)
	r.rep.check("scan", ">= 50 000 lines/s", ingest.Rate >= 50_000, "%.0f lines/s", ingest.Rate)
	r.rep.check("scan", ">= 60% of raw multi-row INSERT", ingest.Ratio >= 0.6, "%.0f%% (%.0f vs %.0f rows/s)", ingest.Ratio*100, ingest.Rate, raw.Rate)
	return nil
}

// waitComplete waits until the scan file key is complete, as chunks may
// be applied by invocations that outlive the event's handler.
func waitComplete(ctx context.Context, st *store.Store, key, etag string) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		f, err := st.ScanFile(ctx, demo.Tenant, bucket, key, etag)
		if err == nil && f.Status == store.ScanFileComplete {
			if f.Problem != "" {
				return fmt.Errorf("scan file rejected: %s", f.Problem)
			}
			return nil
		}
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("scan file %s not complete after 10 minutes", key)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// rawEvents inserts the events the file's lines stand for straight into
// tracking_events, rowsPerInsert rows per INSERT.
func rawEvents(ctx context.Context, w *World, wbs []domain.Waybill, ids []int64, occurred func(round, i int) time.Time) error {
	const cols = 12
	recorded := w.timeArg(time.Now())
	args := make([]any, 0, rowsPerInsert*cols)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := w.Raw.ExecContext(ctx, `INSERT INTO tracking_events (tenant_id, shipment_id, waybill, scan_type, status,
			station_code, actor, source, incident_reason, note, occurred_at, recorded_at) VALUES `+valueRows(cols, len(args)/cols), args...)
		args = args[:0]
		return err
	}
	for round, typ := range scanTypes {
		status, _ := typ.Status()
		for i, wb := range wbs {
			args = append(args, demo.Tenant, ids[i], wb, typ, status, origin, fmt.Sprintf("scanner-%d", i%40), domain.SourceScanFile,
				"", "", w.timeArg(occurred(round, i)), recorded)
			if len(args) == rowsPerInsert*cols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
