//go:build nooss

package storage

import (
	"strings"
	"testing"
)

// TestOpenWithoutOSS: a binary built with the nooss tag refuses an OSS
// bucket, naming the tag and the drivers it has. Run it with
// `go test -tags nooss ./shared/app/storage/`.
func TestOpenWithoutOSS(t *testing.T) {
	s, err := open(t, "oss")
	if s != nil || err == nil || !strings.Contains(err.Error(), "tag nooss") || !strings.Contains(err.Error(), "LOGIFN_BLOB_DRIVER=s3") {
		t.Fatalf("Open(oss) = %v, %v; want an error naming tag nooss and LOGIFN_BLOB_DRIVER=s3", s, err)
	}
}
