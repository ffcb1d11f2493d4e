package storage

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/local"
	"github.com/logifn/logifn/shared/config"
)

// open loads a function's configuration with LOGIFN_BLOB_DRIVER=driver
// and a bucket every driver accepts, and opens its object store.
func open(t *testing.T, driver string) (blob.Store, error) {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	env := map[string]string{"LOGIFN_JWT_SECRET": "0123456789abcdef0123456789abcdef", "LOGIFN_BLOB_BUCKET": "bucket-1",
		"LOGIFN_BLOB_REGION": "cn-hangzhou", "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
		"LOGIFN_BLOB_DIR": t.TempDir(), "LOGIFN_BLOB_DRIVER": driver}
	cfg, err := config.Load(func(k string) string { return env[k] }, config.Function)
	if err != nil {
		t.Fatal(err)
	}
	return Open(context.Background(), cfg, time.Now)
}

// openKind opens driver and fails unless it yields a store of the type
// check accepts, on bucket-1.
func openKind(t *testing.T, driver string, check func(blob.Store) bool) {
	t.Helper()
	s, err := open(t, driver)
	if err != nil {
		t.Fatal(err)
	}
	if !check(s) {
		t.Fatalf("Open(%q) = %T", driver, s)
	}
	if s.Bucket() != "bucket-1" {
		t.Errorf("bucket %s, want bucket-1", s.Bucket())
	}
}

func TestOpenNone(t *testing.T) {
	if s, err := open(t, ""); s != nil || err != nil {
		t.Errorf("Open(no driver) = %v, %v; want nil, nil", s, err)
	}
}

// The local directory is built into every binary, whatever its tags.
func TestOpenLocal(t *testing.T) {
	openKind(t, "local", func(s blob.Store) bool { _, ok := s.(*local.Store); return ok })
}

// TestTagsLeaveSDKsOut: the nos3 tag keeps the S3 SDK (and STS) out of
// this package's dependencies and nooss the OSS SDK, while the other
// stays in; without tags both are linked.
func TestTagsLeaveSDKsOut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const s3SDK, stsSDK, ossSDK = "github.com/aws/aws-sdk-go-v2/service/s3", "github.com/aws/aws-sdk-go-v2/service/sts", "github.com/aliyun/aliyun-oss-go-sdk/oss"
	for _, tt := range []struct {
		tags      string
		in, notIn []string
	}{
		{"", []string{s3SDK, stsSDK, ossSDK}, nil},
		{"nos3", []string{ossSDK}, []string{s3SDK, stsSDK}},
		{"nooss", []string{s3SDK, stsSDK}, []string{ossSDK}},
		{"nos3,nooss", nil, []string{s3SDK, stsSDK, ossSDK}},
	} {
		t.Run("tags "+tt.tags, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-tags", tt.tags, ".").CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			deps := map[string]bool{}
			for _, p := range strings.Fields(string(out)) {
				deps[p] = true
			}
			for _, p := range tt.in {
				if !deps[p] {
					t.Errorf("%s not linked, want it", p)
				}
			}
			for _, p := range tt.notIn {
				if deps[p] {
					t.Errorf("%s linked, want it left out", p)
				}
			}
		})
	}
}
