// Package objectkey is the layout of logifn's objects in the bucket. Waybill
// photos live under
//
//	images/{tenant}/{waybill}/{kind}/{id}.{jpg|jpeg|png}
//
// and their thumbnails under thumbs/ with the same path and a .jpg name, so
// that writing a thumbnail never fires the function that reads photos. Keys
// are built by the server only; Parse reads them back strictly, and for an
// object event the tenant comes from the key.
package objectkey

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// The prefixes of photos and of their thumbnails.
const (
	ImagePrefix     = "images/"
	ThumbnailPrefix = "thumbs/"
)

// PhotoKind says what a waybill photo shows.
type PhotoKind string

// The photo kinds.
const (
	PhotoLabel           PhotoKind = "label"
	PhotoProofOfDelivery PhotoKind = "proof_of_delivery"
	PhotoDamage          PhotoKind = "damage"
)

// PhotoKinds lists every photo kind.
var PhotoKinds = []PhotoKind{PhotoLabel, PhotoProofOfDelivery, PhotoDamage}

// Valid reports whether k is a known photo kind.
func (k PhotoKind) Valid() bool {
	return k == PhotoLabel || k == PhotoProofOfDelivery || k == PhotoDamage
}

// The content types a photo may be uploaded as, with the extension its key
// gets.
var extensions = map[string]string{"image/jpeg": "jpg", "image/png": "png"}

// ContentTypes lists the content types a photo may be uploaded as.
var ContentTypes = []string{"image/jpeg", "image/png"}

// Extension returns the key extension for a photo of contentType, and
// false for a content type photos may not have.
func Extension(contentType string) (string, bool) {
	ext, ok := extensions[contentType]
	return ext, ok
}

// The extensions Parse accepts: the ones keys are built with, and .jpeg.
var parseExtensions = map[string]bool{"jpg": true, "jpeg": true, "png": true}

// ValidTenant reports whether tenant can name a key's tenant segment: 1 to
// 64 letters, digits, dashes or underscores, so it can never be "..", hold
// a slash or be read as another segment.
func ValidTenant(tenant string) bool { return domain.ValidID(tenant) }

// Image is the address of one waybill photo.
type Image struct {
	Tenant  string
	Waybill domain.Waybill
	Kind    PhotoKind
	ID      string
	Ext     string // jpg, jpeg or png
}

// NewImage returns the address of a new photo of kind for tenant's waybill
// w, uploaded as contentType, under a new random id. It fails with kind
// invalid for a tenant that cannot be a key segment, an unknown kind or a
// content type photos may not have.
func NewImage(tenant string, w domain.Waybill, kind PhotoKind, contentType string) (Image, error) {
	ext, ok := Extension(contentType)
	switch {
	case !ValidTenant(tenant):
		return Image{}, domain.Errorf(domain.KindInvalid, "invalid_tenant", "tenant %q cannot name an object key", tenant)
	case !kind.Valid():
		return Image{}, domain.Errorf(domain.KindInvalid, "invalid_photo_kind", "photo kind %q is not one of label, proof_of_delivery, damage", kind)
	case !ok:
		return Image{}, domain.Errorf(domain.KindInvalid, "invalid_content_type", "content type %q is not image/jpeg or image/png", contentType)
	}
	if _, err := domain.ParseWaybill(string(w)); err != nil {
		return Image{}, err
	}
	return Image{Tenant: tenant, Waybill: w, Kind: kind, ID: newID(), Ext: ext}, nil
}

// newID returns 128 random bits in hex: ids cannot be guessed, so one
// caller's upload URL never names another's object.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// Key returns the object key of the photo.
func (i Image) Key() string {
	return ImagePrefix + i.path() + "." + i.Ext
}

// ThumbnailKey returns the object key of the photo's thumbnail, a JPEG.
func (i Image) ThumbnailKey() string {
	return ThumbnailPrefix + i.path() + ".jpg"
}

func (i Image) path() string {
	return i.Tenant + "/" + string(i.Waybill) + "/" + string(i.Kind) + "/" + i.ID
}

// Parse reads a photo's key strictly: it must be exactly what Key builds,
// with a tenant that can be a key segment, a waybill number with a right
// check digit, a known kind, an id of 1 to 64 letters, digits, dashes or
// underscores and a lower-case .jpg, .jpeg or .png extension. Anything else,
// ".." segments and keys under other prefixes included, fails with kind
// invalid and code invalid_object_key.
func Parse(key string) (Image, error) {
	bad := func(why string) (Image, error) {
		return Image{}, domain.Errorf(domain.KindInvalid, "invalid_object_key", "object key %q is not a photo key: %s", clip(key), why)
	}
	if err := blob.CheckKey(key); err != nil {
		return Image{}, err
	}
	rest, ok := strings.CutPrefix(key, ImagePrefix)
	if !ok {
		return bad("it is not under " + ImagePrefix)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 {
		return bad("want images/{tenant}/{waybill}/{kind}/{id}.{ext}")
	}
	id, ext, _ := strings.Cut(parts[3], ".")
	w, err := domain.ParseWaybill(parts[1])
	switch {
	case !ValidTenant(parts[0]):
		return bad("the tenant segment is malformed")
	case err != nil || string(w) != parts[1]:
		return bad("the waybill segment is not a valid waybill number")
	case !PhotoKind(parts[2]).Valid():
		return bad("unknown photo kind")
	case !domain.ValidID(id):
		return bad("the id is malformed")
	case !parseExtensions[ext]:
		return bad("the extension is not .jpg, .jpeg or .png")
	}
	return Image{Tenant: parts[0], Waybill: w, Kind: PhotoKind(parts[2]), ID: id, Ext: ext}, nil
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
