package scanfileingest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

// TestScanFilesAnnounceToWebhooks: status changes and exceptions applied
// from a file reach the outbox like those of HTTP scans, a late line
// announcing no change, each in the shipment's sequence.
func TestScanFilesAnnounceToWebhooks(t *testing.T) {
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 1, scanfileingest.Options{})
		clk.Advance(3 * time.Hour)
		w := e.ships[0].Waybill
		file := csvHeader +
			row(w, "pickup", station, at(10)) +
			row(w, "arrive", station, at(20)) +
			row(w, "depart", station, at(15)) + // late: no change to announce
			string(w) + ",exception," + station + "," + at(30) + ",scanner-7,damaged box,\n"
		e.deliver(e.put("scans/t1/SHA01/webhooks.csv", file))

		events, err := st.WebhookEvents(context.Background(), tenant, e.ships[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, ev := range events {
			if ev.Sequence != int64(i+1) {
				t.Errorf("event %d has sequence %d", i, ev.Sequence)
			}
			got = append(got, string(ev.Type))
		}
		want := []string{string(webhook.EventStatusChanged), string(webhook.EventStatusChanged), string(webhook.EventStatusChanged),
			string(webhook.EventStatusChanged), string(webhook.EventException)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("webhook events = %v\nwant %v (created, picked_up, in_transit, exception + exception)", got, want)
		}
	}, storetest.WithClock(clk.Now))
}
