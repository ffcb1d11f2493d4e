//go:build !nooss

package storage

import (
	"testing"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/oss"
)

func TestOpenOSS(t *testing.T) {
	openKind(t, "oss", func(s blob.Store) bool { _, ok := s.(*oss.Store); return ok })
}
