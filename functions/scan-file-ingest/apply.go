package scanfileingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// maxBatchAttempts bounds how often a batch is tried again after losing a
// race for a shipment (or a deadlock), halving it each time.
const maxBatchAttempts = 8

// scanRole is the role file scans act with: object events carry no token
// and act as the system does (domain.RoleSystem). The transition table
// gives the system exactly the scan moves it gives couriers and
// operators, and parse.go holds a file to its key's station as a token
// holds them to theirs.
const scanRole = domain.RoleSystem

// applyLines applies chunk c of file from its checkpoint to its end, one
// batch per transaction, owner holding the chunk's lease.
func (f *Function) applyLines(ctx context.Context, file *store.ScanFile, c *store.ScanChunk, owner string) error {
	meta, err := f.blob.Stat(ctx, file.Key)
	if err != nil {
		return fmt.Errorf("scan file %s: %w", file.Key, err)
	}
	if !sameETag(meta.ETag, file.ETag) {
		return domain.Errorf(domain.KindConflict, "object_replaced", "scan file %s was replaced while it was applied; the new upload is applied on its own", file.Key)
	}
	p, err := f.parser(ctx, file)
	if err != nil {
		return err
	}
	r, err := f.blob.Open(ctx, file.Key, c.Next, c.End-c.Next)
	if err != nil {
		return fmt.Errorf("scan file %s: %w", file.Key, err)
	}
	defer r.Close()
	lr := newLineReader(r, c.Next, c.Lines)
	var pending []line
	eof := false
	for {
		for !eof && len(pending) < f.batchLines {
			raw, err := lr.next()
			if errors.Is(err, io.EOF) {
				eof = true
				break
			}
			if err != nil {
				return domain.Wrap(domain.KindUnavailable, "object_read_failed", "the scan file could not be read to the end", err)
			}
			pending = append(pending, p.parse(raw))
		}
		n, err := f.commit(ctx, file, c, owner, pending, eof)
		if err != nil {
			return err
		}
		pending = pending[n:]
		if eof && len(pending) == 0 {
			return nil
		}
	}
}

// parser returns the parser of file's lines, with the tenant's stations.
func (f *Function) parser(ctx context.Context, file *store.ScanFile) (*lineParser, error) {
	stations, err := f.tenantStations(ctx, fileRef{Key: file.Key, Tenant: file.Tenant, Station: file.Station})
	if err != nil {
		return nil, err
	}
	p := &lineParser{format: file.Format, station: file.Station, stations: stations, now: f.now}
	if file.Format == store.ScanFileCSV {
		if p.cols, err = parseHeader(file.Header); err != nil {
			return nil, domain.Errorf(domain.KindInternal, "bad_stored_header", "scan file %s: the stored header: %v", file.Key, err)
		}
	}
	return p, nil
}

// commit applies a prefix of lines, all of them when it can, and moves
// c's checkpoint past it; it returns how many lines it applied. A batch
// that loses a race for a shipment, or a deadlock, is tried again on fresh
// state, half as long each time, so that one busy shipment cannot hold
// back a whole batch for long. eof says lines end the chunk.
func (f *Function) commit(ctx context.Context, file *store.ScanFile, c *store.ScanChunk, owner string, lines []line, eof bool) (int, error) {
	n := len(lines)
	var err error
	for attempt := 0; attempt < maxBatchAttempts; attempt++ {
		b := store.ScanBatch{Tenant: file.Tenant, FileID: file.ID, Chunk: c.No, Owner: owner,
			From: c.Next, To: c.Next, Lines: c.Lines, Done: eof && n == len(lines), Lease: f.lease}
		if n > 0 {
			b.To, b.Lines = lines[n-1].end, lines[n-1].no
		}
		err = f.st.ApplyScanBatch(ctx, b, func(ctx context.Context, tx *store.ScanTx) error {
			return f.applyBatch(ctx, tx, c.No, lines[:n])
		})
		if err == nil {
			c.Next, c.Lines = b.To, b.Lines
			return n, nil
		}
		retry := domain.IsKind(err, domain.KindPrecondition) || domain.IsKind(err, domain.KindUnavailable)
		if !retry || ctx.Err() != nil {
			return 0, err
		}
		n = max(1, n/2)
		time.Sleep(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond)
	}
	return 0, &domain.Error{Kind: domain.KindUnavailable, Code: "scan_file_contended",
		Message: "the shipments of the scan file kept changing while it was applied; deliver the event again", Err: err}
}

