package domain

import (
	"encoding/json"
	"math"
	"testing"
)

// TestMoneyMarshalJSONAsStruct: the hand-written encoding is byte for byte
// what json.Marshal of {"amount","currency"} gives, for odd amounts and
// currencies too.
func TestMoneyMarshalJSONAsStruct(t *testing.T) {
	for _, m := range []Money{
		{1250, "CNY"}, {0, "CNY"}, {-5, "CNY"}, {7, "JPY"}, {math.MinInt64, "USD"}, {math.MaxInt64, "EUR"},
		{99, ""}, {1, "cny"}, {1, `X"<>&`}, {1, "币"}, {1, "A\nB"},
	} {
		got, err := m.MarshalJSON()
		if err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
		want, err := json.Marshal(moneyJSON{Amount: m.String(), Currency: m.Currency})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%+v: got %s, want %s", m, got, want)
		}
		var back Money
		if ValidCurrency(m.Currency) && m.Amount != math.MinInt64 && (json.Unmarshal(got, &back) != nil || back != m) {
			t.Errorf("%s does not read back as %+v: %+v", got, m, back)
		}
	}
}

// TestMoneyAppendJSONAmounts: amounts of every length, in currencies with
// and without decimals, encode as String formats them.
func TestMoneyAppendJSONAmounts(t *testing.T) {
	for _, cur := range []string{"CNY", "JPY", "XXX", ""} {
		for a := int64(1); a > 0 && a < math.MaxInt64/7; a = a*7 + 3 {
			for _, m := range []Money{{a, cur}, {-a, cur}, {a % 1000, cur}, {-(a % 1000), cur}} {
				want := `{"amount":"` + m.String() + `","currency":` + string(AppendJSONString(nil, cur)) + `}`
				if got := string(m.appendJSON(nil)); got != want {
					t.Errorf("%+v: got %s, want %s", m, got, want)
				}
			}
		}
	}
}
