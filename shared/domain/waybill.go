package domain

import (
	"fmt"
	"strings"
)

// Waybill numbers have the form LF + ten-digit serial + one check digit, for
// example LF00000000019. The check digit is a weighted sum modulo 11:
//
//	weights, from the rightmost serial digit leftwards: 2 3 4 5 6 7 2 3 4 5
//	r     = (sum of weight × digit) mod 11
//	check = (11 - r) mod 11
//
// so that the weighted sum of the serial plus the check digit (weight 1) is a
// multiple of 11. Every weight is non-zero modulo 11, so a change of a single
// digit always changes the sum; no two neighbouring weights (the check's
// weight 1 included) are equal modulo 11, so swapping two adjacent different
// digits always changes it too. Serials whose check would be 10 are never
// issued, which keeps the number all digits after the prefix: scanners and
// phone keypads type it easily. See docs/waybill.md.
const (
	WaybillPrefix    = "LF"
	waybillSerialLen = 10
	// WaybillLen is the length of a waybill number.
	WaybillLen = len(WaybillPrefix) + waybillSerialLen + 1
	// MaxWaybillSerial is the largest serial a waybill number can carry.
	MaxWaybillSerial = 9_999_999_999
)

var waybillWeights = [waybillSerialLen]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}

// Waybill is a validated waybill number.
type Waybill string

// NewWaybill returns the waybill number for serial. It fails for serials out
// of range and for the one in eleven serials whose check digit would be 10;
// callers allocate the next serial instead.
func NewWaybill(serial int64) (Waybill, error) {
	if serial < 1 || serial > MaxWaybillSerial {
		return "", fmt.Errorf("waybill serial %d out of range", serial)
	}
	digits := fmt.Sprintf("%010d", serial)
	check := waybillCheck(digits)
	if check == 10 {
		return "", fmt.Errorf("waybill serial %d has no single-digit check", serial)
	}
	return Waybill(WaybillPrefix + digits + string(rune('0'+check))), nil
}

// ParseWaybill validates s as a waybill number. Surrounding spaces are
// trimmed and the prefix may be in lower case.
func ParseWaybill(s string) (Waybill, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != WaybillLen || !strings.HasPrefix(s, WaybillPrefix) {
		return "", Errorf(KindInvalid, "invalid_waybill", "waybill number must be %s followed by %d digits", WaybillPrefix, waybillSerialLen+1)
	}
	digits := s[len(WaybillPrefix):]
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", Errorf(KindInvalid, "invalid_waybill", "waybill number must be %s followed by %d digits", WaybillPrefix, waybillSerialLen+1)
		}
	}
	// Serials start at 1: an all-zero number is a placeholder, never issued.
	if strings.Trim(digits[:waybillSerialLen], "0") == "" {
		return "", Errorf(KindInvalid, "invalid_waybill", "waybill number %s has no serial", s)
	}
	if int(digits[waybillSerialLen]-'0') != waybillCheck(digits[:waybillSerialLen]) {
		return "", Errorf(KindInvalid, "invalid_waybill", "waybill number %s has a wrong check digit", s)
	}
	return Waybill(s), nil
}

// Serial returns the serial carried by w.
func (w Waybill) Serial() int64 {
	var n int64
	for _, c := range string(w)[len(WaybillPrefix) : len(WaybillPrefix)+waybillSerialLen] {
		n = n*10 + int64(c-'0')
	}
	return n
}

func (w Waybill) String() string { return string(w) }

// waybillCheck returns the check value 0..10 for ten serial digits.
func waybillCheck(digits string) int {
	sum := 0
	for i, c := range digits {
		sum += waybillWeights[i] * int(c-'0')
	}
	return (11 - sum%11) % 11
}
