package waybillimageingest_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io"
	"strings"
	"testing"
	"time"

	waybillimageingest "github.com/logifn/logifn/functions/waybill-image-ingest"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/sirupsen/logrus"
)

// bucketName is the bucket of the tests and of the event fixtures.
const bucketName = "logifn-uploads"

// uploadTime is when the test photos were uploaded.
var uploadTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is a function under test: tenant t1's first shipment (waybill
// LF00000000019, out for delivery), an in-memory bucket and the handler the
// manifest builds.
type env struct {
	ctx    context.Context // carries a logger that discards
	st     *store.Store
	bucket *memblob.Store
	handle platform.ObjectHandler
	sh     *domain.Shipment
}

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	sh := storetest.ShipmentIn(t, st, "t1", domain.StatusOutForDelivery)
	if sh.Waybill != "LF00000000019" {
		t.Fatalf("first waybill of t1 is %s; the fixtures name LF00000000019", sh.Waybill)
	}
	b := memblob.New(bucketName)
	h, err := waybillimageingest.Spec().New(&app.Deps{Store: st, Blob: b, Now: func() time.Time { return time.Now().UTC() }})
	if err != nil {
		t.Fatal(err)
	}
	log, err := logging.New(io.Discard, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	ctx := reqctx.WithLogger(context.Background(), logrus.NewEntry(log))
	return &env{ctx: ctx, st: st, bucket: b, handle: h.Object, sh: sh}
}

// upload puts data at key and returns the event an OSS trigger would send
// for it, with the ETag in upper case as OSS writes it.
func (e *env) upload(t testing.TB, key string, data []byte) platform.ObjectCreated {
	t.Helper()
	obj, err := e.bucket.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), "image/jpeg")
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	return platform.ObjectCreated{Bucket: bucketName, Key: key, Size: obj.Size, ETag: strings.ToUpper(obj.ETag),
		ContentType: "image/jpeg", Time: uploadTime, EventID: "req-" + obj.ETag[:8]}
}

// image returns the one image stored for key, failing unless there is
// exactly one.
func (e *env) image(t *testing.T, tenant string, w domain.Waybill, key string) store.Image {
	t.Helper()
	var found []store.Image
	for _, img := range e.images(t, tenant, w) {
		if img.Key == key {
			found = append(found, img)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d images stored for %s, want 1", len(found), key)
	}
	return found[0]
}

func (e *env) images(t *testing.T, tenant string, w domain.Waybill) []store.Image {
	t.Helper()
	list, err := e.st.ImagesOfWaybill(context.Background(), tenant, w)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// photoEvents returns the timeline events photos added to sh.
func (e *env) photoEvents(t *testing.T, sh *domain.Shipment) []domain.TrackingEvent {
	t.Helper()
	events, err := e.st.Events(context.Background(), sh.Tenant, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	var photos []domain.TrackingEvent
	for _, ev := range events {
		if ev.Source == domain.SourceImage {
			photos = append(photos, ev)
		}
	}
	return photos
}

// shipment returns sh as stored now.
func (e *env) shipment(t *testing.T, sh *domain.Shipment) *domain.Shipment {
	t.Helper()
	got, err := e.st.ShipmentByWaybill(context.Background(), sh.Tenant, sh.Waybill)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// checkThumbnail fails unless a JPEG thumbnail of at most 320 pixels a
// side is stored at key.
func (e *env) checkThumbnail(t *testing.T, key string) {
	t.Helper()
	if !strings.HasPrefix(key, "thumbs/") {
		t.Fatalf("thumbnail key %q is not under thumbs/", key)
	}
	data := e.bucket.Bytes(key)
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("thumbnail %s: %v", key, err)
	}
	if b := img.Bounds(); max(b.Dx(), b.Dy()) > 320 || b.Dx() < 1 || b.Dy() < 1 {
		t.Errorf("thumbnail %s is %dx%d, want at most 320 a side", key, b.Dx(), b.Dy())
	}
}

// photoKey returns a key for a photo of w in tenant.
func photoKey(tenant string, w domain.Waybill, kind, id, ext string) string {
	return "images/" + tenant + "/" + string(w) + "/" + kind + "/" + id + "." + ext
}

// waybill returns the number of serial, failing for serials without one.
func waybill(t *testing.T, serial int64) domain.Waybill {
	t.Helper()
	w, err := domain.NewWaybill(serial)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }
