package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// claimedScanFile records a scan file of tenant t1 and claims its first
// chunk for owner w.
func claimedScanFile(t *testing.T, s *store.Store) *store.ScanFile {
	t.Helper()
	f, chunks := newScanFile("t1")
	if _, err := s.CreateScanFile(context.Background(), f, chunks); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimScanChunk(context.Background(), "t1", f.ID, 0, "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	return f
}

// pickupChange picks sh up at its creation time plus at.
func pickupChange(sh *domain.Shipment, at time.Duration) store.ShipmentChange {
	return store.ShipmentChange{ShipmentID: sh.ID, Expect: sh.Version, Status: domain.StatusPickedUp, Events: []domain.TrackingEvent{{
		Waybill: sh.Waybill, Type: domain.ScanPickup, Status: domain.StatusPickedUp, Station: storetest.OriginStation,
		Actor: "scanner-1", Source: domain.SourceScanFile, OccurredAt: sh.CreatedAt.Add(at)}}}
}

// TestScanTxRecordAtStatementLimits changes more shipments in one batch
// than one statement takes (500): the shipments' update, the reads and
// saves of their webhook streams, and the creation of the streams of
// shipments that had none (made before webhooks existed) each run in
// several statements, and every shipment still ends where it should, its
// webhook events numbered on from where its stream stood. A shipment the
// batch only read must still be at the version read.
func TestScanTxRecordAtStatementLimits(t *testing.T) {
	const n = 502
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		ships := make([]*domain.Shipment, n+1)
		for i := range ships {
			ships[i] = mustCreate(t, s, storetest.Shipment("t1"))
		}
		// The first and the last changed shipment have no stream: 500
		// streams are saved and two created.
		for _, sh := range []*domain.Shipment{ships[0], ships[n-1]} {
			for _, q := range []string{`DELETE FROM webhook_events WHERE tenant_id = ? AND shipment_id = ?`,
				`DELETE FROM webhook_streams WHERE tenant_id = ? AND shipment_id = ?`} {
				if _, err := store.DB(s).ExecContext(ctx, q, "t1", sh.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		f := claimedScanFile(t, s)
		// Changes in no particular order, and the last shipment only read.
		var changes []store.ShipmentChange
		for i := n - 1; i >= 0; i -= 2 {
			changes = append(changes, pickupChange(ships[i], time.Minute))
		}
		for i := 0; i < n; i += 2 {
			changes = append(changes, pickupChange(ships[i], time.Minute))
		}
		changes = append(changes, store.ShipmentChange{ShipmentID: ships[n].ID, Expect: 1})
		batch := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 13, To: 50, Lines: 1, Lease: time.Minute}
		if err := s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error { return tx.Record(ctx, changes) }); err != nil {
			t.Fatal(err)
		}
		for i, sh := range ships {
			got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
			wantStatus, wantVersion := domain.StatusPickedUp, int64(2)
			if i == n {
				wantStatus, wantVersion = domain.StatusCreated, 1
			}
			if err != nil || got.Status != wantStatus || got.Version != wantVersion {
				t.Fatalf("shipment %d: %+v, %v; want %s v%d", i, got, err, wantStatus, wantVersion)
			}
		}
		for _, i := range []int{0, 1, 499, 500, n - 1, n} {
			events, err := s.WebhookEvents(ctx, "t1", ships[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			want := "[1:shipment.status_changed:created 2:shipment.status_changed:picked_up<-created]"
			switch i {
			case 0, n - 1:
				want = "[1:shipment.status_changed:picked_up]"
			case n:
				want = "[1:shipment.status_changed:created]"
			}
			if got := fmt.Sprint(outboxSummary(t, events)); got != want {
				t.Errorf("shipment %d: webhook events %s, want %s", i, got, want)
			}
		}

		// The shipment only read moved on meanwhile: the batch fails whole.
		record(t, s, ships[n], domain.TrackingEvent{Type: domain.ScanPickup, Station: storetest.OriginStation}, domain.StatusPickedUp)
		next := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 50, To: 100, Lines: 2, Lease: time.Minute}
		err := s.ApplyScanBatch(ctx, next, func(ctx context.Context, tx *store.ScanTx) error {
			return tx.Record(ctx, []store.ShipmentChange{pickupChange(ships[n-1], time.Hour), {ShipmentID: ships[n].ID, Expect: 1}})
		})
		if de := wantKind(t, err, domain.KindPrecondition); de.Code != "version_mismatch" {
			t.Errorf("code %s, want version_mismatch", de.Code)
		}
		if got, _ := s.ShipmentByWaybill(ctx, "t1", ships[n-1].Waybill); got.Version != 2 {
			t.Errorf("after the failed batch shipment %d is at v%d, want 2", n-1, got.Version)
		}
	})
}

// TestScanTxRecordStreamMoved: another writer announces an event of a
// shipment after a batch read its state but before the batch announces
// its own. The batch must fail rather than number its events from what it
// read, and applied again it numbers them on. Only MySQL lets the other
// writer in while a batch runs.
func TestScanTxRecordStreamMoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Driver() != store.DriverMySQL {
			t.Skip("SQLite runs one writer at a time")
		}
		ctx := context.Background()
		seedStations(t, s, "t1")
		a := mustCreate(t, s, storetest.Shipment("t1"))
		b := mustCreate(t, s, storetest.Shipment("t1"))
		f := claimedScanFile(t, s)
		batch := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 13, To: 50, Lines: 1, Lease: time.Minute}
		apply := func(race bool) error {
			return s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error {
				if _, err := tx.Shipments(ctx, []domain.Waybill{a.Waybill, b.Waybill}); err != nil {
					return err
				}
				if race {
					r := store.ImageReview{Tenant: "t1", Waybill: a.Waybill, ImageKey: "k1", Reason: "blurred"}
					if _, _, err := s.RecordImageNeedsReview(ctx, r); err != nil {
						return err
					}
				}
				return tx.Record(ctx, []store.ShipmentChange{pickupChange(a, time.Minute), pickupChange(b, time.Minute)})
			})
		}
		if de := wantKind(t, apply(true), domain.KindPrecondition); de.Code != "version_mismatch" {
			t.Errorf("code %s, want version_mismatch", de.Code)
		}
		if err := apply(false); err != nil {
			t.Fatal(err)
		}
		events, err := s.WebhookEvents(ctx, "t1", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := "[1:shipment.status_changed:created 2:image.needs_review::blurred 3:shipment.status_changed:picked_up<-created]"
		if got := fmt.Sprint(outboxSummary(t, events)); got != want {
			t.Errorf("webhook events %s, want %s", got, want)
		}
	})
}

