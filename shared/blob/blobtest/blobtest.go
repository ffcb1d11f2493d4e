// Package blobtest is the conformance suite every blob.Store backend runs:
// the same cases on memblob, the local directory, OSS and S3, so that a
// function behaves the same on each.
package blobtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// PresignedPut uploads body as a client holding only p would. Run skips
// the presigned cases when it is nil.
type PresignedPut func(p blob.Presigned, body []byte) error

// PresignedGet downloads the object a client holding only p would get.
// Run skips the presigned download cases when it is nil.
type PresignedGet func(p blob.Presigned) ([]byte, error)

// Run runs every case against a fresh store from newStore.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store, put PresignedPut, get PresignedGet) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"put and stat", testPutStat},
		{"open ranges", testOpenRanges},
		{"not found", testNotFound},
		{"bad keys", testBadKeys},
		{"overwrite", testOverwrite},
		{"empty object", testEmpty},
		{"unknown size", testUnknownSize},
		{"size mismatch keeps the old object", testSizeMismatch},
		{"keys with spaces and non-ASCII", testOddKeys},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, newStore(t)) })
	}
	t.Run("presigned put", func(t *testing.T) {
		if put == nil {
			t.Skip("this backend serves no presigned URLs")
		}
		testPresignedPut(t, newStore(t), put)
	})
	t.Run("presigned get", func(t *testing.T) {
		if get == nil {
			t.Skip("this backend serves no presigned URLs")
		}
		testPresignedGet(t, newStore(t), get)
	})
}

// HTTPPut is a PresignedPut over HTTP: p's method, URL and headers, and
// nothing else. Any status but 2xx is an error naming it.
func HTTPPut(p blob.Presigned, body []byte) error {
	req, err := http.NewRequest(p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, vs := range p.Header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", p.Method, p.URL, resp.StatusCode, msg)
	}
	return nil
}

// HTTPGet is a PresignedGet over HTTP: p's method, URL and headers, and
// nothing else. Any status but 200 is an error naming it.
func HTTPGet(p blob.Presigned) ([]byte, error) {
	req, err := http.NewRequest(p.Method, p.URL, nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range p.Header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %d %.2048s", p.Method, p.URL, resp.StatusCode, body)
	}
	return body, nil
}

