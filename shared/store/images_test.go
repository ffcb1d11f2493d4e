package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// photo returns an accepted label photo of sh in bucket b.
func photo(sh *domain.Shipment, key, etag string) *store.Image {
	return &store.Image{Tenant: sh.Tenant, Bucket: "b", Key: key, ETag: etag, Waybill: sh.Waybill, Kind: "label",
		Status: store.ImageAccepted, DecodedWaybill: string(sh.Waybill), Format: "jpeg", Width: 1200, Height: 900,
		Bytes: 123456, ThumbnailKey: "thumbs/" + key, UploadedAt: time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)}
}

func photoEvent(sh *domain.Shipment) *domain.TrackingEvent {
	return &domain.TrackingEvent{Tenant: sh.Tenant, ShipmentID: sh.ID, Actor: "waybill-image-ingest",
		Source: domain.SourceImage, Note: "photo: label", OccurredAt: time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)}
}

func TestRecordImage(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := storetest.ShipmentIn(t, s, "t1", domain.StatusInTransit)

		img, ev := photo(sh, "images/t1/a.jpg", "e1"), photoEvent(sh)
		created, err := s.RecordImage(ctx, img, ev)
		if err != nil || !created {
			t.Fatalf("record: created %v, err %v", created, err)
		}
		if img.ID == 0 || img.EventID != ev.ID || ev.ID == 0 || !img.CreatedAt.Equal(stored(clk.Now())) {
			t.Errorf("filled image id %d event %d created %v; event id %d", img.ID, img.EventID, img.CreatedAt, ev.ID)
		}
		if ev.Status != domain.StatusInTransit || ev.Waybill != sh.Waybill {
			t.Errorf("event status %s waybill %s, want in_transit %s", ev.Status, ev.Waybill, sh.Waybill)
		}
		got, err := s.ImageByObject(ctx, "t1", "b", "images/t1/a.jpg", "e1")
		if err != nil {
			t.Fatal(err)
		}
		if *got != *img {
			t.Errorf("stored\n %+v\nwant\n %+v", *got, *img)
		}
		after := checkShipment(t, s, sh, domain.StatusInTransit, sh.Version+1)
		events, _ := s.Events(ctx, "t1", sh.ID)
		if first := events[0]; first.ID != ev.ID || first.Source != domain.SourceImage || first.Note != "photo: label" || first.Type != "" {
			t.Errorf("first event %+v, want the photo's, taken before the rest", first)
		}

		// The same object again: nothing written, the stored row comes back.
		again, ev2 := photo(sh, "images/t1/a.jpg", "e1"), photoEvent(sh)
		again.Status = store.ImageNeedsReview
		created, err = s.RecordImage(ctx, again, ev2)
		if err != nil || created {
			t.Fatalf("record again: created %v, err %v; want false, nil", created, err)
		}
		if *again != *img || ev2.ID != 0 {
			t.Errorf("again = %+v (event %d), want the stored %+v", *again, ev2.ID, *img)
		}
		checkShipment(t, s, sh, domain.StatusInTransit, after.Version)

		// A new version of the object is a new photo; one without an event
		// leaves the shipment alone.
		review := photo(sh, "images/t1/a.jpg", "e2")
		review.Status, review.Reason = store.ImageNeedsReview, "no_barcode"
		if created, err := s.RecordImage(ctx, review, nil); err != nil || !created || review.EventID != 0 {
			t.Fatalf("record new version: created %v, err %v, event %d", created, err, review.EventID)
		}
		checkShipment(t, s, sh, domain.StatusInTransit, after.Version)
		list, err := s.ImagesOfWaybill(ctx, "t1", sh.Waybill)
		if err != nil || len(list) != 2 || list[0].ID != img.ID || list[1].ID != review.ID {
			t.Errorf("images of waybill: %d (%v), want the two recorded", len(list), err)
		}
		if list, _ := s.ImagesOfWaybill(ctx, "t2", sh.Waybill); len(list) != 0 {
			t.Errorf("tenant t2 sees %d images of t1", len(list))
		}
		_, err = s.ImageByObject(ctx, "t2", "b", "images/t1/a.jpg", "e1")
		wantKind(t, err, domain.KindNotFound)
	}, storetest.WithClock(clk.Now))
}