// TestScanTxReadsWhatDecidingNeeds checks that a batch's reads, which
// leave out what deciding a scan does not use, still bring each
// shipment's id, waybill, status and version, and each event's id,
// shipment, type, status, station, source and time, as the store's full
// reads give them.
func TestScanTxReadsWhatDecidingNeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		f := claimedScanFile(t, s)
		batch := store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 13, To: 60, Lines: 1, Lease: time.Minute}
		if err := s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error {
			return tx.Record(ctx, []store.ShipmentChange{pickupChange(sh, time.Minute)})
		}); err != nil {
			t.Fatal(err)
		}
		full, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil {
			t.Fatal(err)
		}
		timeline, err := s.Events(ctx, "t1", sh.ID)
		if err != nil || len(timeline) != 2 {
			t.Fatalf("timeline %+v, %v; want the creation and the pickup", timeline, err)
		}
		batch = store.ScanBatch{Tenant: "t1", FileID: f.ID, Chunk: 0, Owner: "w", From: 60, To: 61, Lines: 2, Lease: time.Minute}
		err = s.ApplyScanBatch(ctx, batch, func(ctx context.Context, tx *store.ScanTx) error {
			found, err := tx.Shipments(ctx, []domain.Waybill{sh.Waybill})
			if err != nil {
				return err
			}
			got := found[sh.Waybill]
			if got == nil || got.ID != full.ID || got.Waybill != full.Waybill || got.Status != full.Status || got.Version != full.Version {
				t.Errorf("shipment read %+v, want id %d, waybill %s, status %s, version %d", got, full.ID, full.Waybill, full.Status, full.Version)
			}
			events, err := tx.Events(ctx, []int64{sh.ID})
			if err != nil {
				return err
			}
			if len(events[sh.ID]) != len(timeline) {
				t.Fatalf("events read %+v, want %d", events[sh.ID], len(timeline))
			}
			for i, want := range timeline {
				ev := events[sh.ID][i]
				if ev.ID != want.ID || ev.ShipmentID != want.ShipmentID || ev.Type != want.Type || ev.Status != want.Status ||
					ev.Station != want.Station || ev.Source != want.Source || !ev.OccurredAt.Equal(want.OccurredAt) {
					t.Errorf("event %d read %+v, want %+v", i, ev, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
