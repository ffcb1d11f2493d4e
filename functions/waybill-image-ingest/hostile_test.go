package waybillimageingest_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"runtime"
	"testing"
	"time"

	waybillimageingest "github.com/logifn/logifn/functions/waybill-image-ingest"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// pngHeader returns a PNG that is a signature and an IHDR chunk announcing
// width × height RGBA pixels, and nothing else: a decompression bomb's
// first 33 bytes.
func pngHeader(width, height uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits per sample, RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// hugeJPEG returns data, a baseline JPEG, with its frame header claiming
// 60 000 × 60 000 pixels.
func hugeJPEG(t *testing.T, data []byte) []byte {
	out := bytes.Clone(data)
	i := bytes.Index(out, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no baseline frame header in the JPEG")
	}
	binary.BigEndian.PutUint16(out[i+5:], 60000) // height
	binary.BigEndian.PutUint16(out[i+7:], 60000) // width
	return out
}

// TestHostilePhotosAreRejected: what is not a sound JPEG or PNG within the
// limits is recorded as rejected with a clear reason, never decoded past
// its header, never thumbnailed, and never in the timeline.
func TestHostilePhotosAreRejected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		good := photo(t, shot{Content: string(e.sh.Waybill), Seed: 41})
		goodPNG := photo(t, shot{Content: string(e.sh.Waybill), PNG: true, Seed: 42})
		tests := []struct {
			name, ext     string
			data          []byte
			claim         int64 // the size the event claims, when not 0
			reason        string
			format        string
			width, height int
		}{
			{"truncated JPEG", "jpg", good[:len(good)/2], 0, "corrupt_image", "jpeg", 1200, 900},
			{"truncated PNG", "png", goodPNG[:len(goodPNG)/3], 0, "corrupt_image", "png", 1200, 900},
			{"50000 x 50000 PNG header", "png", pngHeader(50000, 50000), 0, "too_many_pixels", "png", 50000, 50000},
			{"60000 x 60000 JPEG header", "jpg", hugeJPEG(t, good), 0, "too_many_pixels", "jpeg", 60000, 60000},
			{"zero-width PNG", "png", pngHeader(0, 10), 0, "corrupt_image", "png", 0, 0},
			{"text with a .jpg suffix", "jpg", []byte("name,phone\n张三,13800000001\n"), 0, "not_an_image", "", 0, 0},
			{"GIF with a .png suffix", "png", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 0, "not_an_image", "", 0, 0},
			{"empty file", "jpg", []byte{}, 0, "not_an_image", "", 0, 0},
			{"16 MiB by the event", "jpg", good, 16 << 20, "too_large", "", 0, 0},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := photoKey("t1", e.sh.Waybill, "damage", "hostile"+string(rune('a'+i)), tt.ext)
				obj := e.upload(t, key, tt.data)
				if tt.claim != 0 {
					obj.Size = tt.claim
				}
				if err := e.handle(e.ctx, obj); err != nil {
					t.Fatalf("got %v, want the photo recorded as rejected", err)
				}
				img := e.image(t, "t1", e.sh.Waybill, key)
				if img.Status != store.ImageRejected || img.Reason != tt.reason || img.Format != tt.format ||
					img.Width != tt.width || img.Height != tt.height || img.ThumbnailKey != "" || img.EventID != 0 {
					t.Errorf("got %s (%s) %s %dx%d thumb %q event %d, want rejected (%s) %s %dx%d, no thumbnail or event",
						img.Status, img.Reason, img.Format, img.Width, img.Height, img.ThumbnailKey, img.EventID,
						tt.reason, tt.format, tt.width, tt.height)
				}
			})
		}
		if keys := e.bucket.Keys("thumbs/"); len(keys) != 0 {
			t.Errorf("thumbnails of rejected photos: %v", keys)
		}
		if n := len(e.photoEvents(t, e.sh)); n != 0 {
			t.Errorf("%d photo events, want none", n)
		}
	})
}

