// Package s3 is a blob.Store on Amazon S3 and S3-compatible stores such as
// MinIO, through the AWS SDK for Go v2. Its configuration and credentials
// come from the environment only (see envCredentials): static keys (Lambda
// sets them from the function's role), a web identity (EKS IAM roles for
// service accounts), a container endpoint, then the EC2 instance role.
package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// Config is what an S3 store needs. Region falls back to the SDK's
// (AWS_REGION); Endpoint and PathStyle are for MinIO and the like.
type Config struct {
	Bucket    string
	Region    string
	Endpoint  string
	PathStyle bool
	Now       func() time.Time
}

// Store is one S3 bucket.
type Store struct {
	bucket  string
	client  *awss3.Client
	presign *awss3.PresignClient
	now     func() time.Time
}

// Open returns a store on cfg's bucket. It reads the environment but makes
// no request: credentials are resolved on first use.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	awsCfg, err := awsConfig(cfg.Region, os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client := awss3.NewFromConfig(awsCfg, func(o *awss3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
	})
	return &Store{bucket: cfg.Bucket, client: client, presign: awss3.NewPresignClient(client), now: cfg.Now}, nil
}

// Bucket names the bucket.
func (s *Store) Bucket() string { return s.bucket }

// Put uploads the object in one request. The body streams unsigned (its
// length is signed) and is read once, so the SDK does not retry: an
// unavailable error goes back to the caller, whose event is retried. A body of unknown size (size < 0)
// is read into memory first, since S3 needs the length up front.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Object{}, err
	}
	body, size, err := blob.ExactBody(key, r, size)
	if err != nil {
		return blob.Object{}, err
	}
	out, err := s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(key), Body: body,
		ContentLength: aws.Int64(size), ContentType: aws.String(contentType),
	}, awss3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware), noRetry)
	if err != nil {
		return blob.Object{}, s.translate("put", key, err)
	}
	return blob.Object{Key: key, Size: size, ETag: unquote(aws.ToString(out.ETag)), ContentType: contentType, Modified: s.now().UTC()}, nil
}

// Stat describes the object at key, from a HEAD request.
func (s *Store) Stat(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Object{}, err
	}
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return blob.Object{}, s.translate("stat", key, err)
	}
	return blob.Object{Key: key, Size: aws.ToInt64(out.ContentLength), ETag: unquote(aws.ToString(out.ETag)),
		ContentType: aws.ToString(out.ContentType), Modified: aws.ToTime(out.LastModified).UTC()}, nil
}

// Open reads length bytes from offset (-1: to the end) with a ranged GET.
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
	rng := "bytes=" + strconv.FormatInt(offset, 10) + "-"
	if length > 0 {
		rng += strconv.FormatInt(offset+length-1, 10)
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Range: aws.String(rng)})
	if err != nil {
		if rangeError(err) {
			return blob.PastEnd(ctx, s, key, offset, length)
		}
		return nil, s.translate("open", key, err)
	}
	return out.Body, nil
}

// PresignPut returns a SigV4 query-signed URL for a PUT of contentType; the
// content type is among the signed headers.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	if ttl < time.Second || ttl > 7*24*time.Hour {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL lives from a second to 7 days, not %s", ttl)
	}
	req, err := s.presign.PresignPutObject(ctx, &awss3.PutObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(key), ContentType: aws.String(contentType),
	}, awss3.WithPresignExpires(ttl))
	if err != nil {
		return blob.Presigned{}, s.translate("presign", key, err)
	}
	h := req.SignedHeader.Clone()
	h.Del("Host")
	h.Set("Content-Type", contentType)
	return blob.Presigned{URL: req.URL, Method: req.Method, Header: h, Expires: s.now().Add(ttl).UTC()}, nil
}

// PresignGet returns a SigV4 query-signed URL for a GET.
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	if ttl < time.Second || ttl > 7*24*time.Hour {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL lives from a second to 7 days, not %s", ttl)
	}
	req, err := s.presign.PresignGetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)},
		awss3.WithPresignExpires(ttl))
	if err != nil {
		return blob.Presigned{}, s.translate("presign", key, err)
	}
	h := req.SignedHeader.Clone()
	h.Del("Host")
	return blob.Presigned{URL: req.URL, Method: req.Method, Header: h, Expires: s.now().Add(ttl).UTC()}, nil
}

// noRetry makes one attempt: a body read once cannot be sent again.
func noRetry(o *awss3.Options) { o.RetryMaxAttempts = 1 }

func unquote(etag string) string { return strings.Trim(etag, `"`) }

var _ blob.Store = (*Store)(nil)
