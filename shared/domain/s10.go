package domain

import "strings"

var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// ValidS10 reports whether s is a well-formed UPU S10 item identifier: two
// service letters, eight serial digits, a check digit and a two-letter
// country code, as in RB123456785GB. The check digit is 11 minus the
// weighted sum (weights 8 6 4 2 3 5 9 7) modulo 11, with 10 written as 0 and
// 11 as 5.
func ValidS10(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 13 || !letters(s[:2]) || !letters(s[11:]) {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := s[2+i]
		if c < '0' || c > '9' {
			return false
		}
		sum += s10Weights[i] * int(c-'0')
	}
	if s[10] < '0' || s[10] > '9' {
		return false
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return int(s[10]-'0') == check
}

func letters(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
