package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/domain"
)

// ImageStatus is what became of an uploaded waybill photo.
type ImageStatus string

// The image statuses.
const (
	// ImageAccepted: a barcode on the photo names the waybill its key does.
	ImageAccepted ImageStatus = "accepted"
	// ImageNeedsReview: no barcode, another waybill's, or no such shipment;
	// a person decides.
	ImageNeedsReview ImageStatus = "needs_review"
	// ImageRejected: not a JPEG or PNG, too large or corrupt; never decoded.
	ImageRejected ImageStatus = "rejected"
)

// Image is one uploaded photo as logifn found it. Bucket, Key and ETag name
// the object version; Waybill and Kind come from the key, DecodedWaybill
// from the barcode. EventID is the timeline event the photo is in, 0 for
// none.
type Image struct {
	ID             int64
	Tenant         string
	Bucket         string
	Key            string
	ETag           string
	Waybill        domain.Waybill
	Kind           string
	Status         ImageStatus
	Reason         string
	DecodedWaybill string
	Format         string
	Width          int
	Height         int
	Bytes          int64
	ThumbnailKey   string
	EventID        int64
	UploadedAt     time.Time
	CreatedAt      time.Time
}

// The longest values the images table holds, in characters.
const (
	maxImageKeyLen     = 255
	maxImageBucketLen  = 63
	maxImageETagLen    = 128
	maxImageDecodedLen = 64
	maxImageReasonLen  = 64
)

const imageColumns = `id, tenant_id, bucket, object_key, etag, waybill, kind, status, reason, decoded_waybill,
	format, width, height, bytes, thumbnail_key, event_id, uploaded_at, created_at`

// RecordImage stores img and, when ev is not nil, appends ev to the
// timeline of shipment ev.ShipmentID in the same transaction. The event
// never changes the shipment's status; like every appended event it grows
// the version by one. It keeps the shipment's last_event_at, which tracks
// the parcel's progress, not the evidence about it.
//
// The photo is identified by tenant, bucket, key and ETag: when a row for it
// exists already (a redelivered or concurrent event), nothing is written,
// *img becomes the stored row and created is false. Otherwise it fills
// img.ID, img.EventID, img.CreatedAt (and img.UploadedAt when zero), and
// ev.ID, ev.Waybill, ev.Status and ev.RecordedAt. Missing or oversized
// fields give an invalid error; a shipment that does not exist, not found.
func (s *Store) RecordImage(ctx context.Context, img *Image, ev *domain.TrackingEvent) (created bool, err error) {
	if err := checkImage(img, ev); err != nil {
		return false, err
	}
	now := s.clock()
	row := *img
	row.CreatedAt, row.UploadedAt = now, dbTime(row.UploadedAt)
	if row.UploadedAt.IsZero() {
		row.UploadedAt = now
	}
	var evRow domain.TrackingEvent
	err = s.inTx(ctx, false, func(tx *sql.Tx) error {
		// The image row goes first: it is what concurrent deliveries of one
		// upload collide on, before any of them locks the shipment.
		if err := s.insertImage(ctx, tx, &row); err != nil || ev == nil {
			return err
		}
		evRow = *ev
		if err := s.appendPhotoEvent(ctx, tx, &evRow, now); err != nil {
			return err
		}
		row.EventID = evRow.ID
		_, err := tx.ExecContext(ctx, `UPDATE images SET event_id = ? WHERE id = ?`, row.EventID, row.ID)
		return wrapf(err, "image", "link image %d to its event", row.ID)
	})
	if domain.IsKind(err, domain.KindConflict) {
		stored, err := s.ImageByObject(ctx, img.Tenant, img.Bucket, img.Key, img.ETag)
		if err != nil {
			return false, fmt.Errorf("record image %s: %w", img.Key, err)
		}
		*img = *stored
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record image %s: %w", img.Key, err)
	}
	*img = row
	if ev != nil {
		*ev = evRow
	}
	return true, nil
}

func checkImage(img *Image, ev *domain.TrackingEvent) error {
	bad := func(format string, args ...any) error {
		return domain.Errorf(domain.KindInvalid, "invalid_image", format, args...)
	}
	switch {
	case img.Tenant == "" || img.Bucket == "" || img.Key == "" || img.Waybill == "" || img.Kind == "" || img.Status == "":
		return bad("an image needs a tenant, bucket, key, waybill, kind and status")
	case len(img.Bucket) > maxImageBucketLen || utf8.RuneCountInString(img.Key) > maxImageKeyLen ||
		utf8.RuneCountInString(img.ThumbnailKey) > maxImageKeyLen || len(img.ETag) > maxImageETagLen:
		return bad("the bucket, key, thumbnail key or ETag of image %.80s is too long", img.Key)
	case utf8.RuneCountInString(img.DecodedWaybill) > maxImageDecodedLen || len(img.Reason) > maxImageReasonLen:
		return bad("the decoded waybill or reason of image %.80s is too long", img.Key)
	case ev != nil && (ev.Tenant != img.Tenant || ev.ShipmentID == 0):
		return bad("the event of image %.80s must name a shipment of its tenant", img.Key)
	}
	return nil
}

