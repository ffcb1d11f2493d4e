//go:build nooss

package storage

import (
	"errors"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/config"
)

// openOSS refuses: binaries built with the nooss tag (the Lambda build)
// carry no OSS SDK.
func openOSS(config.Config, func() time.Time) (blob.Store, error) {
	return nil, errors.New("this binary is built without OSS (tag nooss, the Lambda build): " +
		"build it for Function Compute (make build) or set LOGIFN_BLOB_DRIVER=s3 or local")
}
