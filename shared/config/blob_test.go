package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestBlobDefaults(t *testing.T) {
	fn, err := Load(env(map[string]string{"LOGIFN_JWT_SECRET": secret}), Function)
	if err != nil {
		t.Fatal(err)
	}
	if fn.BlobDriver != "" {
		t.Errorf("function mode: driver %q, want none", fn.BlobDriver)
	}
	local, err := Load(env(map[string]string{"LOGIFN_DATA_DIR": "d", "LOGIFN_ADDR": "127.0.0.1:9"}), Local)
	if err != nil {
		t.Fatal(err)
	}
	if local.BlobDriver != BlobLocal || local.BlobBucket != LocalBlobBucket || local.BlobDir != "d/objects" || local.BlobPublicURL != "http://127.0.0.1:9" {
		t.Errorf("local mode: driver %q, bucket %q, dir %q, public URL %q", local.BlobDriver, local.BlobBucket, local.BlobDir, local.BlobPublicURL)
	}
}

func TestBlobSettings(t *testing.T) {
	m := map[string]string{"LOGIFN_JWT_SECRET": secret, "LOGIFN_BLOB_DRIVER": "OSS", "LOGIFN_BLOB_BUCKET": "waybills",
		"LOGIFN_BLOB_REGION": "cn-hangzhou", "LOGIFN_BLOB_PATH_STYLE": "true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID": "STS.id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk-hunter2", "ALIBABA_CLOUD_SECURITY_TOKEN": "token-hunter3"}
	c, err := Load(env(m), Function)
	if err != nil {
		t.Fatal(err)
	}
	if c.BlobDriver != BlobOSS || c.BlobBucket != "waybills" || !c.BlobPathStyle || c.OSSAccessKeyID != "STS.id" ||
		c.OSSAccessKeySecret != "sk-hunter2" || c.OSSSecurityToken != "token-hunter3" {
		t.Errorf("got %+v", c)
	}
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(out, "hunter") {
			t.Errorf("secret printed: %s", out)
		}
	}
}

func TestBlobRejectsBadValues(t *testing.T) {
	base := map[string]string{"LOGIFN_JWT_SECRET": secret, "LOGIFN_BLOB_DRIVER": "s3", "LOGIFN_BLOB_BUCKET": "b-1"}
	tests := []struct {
		name string
		set  map[string]string
		want string
	}{
		{"unknown driver", map[string]string{"LOGIFN_BLOB_DRIVER": "gcs"}, "LOGIFN_BLOB_DRIVER"},
		{"no bucket", map[string]string{"LOGIFN_BLOB_BUCKET": ""}, "LOGIFN_BLOB_BUCKET is required"},
		{"bad bucket", map[string]string{"LOGIFN_BLOB_BUCKET": "Bad_Bucket"}, "LOGIFN_BLOB_BUCKET"},
		{"bad endpoint", map[string]string{"LOGIFN_BLOB_ENDPOINT": "minio:9000"}, "LOGIFN_BLOB_ENDPOINT"},
		{"bad path style", map[string]string{"LOGIFN_BLOB_PATH_STYLE": "sometimes"}, "LOGIFN_BLOB_PATH_STYLE"},
		{"oss without credentials", map[string]string{"LOGIFN_BLOB_DRIVER": "oss", "LOGIFN_BLOB_REGION": "cn-hangzhou"}, "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{"oss without endpoint", map[string]string{"LOGIFN_BLOB_DRIVER": "oss", "ALIBABA_CLOUD_ACCESS_KEY_ID": "a", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "b"}, "LOGIFN_BLOB_ENDPOINT"},
		{"local with a bad public URL", map[string]string{"LOGIFN_BLOB_DRIVER": "local", "LOGIFN_BLOB_PUBLIC_URL": "ftp://x"}, "LOGIFN_BLOB_PUBLIC_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range base {
				m[k] = v
			}
			for k, v := range tt.set {
				m[k] = v
			}
			if _, err := Load(env(m), Function); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one naming %s", err, tt.want)
			}
		})
	}
	if _, err := Load(env(base), Function); err != nil {
		t.Errorf("s3 with a bucket: %v", err)
	}
}

// TestValidBucket: the bucket rule OSS and S3 share, at its edges.
func TestValidBucket(t *testing.T) {
	tests := map[string]bool{
		"abc": true, "logifn-local": true, "a.b-c9": true, "0ab": true, strings.Repeat("a", 63): true,
		"": false, "ab": false, strings.Repeat("a", 64): false, "-ab": false, "ab-": false, ".ab": false,
		"ab.": false, "Bad_Bucket": false, "aBc": false, "a_b": false, "a b": false, "añb": false,
	}
	for name, want := range tests {
		if got := validBucket(name); got != want {
			t.Errorf("validBucket(%q) = %v, want %v", name, got, want)
		}
	}
}
