package domain

import (
	"regexp"
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	for _, s := range []string{"t1", "demo", "A-b_9", strings.Repeat("x", MaxIDLen)} {
		if !ValidID(s) {
			t.Errorf("ValidID(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"", "..", ".", "a/b", "a b", "ä", "t1\x00", "a.b", "%2e", strings.Repeat("x", MaxIDLen+1)} {
		if ValidID(s) {
			t.Errorf("ValidID(%q) = true, want false", s)
		}
	}
}

// FuzzValidID checks ValidID against the pattern it spells out.
func FuzzValidID(f *testing.F) {
	pattern := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	for _, s := range []string{"t1", "", "..", "a/b", strings.Repeat("z", 65), "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidID(s), pattern.MatchString(s); got != want {
			t.Fatalf("ValidID(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
