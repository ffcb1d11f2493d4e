package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzCursor checks that a cursor EncodeCursor makes from positive
// numbers reads back as the same numbers, and that cursors of another
// kind, another length or with numbers below 1 are reported, not used.
func FuzzCursor(f *testing.F) {
	f.Add("s1", int64(42), int64(7), uint8(1))
	f.Add("i1", int64(9223372036854775807), int64(1), uint8(2))
	f.Add("i1", int64(0), int64(-3), uint8(2))
	f.Add("", int64(1), int64(1), uint8(1))
	f.Fuzz(func(t *testing.T, kind string, a, b int64, n uint8) {
		nums := []int64{a, b}[:1+int(n)%2]
		cursor := EncodeCursor(kind, nums...)
		q := NewQuery(url.Values{"cursor": {cursor}}, "cursor")
		got := q.Cursor("cursor", kind, len(nums))
		positive := a >= 1 && (len(nums) == 1 || b >= 1)
		if !positive || strings.Contains(kind, ".") {
			if positive {
				return // a kind with a dot is never used; whatever it reads back as is fine
			}
			if got != nil || q.Err() == nil {
				t.Fatalf("cursor %q of %v read as %v, %v; want a problem", cursor, nums, got, q.Err())
			}
			return
		}
		if q.Err() != nil || len(got) != len(nums) || got[0] != nums[0] || got[len(got)-1] != nums[len(nums)-1] {
			t.Fatalf("cursor %q of %s %v read as %v, %v", cursor, kind, nums, got, q.Err())
		}
		other := NewQuery(url.Values{"cursor": {cursor}}, "cursor")
		if c := other.Cursor("cursor", kind+"x", len(nums)); c != nil || other.Err() == nil {
			t.Fatalf("cursor %q of kind %q read as kind %q: %v", cursor, kind, kind+"x", c)
		}
		longer := NewQuery(url.Values{"cursor": {cursor}}, "cursor")
		if c := longer.Cursor("cursor", kind, len(nums)+1); c != nil || longer.Err() == nil {
			t.Fatalf("cursor %q of %d numbers read as %d: %v", cursor, len(nums), len(nums)+1, c)
		}
	})
}

// FuzzDecodeCursor feeds any text as a cursor: no panic, and a cursor
// that reads holds n numbers of at least 1 that encode to a cursor
// reading the same.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor("s1", 5), "s1", uint8(1))
	f.Add(EncodeCursor("i1", 5, 2), "i1", uint8(2))
	f.Add("czEuMDU", "s1", uint8(1)) // "s1.05": a leading zero
	f.Add("czEuLTE", "s1", uint8(1)) // "s1.-1"
	f.Add("czEuKzE", "s1", uint8(1)) // "s1.+1"
	f.Fuzz(func(t *testing.T, s, kind string, n uint8) {
		width := 1 + int(n)%3
		nums, ok := decodeCursor(s, kind, width)
		if !ok {
			if nums != nil {
				t.Fatalf("decodeCursor(%q) failed but returned %v", s, nums)
			}
			return
		}
		if len(nums) != width {
			t.Fatalf("decodeCursor(%q, %q, %d) = %v", s, kind, width, nums)
		}
		for _, v := range nums {
			if v < 1 {
				t.Fatalf("decodeCursor(%q) = %v: a number below 1", s, nums)
			}
		}
		again, ok := decodeCursor(EncodeCursor(kind, nums...), kind, width)
		if !ok || len(again) != width {
			t.Fatalf("%v re-encoded does not read back: %v", nums, again)
		}
		for i := range nums {
			if again[i] != nums[i] {
				t.Fatalf("%v re-encoded reads back as %v", nums, again)
			}
		}
	})
}
