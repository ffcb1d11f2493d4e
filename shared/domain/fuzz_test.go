package domain

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// FuzzWaybill checks the waybill check digit on numbers made from any
// serial: a number parses back to itself and its serial, in any case and
// with surrounding space, and every single-digit change and every swap of
// two adjacent different digits is rejected.
func FuzzWaybill(f *testing.F) {
	f.Add(int64(1), uint8(0), uint8(1))
	f.Add(int64(202601020001), uint8(9), uint8(7))
	f.Add(int64(MaxWaybillSerial), uint8(10), uint8(0))
	f.Add(int64(0), uint8(3), uint8(3))
	f.Fuzz(func(t *testing.T, serial int64, pos, digit uint8) {
		w, err := NewWaybill(serial)
		if err != nil {
			inRange := serial >= 1 && serial <= MaxWaybillSerial
			if inRange && waybillCheck(serialDigits(serial)) != 10 {
				t.Fatalf("NewWaybill(%d): %v", serial, err)
			}
			return
		}
		for _, s := range []string{string(w), strings.ToLower(string(w)), " " + string(w) + "\n"} {
			got, err := ParseWaybill(s)
			if err != nil || got != w {
				t.Fatalf("ParseWaybill(%q) = %q, %v; want %q", s, got, err, w)
			}
		}
		if w.Serial() != serial {
			t.Fatalf("%s.Serial() = %d, want %d", w, w.Serial(), serial)
		}
		b := []byte(w)
		i := len(WaybillPrefix) + int(pos)%(waybillSerialLen+1) // a digit, check digit included
		if d := '0' + digit%10; d != b[i] {
			changed := append([]byte(nil), b...)
			changed[i] = d
			expectInvalidWaybill(t, string(changed), "digit changed")
		}
		if j := i + 1; j < len(b) && b[i] != b[j] {
			swapped := append([]byte(nil), b...)
			swapped[i], swapped[j] = swapped[j], swapped[i]
			expectInvalidWaybill(t, string(swapped), "adjacent digits swapped")
		}
	})
}

func serialDigits(serial int64) string {
	s := big.NewInt(serial).String()
	return strings.Repeat("0", waybillSerialLen-len(s)) + s
}

func expectInvalidWaybill(t *testing.T, s, what string) {
	t.Helper()
	if got, err := ParseWaybill(s); err == nil || KindOf(err) != KindInvalid {
		t.Fatalf("%s: ParseWaybill(%q) = %q, %v; want an invalid-kind error", what, s, got, err)
	}
}

// FuzzParseWaybill feeds any text: no panic, an invalid-kind error, or a
// number in the canonical form that NewWaybill makes from its serial.
func FuzzParseWaybill(f *testing.F) {
	f.Add("LF20260102000" + "17")
	f.Add("lf0000000001x")
	f.Add("LF00000000000") // serial 0 passes the check digit but is never issued
	f.Add("LF٠١٢٣٤٥٦٧٨٩٠")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWaybill(s)
		if err != nil {
			if KindOf(err) != KindInvalid {
				t.Fatalf("ParseWaybill(%q): error of kind %q: %v", s, KindOf(err), err)
			}
			return
		}
		again, err := NewWaybill(w.Serial())
		if err != nil || again != w {
			t.Fatalf("ParseWaybill(%q) = %q, but NewWaybill(%d) = %q, %v", s, w, w.Serial(), again, err)
		}
	})
}

// FuzzS10 checks UPU S10 validation on numbers built from any service
// letters, serial and country: exactly one check digit makes a number
// valid; case and surrounding space do not matter; a changed digit or two
// swapped adjacent serial digits are rejected, except where S10's own
// check digit 5 stands for two remainders and cannot tell them apart.
func FuzzS10(f *testing.F) {
	f.Add("RB", uint32(12345678), "GB", uint8(0), uint8(1))
	f.Add("EE", uint32(0), "CN", uint8(7), uint8(9))
	f.Add("CP", uint32(99999999), "US", uint8(3), uint8(0))
	f.Fuzz(func(t *testing.T, service string, serial uint32, country string, pos, digit uint8) {
		service, country = upperLetters(service), upperLetters(country)
		digits := serialDigits(int64(serial % 100_000_000))[2:]
		var valid []string
		for c := byte('0'); c <= '9'; c++ {
			if s := service + digits + string(c) + country; ValidS10(s) {
				valid = append(valid, s)
			}
		}
		if len(valid) != 1 {
			t.Fatalf("%s%s?%s: %d valid check digits %v, want exactly 1", service, digits, country, len(valid), valid)
		}
		s := valid[0]
		if !ValidS10(strings.ToLower(s)) || !ValidS10(" "+s+" ") {
			t.Fatalf("%s is valid, but not in lower case or with spaces", s)
		}
		if s[10] == '5' {
			return
		}
		b := []byte(s)
		i := 2 + int(pos)%9 // a serial digit or the check digit
		if d := '0' + digit%10; d != b[i] {
			changed := append([]byte(nil), b...)
			changed[i] = d
			if ValidS10(string(changed)) {
				t.Fatalf("%s valid after changing digit %d of %s", changed, i, s)
			}
		}
		if j := i + 1; j < 10 && b[i] != b[j] {
			swapped := append([]byte(nil), b...)
			swapped[i], swapped[j] = swapped[j], swapped[i]
			if ValidS10(string(swapped)) {
				t.Fatalf("%s valid after swapping digits %d and %d of %s", swapped, i, j, s)
			}
		}
	})
}

