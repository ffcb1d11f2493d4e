package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// hostileText are strings that break out of a badly quoted SQL literal.
var hostileText = []string{
	`O'Brien`, `'; DROP TABLE shipments; --`, `\' OR 1=1 -- `, `back\slash\`, `"double"`, "nul\x00byte",
	"ctrl-z\x1aend", `%_like_`, "路 1 号 🚚", `\\'\\`, "line\nbreak\r\ttab", `?`, `' + ? + '`,
}

// TestHostileTextRoundTrips: MySQL arguments are interpolated into the
// statement by the driver (interpolateParams), so text that would escape a
// badly quoted literal must come back unchanged and harm nothing: on
// SQLite, on MySQL, and on MySQL with NO_BACKSLASH_ESCAPES, where a
// backslash does not escape and the driver must quote otherwise.
func TestHostileTextRoundTrips(t *testing.T) {
	storetest.Each(t, checkHostileText)
	t.Run("mysql NO_BACKSLASH_ESCAPES", func(t *testing.T) {
		cfg, err := mysql.ParseDSN(storetest.MySQLDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Params = map[string]string{"sql_mode": "'NO_BACKSLASH_ESCAPES'"}
		s, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: cfg.FormatDSN()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		checkHostileText(t, s)
	})
}

func checkHostileText(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedStations(t, s, "t1")
	for _, text := range hostileText {
		sh := storetest.Shipment("t1")
		sh.CustomerID = text
		sh.Sender.Name, sh.Receiver.Address.Detail, sh.Items[0].Name = text, text, text
		want := *sh
		if _, err := s.CreateShipment(ctx, sh, text, text); err != nil {
			t.Fatalf("create with %q: %v", text, err)
		}
		got, err := s.ShipmentByWaybill(ctx, "t1", sh.Waybill)
		if err != nil {
			t.Fatalf("get with %q: %v", text, err)
		}
		if got.CustomerID != want.CustomerID || got.Sender.Name != text || got.Receiver.Address.Detail != text ||
			!reflect.DeepEqual(got.Items, sh.Items) || got.Items[0].Name != text {
			t.Errorf("%q did not round-trip: got customer %q, sender %q, detail %q, items %+v",
				text, got.CustomerID, got.Sender.Name, got.Receiver.Address.Detail, got.Items)
		}
		list, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{CustomerID: text, Limit: 10})
		if err != nil {
			t.Fatalf("list by customer %q: %v", text, err)
		}
		if len(list) != 1 || list[0].Waybill != sh.Waybill {
			t.Errorf("list by customer %q: got %d shipments, want exactly the one created", text, len(list))
		}
		again := storetest.Shipment("t1")
		again.CustomerID = text
		if created, err := s.CreateShipment(ctx, again, text, text); err != nil || created || again.Waybill != sh.Waybill {
			t.Errorf("replay of request key %q: created %v, waybill %s, err %v; want the first shipment", text, created, again.Waybill, err)
		}
	}
	all, err := s.ListShipments(ctx, "t1", store.ShipmentFilter{Limit: 100})
	if err != nil || len(all) != len(hostileText) {
		t.Fatalf("after the hostile text: %d shipments, err %v; want %d", len(all), err, len(hostileText))
	}
	events, err := s.Events(ctx, "t1", all[0].ID)
	if err != nil || len(events) != 1 || events[0].Status != domain.StatusCreated {
		t.Errorf("timeline: %+v, %v", events, err)
	}
}