// TestOddShapes: photos too small or too thin to hold a code are read
// without failing and go to review.
func TestOddShapes(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, size := range []image.Point{{1, 1}, {3000, 1}, {1, 3000}, {7, 5}} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewGray(image.Rectangle{Max: size})); err != nil {
			t.Fatal(err)
		}
		key := photoKey("t1", e.sh.Waybill, "damage", fmt.Sprintf("odd%dx%d", size.X, size.Y), "png")
		if err := e.handle(e.ctx, e.upload(t, key, buf.Bytes())); err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		img := e.image(t, "t1", e.sh.Waybill, key)
		if img.Status != store.ImageNeedsReview || img.Reason != "no_barcode" || img.Width != size.X || img.Height != size.Y {
			t.Errorf("%v: %s (%s) %dx%d, want needs_review (no_barcode)", size, img.Status, img.Reason, img.Width, img.Height)
		}
		e.checkThumbnail(t, img.ThumbnailKey)
	}
}

// TestDecompressionBombMemory: a 50 000 × 50 000 PNG header (10 GB of
// pixels) is refused from its header: handling it allocates next to
// nothing.
func TestDecompressionBombMemory(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	obj := e.upload(t, photoKey("t1", e.sh.Waybill, "label", "bomb", "png"), pngHeader(50000, 50000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := e.handle(e.ctx, obj); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("handling the bomb allocated %d bytes, want under 8 MiB", got)
	}
}

// lyingBucket reports every object as 100 bytes long.
type lyingBucket struct{ blob.Store }

func (b lyingBucket) Stat(ctx context.Context, key string) (blob.Object, error) {
	obj, err := b.Store.Stat(ctx, key)
	obj.Size = 100
	return obj, err
}

// TestReadStopsAtTheLimit: an object larger than the event and the bucket
// say is read one byte past the limit, no further, and rejected.
func TestReadStopsAtTheLimit(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st)
	in := waybillimageingest.New(st, lyingBucket{e.bucket}, time.Now)
	in.Limits.MaxBytes = 20_000
	key := photoKey("t1", e.sh.Waybill, "label", "big", "jpg")
	obj := e.upload(t, key, photo(t, shot{Content: string(e.sh.Waybill), Seed: 43}))
	obj.Size = 100
	if err := in.Handle(e.ctx, obj); err != nil {
		t.Fatal(err)
	}
	if img := e.image(t, "t1", e.sh.Waybill, key); img.Status != store.ImageRejected || img.Reason != "too_large" || img.Bytes != 20_001 {
		t.Errorf("got %s (%s) after %d bytes, want rejected (too_large) after 20001", img.Status, img.Reason, img.Bytes)
	}
}

// TestEventsDroppedWithoutATrace: keys that are not photo keys, unknown
// tenants, other buckets and objects gone or replaced are refused with an
// error the platform does not retry, and nothing is written anywhere.
func TestEventsDroppedWithoutATrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		data := photo(t, shot{Content: string(e.sh.Waybill), Seed: 44})
		w := string(e.sh.Waybill)
		replaced := e.upload(t, "images/t1/"+w+"/label/replaced.jpg", data)
		e.upload(t, "images/t1/"+w+"/label/replaced.jpg", photo(t, shot{Content: w, Seed: 45}))
		tests := []struct {
			name string
			obj  platform.ObjectCreated
			code string
		}{
			// S3 stores keys with .. segments; the in-memory bucket does not,
			// so these come as events alone.
			{"../ to another tenant", event("images/t1/../t2/" + w + "/label/a.jpg"), "invalid_object_key"},
			{"../ inside the path", event("images/t1/" + w + "/label/x/../a.jpg"), "invalid_object_key"},
			{"a thumbnail's key", event("thumbs/t1/" + w + "/label/a.jpg"), "invalid_object_key"},
			{"a lower-case waybill", e.upload(t, "images/t1/lf00000000019/label/a.jpg", data), "invalid_object_key"},
			{"an unknown tenant", e.upload(t, "images/nobody/"+w+"/label/a.jpg", data), "unknown_tenant"},
			{"another bucket", func() platform.ObjectCreated {
				obj := e.upload(t, "images/t1/"+w+"/label/b.jpg", data)
				obj.Bucket = "someone-elses"
				return obj
			}(), "unknown_bucket"},
			{"an object that is gone", event("images/t1/" + w + "/label/gone.jpg"), "object_not_found"},
			{"an object replaced since", replaced, "object_replaced"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := e.handle(e.ctx, tt.obj)
				var de *domain.Error
				if !asDomain(err, &de) || de.Code != tt.code || platform.Retryable(err) {
					t.Errorf("got %v, want a %s error that is not retried", err, tt.code)
				}
			})
		}
		for _, tenant := range []string{"t1", "t2", "nobody"} {
			if n := len(e.images(t, tenant, e.sh.Waybill)); n != 0 {
				t.Errorf("%d images stored in %s", n, tenant)
			}
		}
		if keys := e.bucket.Keys("thumbs/"); len(keys) != 0 || len(e.photoEvents(t, e.sh)) != 0 {
			t.Errorf("thumbnails %v, %d photo events; want none", keys, len(e.photoEvents(t, e.sh)))
		}
	})
}

