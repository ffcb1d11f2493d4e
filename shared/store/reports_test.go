package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

func at(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }

func step(status domain.Status, t time.Time) storetest.Step {
	return storetest.Step{Status: status, At: t}
}

// TestStationDays: one UTC day, 1 March, of shipments from SHA01 to PEK01.
func TestStationDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		journey := func(level domain.ServiceLevel, created time.Time, steps ...storetest.Step) *domain.Shipment {
			sh := storetest.Shipment("t1")
			sh.ServiceLevel = level
			return storetest.Journey(t, s, sh, created, steps...)
		}
		std, exp := domain.ServiceStandard, domain.ServiceExpress
		// Created and picked up today, in transit at the end of it.
		journey(std, at(1, 1), step(domain.StatusPickedUp, at(1, 2)), step(domain.StatusInTransit, at(1, 5)))
		// Delivered today 71 h after pickup: on time for standard (72 h).
		journey(std, at(1, 1).AddDate(0, 0, -4), step(domain.StatusPickedUp, at(1, 9).Add(-71*time.Hour)),
			step(domain.StatusInTransit, at(1, 0)), step(domain.StatusOutForDelivery, at(1, 8)), step(domain.StatusDelivered, at(1, 9)))
		// Delivered today 58 h after pickup: late for express (24 h).
		journey(exp, at(1, 1).AddDate(0, 0, -3), step(domain.StatusPickedUp, at(1, 20).Add(-58*time.Hour)),
			step(domain.StatusOutForDelivery, at(1, 19)), step(domain.StatusDelivered, at(1, 20)))
		// Created just after the day.
		journey(std, at(2, 0).Add(time.Second))
		// An exception yesterday, still open.
		journey(std, at(1, 1).AddDate(0, 0, -3), step(domain.StatusPickedUp, at(1, 1).AddDate(0, 0, -2)),
			step(domain.StatusException, at(1, 1).AddDate(0, 0, -1)))
		// An exception two days ago, closed by a scan yesterday.
		journey(std, at(1, 1).AddDate(0, 0, -3), step(domain.StatusPickedUp, at(1, 1).AddDate(0, 0, -3)),
			step(domain.StatusException, at(1, 1).AddDate(0, 0, -2)), step(domain.StatusInTransit, at(1, 1).AddDate(0, 0, -1)))
		// Silent since 27 February, 12:00: alerted for 28 February, 12:00.
		idle := journey(std, at(1, 1).AddDate(0, 0, -4), step(domain.StatusPickedUp, at(1, 12).AddDate(0, 0, -3)),
			step(domain.StatusInTransit, at(1, 12).AddDate(0, 0, -2)))
		list := []store.IdleShipment{{ID: idle.ID, Waybill: idle.Waybill, Status: domain.StatusInTransit, LastEventAt: at(1, 12).AddDate(0, 0, -2)}}
		if n, err := s.RaiseStaleAlerts(ctx, "t1", inTransit24h, at(1, 13).AddDate(0, 0, -1), "stale-sweep", list); err != nil || n != 1 {
			t.Fatalf("raise alert: %d, %v", n, err)
		}
		// Another tenant's day counts nowhere here.
		other := storetest.Shipment("t2")
		storetest.Journey(t, s, other, at(1, 3), step(domain.StatusPickedUp, at(1, 4)))

		days, err := s.StationDays(ctx, "t1", store.DayQuery{
			Stations: []string{storetest.OriginStation, storetest.DestinationStation},
			From:     at(1, 0), To: at(2, 0),
			Promise:         domain.DefaultJobSettings().Promise,
			ExceptionsSince: at(1, 0).AddDate(0, 0, -30),
		})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[domain.Status]int{domain.StatusInTransit: 1, domain.StatusDelivered: 2}
		want := map[string]*store.StationDay{
			storetest.OriginStation: {StatusCounts: counts, Created: 1, PickedUp: 1, OpenExceptions: 2},
			storetest.DestinationStation: {StatusCounts: counts, Delivered: 2, Timed: 2, OnTime: 1,
				PickupToDelivery: 129 * time.Hour, OpenExceptions: 2},
		}
		for code, w := range want {
			if got := days[code]; !reflect.DeepEqual(got, w) {
				t.Errorf("%s = %+v\nwant %+v", code, got, w)
			}
		}
		// At the end of 27 February the exception two days ago was open and
		// the alert not raised yet.
		days, err = s.StationDays(ctx, "t1", store.DayQuery{Stations: []string{storetest.OriginStation},
			From: at(1, 0).AddDate(0, 0, -2), To: at(1, 0).AddDate(0, 0, -1),
			Promise: domain.DefaultJobSettings().Promise, ExceptionsSince: at(1, 0).AddDate(0, 0, -31)})
		if err != nil {
			t.Fatal(err)
		}
		if got := days[storetest.OriginStation].OpenExceptions; got != 1 {
			t.Errorf("open exceptions at the end of 27 February = %d, want 1", got)
		}
	})
}
