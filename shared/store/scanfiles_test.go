package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// newScanFile returns a CSV scan file of tenant of 300 bytes in three chunks.
func newScanFile(tenant string) (*store.ScanFile, []store.ScanChunk) {
	f := &store.ScanFile{Tenant: tenant, Bucket: "scans-bucket", Key: "scans/" + tenant + "/SHA01/day.csv", ETag: "abc123",
		Size: 300, Format: store.ScanFileCSV, Station: storetest.OriginStation, Header: "waybill,type", HeaderLines: 1}
	chunks := []store.ScanChunk{{No: 0, Start: 13, End: 100}, {No: 1, Start: 100, End: 200}, {No: 2, Start: 200, End: 300}}
	return f, chunks
}

func TestCreateScanFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, chunks := newScanFile("t1")
		created, err := s.CreateScanFile(ctx, f, chunks)
		if err != nil || !created || f.ID == 0 || f.Status != store.ScanFileProcessing {
			t.Fatalf("create: created %v, id %d, status %s, err %v; want a new processing file", created, f.ID, f.Status, err)
		}
		again, _ := newScanFile("t1")
		created, err = s.CreateScanFile(ctx, again, chunks)
		if err != nil || created || again.ID != f.ID || again.Header != f.Header || again.HeaderLines != 1 {
			t.Fatalf("create again: created %v, id %d (want %d), err %v; want the stored file", created, again.ID, f.ID, err)
		}
		other, _ := newScanFile("t1")
		other.ETag = "def456"
		if created, err := s.CreateScanFile(ctx, other, chunks); err != nil || !created || other.ID == f.ID {
			t.Errorf("another ETag: created %v, id %d, err %v; want a new file", created, other.ID, err)
		}
		got, err := s.ScanChunks(ctx, "t1", f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[1].Start != 100 || got[1].Next != 100 || got[1].Lines != 0 || got[1].Done || got[2].End != 300 {
			t.Errorf("chunks = %+v, want the three, checkpoints at their starts", got)
		}
		if _, err := s.ScanFileByID(ctx, "t2", f.ID); !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("another tenant's file: err = %v, want not found", err)
		}
		if _, err := s.ScanFile(ctx, "t2", f.Bucket, f.Key, f.ETag); !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("another tenant's file by source: err = %v, want not found", err)
		}
		for name, bad := range map[string][]store.ScanChunk{
			"gap":         {{No: 0, Start: 0, End: 100}, {No: 1, Start: 150, End: 300}},
			"past size":   {{No: 0, Start: 0, End: 301}},
			"misnumbered": {{No: 1, Start: 0, End: 300}},
		} {
			f, _ := newScanFile("t1")
			f.ETag = name
			_, err := s.CreateScanFile(ctx, f, bad)
			wantKind(t, err, domain.KindInvalid)
		}
	})
}

func TestClaimScanChunk(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, chunks := newScanFile("t1")
		if _, err := s.CreateScanFile(ctx, f, chunks); err != nil {
			t.Fatal(err)
		}
		c, err := s.ClaimScanChunk(ctx, "t1", f.ID, 1, "a", time.Minute)
		if err != nil || c.LeaseOwner != "a" || !c.LeaseUntil.Equal(stored(clk.Now().Add(time.Minute))) {
			t.Fatalf("claim: %+v, %v; want a's lease for a minute", c, err)
		}
		_, err = s.ClaimScanChunk(ctx, "t1", f.ID, 1, "b", time.Minute)
		if de := wantKind(t, err, domain.KindConflict); de.Code != "scan_chunk_busy" || de.RetryAfter != 60 {
			t.Errorf("claim of a leased chunk: code %s, retry after %d; want scan_chunk_busy, 60", de.Code, de.RetryAfter)
		}
		if _, err := s.ClaimScanChunk(ctx, "t1", f.ID, 1, "a", time.Minute); err != nil {
			t.Errorf("a renews its own lease: %v", err)
		}

		// a dies; once its lease has run out, b takes the chunk over and a
		// can no longer move the checkpoint.
		clk.Advance(time.Minute + time.Second)
		if c, err = s.ClaimScanChunk(ctx, "t1", f.ID, 1, "b", time.Minute); err != nil || c.LeaseOwner != "b" {
			t.Fatalf("take over an expired lease: %+v, %v", c, err)
		}
		noop := func(context.Context, *store.ScanTx) error { return nil }
		err = s.ApplyScanBatch(ctx, store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 1, Owner: "a", From: 100, To: 150, Lines: 2, Lease: time.Minute}, noop)
		if de := wantKind(t, err, domain.KindConflict); de.Code != "scan_chunk_lost" {
			t.Errorf("batch after losing the lease: code %s, want scan_chunk_lost", de.Code)
		}

		// Released, the chunk is anyone's at once; done, it is nobody's.
		if err := s.ReleaseScanChunk(ctx, "t1", f.ID, 1, "b"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimScanChunk(ctx, "t1", f.ID, 1, "c", time.Minute); err != nil {
			t.Fatalf("claim a released chunk: %v", err)
		}
		err = s.ApplyScanBatch(ctx, store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 1, Owner: "c", From: 100, To: 200, Lines: 3, Done: true, Lease: time.Minute}, noop)
		if err != nil {
			t.Fatal(err)
		}
		c, err = s.ClaimScanChunk(ctx, "t1", f.ID, 1, "d", time.Minute)
		if err != nil || !c.Done || c.Next != 200 || c.Lines != 3 || c.LeaseOwner != "c" {
			t.Errorf("claim of a done chunk: %+v, %v; want it done at 200 with 3 lines, untouched", c, err)
		}
		if n, err := s.PendingScanChunks(ctx, "t1", f.ID); err != nil || n != 2 {
			t.Errorf("pending chunks = %d, %v; want 2", n, err)
		}
		if _, err := s.ClaimScanChunk(ctx, "t2", f.ID, 0, "x", time.Minute); !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("claim in another tenant: err = %v, want not found", err)
		}
	}, storetest.WithClock(clk.Now))
}

func TestApplyScanBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		seedStations(t, s, "t2")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		foreign := mustCreate(t, s, storetest.Shipment("t2"))
		f, chunks := newScanFile("t1")
		if _, err := s.CreateScanFile(ctx, f, chunks); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimScanChunk(ctx, "t1", f.ID, 0, "w", time.Minute); err != nil {
			t.Fatal(err)
		}
		batch := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 13, To: 60, Lines: 2, Lease: time.Minute}
		pickup := &domain.TrackingEvent{ShipmentID: sh.ID, Waybill: sh.Waybill, Type: domain.ScanPickup, Status: domain.StatusPickedUp,
			Station: storetest.OriginStation, Actor: "scanner-1", Source: domain.SourceScanFile, OccurredAt: time.Now().Add(-time.Minute)}
		lines := []store.ScanLine{
			{Chunk: 0, Line: 1, Waybill: string(sh.Waybill), Outcome: "created", Reason: "status created -> picked_up"},
			{Chunk: 0, Line: 2, Waybill: "LF-bad", Outcome: "invalid", Reason: "waybill: wrong check digit"},
		}

		// A failing batch leaves nothing behind: no event, no lines, no move.
		boom := errors.New("boom")
		err := s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error {
			found, err := tx.Shipments(ctx, []domain.Waybill{sh.Waybill, foreign.Waybill, "LF00000000999"})
			if err != nil {
				return err
			}
			if len(found) != 1 || found[sh.Waybill] == nil || found[sh.Waybill].Version != 1 {
				t.Errorf("shipments found = %v, want only t1's at version 1", found)
			}
			if err := tx.Record(ctx, []store.ShipmentChange{{ShipmentID: sh.ID, Expect: 1, Status: domain.StatusPickedUp, Events: []domain.TrackingEvent{*pickup}}}); err != nil {
				return err
			}
			if err := tx.AddLines(ctx, lines); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failing batch: err = %v, want boom", err)
		}
		if events, _ := s.Events(ctx, "t1", sh.ID); len(events) != 1 {
			t.Errorf("after a failed batch the timeline has %d events, want 1", len(events))
		}
		if got, _ := s.ScanLines(ctx, "t1", f.ID, 0, 0, 10); len(got) != 0 {
			t.Errorf("after a failed batch %d lines are recorded, want none", len(got))
		}

		err = s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error {
			events, err := tx.Events(ctx, []int64{sh.ID, foreign.ID})
			if err != nil {
				return err
			}
			if len(events) != 1 || len(events[sh.ID]) != 1 {
				t.Errorf("events = %v, want t1's one creation event", events)
			}
			if err := tx.Record(ctx, []store.ShipmentChange{{ShipmentID: sh.ID, Expect: 1, Status: domain.StatusPickedUp, Events: []domain.TrackingEvent{*pickup}}}); err != nil {
				return err
			}
			return tx.AddLines(ctx, lines)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil || got.Status != domain.StatusPickedUp || got.Version != 2 {
			t.Fatalf("shipment after the batch: %+v, %v; want picked_up at version 2", got, err)
		}
		events, err := s.Events(ctx, "t1", sh.ID)
		want := *pickup
		want.ID, want.Tenant, want.OccurredAt, want.RecordedAt = events[0].ID, "t1", stored(pickup.OccurredAt), events[0].RecordedAt
		if err != nil || len(events) != 2 || !reflect.DeepEqual(events[0], want) || events[0].ID == 0 || events[0].RecordedAt.Before(events[1].RecordedAt) {
			t.Errorf("timeline %+v, %v; want the scan, which occurred first, and the creation:\n %+v", events, err, want)
		}
		recorded, err := s.ScanLines(ctx, "t1", f.ID, 0, 0, 10)
		if err != nil || !reflect.DeepEqual(recorded, lines) {
			t.Errorf("lines = %+v, %v; want %+v", recorded, err, lines)
		}
		if page, _ := s.ScanLines(ctx, "t1", f.ID, 0, 1, 10); len(page) != 1 || page[0].Line != 2 {
			t.Errorf("lines after 1 = %+v, want line 2", page)
		}
		c, _ := s.ScanChunks(ctx, "t1", f.ID)
		if c[0].Next != 60 || c[0].Lines != 2 || c[0].Done {
			t.Errorf("checkpoint %+v, want at 60 after 2 lines", c[0])
		}

		// The same batch again finds the checkpoint moved on.
		err = s.ApplyScanBatch(ctx, batch, func(context.Context, *store.ScanTx) error { return nil })
		if de := wantKind(t, err, domain.KindConflict); de.Code != "scan_chunk_lost" {
			t.Errorf("batch replayed: code %s, want scan_chunk_lost", de.Code)
		}
		// A stale version fails the batch, and a line recorded twice too.
		next := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 60, To: 100, Lines: 3, Done: true, Lease: time.Minute}
		err = s.ApplyScanBatch(ctx, next, func(ctx context.Context, tx *store.ScanTx) error {
			ev := domain.TrackingEvent{Waybill: sh.Waybill, Type: domain.ScanArrive, Status: domain.StatusInTransit, Actor: "x", Source: domain.SourceScanFile}
			return tx.Record(ctx, []store.ShipmentChange{{ShipmentID: sh.ID, Expect: 1, Status: domain.StatusInTransit, Events: []domain.TrackingEvent{ev}}})
		})
		wantKind(t, err, domain.KindPrecondition)
		err = s.ApplyScanBatch(ctx, next, func(ctx context.Context, tx *store.ScanTx) error {
			return tx.AddLines(ctx, lines[1:])
		})
		wantKind(t, err, domain.KindConflict)

		counts, err := s.ScanOutcomes(ctx, "t1", f.ID)
		if err != nil || !reflect.DeepEqual(counts, map[string]int64{"created": 1, "invalid": 1}) {
			t.Errorf("outcomes = %v, %v", counts, err)
		}
		if err := s.CompleteScanFile(ctx, "t1", f.ID, "scan-results/t1/SHA01/day.csv.report.csv"); err != nil {
			t.Fatal(err)
		}
		done, err := s.ScanFileByID(ctx, "t1", f.ID)
		if err != nil || done.Status != store.ScanFileComplete || done.ReportKey != "scan-results/t1/SHA01/day.csv.report.csv" {
			t.Errorf("completed file %+v, %v", done, err)
		}
		if err := s.CompleteScanFile(ctx, "t2", f.ID, "x"); !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("complete another tenant's file: err = %v, want not found", err)
		}
	})
}

