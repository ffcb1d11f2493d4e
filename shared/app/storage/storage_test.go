package storage

import (
	"context"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/blob/local"
	"github.com/logifn/logifn/shared/blob/oss"
	"github.com/logifn/logifn/shared/blob/s3"
	"github.com/logifn/logifn/shared/config"
)

func TestOpen(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	base := map[string]string{"LOGIFN_JWT_SECRET": "0123456789abcdef0123456789abcdef", "LOGIFN_BLOB_BUCKET": "bucket-1",
		"LOGIFN_BLOB_REGION": "cn-hangzhou", "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
		"LOGIFN_BLOB_DIR": t.TempDir()}
	tests := []struct {
		driver string
		check  func(any) bool
	}{
		{"", func(s any) bool { return s == nil }},
		{"local", func(s any) bool { _, ok := s.(*local.Store); return ok }},
		{"oss", func(s any) bool { _, ok := s.(*oss.Store); return ok }},
		{"s3", func(s any) bool { _, ok := s.(*s3.Store); return ok }},
	}
	for _, tt := range tests {
		t.Run("driver "+tt.driver, func(t *testing.T) {
			base["LOGIFN_BLOB_DRIVER"] = tt.driver
			cfg, err := config.Load(func(k string) string { return base[k] }, config.Function)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(context.Background(), cfg, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("Open = %T", s)
			}
			if s != nil && s.Bucket() != "bucket-1" {
				t.Errorf("bucket %s, want bucket-1", s.Bucket())
			}
		})
	}
}
