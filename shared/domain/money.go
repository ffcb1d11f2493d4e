package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Money is an amount in the minor unit of its ISO 4217 currency (fen for
// CNY, cents for USD). It is never a float.
type Money struct {
	Amount   int64  `json:"-"`
	Currency string `json:"-"`
}

// currencyExponents lists the currencies logifn accepts and the number of
// decimal places of each one's minor unit.
var currencyExponents = map[string]int{
	"CNY": 2, "HKD": 2, "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "JPY": 0, "KRW": 0,
}

// DefaultCurrency is the currency of a tenant that names none.
const DefaultCurrency = "CNY"

// ValidCurrency reports whether code is an accepted ISO 4217 currency code.
func ValidCurrency(code string) bool {
	_, ok := currencyExponents[code]
	return ok
}

// ParseMoney parses a decimal string such as "12.50" into minor units of
// currency, exactly: more decimal places than the currency has, a sign other
// than a leading minus, exponents, spaces or an overflow are errors.
func ParseMoney(s, currency string) (Money, error) {
	exp, ok := currencyExponents[currency]
	if !ok {
		return Money{}, fmt.Errorf("unknown currency %q", currency)
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") {
		return Money{}, fmt.Errorf("amount %q is not a decimal number", s)
	}
	if len(frac) > exp {
		return Money{}, fmt.Errorf("amount %q has more than %d decimal places", s, exp)
	}
	frac += strings.Repeat("0", exp-len(frac))
	var n int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return Money{}, fmt.Errorf("amount %q is not a decimal number", s)
		}
		if n > (math.MaxInt64-int64(c-'0'))/10 {
			return Money{}, fmt.Errorf("amount %q is too large", s)
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return Money{Amount: n, Currency: currency}, nil
}

// String formats m as a decimal string in major units, such as "12.50".
func (m Money) String() string {
	exp := currencyExponents[m.Currency]
	a := m.Amount
	sign := ""
	if a < 0 {
		sign = "-"
	}
	digits := fmt.Sprintf("%0*d", exp+1, uabs(a))
	if exp == 0 {
		return sign + digits
	}
	return sign + digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
}

func uabs(a int64) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1
	}
	return uint64(a)
}

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// MarshalJSON writes m as {"amount":"12.50","currency":"CNY"}.
func (m Money) MarshalJSON() ([]byte, error) {
	return m.appendJSON(make([]byte, 0, 48)), nil
}

// appendJSON appends m to b as MarshalJSON writes it. Written out rather
// than left to json.Marshal: listings render many amounts, and encoding a
// struct by reflection costs more than the rest of each amount's encoding.
func (m Money) appendJSON(b []byte) []byte {
	b = append(b, `{"amount":"`...)
	b = m.appendAmount(b)
	b = append(b, `","currency":`...)
	if !plainCode(m.Currency) {
		return append(AppendJSONString(b, m.Currency), '}')
	}
	b = append(b, '"')
	b = append(b, m.Currency...)
	return append(b, `"}`...)
}

// appendAmount appends m's amount as String writes it, digit by digit from
// the right: at least one whole digit and exactly exp decimals.
func (m Money) appendAmount(b []byte) []byte {
	exp := currencyExponents[m.Currency]
	if m.Amount < 0 {
		b = append(b, '-')
	}
	var buf [32]byte
	i, u := len(buf), uabs(m.Amount)
	for n := 0; u > 0 || n <= exp; n++ {
		if n == exp && exp > 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = '0' + byte(u%10)
		u /= 10
	}
	return append(b, buf[i:]...)
}

// plainCode reports whether s is upper-case ASCII letters only, which
// JSON quotes as they are.
func plainCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// UnmarshalJSON reads {"amount":"12.50","currency":"CNY"} exactly.
func (m *Money) UnmarshalJSON(b []byte) error {
	var v moneyJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("money must be {\"amount\":\"12.50\",\"currency\":\"CNY\"}: %w", err)
	}
	parsed, err := ParseMoney(v.Amount, v.Currency)
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}
