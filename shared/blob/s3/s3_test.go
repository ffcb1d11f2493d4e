package s3

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/blobtest"
	"github.com/logifn/logifn/shared/domain"
)

const keyID = "AKIDTESTKEY"

// isolate gives the SDK's default chain static credentials from the
// environment and nothing else: no shared files, no instance metadata.
func isolate(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "none")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_SESSION_TOKEN": "test-session-token",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_MAX_ATTEMPTS": "2",
	} {
		t.Setenv(k, v)
	}
}

// signed fails requests without a SigV4 signature by the test key, in the
// header (SDK calls) or the query (presigned URLs), as S3 would.
func signed(r *http.Request) error {
	auth := r.Header.Get("Authorization")
	cred := r.URL.Query().Get("X-Amz-Credential")
	if strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+keyID+"/") || strings.HasPrefix(cred, keyID+"/") {
		return nil
	}
	return errors.New("not signed with the test key")
}

func open(t *testing.T, endpoint string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{Bucket: "test-bucket", Region: "us-east-1", Endpoint: endpoint, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	isolate(t)
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, blobtest.NewFakeS3(t, "test-bucket", signed).URL)
	}, blobtest.HTTPPut, blobtest.HTTPGet)
}

func TestRequests(t *testing.T) {
	isolate(t)
	fake := blobtest.NewFakeS3(t, "test-bucket", nil)
	s := open(t, fake.URL)
	ctx := context.Background()
	if _, err := s.Put(ctx, "a b/c", strings.NewReader("x"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].URL.Path != "/test-bucket/a b/c" || reqs[0].Header.Get("X-Amz-Security-Token") != "test-session-token" {
		t.Errorf("requests %v: want one PUT of /test-bucket/a b/c (path style) with the session token", reqs)
	}
	p, err := s.PresignPut(ctx, "k", "image/png", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(p.URL)
	q := u.Query()
	if !strings.Contains(q.Get("X-Amz-SignedHeaders"), "content-type") || q.Get("X-Amz-Expires") != "60" || q.Get("X-Amz-Security-Token") == "" {
		t.Errorf("presigned URL %s: want content-type signed, 60 s and the session token", p.URL)
	}
	if p.Header.Get("Host") != "" {
		t.Errorf("presigned headers %v: Host is the URL's business", p.Header)
	}
	if _, err := s.PresignPut(ctx, "k", "image/png", 8*24*time.Hour); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("PresignPut for 8 days: err = %v, want invalid", err)
	}
}

func TestNeedsARegion(t *testing.T) {
	isolate(t)
	if _, err := Open(context.Background(), Config{Bucket: "b"}); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("Open without a region: err = %v", err)
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	if _, err := Open(context.Background(), Config{Bucket: "b"}); err != nil {
		t.Errorf("Open with AWS_REGION: %v", err)
	}
}

func TestErrors(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(unavailable.Close)
	tests := []struct {
		name     string
		endpoint string
		want     domain.Kind
	}{
		{"nothing listening", closed, domain.KindUnavailable},
		{"service unavailable", unavailable.URL, domain.KindUnavailable},
		{"access denied", blobtest.NewFakeS3(t, "test-bucket", func(*http.Request) error { return errors.New("denied") }).URL, domain.KindInternal},
		{"no such bucket", blobtest.NewFakeS3(t, "another-bucket", nil).URL, domain.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, tt.endpoint)
			if _, err := s.Put(ctx, "k", strings.NewReader("x"), 1, "text/plain"); !domain.IsKind(err, tt.want) {
				t.Errorf("Put: err = %v, want kind %s", err, tt.want)
			}
			// A HEAD answer has no body to name a missing bucket.
			if _, err := s.Stat(ctx, "k"); !domain.IsKind(err, tt.want) && tt.name != "no such bucket" {
				t.Errorf("Stat: err = %v, want kind %s", err, tt.want)
			}
		})
	}
}
