package local

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/blobtest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
)

// newStore opens a store in a new directory whose upload handler is
// served by a test server; created collects what the handler reports.
func newStore(t *testing.T, maxBytes int64) (*Store, *created) {
	t.Helper()
	c := &created{}
	var s *Store
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			s.DownloadHandler().ServeHTTP(w, r)
			return
		}
		s.UploadHandler(maxBytes, c.add).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s, err := Open(Config{Dir: t.TempDir(), Bucket: "test-bucket", BaseURL: srv.URL + "/", Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

type created struct {
	mu   sync.Mutex
	objs []platform.ObjectCreated
	ctxs []context.Context
}

func (c *created) add(ctx context.Context, obj platform.ObjectCreated) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.objs = append(c.objs, obj)
	c.ctxs = append(c.ctxs, ctx)
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, _ := newStore(t, 1<<20)
		return s
	}, blobtest.HTTPPut, blobtest.HTTPGet)
}

func TestLayout(t *testing.T) {
	s, _ := newStore(t, 1<<20)
	if _, err := s.Put(context.Background(), "a/b.txt", strings.NewReader("hello"), 5, "text/plain"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(s.Dir(), "a", "b.txt"))
	if err != nil || string(b) != "hello" {
		t.Errorf("object file: %q, %v; want hello", b, err)
	}
	if left, _ := os.ReadDir(filepath.Join(s.cfg.Dir, tmpDir)); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestFilePutByHand(t *testing.T) {
	s, _ := newStore(t, 1<<20)
	if err := os.WriteFile(filepath.Join(s.Dir(), "dropped.csv"), []byte("x,y"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := s.Stat(context.Background(), "dropped.csv")
	if err != nil || got.Size != 3 || got.ETag != blobtest.MD5([]byte("x,y")) || got.ContentType != "application/octet-stream" {
		t.Errorf("Stat = %+v, %v; want size 3, the MD5 and a generic type", got, err)
	}
}

func TestKeyAndFolderCollide(t *testing.T) {
	s, _ := newStore(t, 1<<20)
	ctx := context.Background()
	if _, err := s.Put(ctx, "a", strings.NewReader("x"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "a/b", strings.NewReader("y"), 1, "text/plain"); !domain.IsKind(err, domain.KindConflict) {
		t.Errorf("Put a/b over object a: err = %v, want conflict", err)
	}
	if _, err := s.Put(ctx, "c/d", strings.NewReader("y"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "c", strings.NewReader("x"), 1, "text/plain"); !domain.IsKind(err, domain.KindConflict) {
		t.Errorf("Put c over folder c: err = %v, want conflict", err)
	}
	if b, _ := os.ReadFile(filepath.Join(s.Dir(), "a")); string(b) != "x" {
		t.Errorf("object a = %q after the refused put, want x", b)
	}
}

// TestNothingEscapes plants symbolic links to a directory outside the
// store and checks that no key reads or writes through them.
func TestNothingEscapes(t *testing.T) {
	s, _ := newStore(t, 1<<20)
	ctx := context.Background()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, outside, filepath.Join(s.Dir(), "out"))
	mustSymlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(s.Dir(), "secret.txt"))
	mustSymlink(t, outside, filepath.Join(s.cfg.Dir, metaDir, s.cfg.Bucket, "metaout"))
	for _, key := range []string{"out/secret.txt", "secret.txt", "out/new.txt", "metaout/x"} {
		if _, err := s.Stat(ctx, key); err == nil {
			t.Errorf("Stat %s through a link: no error", key)
		}
		if rc, err := s.Open(ctx, key, 0, -1); err == nil {
			rc.Close()
			t.Errorf("Open %s through a link: no error", key)
		}
		if _, err := s.Put(ctx, key, strings.NewReader("evil"), 4, "text/plain"); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("Put %s through a link: err = %v, want invalid", key, err)
		}
	}
	for _, key := range []string{"../escape.txt", "/etc/passwd", "a/../../escape.txt", filepath.Join(outside, "abs.txt")} {
		if _, err := s.Put(ctx, key, strings.NewReader("evil"), 4, "text/plain"); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("Put %s: err = %v, want invalid", key, err)
		}
	}
	entries, _ := os.ReadDir(outside)
	b, _ := os.ReadFile(filepath.Join(outside, "secret.txt"))
	if len(entries) != 1 || string(b) != "secret" {
		t.Errorf("outside directory changed: %v, secret.txt = %q", entries, b)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.cfg.Dir), "escape.txt")); err == nil {
		t.Error("a file was written next to the store")
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

func TestUploadHandler(t *testing.T) {
	s, got := newStore(t, 64)
	ctx := context.Background()
	p, err := s.PresignPut(ctx, "uploads/demo/p.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	tamper := func(from, to string) blob.Presigned {
		q := p
		q.URL = strings.Replace(p.URL, from, to, 1)
		return q
	}
	withType := func(ct string) blob.Presigned {
		q := p
		q.Header = http.Header{"Content-Type": {ct}}
		return q
	}
	tests := []struct {
		name   string
		p      blob.Presigned
		body   []byte
		status int
	}{
		{"another content type", withType("text/html"), []byte("x"), http.StatusForbidden},
		{"another key", tamper("p.jpg", "q.jpg"), []byte("x"), http.StatusForbidden},
		{"no signature", tamper("sig=", "nosig="), []byte("x"), http.StatusForbidden},
		{"later expiry", tamper("expires=", "expires=9"), []byte("x"), http.StatusForbidden},
		{"bad key", tamper("uploads/demo/p.jpg", "uploads/%2E%2E/p.jpg"), []byte("x"), http.StatusBadRequest},
		{"another bucket", tamper("/test-bucket/", "/other-bucket/"), []byte("x"), http.StatusNotFound},
		{"too large", p, bytes.Repeat([]byte("x"), 65), http.StatusRequestEntityTooLarge},
		// An upload URL does not read: the download handler refuses its signature.
		{"GET", blob.Presigned{URL: p.URL, Method: http.MethodGet, Header: p.Header}, nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status := do(t, tt.p, tt.body); status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
		})
	}
	if len(got.objs) != 0 {
		t.Fatalf("refused uploads reported objects: %+v", got.objs)
	}
	if _, err := s.Stat(ctx, "uploads/demo/p.jpg"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("refused uploads stored an object: %v", err)
	}

	if status := do(t, p, []byte("jpeg")); status != http.StatusOK {
		t.Fatalf("upload: status %d, want 200", status)
	}
	if len(got.objs) != 1 {
		t.Fatalf("reported %d objects, want 1", len(got.objs))
	}
	o := got.objs[0]
	if o.Bucket != "test-bucket" || o.Key != "uploads/demo/p.jpg" || o.Size != 4 || o.ETag != blobtest.MD5([]byte("jpeg")) ||
		o.ContentType != "image/jpeg" || o.EventID == "" || o.Region != Region || time.Since(o.Time) > time.Minute {
		t.Errorf("reported %+v", o)
	}
	if err := got.ctxs[0].Err(); err != nil {
		t.Errorf("the hook's context ended with the request: %v", err)
	}
	if status := do(t, p, []byte("jpeg")); status != http.StatusOK || len(got.objs) != 2 || got.objs[1].EventID == o.EventID {
		t.Errorf("second upload: status %d, %d reports; want 200 and a new event id", status, len(got.objs))
	}
}