func (s *Store) insertImage(ctx context.Context, tx *sql.Tx, img *Image) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO images (tenant_id, bucket, object_key, etag, waybill, kind, status,
		reason, decoded_waybill, format, width, height, bytes, thumbnail_key, event_id, uploaded_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		img.Tenant, img.Bucket, img.Key, img.ETag, img.Waybill, img.Kind, img.Status, img.Reason, img.DecodedWaybill,
		img.Format, img.Width, img.Height, img.Bytes, img.ThumbnailKey, s.d.timeArg(img.UploadedAt), s.d.timeArg(img.CreatedAt))
	if err != nil {
		return wrapf(err, "image", "insert image")
	}
	img.ID, err = res.LastInsertId()
	return wrapf(err, "image", "insert image")
}

// appendPhotoEvent appends ev to its shipment's timeline without a status
// change: the shipment's version grows by one whatever it was, since
// nothing about the photo depends on the shipment's state.
func (s *Store) appendPhotoEvent(ctx context.Context, tx *sql.Tx, ev *domain.TrackingEvent, now time.Time) error {
	ev.OccurredAt = dbTime(ev.OccurredAt)
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = now
	}
	res, err := tx.ExecContext(ctx, `UPDATE shipments SET version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		s.d.timeArg(now), ev.Tenant, ev.ShipmentID)
	if err != nil {
		return wrapf(err, "shipment", "update shipment %d", ev.ShipmentID)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return wrapf(orNoRows(err), "shipment", "update shipment %d", ev.ShipmentID)
	}
	sh, err := shipmentByID(ctx, tx, ev.Tenant, ev.ShipmentID)
	if err != nil {
		return err
	}
	if err := fillEvent(ev, sh); err != nil {
		return err
	}
	return s.insertEvent(ctx, tx, ev, now)
}

// orNoRows returns err, or sql.ErrNoRows when err is nil: an update that
// matched no row found nothing.
func orNoRows(err error) error {
	if err == nil {
		return sql.ErrNoRows
	}
	return err
}

// ImageByObject returns tenant's image stored for the object version
// bucket, key and etag, or a not-found error.
func (s *Store) ImageByObject(ctx context.Context, tenant, bucket, key, etag string) (*Image, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+imageColumns+` FROM images
		WHERE tenant_id = ? AND bucket = ? AND object_key = ? AND etag = ?`, tenant, bucket, key, etag)
	img, err := scanImage(row)
	if err != nil {
		return nil, wrapf(err, "image", "get image %.80s", key)
	}
	return img, nil
}

// ImagesOfWaybill returns tenant's images whose keys name waybill w, oldest
// first; none gives an empty list.
func (s *Store) ImagesOfWaybill(ctx context.Context, tenant string, w domain.Waybill) ([]Image, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+imageColumns+` FROM images WHERE tenant_id = ? AND waybill = ? ORDER BY id`, tenant, w)
	if err != nil {
		return nil, wrapf(err, "image", "list images of %s", w)
	}
	defer rows.Close()
	list := []Image{}
	for rows.Next() {
		img, err := scanImage(rows)
		if err != nil {
			return nil, wrapf(err, "image", "list images of %s", w)
		}
		list = append(list, *img)
	}
	return list, wrapf(rows.Err(), "image", "list images of %s", w)
}

func scanImage(r rowScanner) (*Image, error) {
	var img Image
	err := r.Scan(&img.ID, &img.Tenant, &img.Bucket, &img.Key, &img.ETag, &img.Waybill, &img.Kind, &img.Status,
		&img.Reason, &img.DecodedWaybill, &img.Format, &img.Width, &img.Height, &img.Bytes, &img.ThumbnailKey,
		&img.EventID, scanTime(&img.UploadedAt), scanTime(&img.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &img, nil
}

// TenantKnown reports whether tenant exists: it has issued a waybill number
// or runs a station. logifn keeps no list of tenants; a tenant without
// either has no shipment a photo could belong to.
func (s *Store) TenantKnown(ctx context.Context, tenant string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM waybill_counters WHERE tenant_id = ?
		UNION ALL SELECT 1 FROM stations WHERE tenant_id = ? LIMIT 1`, tenant, tenant).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrapf(err, "tenant", "look up tenant %s", tenant)
	}
	return true, nil
}
