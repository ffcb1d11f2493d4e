// Package memblob is a blob.Store in memory, for tests of the functions
// that read and write objects. It keeps what a bucket keeps and answers as
// the other backends do, errors included.
package memblob

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// Store is an in-memory bucket. The zero value is not usable; call New.
type Store struct {
	bucket string
	now    func() time.Time
	mu     sync.Mutex
	objs   map[string]entry
}

type entry struct {
	data []byte
	obj  blob.Object
}

// New returns an empty bucket named bucket.
func New(bucket string) *Store {
	return &Store{bucket: bucket, now: time.Now, objs: map[string]entry{}}
}

// Bucket names the bucket.
func (s *Store) Bucket() string { return s.bucket }

// Put stores the object; its ETag is the MD5 of its bytes, as S3 and OSS
// give for a single-part upload.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Object{}, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return blob.Object{}, err
	}
	if size >= 0 && int64(len(data)) != size {
		return blob.Object{}, domain.Errorf(domain.KindInvalid, "size_mismatch", "object %s: got %d bytes, want %d", key, len(data), size)
	}
	sum := md5.Sum(data)
	obj := blob.Object{Key: key, Size: int64(len(data)), ETag: hex.EncodeToString(sum[:]), ContentType: contentType, Modified: s.now().UTC()}
	s.mu.Lock()
	s.objs[key] = entry{data: data, obj: obj}
	s.mu.Unlock()
	return obj, nil
}

// Stat describes the object at key.
func (s *Store) Stat(ctx context.Context, key string) (blob.Object, error) {
	e, err := s.get(key)
	return e.obj, err
}

// Open reads length bytes from offset (-1: to the end).
func (s *Store) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	e, err := s.get(key)
	if err != nil {
		return nil, err
	}
	size := int64(len(e.data))
	if offset < 0 || offset > size || length < -1 {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_range", "range %d+%d outside object %s of %d bytes", offset, length, key, size)
	}
	end := size
	if length >= 0 && offset+length < size {
		end = offset + length
	}
	return io.NopCloser(bytes.NewReader(e.data[offset:end])), nil
}

// PresignGet returns a mem:// URL; memblob serves no HTTP.
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	if ttl <= 0 {
		return blob.Presigned{}, domain.Errorf(domain.KindInvalid, "invalid_expiry", "a presigned URL must live for a positive time, not %s", ttl)
	}
	return blob.Presigned{URL: "mem://" + s.bucket + "/" + key, Method: http.MethodGet, Header: http.Header{},
		Expires: s.now().Add(ttl).UTC()}, nil
}

// PresignPut returns a mem:// URL; memblob serves no HTTP.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, ttl time.Duration) (blob.Presigned, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Presigned{}, err
	}
	return blob.Presigned{URL: "mem://" + s.bucket + "/" + key, Method: http.MethodPut,
		Header: http.Header{"Content-Type": {contentType}}, Expires: s.now().Add(ttl).UTC()}, nil
}

// Keys lists the keys under prefix, sorted.
func (s *Store) Keys(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.objs {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Bytes returns the content of the object at key, or nil.
func (s *Store) Bytes(key string) []byte {
	e, _ := s.get(key)
	return e.data
}

func (s *Store) get(key string) (entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.objs[key]
	if !ok {
		return entry{}, domain.Errorf(domain.KindNotFound, "object_not_found", "no object %s in bucket %s", truncateKey(key), s.bucket)
	}
	return e, nil
}

func truncateKey(k string) string {
	if len(k) > 80 {
		return k[:80]
	}
	return k
}

var _ blob.Store = (*Store)(nil)
