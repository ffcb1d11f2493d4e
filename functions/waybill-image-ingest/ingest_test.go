package waybillimageingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	waybillimageingest "github.com/logifn/logifn/functions/waybill-image-ingest"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
	"github.com/sirupsen/logrus"
)

func TestSpec(t *testing.T) {
	spec := waybillimageingest.Spec()
	if _, err := spec.New(&app.Deps{}); err == nil || !strings.Contains(err.Error(), "LOGIFN_BLOB_DRIVER") {
		t.Errorf("New without a bucket: %v, want an error naming LOGIFN_BLOB_DRIVER", err)
	}
	fires := func(key string) bool {
		for _, trig := range spec.Objects {
			if trig.Matches(key) {
				return true
			}
		}
		return false
	}
	for key, want := range map[string]bool{
		"images/t1/LF00000000019/label/a.jpg":      true,
		"images/t1/LF00000000019/label/a.jpeg":     true,
		"images/t1/LF00000000019/label/a.png":      true,
		"thumbs/t1/LF00000000019/label/a.jpg":      false,
		"images/t1/LF00000000019/label/a.gif":      false,
		"scans/HZ01/2026-01-02.csv":                false,
		"images/../thumbs/t1/LF00000000019/a.jpeg": true, // fires, and Parse refuses it
	} {
		if got := fires(key); got != want {
			t.Errorf("%s fires: %v, want %v", key, got, want)
		}
	}
}

// TestRecognisesGeneratedPhotos: labels rendered as Code 128 or QR codes,
// scaled 0.7–1.3, turned ±3° (and on their side or upside down), noised
// and saved as JPEG at quality 60–80 or as PNG are accepted with the right
// waybill, thumbnailed, and join the timeline without a status change.
func TestRecognisesGeneratedPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		w := string(e.sh.Waybill)
		var shots []shot
		for seed := range uint64(4) {
			shots = append(shots, randomShot(w, false, seed), randomShot(w, true, 100+seed))
		}
		shots = append(shots,
			shot{Content: w, Angle: 90, Seed: 7},
			shot{Content: w, Angle: 181, Noise: 16, Quality: 60, Seed: 8},
			shot{Content: w, QR: true, Angle: 268, Seed: 9},
			shot{Content: "https://track.logifn.example/t1/" + w, QR: true, Scale: 0.8, Seed: 10},
			shot{Content: w, PNG: true, Angle: -2, Seed: 11},
		)
		for i, s := range shots {
			ext, kind := "jpg", []string{"label", "proof_of_delivery", "damage"}[i%3]
			if s.PNG {
				ext = "png"
			}
			key := photoKey("t1", e.sh.Waybill, kind, fmt.Sprintf("shot%02d", i), ext)
			if err := e.handle(e.ctx, e.upload(t, key, photo(t, s))); err != nil {
				t.Fatalf("shot %d %+v: %v", i, s, err)
			}
			img := e.image(t, "t1", e.sh.Waybill, key)
			if img.Status != store.ImageAccepted || img.DecodedWaybill != w {
				t.Errorf("shot %d %+v: status %s (%s) decoded %q, want accepted %s", i, s, img.Status, img.Reason, img.DecodedWaybill, w)
				continue
			}
			if img.Width != 1200 || img.Height != 900 || img.Format != map[string]string{"jpg": "jpeg", "png": "png"}[ext] {
				t.Errorf("shot %d: %s %dx%d, want 1200x900", i, img.Format, img.Width, img.Height)
			}
			e.checkThumbnail(t, img.ThumbnailKey)
		}
		events := e.photoEvents(t, e.sh)
		if len(events) != len(shots) {
			t.Fatalf("%d photo events, want %d", len(events), len(shots))
		}
		for _, ev := range events {
			if ev.Type != "" || ev.Status != domain.StatusOutForDelivery || ev.Actor != waybillimageingest.Name ||
				!strings.HasPrefix(ev.Note, "photo: ") || !ev.OccurredAt.Equal(uploadTime) {
				t.Errorf("photo event %+v, want no scan type, status out_for_delivery, a photo note, the upload time", ev)
			}
		}
		got := e.shipment(t, e.sh)
		if got.Status != domain.StatusOutForDelivery || got.Version != e.sh.Version+int64(len(shots)) {
			t.Errorf("shipment %s version %d, want out_for_delivery %d: photos are evidence, not moves",
				got.Status, got.Version, e.sh.Version+int64(len(shots)))
		}
	})
}

