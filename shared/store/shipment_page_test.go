package store

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// pack packs fields as packedText does in the database.
func pack(fields ...string) string {
	var s string
	for _, f := range fields {
		s += strconv.Itoa(len(f)) + ":" + f
	}
	return s
}

func TestUnpackText(t *testing.T) {
	want := []string{"", "上海市", "3:ab", ":", "12", "a\"b\\c<>&", "😀", ""}
	got := make([]string, len(want))
	if err := unpackText(pack(want...), got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, bad := range []string{"", "3:ab", "2:ab1:", "x:ab", "-1:", "2ab", "2:abc", "99999999999999999999:a", "+1:a1:b"} {
		if err := unpackText(bad, make([]string, 2)); err == nil {
			t.Errorf("unpackText(%q) accepted it", bad)
		}
	}
}

func TestAttachItems(t *testing.T) {
	ships := []domain.Shipment{{ID: 3, Currency: "CNY"}, {ID: 9, Currency: "JPY"}, {ID: 5, Currency: "USD"}}
	list := []*domain.Shipment{&ships[0], &ships[1], &ships[2]}
	keys := []itemKey{{5, 2}, {9, 1}, {3, 1}, {5, 1}}
	items := []domain.Item{{Name: "5-2"}, {Name: "9-1"}, {Name: "3-1"}, {Name: "5-1"}}
	if err := attachItems(list, items, keys); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sh := range list {
		got = append(got, strconv.FormatInt(sh.ID, 10)+":")
		for _, it := range sh.Items {
			if it.DeclaredValue.Currency != sh.Currency {
				t.Errorf("item %s valued in %q, want %q", it.Name, it.DeclaredValue.Currency, sh.Currency)
			}
			got = append(got, it.Name)
		}
		if cap(sh.Items) != len(sh.Items) {
			t.Errorf("shipment %d: items have room for %d more, which another's would fill", sh.ID, cap(sh.Items)-len(sh.Items))
		}
	}
	if want := []string{"9:", "9-1", "5:", "5-1", "5-2", "3:", "3-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAttachItemsEmptyAndStray(t *testing.T) {
	sh := &domain.Shipment{ID: 1}
	if err := attachItems([]*domain.Shipment{sh}, make([]domain.Item, 0, 1), nil); err != nil || sh.Items == nil {
		t.Errorf("shipment without items: items %#v, error %v; want an empty list", sh.Items, err)
	}
	if err := attachItems([]*domain.Shipment{sh}, []domain.Item{{}}, []itemKey{{2, 1}}); err == nil {
		t.Error("an item of a shipment not on the page was accepted")
	}
}

func TestPageColumnScanners(t *testing.T) {
	var n int64
	for _, tc := range []struct {
		src  any
		want int64
		ok   bool
	}{{int64(7), 7, true}, {[]byte("-12"), -12, true}, {nil, 0, true}, {[]byte("x"), 0, false}, {"7", 0, false}} {
		n = 99
		err := int64Col{&n}.Scan(tc.src)
		if (err == nil) != tc.ok || (tc.ok && n != tc.want) {
			t.Errorf("int64Col.Scan(%#v) = %d, %v; want %d, ok %t", tc.src, n, err, tc.want, tc.ok)
		}
	}
	b := []byte("left over")
	for _, src := range []any{[]byte("ab"), "ab"} {
		if err := (bytesCol{&b}).Scan(src); err != nil || string(b) != "ab" {
			t.Errorf("bytesCol.Scan(%#v) = %q, %v", src, b, err)
		}
	}
	if err := (bytesCol{&b}).Scan(nil); err != nil || len(b) != 0 {
		t.Errorf("bytesCol.Scan(nil) = %q, %v", b, err)
	}
	if err := (bytesCol{&b}).Scan(1.5); err == nil {
		t.Error("bytesCol.Scan(1.5) accepted it")
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 600000000, time.UTC)
	var tm time.Time
	for _, src := range []any{at, at.Format(sqliteTimeLayout)} {
		if err := (nullTimeCol{&tm}).Scan(src); err != nil || !tm.Equal(at) {
			t.Errorf("nullTimeCol.Scan(%#v) = %v, %v", src, tm, err)
		}
	}
	if err := (nullTimeCol{&tm}).Scan(nil); err != nil || !tm.IsZero() {
		t.Errorf("nullTimeCol.Scan(nil) = %v, %v", tm, err)
	}
}
