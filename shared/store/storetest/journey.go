package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// Step is one status change of a Journey, and when it happened.
type Step struct {
	Status domain.Status
	At     time.Time
}

// Journey stores sh as created at created, creating its stations (in
// Shanghai) when they are missing, and records steps in order, each
// happening and recorded at its time, as a shipment that lived in the past
// would have them. It returns the shipment after the last step.
func Journey(t testing.TB, st *store.Store, sh *domain.Shipment, created time.Time, steps ...Step) *domain.Shipment {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{sh.OriginStation, sh.DestinationStation} {
		if _, err := st.Station(ctx, sh.Tenant, code); err == nil {
			continue
		}
		if _, err := st.PutStation(ctx, Station(sh.Tenant, code)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.At(func() time.Time { return created }).CreateShipment(ctx, sh, sh.CustomerID, ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		ev := &domain.TrackingEvent{Tenant: sh.Tenant, ShipmentID: sh.ID, Status: s.Status, Actor: "storetest",
			Source: domain.SourceAPI, OccurredAt: s.At}
		next, err := st.At(func() time.Time { return s.At }).RecordEvent(ctx, ev, sh.Version, s.Status)
		if err != nil {
			t.Fatalf("journey to %s at %s: %v", s.Status, s.At, err)
		}
		sh = next
	}
	return sh
}
