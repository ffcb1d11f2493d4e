package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// gzipBomb returns n zero bytes gzipped: a few KiB that inflate to n.
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(make([]byte, n)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return b.Bytes()
}

func TestLimitBodyRefusesCompressedBodies(t *testing.T) {
	read := 0
	h := LimitBody(1<<20, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		read = len(b)
		w.WriteHeader(http.StatusNoContent)
	}))
	bomb := gzipBomb(t, 64<<20)
	tests := []struct {
		name, encoding string
		body           []byte
		status         int
	}{
		{"gzip", "gzip", bomb, http.StatusUnsupportedMediaType},
		{"deflate", "deflate", bomb, http.StatusUnsupportedMediaType},
		{"gzip in capitals", "GZIP", bomb, http.StatusUnsupportedMediaType},
		{"identity", "identity", []byte(`{}`), http.StatusNoContent},
		{"none", "", []byte(`{}`), http.StatusNoContent},
		{"gzip header without a body", "gzip", nil, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read = -1
			r := httptest.NewRequest("POST", "/v1/shipments", bytes.NewReader(tt.body))
			if tt.encoding != "" {
				r.Header.Set("Content-Encoding", tt.encoding)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != http.StatusUnsupportedMediaType {
				return
			}
			if read != -1 {
				t.Errorf("the handler read %d bytes of a refused body", read)
			}
			var e errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != "unsupported_content_encoding" {
				t.Errorf("body %s, want the JSON error unsupported_content_encoding", w.Body)
			}
		})
	}
}
