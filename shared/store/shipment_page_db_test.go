package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestListShipmentsText: a listed shipment is the stored one, field for
// field, whatever its text holds: text that looks like the listing's own
// packing (lengths and colons), quotes, HTML, four-byte UTF-8 and empty
// optional parts. The tenant is the caller's; items keep their order.
func TestListShipmentsText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1", storetest.OriginStation, storetest.DestinationStation)
		texts := []string{"3:ab1:c", "12:", `say "hi" \ <b>&amp;</b>`, "😀 上海 \u2028", "0:", ":::"}
		var want []*domain.Shipment
		for i, text := range texts {
			sh := storetest.Shipment("t1")
			sh.Sender.Name, sh.Receiver.Address.Detail, sh.Sender.Address.District = text, text+text, ""
			sh.Items = append(sh.Items, domain.Item{Name: text, Quantity: i + 1, WeightG: 1, DeclaredValue: domain.Money{Currency: "CNY"}})
			mustCreate(t, s, sh)
			got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
			if err != nil {
				t.Fatal(err)
			}
			want = append([]*domain.Shipment{got}, want...)
		}
		// A request's deadline takes the MySQL listing onto a connection
		// of its own (Store.read); none lists on the pool.
		deadline, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		for _, ctx := range []context.Context{ctx, deadline} {
			list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: len(texts) + 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != len(want) {
				t.Fatalf("listed %d shipments, want %d", len(list), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(list[i], want[i]) {
					t.Errorf("shipment %d:\ngot  %+v\nwant %+v", i, list[i], want[i])
				}
			}
		}
	})
}

// TestListShipmentsMostItems: a shipment with the most items, each named
// with the longest name in four-byte characters and the largest numbers,
// lists whole and in order. Its items arrive in one GROUP_CONCAT, which
// MySQL cuts at group_concat_max_len bytes: 1 024 by default there, and
// the MySQL leg asks for that in its DSN, which the store must overrule.
func TestListShipmentsMostItems(t *testing.T) {
	check := func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1", storetest.OriginStation, storetest.DestinationStation)
		sh := storetest.Shipment("t1")
		sh.Items = nil
		for i := range domain.MaxItems {
			sh.Items = append(sh.Items, domain.Item{Name: strings.Repeat("😀", 99) + string(rune('A'+i%26)),
				Quantity: domain.MaxItemQuantity, WeightG: 1<<63 - 1 - int64(i), LengthMM: 1<<63 - 1, WidthMM: 1<<63 - 1,
				HeightMM: 1<<63 - 1, DeclaredValue: domain.Money{Amount: 1<<63 - 1, Currency: "CNY"}})
		}
		mustCreate(t, s, sh)
		want, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || len(list[0].Items) != domain.MaxItems || !reflect.DeepEqual(list[0], want) {
			t.Fatalf("listed %d shipments, the first with %d items; want the stored one with %d", len(list), len(list[0].Items), domain.MaxItems)
		}
	}
	t.Run("sqlite", func(t *testing.T) { check(t, storetest.SQLite(t)) })
	t.Run("mysql", func(t *testing.T) {
		dsn := storetest.MySQLDSN(t)
		if strings.Contains(dsn, "?") {
			dsn += "&group_concat_max_len=1024"
		} else {
			dsn += "?group_concat_max_len=1024"
		}
		s, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		check(t, s)
	})
}
