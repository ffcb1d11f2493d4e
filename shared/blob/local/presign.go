package local

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// UploadPrefix is the path under which the upload handler serves presigned
// PUTs: {UploadPrefix}{bucket}/{key}.
const UploadPrefix = "/_objects/"

// UploadPattern is the net/http pattern of the upload handler.
const UploadPattern = "PUT " + UploadPrefix + "{bucket}/{key...}"

// DownloadPattern is the net/http pattern of the download handler, which
// serves presigned GETs under the same prefix.
const DownloadPattern = "GET " + UploadPrefix + "{bucket}/{key...}"

// PresignPut returns a URL on the base URL that the upload handler accepts
// until ttl has passed, for a PUT of contentType only. The signature covers
// the bucket, the key, the content type and the expiry.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	if ttl <= 0 {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL must live for a positive time, not %s", ttl)
	}
	if s.cfg.BaseURL == "" {
		return blob.Presigned{}, domain.Errorf(domain.KindInternal, "no_public_url", "the local object store has no public URL to presign")
	}
	expires := s.cfg.Now().Add(ttl).Truncate(time.Second).UTC()
	return blob.Presigned{
		URL:     s.presignedURL(http.MethodPut, key, contentType, expires),
		Method:  http.MethodPut,
		Header:  http.Header{"Content-Type": {contentType}},
		Expires: expires,
	}, nil
}

// PresignGet returns a URL on the base URL that the download handler
// accepts until ttl has passed. The signature covers the method, the
// bucket, the key and the expiry, so an upload URL cannot read and a
// download URL cannot write.
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	if ttl <= 0 {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL must live for a positive time, not %s", ttl)
	}
	if s.cfg.BaseURL == "" {
		return blob.Presigned{}, domain.Errorf(domain.KindInternal, "no_public_url", "the local object store has no public URL to presign")
	}
	expires := s.cfg.Now().Add(ttl).Truncate(time.Second).UTC()
	return blob.Presigned{URL: s.presignedURL(http.MethodGet, key, "", expires), Method: http.MethodGet, Header: http.Header{},
		Expires: expires}, nil
}

func (s *Store) presignedURL(method, key, contentType string, expires time.Time) string {
	exp := strconv.FormatInt(expires.Unix(), 10)
	q := url.Values{"expires": {exp}, "sig": {s.sign(method, key, contentType, exp)}}
	return s.cfg.BaseURL + UploadPrefix + url.PathEscape(s.cfg.Bucket) + "/" + escapeKey(key) + "?" + q.Encode()
}

// sign returns the hex HMAC-SHA256 of what a presigned URL allows.
func (s *Store) sign(method, key, contentType, expires string) string {
	mac := hmac.New(sha256.New, s.cfg.Secret)
	for _, part := range []string{method, s.cfg.Bucket, key, contentType, expires} {
		mac.Write([]byte(part))
		mac.Write([]byte{0})
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// escapeKey escapes each segment of key for a URL path.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func randomName() string {
	return rand.Text()
}
