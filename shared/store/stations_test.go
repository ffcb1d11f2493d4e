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

func TestPutStation(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first := stored(clk.Now())
		st := storetest.Station("t1", "SHA01")
		created, err := s.PutStation(ctx, st)
		if err != nil || !created {
			t.Fatalf("first put: created %v, err %v; want true, nil", created, err)
		}
		if !st.CreatedAt.Equal(first) || !st.UpdatedAt.Equal(first) {
			t.Errorf("got created %v updated %v, want both %v", st.CreatedAt, st.UpdatedAt, first)
		}

		clk.Advance(time.Hour)
		second := stored(clk.Now())
		st2 := storetest.Station("t1", "SHA01")
		st2.Name, st2.Kind, st2.Parent = "Shanghai hub", domain.StationHub, "EAST"
		created, err = s.PutStation(ctx, st2)
		if err != nil || created {
			t.Fatalf("second put: created %v, err %v; want false, nil", created, err)
		}
		if !st2.CreatedAt.Equal(first) || !st2.UpdatedAt.Equal(second) {
			t.Errorf("got created %v updated %v, want %v and %v", st2.CreatedAt, st2.UpdatedAt, first, second)
		}
		got, err := s.Station(ctx, "t1", "SHA01")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, st2) {
			t.Errorf("stored\n %+v\nwant\n %+v", got, st2)
		}
	}, storetest.WithClock(clk.Now))
}

func TestListStations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, code := range []string{"C3", "A1", "B2"} {
			if _, err := s.PutStation(ctx, storetest.Station("t1", code)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.PutStation(ctx, storetest.Station("t2", "A0")); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListStations(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, st := range list {
			codes = append(codes, st.Code)
		}
		if want := []string{"A1", "B2", "C3"}; !reflect.DeepEqual(codes, want) {
			t.Errorf("got codes %v, want %v", codes, want)
		}
		empty, err := s.ListStations(ctx, "t3")
		if err != nil || empty == nil || len(empty) != 0 {
			t.Errorf("tenant without stations: got %v, %v; want an empty list", empty, err)
		}
	})
}

func TestStationErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, err := s.Station(ctx, "t1", "NOPE")
		wantKind(t, err, domain.KindNotFound)
		bad := storetest.Station("t1", "bad code")
		bad.TimeZone = "Mars/Olympus"
		_, err = s.PutStation(ctx, bad)
		de := wantKind(t, err, domain.KindUnprocessable)
		if len(de.Details) != 2 || de.Details[0].Field != "code" || de.Details[1].Field != "time_zone" {
			t.Errorf("got details %+v, want code and time_zone", de.Details)
		}
		if list, _ := s.ListStations(ctx, "t1"); len(list) != 0 {
			t.Errorf("an invalid station was stored: %+v", list)
		}
	})
}
