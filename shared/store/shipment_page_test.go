package store

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/domain"
)

// packText packs fields as packedShipment packs text columns.
func packText(fields ...string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)) + ":" + f)
	}
	return b.String()
}

// packShipment packs sh and items (with their seqs) as packedShipment
// does in the database.
func packShipment(sh domain.Shipment, seqs []int64, items []domain.Item) string {
	n := func(v int64) string { return strconv.FormatInt(v, 10) + "," }
	s := n(sh.ID) + n(sh.Fee.Amount) + n(sh.ChargeableWeightG) + n(sh.Version) +
		sh.CreatedAt.Format(sqliteTimeLayout) + "," + sh.UpdatedAt.Format(sqliteTimeLayout) + ","
	snd, rcv := sh.Sender, sh.Receiver
	s += packText(string(sh.Waybill), sh.CustomerID,
		snd.Name, snd.Phone, snd.Address.Province, snd.Address.City, snd.Address.District, snd.Address.Detail,
		rcv.Name, rcv.Phone, rcv.Address.Province, rcv.Address.City, rcv.Address.District, rcv.Address.Detail,
		string(sh.ServiceLevel), sh.OriginStation, sh.DestinationStation, sh.Currency, string(sh.Status))
	for i, it := range items {
		if i > 0 {
			s += ","
		}
		s += n(seqs[i]) + n(int64(it.Quantity)) + n(it.WeightG) + n(it.LengthMM) + n(it.WidthMM) + n(it.HeightMM) +
			n(it.DeclaredValue.Amount) + packText(it.Name)
	}
	return s
}

func TestPackedReaderText(t *testing.T) {
	want := []string{"", "上海市", "3:ab", ":", "12", "a\"b\\c<>&", "😀", ",", ""}
	r := packedReader{s: packText(want...)}
	var got []string
	for range want {
		got = append(got, r.text())
	}
	if r.err != nil || r.s != "" || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, left %q, error %v; want %q", got, r.s, r.err, want)
	}
	for _, bad := range []string{"", "3:ab", "x:ab", "-1:", "2ab", "99999999999999999999:a", "+1:a"} {
		r := packedReader{s: bad}
		if r.text(); r.err == nil || !errors.Is(r.err, errPacked) {
			t.Errorf("text of %q: error %v, want a malformed packed row", bad, r.err)
		}
	}
}

func TestPackedReaderNumbersAndTimes(t *testing.T) {
	r := packedReader{s: "0,-12,9223372036854775807,2026-01-02 03:04:05.123456,2026-11-30 23:59:59,"}
	a, b, c := r.int(), r.int(), r.int()
	t1, t2 := r.time(), r.time()
	if r.err != nil || a != 0 || b != -12 || c != 1<<63-1 || r.s != "" {
		t.Fatalf("got %d %d %d, left %q, error %v", a, b, c, r.s, r.err)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC); t1 != want {
		t.Errorf("got %v, want %v", t1, want)
	}
	if want := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC); t2 != want {
		t.Errorf("got %v, want %v", t2, want)
	}
	r = packedReader{s: "-9223372036854775808,0012,"}
	if a, b := r.int(), r.int(); r.err != nil || a != -1<<63 || b != 12 {
		t.Errorf("got %d %d, error %v", a, b, r.err)
	}
	for _, bad := range []string{"", "12", "1x,", ",", "-,", "--1,", "+1,", "9223372036854775808,", "-9223372036854775809,",
		"99999999999999999999,", "1 ,", " 1,"} {
		r := packedReader{s: bad}
		if n := r.int(); r.err == nil {
			t.Errorf("int of %q = %d, accepted", bad, n)
		}
	}
	// Once a field is malformed, every later one is the zero value.
	r = packedReader{s: "x,5,"}
	if a, b := r.int(), r.int(); r.err == nil || a != 0 || b != 0 {
		t.Errorf("after a bad field: %d %d, error %v", a, b, r.err)
	}
}

// TestParseStoredTime: parseStoredTime agrees with time.Parse on the text
// of stored times, and refuses what is not one.
func TestParseStoredTime(t *testing.T) {
	for _, s := range []string{"2026-01-02 03:04:05.123456", "2026-01-02 03:04:05", "2024-02-29 00:00:00.5",
		"0001-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999999", "1970-01-01 00:00:00.000001"} {
		want, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseStoredTime(s)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("parseStoredTime(%q) = %v, %t; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "2026-01-02", "2026-01-02T03:04:05", "2026-13-02 03:04:05", "2026-02-30 03:04:05",
		"2026-01-02 24:04:05", "2026-01-02 03:04:05.", "2026-01-02 03:04:05.1234567890", "2026-01-02 03:04:05.12a",
		"2026-01-02 03:04:05Z", "-026-01-02 03:04:05", "2026-01-02 03:04:+5"} {
		if got, ok := parseStoredTime(s); ok {
			t.Errorf("parseStoredTime(%q) = %v, accepted", s, got)
		}
	}
}

func testShipment(id int64, currency string) domain.Shipment {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.UTC)
	return domain.Shipment{ID: id, Tenant: "t1", Waybill: "LF000000017", CustomerID: "c:1",
		Sender:       domain.Party{Name: "3:ab", Phone: "12", Address: domain.Address{Province: "上海市", City: "😀", Detail: ",,"}},
		Receiver:     domain.Party{Name: `"q"`, Address: domain.Address{Province: "p", City: "c", District: "d", Detail: ""}},
		ServiceLevel: "express", OriginStation: "SHA01", DestinationStation: "PEK01", Currency: currency,
		Fee: domain.Money{Amount: 1234, Currency: currency}, ChargeableWeightG: 500, Status: "created", Version: 3,
		CreatedAt: at, UpdatedAt: at.Add(time.Second)}
}

