package blobtest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/blobtest"
	"github.com/logifn/logifn/shared/blob/memblob"
)

func TestMemblob(t *testing.T) {
	var s *memblob.Store
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s = memblob.New("test-bucket")
		return s
	}, func(p blob.Presigned, body []byte) error {
		// memblob's URLs are mem://bucket/key; a PUT to one is a Put.
		key, ok := strings.CutPrefix(p.URL, "mem://"+s.Bucket()+"/")
		if !ok {
			return fmt.Errorf("not a memblob URL: %s", p.URL)
		}
		_, err := s.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), p.Header.Get("Content-Type"))
		return err
	}, func(p blob.Presigned) ([]byte, error) {
		key, ok := strings.CutPrefix(p.URL, "mem://"+s.Bucket()+"/")
		if !ok || p.Method != "GET" {
			return nil, fmt.Errorf("not a memblob download URL: %s %s", p.Method, p.URL)
		}
		return s.Bytes(key), nil
	})
}