func TestUploadURLExpires(t *testing.T) {
	s, _ := newStore(t, 64)
	now := time.Now()
	s.cfg.Now = func() time.Time { return now }
	p, err := s.PresignPut(context.Background(), "k", "text/plain", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if status := do(t, p, []byte("x")); status != http.StatusForbidden {
		t.Errorf("expired URL: status %d, want 403", status)
	}
	if _, err := s.PresignPut(context.Background(), "k", "text/plain", 0); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("PresignPut with no lifetime: err = %v, want invalid", err)
	}
}

func do(t *testing.T, p blob.Presigned, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.Header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestUploadWithoutLength(t *testing.T) {
	s, got := newStore(t, 64)
	p, err := s.PresignPut(context.Background(), "k", "text/plain", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put := func(body []byte) int {
		// io.MultiReader hides the length: the body goes chunked.
		req, _ := http.NewRequest(p.Method, p.URL, io.MultiReader(bytes.NewReader(body)))
		req.Header = p.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := put(bytes.Repeat([]byte("x"), 65)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("65 bytes chunked: status %d, want 413", status)
	}
	if status := put([]byte("small")); status != http.StatusOK || len(got.objs) != 1 || got.objs[0].Size != 5 {
		t.Errorf("5 bytes chunked: status %d, reports %+v", status, got.objs)
	}
}

// TestDownloadHandler: a download URL reads its one object until it
// expires, and nothing else: not another key, not by PUT.
func TestDownloadHandler(t *testing.T) {
	s, got := newStore(t, 64)
	ctx := context.Background()
	now := time.Now()
	s.cfg.Now = func() time.Time { return now }
	for _, k := range []string{"thumbs/demo/a.jpg", "thumbs/demo/b.jpg"} {
		if _, err := s.Put(ctx, k, strings.NewReader("jpeg "+k), int64(len("jpeg "+k)), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.PresignGet(ctx, "thumbs/demo/a.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != "jpeg thumbs/demo/a.jpg" || res.Header.Get("Content-Type") != "image/jpeg" ||
		res.Header.Get("ETag") == "" {
		t.Fatalf("GET = %d %q (%v), want 200 with the object as image/jpeg and an ETag", res.StatusCode, body, res.Header)
	}
	missing, err := s.PresignGet(ctx, "thumbs/demo/none.jpg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	status := func(method, url string) int {
		req, _ := http.NewRequest(method, url, strings.NewReader(""))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	tests := []struct {
		name, method, url string
		want              int
	}{
		{"another key", "GET", strings.Replace(p.URL, "/a.jpg", "/b.jpg", 1), http.StatusForbidden},
		{"later expiry", "GET", strings.Replace(p.URL, "expires=", "expires=9", 1), http.StatusForbidden},
		{"PUT with a download URL", "PUT", p.URL, http.StatusForbidden},
		{"a missing object", "GET", missing.URL, http.StatusNotFound},
	}
	for _, tt := range tests {
		if got := status(tt.method, tt.url); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	now = now.Add(2 * time.Minute)
	if got := status("GET", p.URL); got != http.StatusForbidden {
		t.Errorf("GET after expiry: status %d, want 403", got)
	}
	if len(got.objs) != 0 {
		t.Errorf("downloads reported created objects: %+v", got.objs)
	}
}