// TestScanTxRecord moves several shipments in one batch as RecordEvent
// moves them one event at a time, and fails the whole batch when one of
// them changed meanwhile.
func TestScanTxRecord(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		a := mustCreate(t, s, storetest.Shipment("t1"))
		b := mustCreate(t, s, storetest.Shipment("t1"))
		c := mustCreate(t, s, storetest.Shipment("t1"))
		f, chunks := newScanFile("t1")
		if _, err := s.CreateScanFile(ctx, f, chunks); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimScanChunk(ctx, "t1", f.ID, 0, "w", time.Minute); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		scan := func(sh *domain.Shipment, typ domain.ScanType, status domain.Status, at time.Duration) domain.TrackingEvent {
			return domain.TrackingEvent{Waybill: sh.Waybill, Type: typ, Status: status, Station: storetest.OriginStation,
				Actor: "scanner-1", Source: domain.SourceScanFile, OccurredAt: sh.CreatedAt.Add(at)}
		}
		changes := []store.ShipmentChange{
			{ShipmentID: a.ID, Expect: 1, Status: domain.StatusInTransit, Events: []domain.TrackingEvent{
				scan(a, domain.ScanPickup, domain.StatusPickedUp, 10*time.Minute), scan(a, domain.ScanArrive, domain.StatusInTransit, 20*time.Minute)}},
			// A late scan: the status stays, the version moves.
			{ShipmentID: b.ID, Expect: 1, Events: []domain.TrackingEvent{scan(b, domain.ScanPickup, domain.StatusPickedUp, -time.Minute)}},
		}
		batch := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 13, To: 50, Lines: 3, Lease: time.Minute}
		if err := s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error { return tx.Record(ctx, changes) }); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			sh      *domain.Shipment
			status  domain.Status
			version int64
			events  int
		}{{a, domain.StatusInTransit, 3, 3}, {b, domain.StatusCreated, 2, 2}, {c, domain.StatusCreated, 1, 1}} {
			got, err := s.ShipmentByWaybill(ctx, "t1", tt.sh.Waybill)
			if err != nil || got.Status != tt.status || got.Version != tt.version || !got.UpdatedAt.Equal(stored(clk.Now())) && tt.version > 1 {
				t.Errorf("%s: %s v%d updated %v (%v), want %s v%d", tt.sh.Waybill, got.Status, got.Version, got.UpdatedAt, err, tt.status, tt.version)
			}
			events, _ := s.Events(ctx, "t1", tt.sh.ID)
			fromFile := 0
			for _, ev := range events {
				if ev.Source == domain.SourceScanFile && ev.RecordedAt.Equal(stored(clk.Now())) {
					fromFile++
				}
			}
			if len(events) != tt.events || fromFile != tt.events-1 {
				t.Errorf("%s has %d events, %d of them from the batch; want %d, %d", tt.sh.Waybill, len(events), fromFile, tt.events, tt.events-1)
			}
		}

		// c moves on under the batch's feet: the batch fails whole.
		if _, err := s.RecordEvent(ctx, &domain.TrackingEvent{Tenant: "t1", ShipmentID: c.ID, Actor: "api", Source: domain.SourceAPI}, 1, ""); err != nil {
			t.Fatal(err)
		}
		next := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 50, To: 100, Lines: 5, Lease: time.Minute}
		err := s.ApplyScanBatch(ctx, next, func(ctx context.Context, tx *store.ScanTx) error {
			return tx.Record(ctx, []store.ShipmentChange{
				{ShipmentID: a.ID, Expect: 3, Status: domain.StatusOutForDelivery, Events: []domain.TrackingEvent{scan(a, domain.ScanOutForDelivery, domain.StatusOutForDelivery, time.Hour)}},
				{ShipmentID: c.ID, Expect: 1, Status: domain.StatusPickedUp, Events: []domain.TrackingEvent{scan(c, domain.ScanPickup, domain.StatusPickedUp, time.Minute)}},
			})
		})
		if de := wantKind(t, err, domain.KindPrecondition); de.Code != "version_mismatch" {
			t.Errorf("code %s, want version_mismatch", de.Code)
		}
		if got, _ := s.ShipmentByWaybill(ctx, "t1", a.Waybill); got.Version != 3 || got.Status != domain.StatusInTransit {
			t.Errorf("after the failed batch %s is %s v%d, want in_transit v3", a.Waybill, got.Status, got.Version)
		}
		if chunks, _ := s.ScanChunks(ctx, "t1", f.ID); chunks[0].Next != 50 {
			t.Errorf("checkpoint at %d after the failed batch, want 50", chunks[0].Next)
		}
	}, storetest.WithClock(clk.Now))
}

