package local

import (
	"context"
	"crypto/hmac"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/web"
)

// Region is the region local object-created events name.
const Region = "local"

// UploadHandler serves the PUTs of presigned URLs, as a bucket would: it
// checks the key (400), the signature and expiry (403) and the size (413),
// stores the body, answers 200 with the ETag, and then hands the new object
// to onCreated (when not nil) with a context that outlives the request.
func (s *Store) UploadHandler(maxBytes int64, onCreated func(context.Context, platform.ObjectCreated)) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodPut {
			w.Header().Set("Allow", http.MethodPut)
			return domain.Errorf(domain.KindMethodNotAllowed, "method_not_allowed", "presigned uploads are PUT requests")
		}
		key, err := s.authorize(r, r.Header.Get("Content-Type"))
		if err != nil {
			return err
		}
		if r.ContentLength > maxBytes {
			return tooLarge(maxBytes)
		}
		body := http.MaxBytesReader(w, r.Body, maxBytes)
		obj, err := s.Put(r.Context(), key, body, r.ContentLength, r.Header.Get("Content-Type"))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return tooLarge(maxBytes)
			}
			return err
		}
		w.Header().Set("ETag", `"`+obj.ETag+`"`)
		w.WriteHeader(http.StatusOK)
		if onCreated != nil {
			onCreated(context.WithoutCancel(r.Context()), platform.ObjectCreated{
				Bucket: s.cfg.Bucket, Key: obj.Key, Size: obj.Size, ETag: obj.ETag, ContentType: obj.ContentType,
				Time: obj.Modified, EventID: uuid.NewString(), Region: Region,
			})
		}
		return nil
	})
}

// DownloadHandler serves the GETs of presigned URLs, as a bucket would:
// it checks the key (400), the signature and expiry (403), and answers the
// object with its content type and ETag, or 404.
func (s *Store) DownloadHandler() http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		key, err := s.authorize(r, "")
		if err != nil {
			return err
		}
		obj, err := s.Stat(r.Context(), key)
		if err != nil {
			return err
		}
		rc, err := s.Open(r.Context(), key, 0, -1)
		if err != nil {
			return err
		}
		defer rc.Close()
		h := w.Header()
		h.Set("Content-Type", obj.ContentType)
		h.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
		h.Set("ETag", `"`+obj.ETag+`"`)
		h.Set("Cache-Control", "private, max-age=300")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = io.Copy(w, rc) // the status is sent; a broken connection is the client's to notice
		}
		return nil
	})
}

// authorize returns the key a presigned request may use, after checking
// the key, the bucket, the signature (of the request's method and, for a
// PUT, its content type) and the expiry.
func (s *Store) authorize(r *http.Request, contentType string) (string, error) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, UploadPrefix), "/")
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	if bucket != s.cfg.Bucket {
		return "", domain.Errorf(domain.KindNotFound, "bucket_not_found", "no bucket %s here", bucket)
	}
	q := r.URL.Query()
	exp := q.Get("expires")
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	want := s.sign(method, key, contentType, exp)
	if !hmac.Equal([]byte(q.Get("sig")), []byte(want)) {
		return "", domain.Errorf(domain.KindForbidden, "bad_signature",
			"the presigned URL's signature does not match; use the URL, method and Content-Type exactly as given")
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.cfg.Now().Unix() > unix {
		return "", domain.Errorf(domain.KindForbidden, "url_expired", "the presigned URL has expired")
	}
	return key, nil
}

func tooLarge(max int64) error {
	return domain.Errorf(domain.KindTooLarge, "object_too_large", "the object is larger than %d bytes", max)
}
