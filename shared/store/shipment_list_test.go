package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// listFixture creates 23 shipments, a minute apart, over two customers,
// four stations (some from and to the same one) and three statuses.
func listFixture(t *testing.T, s *store.Store, clk *clock) []*domain.Shipment {
	t.Helper()
	ctx := context.Background()
	codes := []string{"A1", "B2", "C3", "D4"}
	seedStations(t, s, "t1", codes...)
	seedStations(t, s, "t2", codes...)
	mustCreate(t, s, storetest.Shipment("t2")) // another tenant's, never listed
	var all []*domain.Shipment
	for i := range 23 {
		sh := storetest.Shipment("t1")
		sh.CustomerID = fmt.Sprintf("cust-%d", i%2)
		sh.OriginStation, sh.DestinationStation = codes[i%4], codes[(i/2)%4]
		mustCreate(t, s, sh)
		switch i % 3 {
		case 1:
			ev := &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Type: domain.ScanPickup, Status: domain.StatusPickedUp, Actor: "c", Source: domain.SourceAPI}
			up, err := s.RecordEvent(ctx, ev, sh.Version, domain.StatusPickedUp)
			if err != nil {
				t.Fatalf("pick up: %v", err)
			}
			sh = up
		case 2:
			up, err := s.RecordEvent(ctx, &domain.TrackingEvent{Tenant: "t1", ShipmentID: sh.ID, Actor: "c", Source: domain.SourceAPI}, sh.Version, domain.StatusCancelled)
			if err != nil {
				t.Fatalf("cancel: %v", err)
			}
			sh = up
		}
		all = append(all, sh)
		clk.Advance(time.Minute)
	}
	return all
}

func TestListShipmentsPages(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		start := stored(clk.Now())
		all := listFixture(t, s, clk)
		for _, tc := range []struct {
			name   string
			filter store.ShipmentFilter
			match  func(*domain.Shipment) bool
		}{
			{"all", store.ShipmentFilter{}, func(*domain.Shipment) bool { return true }},
			{"customer", store.ShipmentFilter{CustomerID: "cust-1"}, func(sh *domain.Shipment) bool { return sh.CustomerID == "cust-1" }},
			{"station", store.ShipmentFilter{Station: "B2"}, func(sh *domain.Shipment) bool {
				return sh.OriginStation == "B2" || sh.DestinationStation == "B2"
			}},
			{"status", store.ShipmentFilter{Status: domain.StatusPickedUp}, func(sh *domain.Shipment) bool { return sh.Status == domain.StatusPickedUp }},
			{"created range", store.ShipmentFilter{CreatedFrom: start.Add(5 * time.Minute), CreatedTo: start.Add(17 * time.Minute)}, func(sh *domain.Shipment) bool {
				return !sh.CreatedAt.Before(start.Add(5*time.Minute)) && sh.CreatedAt.Before(start.Add(17*time.Minute))
			}},
			{"station and status and customer", store.ShipmentFilter{Station: "A1", Status: domain.StatusCancelled, CustomerID: "cust-0"}, func(sh *domain.Shipment) bool {
				return (sh.OriginStation == "A1" || sh.DestinationStation == "A1") && sh.Status == domain.StatusCancelled && sh.CustomerID == "cust-0"
			}},
			{"nothing", store.ShipmentFilter{CustomerID: "nobody"}, func(*domain.Shipment) bool { return false }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var want []*domain.Shipment
				for i := len(all) - 1; i >= 0; i-- {
					if tc.match(all[i]) {
						want = append(want, all[i])
					}
				}
				if tc.name != "nothing" && len(want) < 2 {
					t.Fatalf("the fixture matches %d shipments, too few to page through", len(want))
				}
				got := walkPages(t, s, tc.filter, 3)
				if !reflect.DeepEqual(ids(got), ids(want)) {
					t.Fatalf("got ids %v, want %v", ids(got), ids(want))
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("the listed shipments differ from the stored ones")
				}
			})
		}
	}, storetest.WithClock(clk.Now))
}

// walkPages lists every page of f, limit at a time, and returns them all.
func walkPages(t *testing.T, s *store.Store, f store.ShipmentFilter, limit int) []*domain.Shipment {
	t.Helper()
	f.Limit = limit
	var all []*domain.Shipment
	for page := 0; ; page++ {
		list, err := s.ListShipments(context.Background(), "t1", f)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if len(list) > limit {
			t.Fatalf("page %d has %d shipments, limit %d", page, len(list), limit)
		}
		all = append(all, list...)
		if len(list) < limit {
			return all
		}
		f.Before = list[len(list)-1].ID
		if page > 50 {
			t.Fatal("paging does not end")
		}
	}
}

func ids(list []*domain.Shipment) []int64 {
	out := []int64{}
	for _, sh := range list {
		out = append(out, sh.ID)
	}
	return out
}

func TestListShipmentsRejectsBadLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, limit := range []int{0, -1, store.MaxListLimit + 2} {
			_, err := s.ListShipments(context.Background(), "t1", store.ShipmentFilter{Limit: limit})
			wantKind(t, err, domain.KindInvalid)
		}
	})
}
