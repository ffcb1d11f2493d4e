package waybillimageingest_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	ceevent "github.com/cloudevents/sdk-go/v2/event"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixtureEvents decodes each platform's fixture with the platform's own
// decoder, as the adapters do before calling the handler.
func fixtureEvents(t *testing.T) map[string][]platform.ObjectCreated {
	t.Helper()
	oss, err := platform.DecodeFCOSS(readFixture(t, "oss-event.json"))
	if err != nil {
		t.Fatalf("oss-event.json: %v", err)
	}
	var s3 events.S3Event
	if err := json.Unmarshal(readFixture(t, "s3-event.json"), &s3); err != nil {
		t.Fatalf("s3-event.json: %v", err)
	}
	var ce ceevent.Event
	if err := json.Unmarshal(readFixture(t, "cloudevent.json"), &ce); err != nil {
		t.Fatalf("cloudevent.json: %v", err)
	}
	fromCE, tick, err := platform.FromCloudEvent(ce)
	if err != nil || tick != nil {
		t.Fatalf("cloudevent.json: %v, tick %v", err, tick)
	}
	return map[string][]platform.ObjectCreated{"oss": oss, "s3": platform.FromS3Event(s3), "cloudevent": fromCE}
}

// fixturePhotos maps each fixture key to the testdata photo uploaded there.
var fixturePhotos = map[string]string{
	"images/t1/LF00000000019/label/3f2a9c4e1b7d4e0f8a6b5c4d3e2f1a0b.jpg":             "label.jpg",
	"images/t1/LF00000000019/proof_of_delivery/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b.jpg": "pod.jpg",
	"images/t1/LF00000000019/damage/5b1e0c2d3f4a4b5c8d9e0f1a2b3c4d5e.jpg":            "label.jpg",
	"images/t1/LF00000000019/label/c0ffee00c0ffee00c0ffee00c0ffee00.jpeg":            "label.jpg",
}

func TestFixturesDecode(t *testing.T) {
	got := fixtureEvents(t)
	want := map[string][]platform.ObjectCreated{
		"oss": {
			{Bucket: bucketName, Key: "images/t1/LF00000000019/label/3f2a9c4e1b7d4e0f8a6b5c4d3e2f1a0b.jpg", Size: 51505,
				ETag: "2592D53E018484E7FFC86449E0EAD743", ContentType: "image/jpeg", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
				EventID: "62A2E2EFD0DEFE3930847B01", Region: "cn-hangzhou"},
			{Bucket: bucketName, Key: "images/t1/LF00000000019/proof_of_delivery/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b.jpg", Size: 36226,
				ETag: "54CE5FA955D7BF4E6E39E8F313F74D22", ContentType: "image/jpeg", Time: time.Date(2026, 1, 2, 3, 9, 41, 250e6, time.UTC),
				EventID: "62A2E2EFD0DEFE3930847B02", Region: "cn-hangzhou"},
		},
		"s3": {
			{Bucket: bucketName, Key: "images/t1/LF00000000019/damage/5b1e0c2d3f4a4b5c8d9e0f1a2b3c4d5e.jpg", Size: 51505,
				ETag: "2592d53e018484e7ffc86449e0ead743", Time: time.Date(2026, 1, 2, 3, 12, 0, 500e6, time.UTC),
				EventID: "D4E24FF69EF5D921", Region: "ap-east-1"},
		},
		"cloudevent": {
			{Bucket: bucketName, Key: "images/t1/LF00000000019/label/c0ffee00c0ffee00c0ffee00c0ffee00.jpeg", Size: 51505,
				ETag: "2592D53E018484E7FFC86449E0EAD743", ContentType: "image/jpeg", Time: time.Date(2026, 1, 2, 3, 15, 30, 0, time.UTC),
				EventID: "62A2E2EFD0DEFE3930847B03", Region: "cn-hangzhou"},
		},
	}
	for name, objs := range want {
		if len(got[name]) != len(objs) {
			t.Fatalf("%s: %d objects, want %d", name, len(got[name]), len(objs))
		}
		for i, obj := range objs {
			if got[name][i] != obj {
				t.Errorf("%s[%d] =\n %+v\nwant\n %+v", name, i, got[name][i], obj)
			}
			photo := readFixture(t, fixturePhotos[obj.Key])
			sum := md5.Sum(photo)
			if int64(len(photo)) != obj.Size || !strings.EqualFold(hex.EncodeToString(sum[:]), obj.ETag) {
				t.Errorf("%s[%d]: testdata/%s is %d bytes with MD5 %x; the event says %d and %s",
					name, i, fixturePhotos[obj.Key], len(photo), sum, obj.Size, obj.ETag)
			}
		}
	}
}

// TestFixturesIngest uploads the fixtures' photos, hands every decoded
// event to the handler, and finds each photo accepted in the timeline;
// the OSS batch, delivered again whole, changes nothing.
func TestFixturesIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for key, file := range fixturePhotos {
			data := readFixture(t, file)
			if _, err := e.bucket.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), "image/jpeg"); err != nil {
				t.Fatal(err)
			}
		}
		evs := fixtureEvents(t)
		deliveries := append(append(append(evs["oss"], evs["s3"]...), evs["cloudevent"]...), evs["oss"]...)
		for _, obj := range deliveries {
			if err := e.handle(e.ctx, obj); err != nil {
				t.Fatalf("%s: %v", obj.Key, err)
			}
		}
		for key := range fixturePhotos {
			img := e.image(t, "t1", e.sh.Waybill, key)
			if img.Status != store.ImageAccepted || img.DecodedWaybill != "LF00000000019" || img.EventID == 0 {
				t.Errorf("%s: %s (%s) decoded %q event %d, want accepted in the timeline", key, img.Status, img.Reason, img.DecodedWaybill, img.EventID)
			}
			e.checkThumbnail(t, img.ThumbnailKey)
		}
		var notes []string
		for _, ev := range e.photoEvents(t, e.sh) {
			notes = append(notes, ev.Note)
		}
		if want := "photo: label,photo: proof_of_delivery,photo: damage,photo: label"; strings.Join(notes, ",") != want {
			t.Errorf("photo events %v, want %s in upload order", notes, want)
		}
	})
}
