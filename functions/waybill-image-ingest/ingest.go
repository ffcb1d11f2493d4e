// Package waybillimageingest is the waybill-image-ingest function. Every
// photo uploaded under images/ is checked (a JPEG or PNG, bounded in bytes
// and pixels before a pixel is decoded), its Code 128 and QR codes are read
// for the waybill number, a thumbnail is written under thumbs/ (which never
// fires this function again), and an image record is stored. A photo whose
// code names the waybill its key does is accepted and joins the shipment's
// timeline as evidence, without a status change; every other photo is kept
// for a person to review, with the reason. Redelivered and concurrent
// events of one upload (bucket, key and ETag) have one effect.
//
// Outcomes, each logged with the object key:
//   - accepted, needs_review (no_barcode, no_waybill, invalid_check_digit,
//     waybill_mismatch, unknown_waybill, reader_failed) or rejected
//     (too_large, not_an_image, too_many_pixels, corrupt_image): recorded.
//     A key naming a waybill its tenant does not have is recorded for
//     review rather than dropped: the upload may predate the shipment's
//     data, and nothing uploaded is lost.
//   - a key that is not a photo key (../, another prefix, a bad waybill),
//     an unknown tenant, another bucket, an object that is gone or replaced
//     since the event: nothing is written and the event is dropped (an
//     error of a kind the platform does not retry).
//   - the database or the bucket unavailable: the event is retried.
package waybillimageingest

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/objectkey"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/sirupsen/logrus"
)

// Name is the function's name, and the actor of the timeline events it
// records.
const Name = "waybill-image-ingest"

// Spec is waybill-image-ingest's manifest entry. It fires for .jpg, .jpeg
// and .png objects under images/; thumbnails go under thumbs/.
func Spec() app.Spec {
	var triggers []app.ObjectTrigger
	for _, suffix := range []string{".jpg", ".jpeg", ".png"} {
		triggers = append(triggers, app.ObjectTrigger{Prefix: objectkey.ImagePrefix, Suffix: suffix})
	}
	return app.Spec{
		Name:           Name,
		Summary:        "Read the waybill barcode of an uploaded photo, thumbnail it and record it",
		Objects:        triggers,
		MemoryMB:       1024,
		TimeoutSeconds: 60,
		Bucket:         true,
		New: func(d *app.Deps) (platform.Handlers, error) {
			b, err := d.RequireBlob()
			if err != nil {
				return platform.Handlers{}, err
			}
			return platform.Handlers{Object: New(d.Store, b, d.Now).Handle}, nil
		},
	}
}

// Store is what waybill-image-ingest needs of the database.
// ShipmentByWaybill and ImageByObject fail with not found; RecordImage
// reports a photo stored before with created false.
type Store interface {
	ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error)
	TenantKnown(ctx context.Context, tenant string) (bool, error)
	ImageByObject(ctx context.Context, tenant, bucket, key, etag string) (*store.Image, error)
	RecordImage(ctx context.Context, img *store.Image, ev *domain.TrackingEvent) (created bool, err error)
	RecordImageNeedsReview(ctx context.Context, r store.ImageReview) (id string, created bool, err error)
}

// Ingest handles the object-created events of photos in one bucket.
type Ingest struct {
	store  Store
	blob   blob.Store
	now    func() time.Time
	Limits Limits
}

// New returns the handler for photos in bucket b, with DefaultLimits.
func New(st Store, b blob.Store, now func() time.Time) *Ingest {
	return &Ingest{store: st, blob: b, now: now, Limits: DefaultLimits}
}

