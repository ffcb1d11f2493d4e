// Package imagelist is the image-list function: the photos of one shipment
// (labels, proofs of delivery, damage) as waybill-image-ingest found them,
// with short-lived presigned URLs to look at each photo and its thumbnail.
package imagelist

import (
	"context"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/web"
)

// ViewTTL is how long the URLs of a listing stay valid.
const ViewTTL = 10 * time.Minute

// Spec is image-list's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "image-list",
		Summary: "List the photos of a shipment with presigned URLs to view them",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/shipments/{waybill}/images", Roles: domain.Roles},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		Bucket:         true,
		New: func(d *app.Deps) (platform.Handlers, error) {
			b, err := d.RequireBlob()
			if err != nil {
				return platform.Handlers{}, err
			}
			return platform.Handlers{HTTP: Handler(d.Store, b)}, nil
		},
	}
}

// Store is what image-list needs of the database. ShipmentByWaybill fails
// with not found outside the tenant.
type Store interface {
	ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error)
	ImagesOfWaybill(ctx context.Context, tenant string, w domain.Waybill) ([]store.Image, error)
}

// Presigner signs download URLs; errors are blob.Store's.
type Presigner interface {
	PresignGet(ctx context.Context, key string, ttl time.Duration) (blob.Presigned, error)
}

// Image is one photo of the shipment. URL and ThumbnailURL are absent for
// a rejected upload, which was never decoded and may not be an image at
// all; ThumbnailURL is absent too while no thumbnail exists.
type Image struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	Width        int       `json:"width,omitempty"`
	Height       int       `json:"height,omitempty"`
	UploadedAt   time.Time `json:"uploaded_at"`
	CreatedAt    time.Time `json:"created_at"`
	URL          string    `json:"url,omitempty"`
	ThumbnailURL string    `json:"thumbnail_url,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
}

// Response lists the photos, oldest first.
type Response struct {
	Images []Image `json:"images"`
}

// Handler serves GET /v1/shipments/{waybill}/images. Whoever may read the
// shipment may see its photos: staff any of their tenant, a customer their
// own (another's is the same 404 as a missing one).
func Handler(st Store, b Presigner) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		wb, err := domain.ParseWaybill(r.PathValue("waybill"))
		if err != nil {
			return err
		}
		if err := web.NewQuery(r.URL.Query()).Err(); err != nil {
			return err
		}
		sh, err := st.ShipmentByWaybill(r.Context(), p.Tenant, wb)
		if err != nil {
			return err
		}
		if err := p.CheckSee(sh); err != nil {
			return err
		}
		rows, err := st.ImagesOfWaybill(r.Context(), p.Tenant, sh.Waybill)
		if err != nil {
			return err
		}
		out := Response{Images: make([]Image, 0, len(rows))}
		for _, row := range rows {
			img, err := view(r.Context(), b, row)
			if err != nil {
				return err
			}
			out.Images = append(out.Images, img)
		}
		// The URLs let anyone holding them read the photos: keep them out of caches.
		w.Header().Set("Cache-Control", "no-store")
		web.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

func view(ctx context.Context, b Presigner, row store.Image) (Image, error) {
	img := Image{ID: row.ID, Kind: row.Kind, Status: string(row.Status), Reason: row.Reason, Width: row.Width, Height: row.Height,
		UploadedAt: row.UploadedAt, CreatedAt: row.CreatedAt}
	if row.Status == store.ImageRejected {
		return img, nil
	}
	orig, err := b.PresignGet(ctx, row.Key, ViewTTL)
	if err != nil {
		return Image{}, err
	}
	img.URL, img.ExpiresAt = orig.URL, orig.Expires
	if row.ThumbnailKey != "" {
		thumb, err := b.PresignGet(ctx, row.ThumbnailKey, ViewTTL)
		if err != nil {
			return Image{}, err
		}
		img.ThumbnailURL = thumb.URL
	}
	return img, nil
}
