//go:build !nooss

package storage

import (
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/oss"
	"github.com/logifn/logifn/shared/config"
)

// openOSS opens the OSS bucket cfg names. Builds tagged nooss leave it out.
func openOSS(cfg config.Config, now func() time.Time) (blob.Store, error) {
	return oss.Open(oss.Config{Endpoint: cfg.BlobEndpoint, Bucket: cfg.BlobBucket, Region: cfg.BlobRegion, PathStyle: cfg.BlobPathStyle,
		AccessKeyID: cfg.OSSAccessKeyID, AccessKeySecret: string(cfg.OSSAccessKeySecret), SecurityToken: string(cfg.OSSSecurityToken), Now: now})
}