// Handle ingests one uploaded photo (see the package comment).
func (in *Ingest) Handle(ctx context.Context, obj platform.ObjectCreated) error {
	key, err := objectkey.Parse(obj.Key)
	if err != nil {
		return err
	}
	if obj.Bucket != in.blob.Bucket() {
		return domain.Errorf(domain.KindInvalid, "unknown_bucket", "bucket %q is not %q, the bucket this function reads", obj.Bucket, in.blob.Bucket())
	}
	sh, err := in.shipment(ctx, key)
	if err != nil {
		return err
	}
	info, err := in.current(ctx, obj)
	if err != nil {
		return err
	}
	if stored, err := in.store.ImageByObject(ctx, key.Tenant, obj.Bucket, obj.Key, info.ETag); err == nil {
		outcomeLog(ctx, key).Info("photo recorded before")
		// The first delivery may have stopped before announcing the review.
		return in.announceReview(ctx, stored)
	} else if !domain.IsKind(err, domain.KindNotFound) {
		return err
	}
	rec, err := in.examine(ctx, obj, info, key, sh)
	if err != nil {
		return err
	}
	created, err := in.store.RecordImage(ctx, rec, photoEvent(rec, sh, obj))
	if err != nil {
		return err
	}
	logOutcome(ctx, key, rec, created)
	return in.announceReview(ctx, rec)
}

// announceReview tells the tenant's webhooks about a photo that needs a
// person to look at it. It is keyed by the photo's bucket, key and ETag, so
// a redelivery announces nothing twice.
func (in *Ingest) announceReview(ctx context.Context, img *store.Image) error {
	if img.Status != store.ImageNeedsReview {
		return nil
	}
	_, _, err := in.store.RecordImageNeedsReview(ctx, store.ImageReview{Tenant: img.Tenant, Waybill: img.Waybill,
		ImageKey: img.Key, Reason: img.Reason, OccurredAt: img.UploadedAt, Key: img.Bucket + "/" + img.Key + "/" + img.ETag})
	return err
}

// shipment returns the shipment the key names, or nil when its tenant
// exists but has no such shipment. An unknown tenant is invalid: nothing
// may be written under a tenant nobody runs.
func (in *Ingest) shipment(ctx context.Context, key objectkey.Image) (*domain.Shipment, error) {
	sh, err := in.store.ShipmentByWaybill(ctx, key.Tenant, key.Waybill)
	if !domain.IsKind(err, domain.KindNotFound) {
		return sh, err
	}
	known, err := in.store.TenantKnown(ctx, key.Tenant)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, domain.Errorf(domain.KindInvalid, "unknown_tenant", "tenant %q of the object key does not exist", key.Tenant)
	}
	return nil, nil
}

// current describes the object as the bucket holds it now, with the
// event's ETag. An object replaced since the event (another ETag) is a
// conflict: the new version's own event handles it.
func (in *Ingest) current(ctx context.Context, obj platform.ObjectCreated) (blob.Object, error) {
	info, err := in.blob.Stat(ctx, obj.Key)
	if err != nil {
		return blob.Object{}, err
	}
	want, have := normalETag(obj.ETag), normalETag(info.ETag)
	if want != "" && have != "" && want != have {
		return blob.Object{}, domain.Errorf(domain.KindConflict, "object_replaced", "the object has ETag %s now, not %s as the event says", have, want)
	}
	if want != "" {
		info.ETag = want
	} else {
		info.ETag = have
	}
	info.Size = max(info.Size, obj.Size)
	return info, nil
}

// normalETag strips quotes and lower-cases: OSS reports ETags in upper
// case, S3 in lower case, some clients quoted.
func normalETag(etag string) string { return strings.ToLower(strings.Trim(etag, `"`)) }

