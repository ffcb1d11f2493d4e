package store_test

import (
	"context"
	"reflect"
	"testing"

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
	})
}
