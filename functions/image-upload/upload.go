// Package imageupload is the image-upload function: it hands a caller a
// presigned URL to PUT one photo of a shipment (its label, a proof of
// delivery, damage) straight into the bucket. The key is built here, under
// the caller's tenant and the shipment's waybill, with a random id: nothing
// the caller sends becomes part of it, so no upload can land outside its
// tenant or on another upload. waybill-image-ingest takes the photo from
// there.
package imageupload

import (
	"context"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/objectkey"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// UploadTTL is how long an upload URL stays valid.
const UploadTTL = 15 * time.Minute

// Spec is image-upload's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "image-upload",
		Summary: "Get a presigned URL to upload a photo of a shipment",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/shipments/{waybill}/images", Roles: domain.Roles},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
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

// Store is what image-upload needs of the database. ShipmentByWaybill fails
// with not found outside the tenant.
type Store interface {
	ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error)
}

// Presigner signs upload URLs; errors are blob.Store's.
type Presigner interface {
	PresignPut(ctx context.Context, key, contentType string, ttl time.Duration) (blob.Presigned, error)
}

// Request asks for an upload URL for a photo of Kind sent as ContentType.
type Request struct {
	Kind        objectkey.PhotoKind `json:"kind"`
	ContentType string              `json:"content_type"`
}

// Response is the key the photo will have and how to upload it: PUT the
// bytes to Upload.URL with exactly Upload.Header before Upload.Expires.
type Response struct {
	Key    string         `json:"key"`
	Upload blob.Presigned `json:"upload"`
}

// Handler serves POST /v1/shipments/{waybill}/images. Staff may upload
// photos of any shipment of their tenant, a customer of their own only
// (another's is the same 404 as a missing one). The answer is 201.
func Handler(st Store, b Presigner) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		wb, err := domain.ParseWaybill(r.PathValue("waybill"))
		if err != nil {
			return err
		}
		var req Request
		if err := web.DecodeJSON(r, &req); err != nil {
			return err
		}
		if err := req.validate(); err != nil {
			return err
		}
		sh, err := st.ShipmentByWaybill(r.Context(), p.Tenant, wb)
		if err != nil {
			return err
		}
		if err := p.CheckSee(sh); err != nil {
			return err
		}
		img, err := objectkey.NewImage(p.Tenant, sh.Waybill, req.Kind, req.ContentType)
		if err != nil {
			return err
		}
		up, err := b.PresignPut(r.Context(), img.Key(), req.ContentType, UploadTTL)
		if err != nil {
			return err
		}
		// The URL lets anyone holding it write the object: keep it out of caches.
		w.Header().Set("Cache-Control", "no-store")
		web.WriteJSON(w, http.StatusCreated, Response{Key: img.Key(), Upload: up})
		return nil
	})
}

func (req Request) validate() error {
	var probs domain.Problems
	if !req.Kind.Valid() {
		probs.Add("kind", "must be one of label, proof_of_delivery, damage")
	}
	if _, ok := objectkey.Extension(req.ContentType); !ok {
		probs.Add("content_type", "must be image/jpeg or image/png")
	}
	return probs.Err()
}