// TestUnpackShipment: a packed shipment comes back field for field, its
// items in the order of their seqs whatever order they came in, valued in
// its currency, and with no room to grow into the next shipment's.
func TestUnpackShipment(t *testing.T) {
	want := testShipment(42, "JPY")
	items := []domain.Item{{Name: "three", Quantity: 3, WeightG: 30, LengthMM: 1, WidthMM: 2, HeightMM: 3, DeclaredValue: domain.Money{Amount: 7}},
		{Name: "1:x,", Quantity: 1, WeightG: 10}, {Name: "", Quantity: 2, WeightG: 20, DeclaredValue: domain.Money{Amount: 9}}}
	packed := packShipment(want, []int64{3, 1, 2}, items)
	want.Items = []domain.Item{items[1], items[2], items[0]}
	for i := range want.Items {
		want.Items[i].DeclaredValue.Currency = "JPY"
	}
	u := unpacker{items: make([]domain.Item, 0, 10)}
	got := domain.Shipment{Tenant: "t1"}
	if err := u.shipment(packed, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if cap(got.Items) != len(got.Items) {
		t.Errorf("items have room for %d more, which another shipment's would fill", cap(got.Items)-len(got.Items))
	}
	// Without items, the list is empty, not nil.
	bare := domain.Shipment{Tenant: "t1"}
	if err := u.shipment(packShipment(testShipment(7, "CNY"), nil, nil), &bare); err != nil || bare.Items == nil || len(bare.Items) != 0 {
		t.Errorf("shipment without items: items %#v, error %v", bare.Items, err)
	}
	if len(got.Items) != 3 || got.Items[0].Name != "1:x," {
		t.Errorf("the next shipment changed the items of the one before: %+v", got.Items)
	}
}

func TestUnpackShipmentMalformed(t *testing.T) {
	good := packShipment(testShipment(42, "CNY"), []int64{1}, []domain.Item{{Name: "n", Quantity: 1}})
	for name, bad := range map[string]string{
		"cut":            good[:len(good)-1],
		"cut in a text":  good[:40],
		"trailing comma": good + ",",
		"glued item":     good + "2,1,1,0,0,0,0,1:m",
		"no items comma": strings.TrimSuffix(good, "1,1,0,0,0,0,0,1:n") + "x",
		"bad time":       strings.Replace(good, "2026-03-04", "2026-03-4x", 1),
		"empty":          "",
	} {
		u := unpacker{}
		if err := u.shipment(bad, &domain.Shipment{}); !errors.Is(err, errPacked) {
			t.Errorf("%s: error %v, want a malformed packed row", name, err)
		}
	}
}

func TestPackedCol(t *testing.T) {
	var s string
	for _, src := range []any{[]byte("ab"), "ab"} {
		if err := (packedCol{&s}).Scan(src); err != nil || s != "ab" {
			t.Errorf("packedCol.Scan(%#v) = %q, %v", src, s, err)
		}
	}
	b := []byte("xy")
	if err := (packedCol{&s}).Scan(b); err != nil {
		t.Fatal(err)
	}
	b[0] = 'z'
	if s != "xy" {
		t.Errorf("the scanned text shares the driver's bytes: %q", s)
	}
	for _, src := range []any{nil, int64(1)} {
		if err := (packedCol{&s}).Scan(src); err == nil {
			t.Errorf("packedCol.Scan(%#v) accepted it", src)
		}
	}
}

// TestRaiseGroupConcatLimit: a connection's group_concat_max_len is at
// least minGroupConcatLen, or more when the DSN asks for more.
func TestRaiseGroupConcatLimit(t *testing.T) {
	for dsn, want := range map[string]string{
		"u@tcp(h:3306)/db":                                "1048576",
		"u@tcp(h:3306)/db?group_concat_max_len=1024":      "1048576",
		"u@tcp(h:3306)/db?group_concat_max_len=x":         "1048576",
		"u@tcp(h:3306)/db?group_concat_max_len=999999999": "999999999",
	} {
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		raiseGroupConcatLimit(cfg)
		if got := cfg.Params["group_concat_max_len"]; got != want {
			t.Errorf("%s: group_concat_max_len %q, want %q", dsn, got, want)
		}
	}
}