// MD5 is the ETag a single-part upload of b gets.
func MD5(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func testPutStat(t *testing.T, s blob.Store) {
	ctx := context.Background()
	if s.Bucket() == "" {
		t.Error("Bucket() is empty")
	}
	body := []byte("waybill LF00000000078 label")
	before := time.Now().Add(-time.Minute)
	put := mustPut(t, s, "tenants/demo/labels/LF00000000078.png", body, "image/png")
	want := blob.Object{Key: "tenants/demo/labels/LF00000000078.png", Size: int64(len(body)), ETag: MD5(body), ContentType: "image/png"}
	checkObject(t, "Put", put, want, before)
	got, err := s.Stat(ctx, want.Key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", got, want, before)
	if got.ETag != put.ETag {
		t.Errorf("Stat ETag %q, Put ETag %q: want the same", got.ETag, put.ETag)
	}
	if b := read(t, s, want.Key, 0, -1); !bytes.Equal(b, body) {
		t.Errorf("Open = %q, want %q", b, body)
	}
}

func testOpenRanges(t *testing.T, s blob.Store) {
	body := []byte("0123456789")
	mustPut(t, s, "scans/file.csv", body, "text/csv")
	tests := []struct {
		offset, length int64
		want           string
	}{
		{0, -1, "0123456789"},
		{2, 3, "234"},
		{5, -1, "56789"},
		{9, 1, "9"},
		{0, 100, "0123456789"},
		{7, 100, "789"},
		{10, -1, ""},
		{3, 0, ""},
	}
	for _, tt := range tests {
		if got := read(t, s, "scans/file.csv", tt.offset, tt.length); string(got) != tt.want {
			t.Errorf("Open(%d, %d) = %q, want %q", tt.offset, tt.length, got, tt.want)
		}
	}
	for _, r := range [][2]int64{{11, -1}, {-1, 2}, {0, -2}} {
		rc, err := s.Open(context.Background(), "scans/file.csv", r[0], r[1])
		if err == nil {
			rc.Close()
		}
		checkKind(t, fmt.Sprintf("Open(%d, %d)", r[0], r[1]), err, domain.KindInvalid)
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "a/b", []byte("x"), "text/plain")
	for _, key := range []string{"missing", "a", "a/b/c", "a/bb"} {
		_, err := s.Stat(ctx, key)
		checkKind(t, "Stat "+key, err, domain.KindNotFound)
		rc, err := s.Open(ctx, key, 0, -1)
		if err == nil {
			rc.Close()
		}
		checkKind(t, "Open "+key, err, domain.KindNotFound)
	}
}

// BadKeys returns keys every backend refuses.
func BadKeys() []string {
	return []string{"", "/abs/path", "../escape", "a/../../b", "a/./b", "a//b", "a/", `a\b`, "nul\x00byte",
		"line\nbreak", strings.Repeat("k", blob.MaxKeyLen+1), "bad\xffutf8"}
}

func testBadKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, key := range BadKeys() {
		_, err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "text/plain")
		checkKind(t, fmt.Sprintf("Put %q", key), err, domain.KindInvalid)
		_, err = s.PresignPut(ctx, key, "text/plain", time.Minute)
		checkKind(t, fmt.Sprintf("PresignPut %q", key), err, domain.KindInvalid)
		// Reading a bad key finds nothing, whichever way a backend says so.
		if _, err := s.Stat(ctx, key); !domain.IsKind(err, domain.KindInvalid) && !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("Stat %q: err = %v, want invalid or not found", key, err)
		}
		rc, err := s.Open(ctx, key, 0, -1)
		if err == nil {
			rc.Close()
		}
		if !domain.IsKind(err, domain.KindInvalid) && !domain.IsKind(err, domain.KindNotFound) {
			t.Errorf("Open %q: err = %v, want invalid or not found", key, err)
		}
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	mustPut(t, s, "k", []byte("first version"), "text/plain")
	second := []byte("second")
	mustPut(t, s, "k", second, "application/json")
	got, err := s.Stat(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if got.Size != int64(len(second)) || !strings.EqualFold(got.ETag, MD5(second)) || got.ContentType != "application/json" {
		t.Errorf("after overwrite Stat = %+v, want size %d, ETag %s, application/json", got, len(second), MD5(second))
	}
	if b := read(t, s, "k", 0, -1); !bytes.Equal(b, second) {
		t.Errorf("after overwrite Open = %q, want %q", b, second)
	}
}

func testEmpty(t *testing.T, s blob.Store) {
	put := mustPut(t, s, "empty.txt", nil, "text/plain")
	if put.Size != 0 || !strings.EqualFold(put.ETag, MD5(nil)) {
		t.Errorf("Put empty = %+v, want size 0 and ETag %s", put, MD5(nil))
	}
	if b := read(t, s, "empty.txt", 0, -1); len(b) != 0 {
		t.Errorf("Open empty = %q", b)
	}
}

func testUnknownSize(t *testing.T, s blob.Store) {
	body := bytes.Repeat([]byte("scan;"), 1000)
	obj, err := s.Put(context.Background(), "unknown", io.MultiReader(bytes.NewReader(body)), -1, "text/csv")
	if err != nil {
		t.Fatalf("Put with size -1: %v", err)
	}
	if obj.Size != int64(len(body)) {
		t.Errorf("Put with size -1: size %d, want %d", obj.Size, len(body))
	}
	if b := read(t, s, "unknown", 0, -1); !bytes.Equal(b, body) {
		t.Errorf("Open after a put of unknown size: %d bytes, want %d", len(b), len(body))
	}
}

func testSizeMismatch(t *testing.T, s blob.Store) {
	ctx := context.Background()
	mustPut(t, s, "k", []byte("old"), "text/plain")
	for _, size := range []int64{10, 2} {
		// io.MultiReader hides the length, as a network body would.
		_, err := s.Put(ctx, "k", io.MultiReader(strings.NewReader("new!")), size, "text/plain")
		checkKind(t, fmt.Sprintf("Put of 4 bytes as %d", size), err, domain.KindInvalid)
	}
	if b := read(t, s, "k", 0, -1); string(b) != "old" {
		t.Errorf("after failed puts Open = %q, want the old object", b)
	}
}

func testOddKeys(t *testing.T, s blob.Store) {
	for _, key := range []string{"waybills/LF 0000+0078/照片 1.jpg", "a%2Fb/100%", "x?y#z&w=1", "~tilde/(paren)!*'"} {
		body := []byte(key)
		mustPut(t, s, key, body, "image/jpeg")
		got, err := s.Stat(context.Background(), key)
		if err != nil || got.Key != key || got.Size != int64(len(body)) {
			t.Errorf("Stat %q = %+v, %v", key, got, err)
		}
		if b := read(t, s, key, 0, -1); !bytes.Equal(b, body) {
			t.Errorf("Open %q = %q", key, b)
		}
	}
}

func testPresignedPut(t *testing.T, s blob.Store, put PresignedPut) {
	ctx := context.Background()
	for _, key := range []string{"uploads/demo/LF00000000078/label.jpg", "uploads/demo/照片 +1%.jpg"} {
		before := time.Now()
		p, err := s.PresignPut(ctx, key, "image/jpeg", 5*time.Minute)
		if err != nil {
			t.Fatalf("PresignPut: %v", err)
		}
		if p.Method != http.MethodPut || p.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("PresignPut = %s with headers %v, want PUT with Content-Type image/jpeg", p.Method, p.Header)
		}
		if p.Expires.Before(before.Add(4*time.Minute)) || p.Expires.After(before.Add(6*time.Minute)) {
			t.Errorf("PresignPut expires %s, want about 5 minutes after %s", p.Expires, before)
		}
		body := []byte("\xff\xd8 jpeg bytes of " + key)
		if err := put(p, body); err != nil {
			t.Fatalf("PUT to the presigned URL: %v", err)
		}
		got, err := s.Stat(ctx, key)
		if err != nil {
			t.Fatalf("Stat after a presigned PUT: %v", err)
		}
		want := blob.Object{Key: key, Size: int64(len(body)), ETag: MD5(body), ContentType: "image/jpeg"}
		checkObject(t, "Stat after a presigned PUT", got, want, before.Add(-time.Minute))
		if b := read(t, s, key, 0, -1); !bytes.Equal(b, body) {
			t.Errorf("Open after a presigned PUT = %q, want %q", b, body)
		}
	}
}

