//go:build nos3

package storage

import (
	"strings"
	"testing"
)

// TestOpenWithoutS3: a binary built with the nos3 tag refuses an S3
// bucket, naming the tag and the drivers it has. Run it with
// `go test -tags nos3 ./shared/app/storage/`.
func TestOpenWithoutS3(t *testing.T) {
	s, err := open(t, "s3")
	if s != nil || err == nil || !strings.Contains(err.Error(), "tag nos3") || !strings.Contains(err.Error(), "LOGIFN_BLOB_DRIVER=oss") {
		t.Fatalf("Open(s3) = %v, %v; want an error naming tag nos3 and LOGIFN_BLOB_DRIVER=oss", s, err)
	}
}