// examine reads, checks and decodes the photo and writes its thumbnail. A
// photo refused for what it is comes back rejected; only failures of the
// bucket are errors.
func (in *Ingest) examine(ctx context.Context, obj platform.ObjectCreated, info blob.Object, key objectkey.Image, sh *domain.Shipment) (*store.Image, error) {
	rec := &store.Image{Tenant: key.Tenant, Bucket: obj.Bucket, Key: obj.Key, ETag: info.ETag, Waybill: key.Waybill,
		Kind: string(key.Kind), Bytes: info.Size, UploadedAt: obj.Time}
	img, format, err := in.load(ctx, rec)
	var rej *rejection
	if errors.As(err, &rej) {
		rec.Status, rec.Reason, rec.Format, rec.Width, rec.Height = store.ImageRejected, rej.reason, rej.format, rej.width, rej.height
		return rec, nil
	}
	if err != nil {
		return nil, err
	}
	rec.Format, rec.Width, rec.Height = format, img.Bounds().Dx(), img.Bounds().Dy()
	classify(ctx, rec, img, sh)
	thumb, err := thumbnail(img)
	if err != nil {
		return nil, err
	}
	rec.ThumbnailKey = key.ThumbnailKey()
	if _, err := in.blob.Put(ctx, rec.ThumbnailKey, bytes.NewReader(thumb), int64(len(thumb)), "image/jpeg"); err != nil {
		return nil, err
	}
	return rec, nil
}

// load reads and decodes the photo of rec, and sets rec.Bytes to the
// bytes read. An object over the size limit is rejected without a read,
// and a read stops one byte past the limit, whatever the event said.
func (in *Ingest) load(ctx context.Context, rec *store.Image) (image.Image, string, error) {
	if rec.Bytes > in.Limits.MaxBytes {
		return nil, "", &rejection{reason: reasonTooLarge}
	}
	r, err := in.blob.Open(ctx, rec.Key, 0, in.Limits.MaxBytes+1)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, in.Limits.MaxBytes+1))
	if err != nil {
		return nil, "", err
	}
	rec.Bytes = int64(len(data))
	return decodePhoto(data, in.Limits)
}

// classify reads the photo's codes and sets the record's status, reason
// and decoded number. A photo of a waybill its tenant does not have needs
// review whatever its codes say.
func classify(ctx context.Context, rec *store.Image, img image.Image, sh *domain.Shipment) {
	texts, err := readBarcodes(toGray(img), rec.Waybill)
	v := judge(rec.Waybill, texts)
	if err != nil && len(texts) == 0 {
		reqctx.Logger(ctx).WithError(err).Warn("the barcode reader failed on the photo")
		v.reason = reasonReaderFailed
	}
	rec.Status, rec.Reason, rec.DecodedWaybill = store.ImageNeedsReview, v.reason, v.decoded
	if v.accepted {
		rec.Status = store.ImageAccepted
	}
	if sh == nil {
		rec.Status, rec.Reason = store.ImageNeedsReview, reasonUnknownWaybill
	}
}

// photoEvent is the timeline event of an accepted photo: evidence, with no
// status of its own, at the time of the upload. Other photos get none.
func photoEvent(rec *store.Image, sh *domain.Shipment, obj platform.ObjectCreated) *domain.TrackingEvent {
	if rec.Status != store.ImageAccepted || sh == nil {
		return nil
	}
	return &domain.TrackingEvent{Tenant: sh.Tenant, ShipmentID: sh.ID, Actor: Name, Source: domain.SourceImage,
		Note: "photo: " + rec.Kind, OccurredAt: obj.Time}
}

func outcomeLog(ctx context.Context, key objectkey.Image) *logrus.Entry {
	return reqctx.Logger(ctx).WithFields(logrus.Fields{logging.FieldTenant: key.Tenant, logging.FieldWaybill: string(key.Waybill)})
}

func logOutcome(ctx context.Context, key objectkey.Image, rec *store.Image, created bool) {
	entry := outcomeLog(ctx, key).WithField(logging.FieldStatus, string(rec.Status))
	switch {
	case !created:
		entry.Info("photo recorded meanwhile by another delivery; nothing to do")
	case rec.Status == store.ImageAccepted:
		entry.Infof("photo accepted: its barcode reads %s", rec.DecodedWaybill)
	default:
		entry.Warnf("photo recorded as %s: %s", rec.Status, rec.Reason)
	}
}
