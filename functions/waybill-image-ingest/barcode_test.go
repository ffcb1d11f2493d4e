package waybillimageingest

import (
	"testing"

	"github.com/logifn/logifn/shared/domain"
)

func TestJudge(t *testing.T) {
	const want = domain.Waybill("LF00000000019")
	tests := []struct {
		name  string
		texts []string
		want  verdict
	}{
		{"the number alone", []string{"LF00000000019"}, verdict{accepted: true, decoded: "LF00000000019"}},
		{"lower case", []string{"lf00000000019"}, verdict{accepted: true, decoded: "LF00000000019"}},
		{"in a tracking URL", []string{"https://t.example/track?no=LF00000000019&x=1"}, verdict{accepted: true, decoded: "LF00000000019"}},
		{"after another code", []string{"LF00000000027", "LF00000000019"}, verdict{accepted: true, decoded: "LF00000000019"}},
		{"another waybill", []string{"LF00000000027"}, verdict{reason: reasonMismatch, decoded: "LF00000000027"}},
		{"a wrong check digit", []string{"LF00000000018"}, verdict{reason: reasonInvalidCheckDigit, decoded: "LF00000000018"}},
		{"another waybill beats a bad one", []string{"LF00000000018 LF00000000027"}, verdict{reason: reasonMismatch, decoded: "LF00000000027"}},
		{"longer digit runs do not count", []string{"LF000000000190", "XLF00000000019"}, verdict{reason: reasonNoWaybill}},
		{"no waybill", []string{"PO-77123"}, verdict{reason: reasonNoWaybill}},
		{"nothing read", nil, verdict{reason: reasonNoBarcode}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := judge(want, tt.texts); got != tt.want {
				t.Errorf("judge(%q) = %+v, want %+v", tt.texts, got, tt.want)
			}
		})
	}
}