// upperLetters maps s onto two letters A-Z.
func upperLetters(s string) string {
	b := []byte(s + "AA")[:2]
	for i := range b {
		b[i] = 'A' + b[i]%26
	}
	return string(b)
}

// FuzzValidS10 feeds any text: no panic, and what is valid has S10's shape.
func FuzzValidS10(f *testing.F) {
	f.Add("RB123456785GB")
	f.Add("RB123456786US")
	f.Add("rb12345678 5gb")
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidS10(s) {
			return
		}
		if !s10Shape.MatchString(strings.ToUpper(strings.TrimSpace(s))) {
			t.Fatalf("ValidS10(%q) but it is not two letters, nine digits, two letters", s)
		}
	})
}

var s10Shape = regexp.MustCompile(`^[A-Z]{2}[0-9]{9}[A-Z]{2}$`)

var (
	currencies = []string{"CNY", "JPY", "USD", "KRW", "EUR", "XXX", ""}
	decimal    = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

// FuzzParseMoney feeds any text and currency: no panic; an amount parses
// exactly when it is a plain decimal with no more places than the currency
// has and fits in int64 minor units; what parses is exact (compared with
// arbitrary-precision arithmetic, no floats) and prints back canonically.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.50", "-0.01", "0", "007.5", "1.234", "92233720368547758.07", "92233720368547758.08",
		"-92233720368547758.07", "1e3", "1,5", ".5", "5.", "-", "+1", " 1", "٣"} {
		f.Add(s, uint8(0))
	}
	f.Add("9223372036854775807", uint8(1))
	f.Add("9223372036854775808", uint8(1))
	f.Fuzz(func(t *testing.T, s string, cur uint8) {
		currency := currencies[int(cur)%len(currencies)]
		m, err := ParseMoney(s, currency)
		exp, known := currencyExponents[currency]
		want, representable := exactMinorUnits(s, exp)
		switch {
		case !known || !representable:
			if err == nil {
				t.Fatalf("ParseMoney(%q, %q) = %+v, want an error", s, currency, m)
			}
			return
		case err != nil:
			t.Fatalf("ParseMoney(%q, %q): %v", s, currency, err)
		case m.Amount != want || m.Currency != currency:
			t.Fatalf("ParseMoney(%q, %q) = %+v, want %d %s", s, currency, m, want, currency)
		}
		again, err := ParseMoney(m.String(), currency)
		if err != nil || again != m {
			t.Fatalf("ParseMoney(%q) = %+v, %v; want %+v", m.String(), again, err, m)
		}
	})
}

// exactMinorUnits is s in minor units of a currency with exp decimal
// places, worked out with big integers, and whether ParseMoney must accept
// it: a plain decimal, at most exp places, within int64.
func exactMinorUnits(s string, exp int) (int64, bool) {
	if !decimal.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if len(frac) > exp {
		return 0, false
	}
	n, ok := new(big.Int).SetString(whole+frac+strings.Repeat("0", exp-len(frac)), 10)
	if !ok || n.Cmp(big.NewInt(math.MaxInt64)) > 0 {
		return 0, false
	}
	if strings.HasPrefix(s, "-") {
		n.Neg(n)
	}
	return n.Int64(), true
}

// FuzzMoneyString checks that every amount above the lowest int64 prints
// as a canonical decimal that parses, and travels through JSON, unchanged.
func FuzzMoneyString(f *testing.F) {
	f.Add(int64(1250), uint8(0))
	f.Add(int64(-1), uint8(1))
	f.Add(int64(math.MaxInt64), uint8(2))
	f.Add(int64(math.MinInt64+1), uint8(0))
	f.Fuzz(func(t *testing.T, amount int64, cur uint8) {
		m := Money{Amount: amount, Currency: currencies[int(cur)%4]}
		s := m.String()
		if !decimal.MatchString(s) || strings.HasPrefix(s, "-") != (amount < 0) {
			t.Fatalf("%+v prints as %q", m, s)
		}
		if amount == math.MinInt64 {
			return // its magnitude is beyond int64: no amount ParseMoney accepts prints so
		}
		if back, err := ParseMoney(s, m.Currency); err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %+v, %v; want %+v", s, back, err, m)
		}
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back Money
		if err := json.Unmarshal(js, &back); err != nil || back != m {
			t.Fatalf("JSON %s = %+v, %v; want %+v", js, back, err, m)
		}
	})
}
