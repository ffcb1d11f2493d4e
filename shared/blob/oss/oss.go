// Package oss is a blob.Store on Alibaba Cloud Object Storage Service,
// through github.com/aliyun/aliyun-oss-go-sdk. Credentials are the
// ALIBABA_CLOUD_* ones Function Compute hands a function with a role:
// temporary STS credentials whose security token goes with every request
// and every presigned URL.
package oss

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	alioss "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// Config is what an OSS store needs. Endpoint defaults to the public
// endpoint of Region; with a Region, requests are signed with OSS's V4
// signature, else with V1.
type Config struct {
	Endpoint        string
	Bucket          string
	Region          string
	PathStyle       bool // always so for an IP endpoint
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	Now             func() time.Time
}

// Store is one OSS bucket.
type Store struct {
	bucket *alioss.Bucket
	now    func() time.Time
}

// Open returns a store on cfg's bucket. It does no I/O.
func Open(cfg Config) (*Store, error) {
	if cfg.Endpoint == "" {
		if cfg.Region == "" {
			return nil, fmt.Errorf("oss: an endpoint or a region is required")
		}
		cfg.Endpoint = "https://oss-" + cfg.Region + ".aliyuncs.com"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	opts := []alioss.ClientOption{alioss.Timeout(10, 120)}
	if cfg.SecurityToken != "" {
		opts = append(opts, alioss.SecurityToken(cfg.SecurityToken))
	}
	if cfg.PathStyle {
		opts = append(opts, alioss.ForcePathStyle(true))
	}
	if cfg.Region != "" {
		opts = append(opts, alioss.Region(cfg.Region), alioss.AuthVersion(alioss.AuthV4))
	}
	client, err := alioss.New(cfg.Endpoint, cfg.AccessKeyID, cfg.AccessKeySecret, opts...)
	if err != nil {
		return nil, fmt.Errorf("oss endpoint %s: %w", cfg.Endpoint, err)
	}
	b, err := client.Bucket(cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("oss bucket %s: %w", cfg.Bucket, err)
	}
	return &Store{bucket: b, now: cfg.Now}, nil
}

// Bucket names the bucket.
func (s *Store) Bucket() string { return s.bucket.BucketName }

// Put uploads the object in one request. A body of unknown size (size < 0)
// is read into memory first, since OSS needs the length up front.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Object{}, err
	}
	body, size, err := blob.ExactBody(key, r, size)
	if err != nil {
		return blob.Object{}, err
	}
	var hdr http.Header
	err = s.bucket.PutObject(key, body, alioss.WithContext(ctx), alioss.ContentType(contentType),
		alioss.ContentLength(size), alioss.GetResponseHeader(&hdr))
	if err != nil {
		return blob.Object{}, s.translate("put", key, err)
	}
	return blob.Object{Key: key, Size: size, ETag: unquote(hdr.Get("ETag")), ContentType: contentType, Modified: s.now().UTC()}, nil
}

// Stat describes the object at key, from a HEAD request.
func (s *Store) Stat(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Object{}, err
	}
	hdr, err := s.bucket.GetObjectDetailedMeta(key, alioss.WithContext(ctx))
	if err != nil {
		return blob.Object{}, s.translate("stat", key, err)
	}
	size, _ := strconv.ParseInt(hdr.Get("Content-Length"), 10, 64)
	modified, _ := http.ParseTime(hdr.Get("Last-Modified"))
	return blob.Object{Key: key, Size: size, ETag: unquote(hdr.Get("ETag")), ContentType: hdr.Get("Content-Type"), Modified: modified.UTC()}, nil
}

// Open reads length bytes from offset (-1: to the end) with a ranged GET.
// OSS answers a range past the end with the whole object unless asked for
// standard behaviour, so it is asked.
func (s *Store) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	if offset < 0 || length < -1 {
		return nil, blob.BadRange(key, offset, length)
	}
	if length == 0 {
		if _, err := s.Stat(ctx, key); err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(nil)), nil
	}
	rng := strconv.FormatInt(offset, 10) + "-"
	if length > 0 {
		rng += strconv.FormatInt(offset+length-1, 10)
	}
	rc, err := s.bucket.GetObject(key, alioss.WithContext(ctx), alioss.NormalizedRange(rng), alioss.RangeBehavior("standard"))
	if err != nil {
		if rangeError(err) {
			return blob.PastEnd(ctx, s, key, offset, length)
		}
		return nil, s.translate("open", key, err)
	}
	return rc, nil
}

// PresignPut returns a V1 or V4 signed URL for a PUT of contentType, with
// the security token in the URL when the credentials are temporary.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	secs := int64(ttl / time.Second)
	if secs <= 0 {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL must live for at least a second, not %s", ttl)
	}
	// The SDK counts from its own clock in whole seconds, as this does.
	expires := s.now().Truncate(time.Second).Add(time.Duration(secs) * time.Second).UTC()
	u, err := s.bucket.SignURL(key, alioss.HTTPPut, secs, alioss.ContentType(contentType))
	if err != nil {
		return blob.Presigned{}, s.translate("presign", key, err)
	}
	return blob.Presigned{URL: u, Method: http.MethodPut, Header: http.Header{"Content-Type": {contentType}}, Expires: expires}, nil
}

// PresignGet returns a V1 or V4 signed URL for a GET, with the security
// token in the URL when the credentials are temporary.
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	secs := int64(ttl / time.Second)
	if secs <= 0 {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL must live for at least a second, not %s", ttl)
	}
	expires := s.now().Truncate(time.Second).Add(time.Duration(secs) * time.Second).UTC()
	u, err := s.bucket.SignURL(key, alioss.HTTPGet, secs)
	if err != nil {
		return blob.Presigned{}, s.translate("presign", key, err)
	}
	return blob.Presigned{URL: u, Method: http.MethodGet, Header: http.Header{}, Expires: expires}, nil
}

func unquote(etag string) string { return strings.Trim(etag, `"`) }

var _ blob.Store = (*Store)(nil)