func TestStaleScanFiles(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, chunks := newScanFile("t1")
		if _, err := s.CreateScanFile(ctx, f, chunks); err != nil {
			t.Fatal(err)
		}
		stale := func() []int64 {
			t.Helper()
			list, err := s.StaleScanFiles(ctx, "t1", clk.Now().Add(-15*time.Minute), 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, f := range list {
				ids = append(ids, f.ID)
			}
			return ids
		}
		if got := stale(); len(got) != 0 {
			t.Errorf("a new file is stale: %v", got)
		}
		clk.Advance(20 * time.Minute)
		if got := stale(); !reflect.DeepEqual(got, []int64{f.ID}) {
			t.Errorf("stale files %v, want %d", got, f.ID)
		}
		if _, err := s.ClaimScanChunk(ctx, "t1", f.ID, 2, "w", time.Minute); err != nil {
			t.Fatal(err)
		}
		if got := stale(); len(got) != 0 {
			t.Errorf("a file with a chunk just claimed is stale: %v", got)
		}
		clk.Advance(20 * time.Minute)
		if got, err := s.StaleScanFiles(ctx, "t2", clk.Now(), 10); err != nil || len(got) != 0 {
			t.Errorf("another tenant's stale files: %v, %v", got, err)
		}
		if err := s.CompleteScanFile(ctx, "t1", f.ID, "r"); err != nil {
			t.Fatal(err)
		}
		if got := stale(); len(got) != 0 {
			t.Errorf("a complete file is stale: %v", got)
		}
		_, err := s.StaleScanFiles(ctx, "t1", clk.Now(), 0)
		wantKind(t, err, domain.KindInvalid)
	}, storetest.WithClock(clk.Now))
}
