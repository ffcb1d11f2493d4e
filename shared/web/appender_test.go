package web

import (
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// greeting writes itself, or fails with err.
type greeting struct {
	Text string `json:"text"`
	err  error
}

func (g greeting) AppendJSON(b []byte) ([]byte, error) {
	if g.err != nil {
		return nil, g.err
	}
	return append(append(b, `{"text":`...), strconv.Quote(g.Text)+"}"...), nil
}

// TestWriteJSONAppender: a JSONAppender is written with the headers of
// any JSON answer, and an earlier answer keeps its body when the buffer
// is used again.
func TestWriteJSONAppender(t *testing.T) {
	first := httptest.NewRecorder()
	WriteJSON(first, 200, greeting{Text: "first"})
	plain := httptest.NewRecorder()
	WriteJSON(plain, 200, struct {
		Text string `json:"text"`
	}{"first"})
	if first.Body.String() != plain.Body.String() || !reflect.DeepEqual(first.Header(), plain.Header()) {
		t.Errorf("appender wrote %q %v, json.Marshal %q %v", first.Body, first.Header(), plain.Body, plain.Header())
	}
	second := httptest.NewRecorder()
	WriteJSON(second, 201, greeting{Text: strings.Repeat("x", 100)})
	if first.Body.String() != `{"text":"first"}`+"\n" || second.Code != 201 {
		t.Errorf("first body %q, second status %d", first.Body, second.Code)
	}
	failed := httptest.NewRecorder()
	WriteJSON(failed, 200, greeting{err: errors.New("year 10000")})
	if failed.Code != 500 || failed.Body.String() != encodeFailed+"\n" {
		t.Errorf("a failing appender gave %d %q", failed.Code, failed.Body)
	}
}

// TestEncodeCursorFormat: cursors are the kind and the numbers, joined by
// dots, in unpadded URL-safe base64, as they always were: cursors handed
// out before still read back.
func TestEncodeCursorFormat(t *testing.T) {
	for _, tc := range []struct {
		kind string
		nums []int64
	}{{"s1", []int64{5}}, {"i1", []int64{123456789012, 7}}, {"k", nil}, {strings.Repeat("long", 30), []int64{1, 2, 3}}} {
		parts := make([]string, len(tc.nums))
		for i, n := range tc.nums {
			parts[i] = strconv.FormatInt(n, 10)
		}
		want := base64.RawURLEncoding.EncodeToString([]byte(tc.kind + "." + strings.Join(parts, ".")))
		if got := EncodeCursor(tc.kind, tc.nums...); got != want {
			t.Errorf("EncodeCursor(%q, %v) = %q, want %q", tc.kind, tc.nums, got, want)
		}
	}
}
