package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// outboxSummary renders events as "seq:type:status<-previous".
func outboxSummary(t *testing.T, events []webhook.Event) []string {
	t.Helper()
	var out []string
	for _, ev := range events {
		var d struct {
			Status   domain.Status `json:"status"`
			Previous domain.Status `json:"previous_status"`
			Reason   string        `json:"reason"`
		}
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			t.Fatalf("event %s data: %v", ev.ID, err)
		}
		s := fmt.Sprintf("%d:%s:%s", ev.Sequence, ev.Type, d.Status)
		if d.Previous != "" {
			s += "<-" + string(d.Previous)
		}
		if d.Reason != "" {
			s += ":" + d.Reason
		}
		out = append(out, s)
	}
	return out
}

func record(t *testing.T, s *store.Store, sh *domain.Shipment, ev domain.TrackingEvent, to domain.Status) *domain.Shipment {
	t.Helper()
	ev.Tenant, ev.ShipmentID, ev.Actor, ev.Source = sh.Tenant, sh.ID, "courier-1", domain.SourceAPI
	if ev.Status == "" {
		ev.Status = to
	}
	next, err := s.RecordEvent(context.Background(), &ev, sh.Version, to)
	if err != nil {
		t.Fatalf("record %s: %v", ev.Type, err)
	}
	return next
}

func TestOutboxFollowsStatusChanges(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		created := sh.CreatedAt
		clk.Advance(time.Hour)
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup, Station: storetest.OriginStation}, domain.StatusPickedUp)
		// A late scan and a second arrive change no status: nothing to announce.
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanArrive, Status: domain.StatusInTransit, OccurredAt: created}, "")
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanArrive}, domain.StatusInTransit)
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanDepart}, domain.StatusInTransit)
		// An exception scan is a move and an exception; another, an exception only.
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanException, IncidentReason: "damaged"}, domain.StatusException)
		sh = record(t, s, sh, domain.TrackingEvent{Type: domain.ScanException, IncidentReason: "wet"}, domain.StatusException)
		// A late exception scan is still an exception raised.
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanException, IncidentReason: "dented", OccurredAt: created}, "")

		events, err := s.WebhookEvents(ctx, "t1", sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"1:shipment.status_changed:created",
			"2:shipment.status_changed:picked_up<-created",
			"3:shipment.status_changed:in_transit<-picked_up",
			"4:shipment.status_changed:exception<-in_transit",
			"5:shipment.exception:exception",
			"6:shipment.exception:exception",
			"7:shipment.exception:exception",
		}
		if got := outboxSummary(t, events); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("outbox\n got %v\nwant %v", got, want)
		}
		ids := map[string]bool{}
		for _, ev := range events {
			if ids[ev.ID] || len(ev.ID) != 36 || ev.Waybill != sh.Waybill {
				t.Errorf("event %+v: want a new UUID and waybill %s", ev, sh.Waybill)
			}
			ids[ev.ID] = true
		}
		var exc webhook.ShipmentData
		if err := json.Unmarshal(events[4].Data, &exc); err != nil {
			t.Fatal(err)
		}
		if exc.IncidentReason != "damaged" || exc.ScanType != domain.ScanException || exc.Source != domain.SourceAPI {
			t.Errorf("exception data = %+v", exc)
		}
		if other, _ := s.WebhookEvents(ctx, "t2", sh.ID); len(other) != 0 {
			t.Errorf("another tenant sees %d events", len(other))
		}
	}, storetest.WithClock(clk.Now))
}

// TestOutboxRollsBackWithTheChange: an event that is not recorded owes
// nobody anything.
func TestOutboxRollsBackWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Status: domain.StatusPickedUp, Actor: "a", Source: domain.SourceAPI}
		if _, err := s.RecordEvent(ctx, ev, 7, domain.StatusPickedUp); err == nil {
			t.Fatal("a stale version was accepted")
		}
		events, err := s.WebhookEvents(ctx, "t1", sh.ID)
		if err != nil || len(events) != 1 {
			t.Errorf("got %d events (%v), want only the creation's", len(events), err)
		}
	})
}

func TestImageNeedsReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		sh := mustCreate(t, s, storetest.Shipment("t1"))
		r := store.ImageReview{Tenant: "t1", Waybill: sh.Waybill, ImageKey: "t1/waybills/x.jpg", Reason: "no_barcode", Key: "bucket/t1/waybills/x.jpg/etag1"}
		id, created, err := s.RecordImageNeedsReview(ctx, r)
		if err != nil || !created {
			t.Fatalf("first review: created %v, err %v", created, err)
		}
		again, created, err := s.RecordImageNeedsReview(ctx, r)
		if err != nil || created || again != id {
			t.Errorf("same key again: id %s created %v err %v, want %s, false", again, created, err, id)
		}
		record(t, s, sh, domain.TrackingEvent{Type: domain.ScanPickup}, domain.StatusPickedUp)
		events, _ := s.WebhookEvents(ctx, "t1", sh.ID)
		want := []string{"1:shipment.status_changed:created", "2:image.needs_review::no_barcode", "3:shipment.status_changed:picked_up<-created"}
		if got := outboxSummary(t, events); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("shipment stream\n got %v\nwant %v", got, want)
		}

		// No such shipment: the tenant's stream of events about none.
		for i, w := range []domain.Waybill{"LF00000009999", ""} {
			r := store.ImageReview{Tenant: "t1", Waybill: w, ImageKey: fmt.Sprintf("k%d", i), Reason: "unknown_waybill"}
			if _, _, err := s.RecordImageNeedsReview(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		loose, _ := s.WebhookEvents(ctx, "t1", 0)
		if len(loose) != 2 || loose[0].Sequence != 1 || loose[1].Sequence != 2 || loose[0].Waybill != "" {
			t.Errorf("events about no shipment: %+v", loose)
		}
		_, _, err = s.RecordImageNeedsReview(ctx, store.ImageReview{Tenant: "t1", ImageKey: "k"})
		wantKind(t, err, domain.KindInvalid)
	})
}

// TestOutboxSequencesUnderConcurrency: writers of one shipment's events in
// several stores at once still number them 1, 2, 3 ... without a gap or a
// repeat.
func TestOutboxSequencesUnderConcurrency(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		stores := openStores(t, driver, dsn, 3)
		seedStations(t, stores[0], "t1")
		sh := mustCreate(t, stores[0], storetest.Shipment("t1"))
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 6 {
			wg.Go(func() {
				r := store.ImageReview{Tenant: "t1", Waybill: sh.Waybill, ImageKey: fmt.Sprint("k", i), Reason: "blurred"}
				if _, _, err := stores[i%3].RecordImageNeedsReview(context.Background(), r); err != nil {
					errs <- err
				}
				loose := store.ImageReview{Tenant: "t1", ImageKey: fmt.Sprint("loose", i), Reason: "unknown_waybill"}
				if _, _, err := stores[(i+1)%3].RecordImageNeedsReview(context.Background(), loose); err != nil {
					errs <- err
				}
			})
		}
		wg.Go(func() {
			st := stores[2]
			cur := sh
			for _, step := range []domain.Status{domain.StatusPickedUp, domain.StatusInTransit, domain.StatusOutForDelivery} {
				for {
					ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Status: step, Actor: "c", Source: domain.SourceAPI}
					next, err := st.RecordEvent(context.Background(), ev, cur.Version, step)
					if err == nil {
						cur = next
						break
					}
					if !domain.IsKind(err, domain.KindPrecondition) {
						errs <- err
						return
					}
					if cur, err = st.ShipmentByWaybill(context.Background(), "t1", sh.Waybill); err != nil {
						errs <- err
						return
					}
				}
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("writer: %v", err)
		}
		for _, id := range []int64{sh.ID, 0} {
			events, err := stores[0].WebhookEvents(context.Background(), "t1", id)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]int{sh.ID: 10, 0: 6}[id]
			if len(events) != want {
				t.Errorf("stream %d has %d events, want %d", id, len(events), want)
			}
			for i, ev := range events {
				if ev.Sequence != int64(i+1) {
					t.Errorf("stream %d: event %d has sequence %d", id, i, ev.Sequence)
				}
			}
		}
	})
}

// TestAnnounceMany: a writer that appends events in bulk announces them
// all at once, each shipment's in the order given.
func TestAnnounceMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1")
		a := mustCreate(t, s, storetest.Shipment("t1"))
		b := mustCreate(t, s, storetest.Shipment("t1"))
		ev := func(sh *domain.Shipment, typ domain.ScanType) domain.TrackingEvent {
			return domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Waybill: sh.Waybill, Type: typ, Source: domain.SourceScanFile}
		}
		events := []domain.TrackingEvent{ev(b, domain.ScanPickup), ev(a, domain.ScanPickup), ev(a, domain.ScanArrive),
			ev(a, domain.ScanPickup), ev(b, domain.ScanException)}
		after := []domain.Status{domain.StatusPickedUp, domain.StatusPickedUp, domain.StatusInTransit,
			domain.StatusInTransit, domain.StatusException}
		if err := store.Announce(ctx, s, "t1", events, after); err != nil {
			t.Fatal(err)
		}
		want := map[int64][]string{
			a.ID: {"1:shipment.status_changed:created", "2:shipment.status_changed:picked_up<-created", "3:shipment.status_changed:in_transit<-picked_up"},
			b.ID: {"1:shipment.status_changed:created", "2:shipment.status_changed:picked_up<-created",
				"3:shipment.status_changed:exception<-picked_up", "4:shipment.exception:exception"},
		}
		for id, w := range want {
			got, err := s.WebhookEvents(ctx, "t1", id)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(outboxSummary(t, got)) != fmt.Sprint(w) {
				t.Errorf("shipment %d\n got %v\nwant %v", id, outboxSummary(t, got), w)
			}
		}
	})
}
