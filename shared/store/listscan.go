package store

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// A listing reads each shipment as one packed column (see packedShipment):
// the driver and database/sql handle each column of each row one by one,
// boxing every integer and time in an interface, so a shipment read as one
// text costs them one column instead of thirty, and its items come in the
// same row instead of rows of their own. packedReader takes the text apart
// without allocating: the strings it returns are substrings of it.

// packedCol scans the packed column into a string of its own: the
// driver's bytes are valid only until the next row.
type packedCol struct{ s *string }

func (c packedCol) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*c.s = string(v)
	case string:
		*c.s = v
	default:
		return fmt.Errorf("scan packed row: unexpected %T", src)
	}
	return nil
}

// packedReader reads the fields of a packed text in order. A number or a
// time ends at a comma; a text is its length in bytes, a colon and its
// bytes. The first malformed field stops it: every later read returns the
// zero value, and err says which field it was.
type packedReader struct {
	s     string
	field int
	err   error
}

// errPacked is the cause of every malformed packed text.
var errPacked = errors.New("malformed packed row")

func (r *packedReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: bad %s at field %d", errPacked, what, r.field)
		r.s = ""
	}
}

// token returns the bytes up to the next comma and moves past it.
func (r *packedReader) token() string {
	for i := 0; i < len(r.s); i++ {
		if r.s[i] == ',' {
			t := r.s[:i]
			r.s = r.s[i+1:]
			r.field++
			return t
		}
	}
	r.fail("field end")
	return ""
}

// int reads an integer, in one pass: strconv.ParseInt, general, costs
// several times as much, and a page has hundreds.
func (r *packedReader) int() int64 {
	s, i, neg := r.s, 0, false
	if s != "" && s[0] == '-' {
		i, neg = 1, true
	}
	start := i
	var n uint64
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		n = n*10 + uint64(s[i]-'0') // 19 digits at most: no overflow
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if i == start || i-start > 19 || i == len(s) || s[i] != ',' || n > limit {
		r.fail("integer")
		return 0
	}
	r.s = s[i+1:]
	r.field++
	if neg {
		return -int64(n)
	}
	return int64(n)
}

// time reads a time as both databases write a stored one as text: UTC,
// "2006-01-02 15:04:05" and up to nine digits of a fraction.
func (r *packedReader) time() time.Time {
	t := r.token()
	if r.err != nil {
		return time.Time{}
	}
	at, ok := parseStoredTime(t)
	if !ok {
		r.fail("time")
	}
	return at
}

// text reads a length-prefixed text.
func (r *packedReader) text() string {
	s, n, i := r.s, 0, 0
	for ; i < len(s) && i < 9 && '0' <= s[i] && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if i == 0 || i == len(s) || s[i] != ':' || n > len(s)-i-1 {
		r.fail("text length")
		return ""
	}
	r.s = s[i+1+n:]
	r.field++
	return s[i+1 : i+1+n]
}

// more reports whether anything is left to read, and moves past the comma
// that separates the next element of a list from the one before it.
func (r *packedReader) more(first bool) bool {
	if r.err != nil || r.s == "" {
		return false
	}
	if !first {
		if r.s[0] != ',' {
			r.fail("list separator")
			return false
		}
		r.s = r.s[1:]
	}
	return true
}

// parseStoredTime parses "2006-01-02 15:04:05" with an optional fraction
// of up to nine digits, in UTC: the text of a stored time in either
// database. It accepts what time.Parse would for that layout, without its
// generality.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := s[19:]; frac != "" {
		var ok bool
		if nsec, ok = digits(frac[min(1, len(frac)):]); frac[0] != '.' || len(frac) < 2 || len(frac) > 10 || !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			nsec *= 10
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // a day the month does not have
	}
	return t, true
}

// digits returns the number that s, of ASCII digits only, spells.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
