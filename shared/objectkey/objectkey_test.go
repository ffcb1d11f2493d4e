package objectkey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/objectkey"
)

const waybill = domain.Waybill("LF00000000019")

func TestNewImageRoundTrip(t *testing.T) {
	for _, ct := range objectkey.ContentTypes {
		for _, kind := range objectkey.PhotoKinds {
			img, err := objectkey.NewImage("t1", waybill, kind, ct)
			if err != nil {
				t.Fatalf("NewImage(%s, %s): %v", kind, ct, err)
			}
			got, err := objectkey.Parse(img.Key())
			if err != nil {
				t.Fatalf("Parse(%s): %v", img.Key(), err)
			}
			if got != img {
				t.Errorf("Parse(%s) = %+v, want %+v", img.Key(), got, img)
			}
			want := "images/t1/LF00000000019/" + string(kind) + "/" + img.ID + "."
			if !strings.HasPrefix(img.Key(), want) || len(img.ID) != 32 {
				t.Errorf("key %s, want %s<32 hex>.ext", img.Key(), want)
			}
			if thumb := img.ThumbnailKey(); thumb != "thumbs/t1/LF00000000019/"+string(kind)+"/"+img.ID+".jpg" {
				t.Errorf("thumbnail key %s", thumb)
			}
		}
	}
	a, _ := objectkey.NewImage("t1", waybill, objectkey.PhotoLabel, "image/jpeg")
	b, _ := objectkey.NewImage("t1", waybill, objectkey.PhotoLabel, "image/jpeg")
	if a.ID == b.ID {
		t.Errorf("two new images share id %s", a.ID)
	}
}

func TestNewImageRejects(t *testing.T) {
	tests := []struct {
		name, tenant string
		w            domain.Waybill
		kind         objectkey.PhotoKind
		ct, code     string
	}{
		{"tenant with slash", "t1/../t2", waybill, objectkey.PhotoLabel, "image/jpeg", "invalid_tenant"},
		{"tenant dot dot", "..", waybill, objectkey.PhotoLabel, "image/jpeg", "invalid_tenant"},
		{"empty tenant", "", waybill, objectkey.PhotoLabel, "image/jpeg", "invalid_tenant"},
		{"unknown kind", "t1", waybill, "selfie", "image/jpeg", "invalid_photo_kind"},
		{"gif", "t1", waybill, objectkey.PhotoLabel, "image/gif", "invalid_content_type"},
		{"bad check digit", "t1", "LF00000000018", objectkey.PhotoLabel, "image/png", "invalid_waybill"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := objectkey.NewImage(tt.tenant, tt.w, tt.kind, tt.ct)
			var de *domain.Error
			if !domainErr(err, &de) || de.Kind != domain.KindInvalid || de.Code != tt.code {
				t.Errorf("got %v, want invalid %s", err, tt.code)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, key := range []string{
		"",
		"images/t1/LF00000000019/label",
		"images/t1/LF00000000019/label/a.jpg/b.jpg",
		"images/t1/../t2/LF00000000019/label/a.jpg",
		"images/../images/t1/LF00000000019/label/a.jpg",
		"images/t1/LF00000000019/label/../a.jpg",
		"images/t1/LF00000000019/label/..jpg",
		"images//LF00000000019/label/a.jpg",
		"/images/t1/LF00000000019/label/a.jpg",
		"thumbs/t1/LF00000000019/label/a.jpg",
		"scans/t1/LF00000000019/label/a.jpg",
		"images/t.1/LF00000000019/label/a.jpg",
		"images/t1/LF00000000018/label/a.jpg",
		"images/t1/lf00000000019/label/a.jpg",
		"images/t1/ LF00000000019/label/a.jpg",
		"images/t1/LF00000000019/selfie/a.jpg",
		"images/t1/LF00000000019/label/a.gif",
		"images/t1/LF00000000019/label/a.JPG",
		"images/t1/LF00000000019/label/a.jpg.png",
		"images/t1/LF00000000019/label/a b.jpg",
		"images/t1/LF00000000019/label/a\\b.jpg",
		"images/t1/LF00000000019/label/a\x00.jpg",
		"images/t1/LF00000000019/label/" + strings.Repeat("a", 65) + ".jpg",
		"images/" + strings.Repeat("t", 65) + "/LF00000000019/label/a.jpg",
	} {
		t.Run(key, func(t *testing.T) {
			img, err := objectkey.Parse(key)
			if !domain.IsKind(err, domain.KindInvalid) {
				t.Errorf("Parse(%q) = %+v, %v; want an invalid error", key, img, err)
			}
		})
	}
}

func TestParseAcceptsJPEGExtension(t *testing.T) {
	img, err := objectkey.Parse("images/acme-2/LF00000000019/damage/IMG_0042.jpeg")
	if err != nil {
		t.Fatal(err)
	}
	want := objectkey.Image{Tenant: "acme-2", Waybill: waybill, Kind: objectkey.PhotoDamage, ID: "IMG_0042", Ext: "jpeg"}
	if img != want {
		t.Errorf("got %+v, want %+v", img, want)
	}
	if img.Key() != "images/acme-2/LF00000000019/damage/IMG_0042.jpeg" {
		t.Errorf("Key() = %s, want the key parsed", img.Key())
	}
}

// TestThumbnailsNeverFireTheImageTrigger: a thumbnail key matches none of
// the triggers a photo function would use, whatever the photo.
func TestThumbnailsNeverFireTheImageTrigger(t *testing.T) {
	img, _ := objectkey.NewImage("t1", waybill, objectkey.PhotoLabel, "image/png")
	for _, suffix := range []string{".jpg", ".jpeg", ".png"} {
		trig := app.ObjectTrigger{Prefix: objectkey.ImagePrefix, Suffix: suffix}
		if trig.Matches(img.ThumbnailKey()) {
			t.Errorf("thumbnail %s fires %+v", img.ThumbnailKey(), trig)
		}
	}
}

func domainErr(err error, target **domain.Error) bool { return errors.As(err, target) }
