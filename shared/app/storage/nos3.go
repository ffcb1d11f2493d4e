//go:build nos3

package storage

import (
	"context"
	"errors"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/config"
)

// openS3 refuses: binaries built with the nos3 tag (the Function Compute
// build) carry no S3 SDK.
func openS3(context.Context, config.Config, func() time.Time) (blob.Store, error) {
	return nil, errors.New("this binary is built without S3 (tag nos3, the Function Compute build): " +
		"build it for Lambda (make build-<Name>Function) or Knative, or set LOGIFN_BLOB_DRIVER=oss or local")
}
