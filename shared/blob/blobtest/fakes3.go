package blobtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// FakeS3 is an in-process S3-compatible server (gofakes3) on 127.0.0.1,
// path style, with one bucket. Both SDKs talk to it: the AWS SDK as to
// MinIO, the OSS SDK because it addresses an IP endpoint in path style.
type FakeS3 struct {
	URL    string
	Bucket string

	mu       sync.Mutex
	check    func(r *http.Request) error
	requests []*http.Request
}

// NewFakeS3 starts a server with bucket and stops it when t ends. check,
// when not nil, sees every request first; a request it fails is answered
// 403 with its error, as a service refusing bad credentials would.
func NewFakeS3(t *testing.T, bucket string, check func(r *http.Request) error) *FakeS3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	f := &FakeS3{Bucket: bucket, check: check}
	fake := gofakes3.New(backend).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Clone(r.Context()))
		f.mu.Unlock()
		if f.check != nil {
			if err := f.check(r); err != nil {
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, "<Error><Code>AccessDenied</Code><Message>%s</Message></Error>", err)
				return
			}
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Requests returns the requests received so far.
func (f *FakeS3) Requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}