func testPresignedGet(t *testing.T, s blob.Store, get PresignedGet) {
	ctx := context.Background()
	for _, key := range []string{"thumbs/demo/LF00000000078/label/0a1b.jpg", "images/demo/照片 +1%.png"} {
		body := []byte("\x89PNG bytes of " + key)
		mustPut(t, s, key, body, "image/png")
		before := time.Now()
		p, err := s.PresignGet(ctx, key, 5*time.Minute)
		if err != nil {
			t.Fatalf("PresignGet: %v", err)
		}
		if p.Method != http.MethodGet {
			t.Errorf("PresignGet method %s, want GET", p.Method)
		}
		if p.Expires.Before(before.Add(4*time.Minute)) || p.Expires.After(before.Add(6*time.Minute)) {
			t.Errorf("PresignGet expires %s, want about 5 minutes after %s", p.Expires, before)
		}
		got, err := get(p)
		if err != nil {
			t.Fatalf("GET of the presigned URL: %v", err)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("GET of the presigned URL = %q, want %q", got, body)
		}
	}
	for _, key := range BadKeys() {
		if _, err := s.PresignGet(ctx, key, time.Minute); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("PresignGet(%q): err = %v, want invalid", key, err)
		}
	}
	if _, err := s.PresignGet(ctx, "images/a.png", -time.Second); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("PresignGet for 0s: err = %v, want invalid", err)
	}
}

func mustPut(t *testing.T, s blob.Store, key string, body []byte, contentType string) blob.Object {
	t.Helper()
	obj, err := s.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), contentType)
	if err != nil {
		t.Fatalf("Put %s: %v", key, err)
	}
	return obj
}

func read(t *testing.T, s blob.Store, key string, offset, length int64) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), key, offset, length)
	if err != nil {
		t.Fatalf("Open(%s, %d, %d): %v", key, offset, length, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

// checkObject compares got with want; ETags compare without case (OSS
// gives upper-case hex) and Modified must be set and recent.
func checkObject(t *testing.T, what string, got, want blob.Object, notBefore time.Time) {
	t.Helper()
	if got.Key != want.Key || got.Size != want.Size || !strings.EqualFold(got.ETag, want.ETag) || got.ContentType != want.ContentType {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
	if got.Modified.Before(notBefore) || got.Modified.After(time.Now().Add(time.Minute)) {
		t.Errorf("%s: modified %s, want about now", what, got.Modified)
	}
}

func checkKind(t *testing.T, what string, err error, want domain.Kind) {
	t.Helper()
	if !domain.IsKind(err, want) {
		t.Errorf("%s: err = %v, want kind %s", what, err, want)
	}
}
