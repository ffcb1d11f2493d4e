// Package storage opens the object store a function is configured with:
// OSS, S3 or a local directory. Their SDKs are large and slow to
// initialise, so a binary links them only when its main hands Backends to
// app.Main; functions without object storage start smaller and faster.
//
// Each deployed platform uses one cloud store, so its build leaves the
// other SDK out: the nos3 tag (Function Compute, which uses OSS) drops the
// S3 SDK and the nooss tag (Lambda, which uses S3) drops the OSS SDK. A
// binary asked for a store it was built without refuses to start, naming
// the tag. The local directory is always built in.
package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/local"
	"github.com/logifn/logifn/shared/config"
)

// Backends gives app.Main object storage. Pass it from the main of every
// function that reads or writes objects.
var Backends = app.Backends{Blob: Open}

// Open opens the object store cfg names, or returns nil when it names
// none. Opening makes no request to the service.
func Open(ctx context.Context, cfg config.Config, now func() time.Time) (blob.Store, error) {
	switch cfg.BlobDriver {
	case "":
		return nil, nil
	case config.BlobOSS:
		return openOSS(cfg, now)
	case config.BlobS3:
		return openS3(ctx, cfg, now)
	case config.BlobLocal:
		return local.Open(local.Config{Dir: cfg.BlobDir, Bucket: cfg.BlobBucket, BaseURL: cfg.BlobPublicURL,
			Secret: uploadKey(cfg.JWTSecret), Now: now})
	}
	return nil, fmt.Errorf("unknown object storage driver %q", cfg.BlobDriver)
}

// uploadKey derives the key that signs local upload URLs from the token
// secret, so that local mode needs no second secret.
func uploadKey(secret config.Secret) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("logifn local object upload URLs"))
	return mac.Sum(nil)
}
