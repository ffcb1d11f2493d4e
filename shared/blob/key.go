package blob

import (
	"strings"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/domain"
)

// MaxKeyLen is the longest key logifn writes or accepts, in bytes.
const MaxKeyLen = 1024

// CheckKey rejects keys that could address something other than what they
// seem to: empty, too long, not UTF-8, with control characters or
// backslashes, starting with a slash, or with empty, "." or ".." segments.
func CheckKey(key string) error {
	bad := func(why string) error {
		return domain.Errorf(domain.KindInvalid, "invalid_object_key", "object key %q %s", truncate(key), why)
	}
	switch {
	case key == "":
		return bad("is empty")
	case len(key) > MaxKeyLen:
		return bad("is too long")
	case !utf8.ValidString(key):
		return bad("is not UTF-8")
	case strings.ContainsFunc(key, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }):
		return bad("has control characters or backslashes")
	case strings.HasPrefix(key, "/"):
		return bad("starts with a slash")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return bad("has an empty, . or .. segment")
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
