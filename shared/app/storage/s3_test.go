//go:build !nos3

package storage

import (
	"testing"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/s3"
)

func TestOpenS3(t *testing.T) {
	openKind(t, "s3", func(s blob.Store) bool { _, ok := s.(*s3.Store); return ok })
}
