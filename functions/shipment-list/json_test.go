package shipmentlist_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/web"
)

// TestPageAppendJSONIsMarshal: a page writes itself byte for byte as
// json.Marshal writes it, for empty, null and partial pages too.
func TestPageAppendJSONIsMarshal(t *testing.T) {
	sh := storetest.Shipment("t1")
	sh.Waybill, sh.CreatedAt = "LF000000017", time.Date(2026, 1, 2, 3, 4, 5, 678900000, time.UTC)
	sh.Sender.Name, sh.Items[1].Name = `<script>"&"</script>`, "笔 \u2028 \xff"
	bare := *sh
	bare.Items, bare.Sender.Address.District = nil, ""
	for _, p := range []shipmentlist.Page{
		{},
		{Shipments: []*domain.Shipment{}},
		{Shipments: []*domain.Shipment{sh}},
		{Shipments: []*domain.Shipment{sh, &bare, nil}, NextCursor: "czEuNQ"},
		{NextCursor: `odd "cursor" <&>`},
	} {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.AppendJSON(nil)
		if err != nil || string(got) != string(want) {
			t.Errorf("got %s, %v\nwant %s", got, err, want)
		}
	}
}

// TestListBodyIsMarshal: what GET /v1/shipments sends is json.Marshal of
// the page it decodes to, on both databases, for text of every kind.
func TestListBodyIsMarshal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
			if _, err := st.PutStation(context.Background(), storetest.Station("t1", code)); err != nil {
				t.Fatal(err)
			}
		}
		for _, text := range []string{`"quoted" \ <b>&</b>`, "😀 上海 \u2028\u2029", "3:ab", "plain"} {
			sh := storetest.Shipment("t1")
			sh.Sender.Name, sh.Receiver.Address.District, sh.Items[0].Name = text, "", text
			if _, err := st.CreateShipment(context.Background(), sh, sh.CustomerID, ""); err != nil {
				t.Fatal(err)
			}
		}
		h := apptest.New(t, st, shipmentlist.Spec())
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments?limit=3", Token: h.Token(cust1)})
		if res.Status != http.StatusOK {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		var p shipmentlist.Page
		res.JSON(t, &p)
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Body) != string(want)+"\n" {
			t.Errorf("body\n%s\nwant\n%s", res.Body, want)
		}
		if len(p.Shipments) != 3 || p.NextCursor == "" {
			t.Errorf("got %d shipments and cursor %q, want 3 and a cursor", len(p.Shipments), p.NextCursor)
		}
	})
}

// TestShipmentIsNoAppender: a type that embeds a shipment, such as the
// answer of GET /v1/shipments/{waybill} with its timeline, is encoded by
// json.Marshal with all its fields, not as the shipment alone.
func TestShipmentIsNoAppender(t *testing.T) {
	detail := struct {
		*domain.Shipment
		Timeline []string `json:"timeline"`
	}{Shipment: storetest.Shipment("t1")}
	if _, ok := any(detail).(web.JSONAppender); ok {
		t.Error("a struct embedding *domain.Shipment is a web.JSONAppender")
	}
	if _, ok := any(shipmentlist.Page{}).(web.JSONAppender); !ok {
		t.Error("shipmentlist.Page is not a web.JSONAppender")
	}
}
