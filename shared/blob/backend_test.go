package blob

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/logifn/logifn/shared/domain"
)

func TestExactBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		size    int64
		want    string
		invalid bool
	}{
		{"exact", "hello", 5, "hello", false},
		{"unknown size", "hello", -1, "hello", false},
		{"empty", "", 0, "", false},
		{"short", "hell", 5, "", true},
		{"long", "hello!", 5, "", true},
		{"empty but not", "x", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// OneByteReader makes the reader's pieces small, as a network is.
			r, size, err := ExactBody("k", iotest.OneByteReader(strings.NewReader(tt.body)), tt.size)
			var got []byte
			if err == nil && r != nil {
				got, err = io.ReadAll(r)
			}
			if tt.invalid {
				if !domain.IsKind(err, domain.KindInvalid) {
					t.Errorf("err = %v, want invalid", err)
				}
				if int64(len(got)) >= tt.size && tt.size > 0 {
					t.Errorf("read %d bytes of a bad body, want the last byte held back", len(got))
				}
				return
			}
			if err != nil || string(got) != tt.want || size != int64(len(tt.want)) {
				t.Errorf("got %q size %d, %v; want %q", got, size, err, tt.want)
			}
			if tt.want == "" && r != nil {
				t.Error("an empty body is not a nil reader")
			}
		})
	}
}

type sized struct{ Store }

func (s sized) Stat(ctx context.Context, key string) (Object, error) {
	return Object{Key: key, Size: 10}, nil
}

func TestPastEnd(t *testing.T) {
	rc, err := PastEnd(context.Background(), sized{}, "k", 10, -1)
	if err != nil {
		t.Fatalf("at the end: %v", err)
	}
	if b, _ := io.ReadAll(rc); len(b) != 0 {
		t.Errorf("at the end: read %q", b)
	}
	if _, err := PastEnd(context.Background(), sized{}, "k", 11, -1); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("past the end: err = %v, want invalid", err)
	}
}
