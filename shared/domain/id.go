package domain

// MaxIDLen is the longest identifier ValidID accepts.
const MaxIDLen = 64

// ValidID reports whether s can be an identifier that also names a path
// segment, such as a tenant in an object key: 1 to MaxIDLen ASCII letters,
// digits, dashes or underscores. Such an id can never be "..", hold a
// slash or be read as another segment.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
