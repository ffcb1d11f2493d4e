package oss

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/blobtest"
	"github.com/logifn/logifn/shared/domain"
)

const (
	keyID  = "STS.test-key-id"
	secret = "test-key-secret"
	token  = "test-security-token"
)

// requireToken fails requests that do not carry the STS token, in the
// header (SDK calls) or the query (presigned URLs), as OSS would.
func requireToken(r *http.Request) error {
	if r.Header.Get("X-Oss-Security-Token") == token || r.URL.Query().Get("security-token") == token ||
		r.URL.Query().Get("x-oss-security-token") == token {
		return nil
	}
	return errors.New("no security token")
}

func open(t *testing.T, endpoint, region string) *Store {
	t.Helper()
	s, err := Open(Config{Endpoint: endpoint, Bucket: "test-bucket", Region: region,
		AccessKeyID: keyID, AccessKeySecret: secret, SecurityToken: token})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	for _, region := range []string{"", "cn-hangzhou"} {
		name := "V1 signature"
		if region != "" {
			name = "V4 signature"
		}
		t.Run(name, func(t *testing.T) {
			blobtest.Run(t, func(t *testing.T) blob.Store {
				return open(t, blobtest.NewFakeS3(t, "test-bucket", requireToken).URL, region)
			}, blobtest.HTTPPut, blobtest.HTTPGet)
		})
	}
}

func TestSendsTheSecurityToken(t *testing.T) {
	fake := blobtest.NewFakeS3(t, "test-bucket", nil)
	s := open(t, fake.URL, "")
	ctx := context.Background()
	if _, err := s.Put(ctx, "k", strings.NewReader("x"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Header.Get("X-Oss-Security-Token") != token || !strings.Contains(reqs[0].Header.Get("Authorization"), keyID) {
		t.Errorf("requests %v: want one carrying the token and signed with the key id", reqs)
	}
	if reqs[0].URL.Path != "/test-bucket/k" {
		t.Errorf("path %s, want /test-bucket/k (path style on an IP endpoint)", reqs[0].URL.Path)
	}
	p, err := s.PresignPut(ctx, "k", "image/png", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(p.URL)
	if q := u.Query(); q.Get("security-token") != token || q.Get("OSSAccessKeyId") != keyID || q.Get("Signature") == "" || q.Get("Expires") == "" {
		t.Errorf("presigned URL %s: want the token, key id, signature and expiry in it", p.URL)
	}
	if !strings.HasPrefix(p.URL, fake.URL+"/test-bucket/k?") {
		t.Errorf("presigned URL %s, want it on %s/test-bucket/k", p.URL, fake.URL)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	status := func(code int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	tests := []struct {
		name     string
		endpoint string
		want     domain.Kind
	}{
		{"nothing listening", closed, domain.KindUnavailable},
		{"service unavailable", status(http.StatusServiceUnavailable), domain.KindUnavailable},
		{"access denied", blobtest.NewFakeS3(t, "test-bucket", func(*http.Request) error { return errors.New("denied") }).URL, domain.KindInternal},
		{"no such bucket", blobtest.NewFakeS3(t, "another-bucket", nil).URL, domain.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, tt.endpoint, "")
			_, err := s.Put(ctx, "k", strings.NewReader("x"), 1, "text/plain")
			if !domain.IsKind(err, tt.want) {
				t.Errorf("Put: err = %v, want kind %s", err, tt.want)
			}
			// A HEAD answer has no body: gofakes3 cannot say the bucket is
			// missing (OSS can, in a header), so Stat finds no object.
			if _, err := s.Stat(ctx, "k"); !domain.IsKind(err, tt.want) && tt.name != "no such bucket" {
				t.Errorf("Stat: err = %v, want kind %s", err, tt.want)
			}
			if strings.Contains(domainMessage(err), secret) {
				t.Errorf("message shows the secret: %v", err)
			}
		})
	}
}

func domainMessage(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// TestPresignedURLSignsTheContentType recomputes the V1 signature of a
// presigned URL as OSS does: the content type and the security token are
// part of what is signed, so a PUT with another type is refused.
func TestPresignedURLSignsTheContentType(t *testing.T) {
	s := open(t, "http://127.0.0.1:1", "")
	p, err := s.PresignPut(context.Background(), "uploads/照片 1.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	sign := func(contentType string) string {
		toSign := "PUT\n\n" + contentType + "\n" + q.Get("Expires") + "\n" + "/test-bucket/uploads/照片 1.jpg?security-token=" + token
		mac := hmac.New(sha1.New, []byte(secret))
		mac.Write([]byte(toSign))
		return base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	if got := q.Get("Signature"); got != sign("image/jpeg") || got == sign("text/html") {
		t.Errorf("signature %s, want %s (with the content type and token signed)", got, sign("image/jpeg"))
	}
	exp, _ := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if d := time.Until(time.Unix(exp, 0)); d < 50*time.Second || d > 70*time.Second || p.Expires.Sub(time.Unix(exp, 0)).Abs() > time.Second {
		t.Errorf("expires in %s (at %s, reported %s), want a minute", d, time.Unix(exp, 0), p.Expires)
	}
}