// applyBatch decides every line of a batch within tx and records the
// outcome: it reads the batch's shipments and timelines once, keeps them
// current as lines change them, and writes the changes and the outcomes
// together at the end.
func (f *Function) applyBatch(ctx context.Context, tx *store.ScanTx, chunk int, lines []line) error {
	var waybills []domain.Waybill
	seen := map[domain.Waybill]bool{}
	for _, l := range lines {
		if !l.blank && l.outcome == "" && !seen[l.wb] {
			seen[l.wb] = true
			waybills = append(waybills, l.wb)
		}
	}
	shipments, err := tx.Shipments(ctx, waybills)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(shipments))
	for _, sh := range shipments {
		ids = append(ids, sh.ID)
	}
	timelines, err := tx.Events(ctx, ids)
	if err != nil {
		return err
	}
	b := &batch{timelines: timelines, changes: map[int64]int{}, read: map[int64]int64{}}
	out := make([]store.ScanLine, 0, len(lines))
	for _, l := range lines {
		if l.blank {
			continue
		}
		outcome, reason := l.outcome, l.reason
		if outcome == "" {
			if outcome, reason, err = b.apply(l, shipments[l.wb]); err != nil {
				return err
			}
		}
		out = append(out, store.ScanLine{Chunk: chunk, Line: l.no, Waybill: reportText(l.waybill), Outcome: outcome, Reason: reason})
	}
	if err := tx.Record(ctx, b.changeList()); err != nil {
		return err
	}
	return tx.AddLines(ctx, out)
}

// batch is the state of the shipments of a batch as its lines change them.
type batch struct {
	timelines map[int64][]domain.TrackingEvent
	changes   map[int64]int          // shipment id -> index in list
	list      []store.ShipmentChange // in the order shipments first changed
	// read holds the version, as read, of every shipment a line was
	// decided on, in the order first decided on.
	read  map[int64]int64
	order []int64
}

// changeList returns the batch's changes and, for every shipment lines
// were decided on without changing it, a change without events: the
// batch must fail when one of those changed since it was read too, for
// its lines' outcomes (a duplicate, an illegal move) were decided on it.
func (b *batch) changeList() []store.ShipmentChange {
	list := b.list
	for _, id := range b.order {
		if _, changed := b.changes[id]; !changed {
			list = append(list, store.ShipmentChange{ShipmentID: id, Expect: b.read[id]})
		}
	}
	return list
}

// apply decides what a valid line does to its shipment sh, exactly as the
// HTTP scan does, and notes the change.
func (b *batch) apply(l line, sh *domain.Shipment) (outcome, reason string, err error) {
	if sh == nil {
		return OutcomeUnknownWaybill, "no shipment " + string(l.wb) + " in this tenant", nil
	}
	if _, ok := b.read[sh.ID]; !ok {
		b.read[sh.ID] = sh.Version
		b.order = append(b.order, sh.ID)
	}
	decision, existing, err := domain.DecideScan(sh, b.timelines[sh.ID], l.scan, scanRole)
	switch {
	case domain.IsKind(err, domain.KindConflict), domain.IsKind(err, domain.KindForbidden):
		return OutcomeIllegalTransition, reasonOf(err), nil
	case err != nil:
		return "", "", err
	case decision == domain.ScanDuplicate:
		return OutcomeDuplicate, fmt.Sprintf("repeats the %s scan at %s of %s", existing.Type, existing.Station, existing.OccurredAt.Format(time.RFC3339)), nil
	}
	// Stored times keep microseconds: decide later lines on the time as
	// it will be read back.
	ev := domain.TrackingEvent{ShipmentID: sh.ID, Waybill: sh.Waybill, Type: l.scan.Type, Station: l.scan.Station, Actor: l.actor,
		Source: domain.SourceScanFile, IncidentReason: l.scan.IncidentReason, Note: l.scan.Note,
		OccurredAt: l.scan.OccurredAt.UTC().Truncate(time.Microsecond)}
	// As the HTTP scan does: a late scan keeps the status it implied when
	// it happened; only a current one moves the shipment.
	ev.Status, _ = l.scan.Type.Status()
	reason = fmt.Sprintf("late: joins the timeline, the shipment stays %s", sh.Status)
	c := b.change(sh)
	if decision == domain.ScanMoves {
		reason = fmt.Sprintf("the shipment moved from %s to %s", sh.Status, ev.Status)
		sh.Status, c.Status = ev.Status, ev.Status
	}
	c.Events = append(c.Events, ev)
	c.After = append(c.After, sh.Status)
	sh.Version++
	b.timelines[sh.ID] = append(b.timelines[sh.ID], ev)
	return OutcomeCreated, reason, nil
}

// change returns the change of sh, begun at its version as read.
func (b *batch) change(sh *domain.Shipment) *store.ShipmentChange {
	i, ok := b.changes[sh.ID]
	if !ok {
		i = len(b.list)
		b.changes[sh.ID] = i
		b.list = append(b.list, store.ShipmentChange{ShipmentID: sh.ID, Expect: sh.Version})
	}
	return &b.list[i]
}
