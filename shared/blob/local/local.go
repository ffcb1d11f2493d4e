// Package local is a blob.Store in a directory, for the local platform.
// Objects of bucket B live in DIR/B/<key>; their content type and ETag in a
// metadata file under DIR/.meta/B/<key>. Every path is resolved inside DIR
// through os.Root and no key may cross a symbolic link, so nothing outside
// the directory can be read or written whatever the key or the directory
// holds. Writes go to a temporary file that is renamed into place.
package local

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
)

// Config is what a local store needs.
type Config struct {
	Dir     string // the object directory; created when missing
	Bucket  string
	BaseURL string // where the upload handler is served, such as http://127.0.0.1:8080
	Secret  []byte // signs presigned upload URLs
	Now     func() time.Time
}

// Store is a bucket in a directory.
type Store struct {
	cfg  Config
	root *os.Root
	// mu keeps an object's data and metadata files in step within this
	// process: a reader never sees one writer's data with another's metadata.
	mu sync.RWMutex
}

// meta is the content of an object's metadata file.
type meta struct {
	ContentType string `json:"content_type"`
	ETag        string `json:"etag"`
	Size        int64  `json:"size"`
}

const (
	metaDir = ".meta" // bucket names never start with a dot
	tmpDir  = ".tmp"
)

// Open opens (and creates) the object directory of cfg.
func Open(cfg Config) (*Store, error) {
	if cfg.Bucket == "" || strings.ContainsAny(cfg.Bucket, `/\`) || strings.HasPrefix(cfg.Bucket, ".") {
		return nil, fmt.Errorf("local object store: bad bucket name %q", cfg.Bucket)
	}
	if len(cfg.Secret) < 16 {
		return nil, errors.New("local object store: the URL signing secret is too short")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	for _, d := range []string{cfg.Bucket, filepath.Join(metaDir, cfg.Bucket), tmpDir} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("local object store: %w", err)
		}
	}
	root, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("local object store: %w", err)
	}
	return &Store{cfg: cfg, root: root}, nil
}

// Close releases the directory.
func (s *Store) Close() error { return s.root.Close() }

// Bucket names the bucket.
func (s *Store) Bucket() string { return s.cfg.Bucket }

// Dir is the directory the bucket's objects are kept in.
func (s *Store) Dir() string { return filepath.Join(s.cfg.Dir, s.cfg.Bucket) }

// Put stores the object: its data and metadata are written to temporary
// files and renamed into place, so a reader sees the old object or the new
// one. Its ETag is the hex MD5 of the data.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Object, error) {
	if err := s.checkKey(key); err != nil {
		return blob.Object{}, err
	}
	tmp, m, err := s.writeTemp(key, r, size, contentType)
	if err != nil {
		return blob.Object{}, err
	}
	defer s.root.Remove(tmp)
	metaTmp, err := s.writeMetaTemp(m)
	if err != nil {
		return blob.Object{}, fmt.Errorf("store object %s: %w", key, err)
	}
	defer s.root.Remove(metaTmp)
	if err := s.install(key, tmp, metaTmp); err != nil {
		return blob.Object{}, err
	}
	return s.Stat(ctx, key)
}

// writeTemp copies r to a temporary file and returns its name and the
// object's metadata. A body shorter or longer than size (when size is not
// negative) is refused.
func (s *Store) writeTemp(key string, r io.Reader, size int64, contentType string) (string, meta, error) {
	f, name, err := s.createTemp()
	if err != nil {
		return "", meta{}, fmt.Errorf("store object %s: %w", key, err)
	}
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && size >= 0 && n != size {
		err = domain.Errorf(domain.KindInvalid, "size_mismatch", "object %s: got %d bytes, want %d", key, n, size)
	}
	if err != nil {
		s.root.Remove(name)
		return "", meta{}, fmt.Errorf("store object %s: %w", key, err)
	}
	return name, meta{ContentType: contentType, ETag: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

func (s *Store) writeMetaTemp(m meta) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	f, name, err := s.createTemp()
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return name, err
}

// createTemp creates a new file under the temporary directory.
func (s *Store) createTemp() (*os.File, string, error) {
	for range 10 {
		name := path.Join(tmpDir, randomName())
		f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", errors.New("no free temporary file name")
}

// install renames the data and metadata files into place.
func (s *Store) install(key, data, metaFile string) error {
	dataPath, metaPath := s.paths(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range []string{dataPath, metaPath} {
		if err := s.root.MkdirAll(path.Dir(p), 0o755); err != nil {
			return s.writeError(key, err)
		}
	}
	if err := s.root.Rename(metaFile, metaPath); err != nil {
		return s.writeError(key, err)
	}
	if err := s.root.Rename(data, dataPath); err != nil {
		return s.writeError(key, err)
	}
	return nil
}

// writeError explains a failed write: a key that would need a folder
// where an object is, or the other way round, is a conflict.
func (s *Store) writeError(key string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
		return domain.Wrap(domain.KindConflict, "object_key_collides",
			fmt.Sprintf("object key %s collides with another object's folder in the local store", key), err)
	}
	return fmt.Errorf("store object %s: %w", key, err)
}

// Stat describes the object at key.
func (s *Store) Stat(ctx context.Context, key string) (blob.Object, error) {
	if err := s.checkKey(key); err != nil {
		return blob.Object{}, err
	}
	dataPath, metaPath := s.paths(key)
	s.mu.RLock()
	defer s.mu.RUnlock()
	fi, err := s.root.Stat(dataPath)
	if err != nil || !fi.Mode().IsRegular() {
		return blob.Object{}, s.readError(key, err)
	}
	m, err := s.readMeta(dataPath, metaPath)
	if err != nil {
		return blob.Object{}, fmt.Errorf("stat object %s: %w", key, err)
	}
	return blob.Object{Key: key, Size: fi.Size(), ETag: m.ETag, ContentType: m.ContentType, Modified: fi.ModTime().UTC()}, nil
}

// readMeta reads an object's metadata file. A file put in the directory
// by hand has none: its ETag is computed and its type left generic.
func (s *Store) readMeta(dataPath, metaPath string) (meta, error) {
	b, err := s.root.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return s.computeMeta(dataPath)
	}
	if err != nil {
		return meta{}, err
	}
	var m meta
	err = json.Unmarshal(b, &m)
	return m, err
}

func (s *Store) computeMeta(dataPath string) (meta, error) {
	f, err := s.root.Open(dataPath)
	if err != nil {
		return meta{}, err
	}
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	return meta{ContentType: "application/octet-stream", ETag: hex.EncodeToString(h.Sum(nil)), Size: n}, err
}

// Open reads length bytes from offset (-1: to the end).
func (s *Store) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := s.checkKey(key); err != nil {
		return nil, err
	}
	dataPath, _ := s.paths(key)
	s.mu.RLock()
	f, err := s.root.Open(dataPath)
	s.mu.RUnlock()
	if err != nil {
		return nil, s.readError(key, err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, s.readError(key, err)
	}
	if offset < 0 || offset > fi.Size() || length < -1 {
		f.Close()
		return nil, domain.Errorf(domain.KindInvalid, "invalid_range", "range %d+%d outside object %s of %d bytes", offset, length, key, fi.Size())
	}
	if length < 0 {
		length = fi.Size() - offset
	}
	return readCloser{io.NewSectionReader(f, offset, length), f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// readError: a missing file, or a folder where an object would be, is a
// missing object.
func (s *Store) readError(key string, err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return domain.Errorf(domain.KindNotFound, "object_not_found", "no object %s in bucket %s", key, s.cfg.Bucket)
	}
	return fmt.Errorf("read object %s: %w", key, err)
}

// paths returns where the object at a checked key and its metadata live,
// relative to the directory.
func (s *Store) paths(key string) (data, meta string) {
	return path.Join(s.cfg.Bucket, key), path.Join(metaDir, s.cfg.Bucket, key)
}

// checkKey refuses keys blob.CheckKey refuses and keys whose path would
// cross a symbolic link, so that a link placed in the directory cannot
// lead a key elsewhere. (os.Root already keeps every path inside the
// directory; this makes the refusal clear and covers links within it.)
func (s *Store) checkKey(key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	for _, base := range []string{s.cfg.Bucket, path.Join(metaDir, s.cfg.Bucket)} {
		p := base
		for _, seg := range strings.Split(key, "/") {
			p = path.Join(p, seg)
			fi, err := s.root.Lstat(p)
			if err != nil {
				break // a missing part: nothing further to cross
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				return domain.Errorf(domain.KindInvalid, "invalid_object_key", "object key %s crosses a symbolic link in the local object store", key)
			}
		}
	}
	return nil
}

var _ blob.Store = (*Store)(nil)
