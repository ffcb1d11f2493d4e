package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/logifn/logifn/shared/domain"
)

// What the backends share: the same answers for bodies of the wrong size
// and for ranges outside an object.

// ExactBody returns a reader of exactly size bytes of r for an upload whose
// length must be known up front: it fails the upload with an invalid error,
// before the last byte goes out, when r ends early or holds more. A
// negative size reads r into memory to learn it. An empty body is a nil
// reader, which HTTP clients send as Content-Length: 0 rather than chunked.
func ExactBody(key string, r io.Reader, size int64) (io.Reader, int64, error) {
	if size < 0 {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, 0, fmt.Errorf("read object %s: %w", key, err)
		}
		size, r = int64(len(b)), bytes.NewReader(b)
	}
	e := &exactReader{r: r, key: key, want: size}
	if size == 0 {
		if e.more() {
			return nil, 0, e.mismatch("more")
		}
		return nil, 0, nil
	}
	return e, size, nil
}

// exactReader passes want bytes of r through. It looks one byte past the
// last before handing the last over, so that a body too long fails the
// upload instead of being cut. Len lets SDKs that look for it learn the
// length.
type exactReader struct {
	r       io.Reader
	key     string
	want, n int64
	err     error
}

func (e *exactReader) Len() int { return int(e.want - e.n) }

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.n == e.want {
		return 0, io.EOF
	}
	if rest := e.want - e.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	k, err := e.r.Read(p)
	e.n += int64(k)
	switch {
	case e.n == e.want && e.more():
		e.err = e.mismatch("more")
		return 0, e.err
	case e.n == e.want:
		return k, nil
	case errors.Is(err, io.EOF):
		e.err = e.mismatch(fmt.Sprint(e.n))
		return 0, e.err
	}
	return k, err
}

// more reports whether r holds another byte.
func (e *exactReader) more() bool {
	var one [1]byte
	k, _ := io.ReadFull(e.r, one[:])
	return k > 0
}

func (e *exactReader) mismatch(got string) error {
	return domain.Errorf(domain.KindInvalid, "size_mismatch", "object %s: got %s bytes, want %d", e.key, got, e.want)
}

// BadRange is the error for a range that does not fit an object.
func BadRange(key string, offset, length int64) error {
	return domain.Errorf(domain.KindInvalid, "invalid_range", "range %d+%d does not fit object %s", offset, length, key)
}

// PastEnd answers an Open whose range the service refused as starting past
// the end: an empty reader when it starts exactly at the end, as memblob
// and the local store give, else an invalid range.
func PastEnd(ctx context.Context, s Store, key string, offset, length int64) (io.ReadCloser, error) {
	obj, err := s.Stat(ctx, key)
	if err != nil {
		return nil, err
	}
	if offset == obj.Size {
		return io.NopCloser(bytes.NewReader(nil)), nil
	}
	return nil, BadRange(key, offset, length)
}
