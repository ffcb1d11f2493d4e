//go:build !nos3

package storage

import (
	"context"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/s3"
	"github.com/logifn/logifn/shared/config"
)

// openS3 opens the S3 bucket cfg names. Builds tagged nos3 leave it out.
func openS3(ctx context.Context, cfg config.Config, now func() time.Time) (blob.Store, error) {
	return s3.Open(ctx, s3.Config{Bucket: cfg.BlobBucket, Region: cfg.BlobRegion, Endpoint: cfg.BlobEndpoint, PathStyle: cfg.BlobPathStyle, Now: now})
}
