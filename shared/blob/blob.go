// Package blob is logifn's object storage: one small interface with three
// backends, Alibaba OSS (blob/oss), S3 and S3-compatible stores such as
// MinIO (blob/s3), and a local directory for the local platform
// (blob/local). Functions hold a Store; which backend it is comes from the
// configuration.
package blob

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Object describes one stored object.
type Object struct {
	Key         string
	Size        int64
	ETag        string // without quotes
	ContentType string
	Modified    time.Time
}

// Presigned is a URL a client may use without credentials of its own
// until Expires: a PUT of one object (an upload URL) or a GET of one (a
// download URL). Header lists the headers the request must carry exactly
// as given (the signature covers them).
type Presigned struct {
	URL     string      `json:"url"`
	Method  string      `json:"method"`
	Header  http.Header `json:"headers"`
	Expires time.Time   `json:"expires_at"`
}

// Store is a bucket. Keys are relative to the bucket and never start with
// a slash. Errors are domain errors: not found for a missing key, invalid
// for a bad key or range, unavailable when the service cannot be reached.
type Store interface {
	// Bucket names the bucket, as object-created events name it.
	Bucket() string
	// Put stores r's size bytes under key, replacing any object there.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Object, error)
	// Stat describes the object at key.
	Stat(ctx context.Context, key string) (Object, error)
	// Open reads the object at key from offset, length bytes (-1: to the end).
	Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)
	// PresignPut returns a URL to PUT an object of contentType at key.
	PresignPut(ctx context.Context, key, contentType string, ttl time.Duration) (Presigned, error)
	// PresignGet returns a URL to GET the object at key. It does not check
	// that the object exists: a GET of a missing one fails then.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (Presigned, error)
}
