package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestListItemsPages: paging through the items of a tenant, with any page
// size and with a station filter, yields every matching item exactly once,
// by shipment from the newest and then in the shipment's order, even when
// pages split a shipment's items.
func TestListItemsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedStations(t, s, "t1", "HZ01")
		seedStations(t, s, "t2")
		routes := [][2]string{{"SHA01", "PEK01"}, {"HZ01", "SHA01"}, {"PEK01", "HZ01"}, {"SHA01", "SHA01"}}
		var all []*domain.Shipment
		for i := range 9 {
			sh := storetest.Shipment("t1")
			sh.OriginStation, sh.DestinationStation = routes[i%len(routes)][0], routes[i%len(routes)][1]
			sh.Items = sh.Items[:1]
			for n := range i % 4 {
				sh.Items = append(sh.Items, domain.Item{Name: fmt.Sprintf("extra-%d-%d", i, n), Quantity: 1, WeightG: 10,
					DeclaredValue: domain.Money{Amount: 1, Currency: "CNY"}})
			}
			all = append(all, mustCreate(t, s, sh))
		}
		mustCreate(t, s, storetest.Shipment("t2")) // another tenant's items never show
		for _, station := range []string{"", "SHA01", "HZ01"} {
			var want []string
			for i := len(all) - 1; i >= 0; i-- {
				sh := all[i]
				if station != "" && sh.OriginStation != station && sh.DestinationStation != station {
					continue
				}
				for _, it := range sh.Items {
					want = append(want, string(sh.Waybill)+"/"+it.Name)
				}
			}
			for limit := 1; limit <= 5; limit++ {
				var got []string
				f := store.ItemFilter{Station: station, Limit: limit}
				for pages := 0; ; pages++ {
					if pages > len(want)+1 {
						t.Fatalf("station %q, limit %d: paging does not end", station, limit)
					}
					page, err := s.ListItems(ctx, "t1", f)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) > limit {
						t.Fatalf("station %q: %d items on a page of %d", station, len(page), limit)
					}
					for _, r := range page {
						got = append(got, string(r.Waybill)+"/"+r.Name)
					}
					if len(page) < limit {
						break
					}
					f.After = page[len(page)-1].Cursor
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("station %q, limit %d:\n got %v\nwant %v", station, limit, got, want)
				}
			}
		}
	})
}
