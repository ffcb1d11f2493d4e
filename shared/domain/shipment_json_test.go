package domain

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// jsonTexts are strings that take every path of the JSON string escaping.
var jsonTexts = []string{
	"", "plain", "上海市浦东新区", "😀 emoji", `quote " and \ backslash`, "<b>&amp;</b>",
	"tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f", "\u2028\u2029", "bad \xff utf-8 \xc3", "\xe2\x80",
	"mixed 中文<>&\"\\\u2028\x00é", "/slash", "a\u0085b",
}

// randomValue fills v, field by field, with values json.Marshal and
// AppendShipmentJSON must agree on: strings from jsonTexts or random bytes,
// numbers from zero to the extremes, nil and empty slices, times in and
// out of UTC. A field added to Shipment later is filled too, so a
// forgotten field in AppendShipmentJSON fails the test.
func randomValue(r *rand.Rand, v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		t := time.Unix(r.Int64N(1<<34), r.Int64N(1e9)*int64(r.IntN(2)))
		if r.IntN(2) == 0 {
			t = t.In(time.FixedZone("", (r.IntN(27)-12)*3600))
		} else {
			t = t.UTC()
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := jsonTexts[r.IntN(len(jsonTexts))]
		if r.IntN(4) == 0 {
			b := make([]byte, r.IntN(12))
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			s = string(b)
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64, r.Int64()}[r.IntN(7)])
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomValue(r, v.Field(i))
			}
		}
	case reflect.Slice:
		n := r.IntN(4) - 1
		if n < 0 {
			return // nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			randomValue(r, s.Index(i))
		}
		v.Set(s)
	default:
		panic("randomValue: no values for " + v.Type().String())
	}
}

func TestAppendShipmentJSONIsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		var sh Shipment
		randomValue(r, reflect.ValueOf(&sh).Elem())
		if i%3 == 0 {
			sh.Fee.Currency, sh.Currency = "CNY", "CNY"
		}
		want, err := json.Marshal(&sh)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendShipmentJSON([]byte("prefix"), &sh)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "prefix"+string(want) {
			t.Fatalf("shipment %d:\ngot  %s\nwant prefix%s", i, got, want)
		}
	}
}

// TestAppendShipmentJSONTimeError: a time json.Marshal refuses is refused.
func TestAppendShipmentJSONTimeError(t *testing.T) {
	sh := Shipment{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := json.Marshal(&sh); err == nil {
		t.Fatal("json.Marshal accepted the year 10000")
	}
	if _, err := AppendShipmentJSON(nil, &sh); err == nil {
		t.Error("AppendShipmentJSON accepted the year 10000")
	}
}

func TestAppendJSONStringIsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	texts := append([]string{}, jsonTexts...)
	for range 20000 {
		b := make([]byte, r.IntN(16))
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		texts = append(texts, string(b))
	}
	for c := range rune(0x3000) {
		texts = append(texts, string(c))
	}
	for _, s := range texts {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonTexts {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

func checkJSONString(t *testing.T, s string) {
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendJSONString(nil, s); string(got) != string(want) {
		t.Fatalf("%q: got %s, want %s", s, got, want)
	}
}
