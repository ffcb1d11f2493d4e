package domain

import (
	"fmt"
	"testing"
)

func TestNewWaybillVectors(t *testing.T) {
	tests := []struct {
		serial int64
		want   Waybill
	}{
		{1, "LF00000000019"},
		{2, "LF00000000027"},
		{12345, "LF00000123455"},
		{1234567890, "LF12345678903"},
		{MaxWaybillSerial, "LF99999999995"},
	}
	for _, tt := range tests {
		got, err := NewWaybill(tt.serial)
		if err != nil {
			t.Fatalf("NewWaybill(%d): %v", tt.serial, err)
		}
		if got != tt.want {
			t.Errorf("NewWaybill(%d) = %s, want %s", tt.serial, got, tt.want)
		}
		if got.Serial() != tt.serial {
			t.Errorf("%s.Serial() = %d, want %d", got, got.Serial(), tt.serial)
		}
		if _, err := ParseWaybill(string(got)); err != nil {
			t.Errorf("ParseWaybill(%s): %v", got, err)
		}
	}
}

func TestNewWaybillRejects(t *testing.T) {
	for _, serial := range []int64{0, -1, MaxWaybillSerial + 1} {
		if w, err := NewWaybill(serial); err == nil {
			t.Errorf("NewWaybill(%d) = %s, want error", serial, w)
		}
	}
	// One serial in eleven has check value 10 and is skipped.
	skipped := 0
	for s := int64(1); s <= 1100; s++ {
		if _, err := NewWaybill(s); err != nil {
			skipped++
		}
	}
	if skipped != 100 {
		t.Errorf("skipped %d of 1100 serials, want 100", skipped)
	}
}

func TestParseWaybill(t *testing.T) {
	tests := []struct {
		in   string
		want Waybill
		ok   bool
	}{
		{"LF00000000019", "LF00000000019", true},
		{" lf00000000019 ", "LF00000000019", true},
		{"LF00000000018", "", false}, // wrong check digit
		{"LF0000000019", "", false},  // too short
		{"XX00000000019", "", false}, // wrong prefix
		{"LF0000000001X", "", false},
		{"LF00000000019 0", "", false},
		{"", "", false},
		{"RB123456785GB", "", false}, // an S10 number is not ours
	}
	for _, tt := range tests {
		got, err := ParseWaybill(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseWaybill(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && KindOf(err) != KindInvalid {
			t.Errorf("ParseWaybill(%q) error kind = %s, want invalid", tt.in, KindOf(err))
		}
	}
}

// TestWaybillCatchesErrors checks the promise of the format on many numbers:
// every single-digit substitution and every swap of two adjacent different
// digits, the check digit included, makes the number invalid.
func TestWaybillCatchesErrors(t *testing.T) {
	for serial := int64(1); serial < 3_000_000_000; serial = serial*7 + 13 {
		w, err := NewWaybill(serial)
		if err != nil {
			continue
		}
		digits := []byte(w[len(WaybillPrefix):])
		for i := range digits {
			for d := byte('0'); d <= '9'; d++ {
				if d == digits[i] {
					continue
				}
				bad := append([]byte(nil), digits...)
				bad[i] = d
				if _, err := ParseWaybill(WaybillPrefix + string(bad)); err == nil {
					t.Fatalf("%s: substituting %c at %d gives valid %s%s", w, d, i, WaybillPrefix, bad)
				}
			}
			if i+1 < len(digits) && digits[i] != digits[i+1] {
				bad := append([]byte(nil), digits...)
				bad[i], bad[i+1] = bad[i+1], bad[i]
				if _, err := ParseWaybill(WaybillPrefix + string(bad)); err == nil {
					t.Fatalf("%s: swapping positions %d and %d gives valid %s%s", w, i, i+1, WaybillPrefix, bad)
				}
			}
		}
	}
}

func TestValidS10(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"RB123456785GB", true},
		{"rb123456785gb", true},
		{"RB123456786US", false},
		{"EE123456785CN", true},
		{"RB12345678GB", false},
		{"R1123456785GB", false},
		{"RB1234567A5GB", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidS10(tt.in); got != tt.want {
			t.Errorf("ValidS10(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	// Check values 10 and 11 are written 0 and 5.
	for _, tt := range []struct{ serial, check string }{{"00000008", "0"}, {"00000000", "5"}} {
		s := fmt.Sprintf("RR%s%sCN", tt.serial, tt.check)
		if !ValidS10(s) {
			t.Errorf("ValidS10(%s) = false, want true", s)
		}
	}
}