// checkShipment fails unless tenant's shipment sh is in status at version,
// and returns it.
func checkShipment(t *testing.T, s *store.Store, sh *domain.Shipment, status domain.Status, version int64) *domain.Shipment {
	t.Helper()
	got, err := s.ShipmentByWaybill(context.Background(), sh.Tenant, sh.Waybill)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != status || got.Version != version {
		t.Errorf("shipment status %s version %d, want %s %d", got.Status, got.Version, status, version)
	}
	return got
}

func TestRecordImageRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := storetest.ShipmentIn(t, s, "t1", domain.StatusCreated)

		noKey := photo(sh, "", "e1")
		_, err := s.RecordImage(ctx, noKey, nil)
		wantKind(t, err, domain.KindInvalid)
		otherTenant := photoEvent(sh)
		otherTenant.Tenant = "t2"
		_, err = s.RecordImage(ctx, photo(sh, "images/t1/a.jpg", "e1"), otherTenant)
		wantKind(t, err, domain.KindInvalid)

		// An event for a shipment that is not there undoes the image row too.
		missing := photoEvent(sh)
		missing.ShipmentID = sh.ID + 1000
		_, err = s.RecordImage(ctx, photo(sh, "images/t1/a.jpg", "e1"), missing)
		wantKind(t, err, domain.KindNotFound)
		if list, _ := s.ImagesOfWaybill(ctx, "t1", sh.Waybill); len(list) != 0 {
			t.Errorf("a failed record left %d images", len(list))
		}
		checkShipment(t, s, sh, domain.StatusCreated, 1)
	})
}

func TestTenantKnown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		storetest.ShipmentIn(t, s, "t1", domain.StatusCreated)
		if _, err := s.PutStation(ctx, storetest.Station("t2", "X1")); err != nil {
			t.Fatal(err)
		}
		for tenant, want := range map[string]bool{"t1": true, "t2": true, "t3": false, "": false} {
			got, err := s.TenantKnown(ctx, tenant)
			if err != nil || got != want {
				t.Errorf("TenantKnown(%q) = %v, %v; want %v", tenant, got, err, want)
			}
		}
	})
}

// TestRecordImageConcurrent delivers one upload from three stores at once:
// exactly one records it, with one event; the others get the stored row.
func TestRecordImageConcurrent(t *testing.T) {
	eachDSN(t, func(t *testing.T, driver, dsn string) {
		stores := openStores(t, driver, dsn, 3)
		sh := storetest.ShipmentIn(t, stores[0], "t1", domain.StatusDelivered)
		var wg sync.WaitGroup
		created := make([]bool, len(stores))
		ids := make([]int64, len(stores))
		errs := make([]error, len(stores))
		for i, s := range stores {
			wg.Go(func() {
				img := photo(sh, "images/t1/pod.jpg", "e1")
				created[i], errs[i] = s.RecordImage(context.Background(), img, photoEvent(sh))
				ids[i] = img.ID
			})
		}
		wg.Wait()
		wins := 0
		for i := range stores {
			if errs[i] != nil {
				t.Fatalf("store %d: %v", i, errs[i])
			}
			if created[i] {
				wins++
			}
			if ids[i] != ids[0] || ids[i] == 0 {
				t.Errorf("store %d got image %d, store 0 %d", i, ids[i], ids[0])
			}
		}
		if wins != 1 {
			t.Errorf("%d stores created the image, want 1", wins)
		}
		events, _ := stores[0].Events(context.Background(), "t1", sh.ID)
		photos := 0
		for _, ev := range events {
			if ev.Source == domain.SourceImage {
				photos++
			}
		}
		if photos != 1 {
			t.Errorf("%d photo events, want 1", photos)
		}
		checkShipment(t, stores[0], sh, domain.StatusDelivered, sh.Version+1)
	})
}