// TestPhotosNeedingReview: a photo that does not show the waybill its key
// names is kept for a person, with the reason and what was read; it is
// thumbnailed and never joins the timeline.
func TestPhotosNeedingReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		other := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		w := e.sh.Waybill
		nobody := waybill(t, 4242)
		tests := []struct {
			name    string
			keyFor  domain.Waybill
			shot    shot
			reason  string
			decoded string
		}{
			{"another shipment's label", w, shot{Content: string(other.Waybill), Seed: 1}, "waybill_mismatch", string(other.Waybill)},
			{"a number never issued", w, shot{Content: string(nobody), QR: true, Seed: 2}, "waybill_mismatch", string(nobody)},
			{"a wrong check digit", w, shot{Content: "LF00000000018", Seed: 3}, "invalid_check_digit", "LF00000000018"},
			{"no barcode", w, shot{Blank: true, Seed: 4}, "no_barcode", ""},
			{"a barcode without a waybill", w, shot{Content: "PO-77123", Seed: 5}, "no_waybill", ""},
			{"a key naming no shipment", nobody, shot{Content: string(nobody), Seed: 6}, "unknown_waybill", string(nobody)},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := photoKey("t1", tt.keyFor, "label", fmt.Sprintf("review%d", i), "jpg")
				if err := e.handle(e.ctx, e.upload(t, key, photo(t, tt.shot))); err != nil {
					t.Fatal(err)
				}
				img := e.image(t, "t1", tt.keyFor, key)
				if img.Status != store.ImageNeedsReview || img.Reason != tt.reason || img.DecodedWaybill != tt.decoded || img.EventID != 0 {
					t.Errorf("got %s (%s) decoded %q event %d, want needs_review (%s) decoded %q and no event",
						img.Status, img.Reason, img.DecodedWaybill, img.EventID, tt.reason, tt.decoded)
				}
				e.checkThumbnail(t, img.ThumbnailKey)
			})
		}
		// Every review is announced to the tenant's webhooks once, however
		// often the upload is delivered: the first photo again here.
		first := photoKey("t1", w, "label", "review0", "jpg")
		if err := e.handle(e.ctx, e.upload(t, first, photo(t, tests[0].shot))); err != nil {
			t.Fatal(err)
		}
		events, err := st.WebhookEvents(e.ctx, "t1", e.sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		reviews := 0
		for _, ev := range events {
			if ev.Type == webhook.EventImageNeedsReview {
				reviews++
			}
		}
		if reviews != 5 { // the sixth names no shipment: its event is in the tenant's own stream
			t.Errorf("%d image.needs_review events for %s, want 5", reviews, e.sh.Waybill)
		}
		for _, sh := range []*domain.Shipment{e.sh, other} {
			if n := len(e.photoEvents(t, sh)); n != 0 || e.shipment(t, sh).Version != sh.Version {
				t.Errorf("%s got %d photo events, version %d; want none and %d", sh.Waybill, n, e.shipment(t, sh).Version, sh.Version)
			}
		}
	})
}

// TestDeliveredThreeTimesAtOnce: at-least-once delivery, raced. Each
// delivery succeeds; there is one image record, one timeline event and one
// version step; delivering again later changes nothing either.
func TestDeliveredThreeTimesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		key := photoKey("t1", e.sh.Waybill, "proof_of_delivery", "pod1", "jpg")
		obj := e.upload(t, key, photo(t, shot{Content: string(e.sh.Waybill), QR: true, Seed: 21}))
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() { errs[i] = e.handle(e.ctx, obj) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("delivery %d: %v", i, err)
			}
		}
		check := func(when string) {
			img := e.image(t, "t1", e.sh.Waybill, key)
			events := e.photoEvents(t, e.sh)
			if img.Status != store.ImageAccepted || len(events) != 1 || img.EventID != events[0].ID {
				t.Errorf("%s: image %s event %d, %d photo events; want accepted, linked to the one event", when, img.Status, img.EventID, len(events))
			}
			if v := e.shipment(t, e.sh).Version; v != e.sh.Version+1 {
				t.Errorf("%s: version %d, want %d", when, v, e.sh.Version+1)
			}
		}
		check("after three concurrent deliveries")

		var logs bytes.Buffer
		ctx := reqctx.WithLogger(context.Background(), jsonLogger(&logs).WithField(logging.FieldObjectKey, key))
		if err := e.handle(ctx, obj); err != nil {
			t.Fatalf("a fourth delivery: %v", err)
		}
		check("after a fourth delivery")
		line := lastLogLine(t, &logs)
		if line["object_key"] != key || line["tenant"] != "t1" || !strings.Contains(line["message"].(string), "recorded before") {
			t.Errorf("redelivery logged %v", line)
		}
	})
}

// TestOutcomesAreLogged: every photo recorded is logged once, with the
// tenant, the waybill, the status and, for review, the reason.
func TestOutcomesAreLogged(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, tt := range []struct {
		shot           shot
		level, status  string
		messageHolding string
	}{
		{shot{Content: string(e.sh.Waybill), Seed: 31}, "info", "accepted", "LF00000000019"},
		{shot{Blank: true, Seed: 32}, "warning", "needs_review", "no_barcode"},
	} {
		var logs bytes.Buffer
		key := photoKey("t1", e.sh.Waybill, "label", fmt.Sprintf("log%d", tt.shot.Seed), "jpg")
		ctx := reqctx.WithLogger(context.Background(), jsonLogger(&logs).WithField(logging.FieldObjectKey, key))
		if err := e.handle(ctx, e.upload(t, key, photo(t, tt.shot))); err != nil {
			t.Fatal(err)
		}
		line := lastLogLine(t, &logs)
		if line["level"] != tt.level || line["status"] != tt.status || line["waybill"] != "LF00000000019" ||
			line["object_key"] != key || !strings.Contains(line["message"].(string), tt.messageHolding) {
			t.Errorf("logged %v, want %s %s mentioning %s", line, tt.level, tt.status, tt.messageHolding)
		}
	}
}

func jsonLogger(w *bytes.Buffer) *logrus.Entry {
	log, err := logging.New(w, "json", "debug")
	if err != nil {
		panic(err)
	}
	return log.WithField(logging.FieldFunction, waybillimageingest.Name)
}

func lastLogLine(t *testing.T, logs *bytes.Buffer) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil {
		t.Fatalf("log line %q: %v", lines[len(lines)-1], err)
	}
	return line
}