// event returns an event for key with no object behind it.
func event(key string) platform.ObjectCreated {
	return platform.ObjectCreated{Bucket: bucketName, Key: key, Size: 1000, ETag: "0cc175b9c0f1b6a831c399e269772661", Time: uploadTime}
}

// TestAnotherTenantsPrefix: the tenant comes from the key. A photo of t1's
// label uploaded under t2's prefix is t2's business: recorded in t2 for
// review (t2 has no such shipment), and t1 never hears of it.
func TestAnotherTenantsPrefix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if _, err := st.PutStation(context.Background(), storetest.Station("t2", "T2-HUB")); err != nil {
			t.Fatal(err)
		}
		key := photoKey("t2", e.sh.Waybill, "label", "cross", "jpg")
		if err := e.handle(e.ctx, e.upload(t, key, photo(t, shot{Content: string(e.sh.Waybill), Seed: 46}))); err != nil {
			t.Fatal(err)
		}
		img := e.image(t, "t2", e.sh.Waybill, key)
		if img.Tenant != "t2" || img.Status != store.ImageNeedsReview || img.Reason != "unknown_waybill" {
			t.Errorf("got %s %s (%s), want t2 needs_review (unknown_waybill)", img.Tenant, img.Status, img.Reason)
		}
		if n := len(e.images(t, "t1", e.sh.Waybill)); n != 0 || len(e.photoEvents(t, e.sh)) != 0 || e.shipment(t, e.sh).Version != e.sh.Version {
			t.Errorf("t1 got %d images and %d photo events from t2's upload", n, len(e.photoEvents(t, e.sh)))
		}
	})
}

// downBucket is a bucket that cannot be reached.
type downBucket struct{ blob.Store }

func (downBucket) Open(context.Context, string, int64, int64) (io.ReadCloser, error) {
	return nil, domain.Errorf(domain.KindUnavailable, "bucket_unavailable", "the bucket is unavailable")
}

// TestUnreachableBucketIsRetried: a failure of the bucket writes nothing
// and asks for the event again.
func TestUnreachableBucketIsRetried(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st)
	key := photoKey("t1", e.sh.Waybill, "label", "later", "jpg")
	obj := e.upload(t, key, photo(t, shot{Content: string(e.sh.Waybill), Seed: 47}))
	err := waybillimageingest.New(st, downBucket{e.bucket}, time.Now).Handle(e.ctx, obj)
	if !platform.Retryable(err) {
		t.Fatalf("got %v, want an error worth a retry", err)
	}
	if n := len(e.images(t, "t1", e.sh.Waybill)); n != 0 {
		t.Errorf("%d images stored, want none", n)
	}
	if err := e.handle(e.ctx, obj); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	if img := e.image(t, "t1", e.sh.Waybill, key); img.Status != store.ImageAccepted {
		t.Errorf("after the retry: %s (%s), want accepted", img.Status, img.Reason)
	}
}
