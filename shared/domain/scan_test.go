package domain

import (
	"testing"
	"time"
)

func TestDecideScan(t *testing.T) {
	created := time.Date(2026, 5, 1, 9, 30, 15, 723_000_000, time.UTC)
	sh := &Shipment{Status: StatusInTransit}
	events := []TrackingEvent{
		{Status: StatusCreated, OccurredAt: created},
		{Type: ScanPickup, Station: "A", Status: StatusPickedUp, OccurredAt: created.Add(time.Hour)},
		{Type: ScanArrive, Station: "HUB", Status: StatusInTransit, OccurredAt: created.Add(3 * time.Hour)},
	}
	tests := []struct {
		name string
		sh   *Shipment
		sc   Scan
		role Role
		want ScanOutcome
		kind Kind
	}{
		{"moves on", sh, Scan{Type: ScanDepart, Station: "HUB", OccurredAt: created.Add(4 * time.Hour)}, RoleOperator, ScanMoves, ""},
		{"same scan within the window", sh, Scan{Type: ScanArrive, Station: "HUB", OccurredAt: created.Add(3*time.Hour + 9*time.Minute)}, RoleOperator, ScanDuplicate, ""},
		{"same type elsewhere is new", sh, Scan{Type: ScanArrive, Station: "HUB2", OccurredAt: created.Add(3*time.Hour + time.Minute)}, RoleOperator, ScanMoves, ""},
		{"same scan past the window", sh, Scan{Type: ScanArrive, Station: "HUB", OccurredAt: created.Add(3*time.Hour + 11*time.Minute)}, RoleOperator, ScanMoves, ""},
		{"older than the latest is late", sh, Scan{Type: ScanDepart, Station: "A", OccurredAt: created.Add(2 * time.Hour)}, RoleOperator, ScanLate, ""},
		{"late even when the move would be illegal", sh, Scan{Type: ScanPickup, Station: "B", OccurredAt: created.Add(30 * time.Minute)}, RoleCourier, ScanLate, ""},
		{"illegal move", sh, Scan{Type: ScanPickup, Station: "B", OccurredAt: created.Add(5 * time.Hour)}, RoleCourier, 0, KindConflict},
		{"customers do not scan", sh, Scan{Type: ScanDepart, Station: "HUB", OccurredAt: created.Add(5 * time.Hour)}, RoleCustomer, 0, KindForbidden},
		{"cancelled takes nothing, even late", &Shipment{Status: StatusCancelled}, Scan{Type: ScanPickup, Station: "A", OccurredAt: created.Add(-time.Hour)}, RoleCourier, 0, KindConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := DecideScan(tt.sh, events, tt.sc, tt.role)
			if tt.kind != "" {
				if KindOf(err) != tt.kind {
					t.Fatalf("err = %v, want kind %s", err, tt.kind)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DecideScan = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestScanInTheSecondOfCreation: devices send whole seconds, and a pickup
// scanned in the same second the shipment was created is current, not late.
func TestScanInTheSecondOfCreation(t *testing.T) {
	created := time.Date(2026, 5, 1, 9, 30, 15, 723_000_000, time.UTC)
	events := []TrackingEvent{{Status: StatusCreated, OccurredAt: created}}
	sc := Scan{Type: ScanPickup, Station: "A", OccurredAt: created.Truncate(time.Second)}
	got, _, err := DecideScan(&Shipment{Status: StatusCreated}, events, sc, RoleCourier)
	if err != nil || got != ScanMoves {
		t.Errorf("DecideScan = %v, %v; want ScanMoves", got, err)
	}
}

func TestScanValidate(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	sc := Scan{Type: ScanException, Station: "A"}
	err := sc.Validate(now)
	e, ok := err.(*Error)
	if !ok || len(e.Details) != 1 || e.Details[0].Field != "incident_reason" {
		t.Fatalf("Validate = %v, want incident_reason required", err)
	}
	sc = Scan{Type: ScanArrive, Station: "A"}
	if err := sc.Validate(now); err != nil || !sc.OccurredAt.Equal(now) {
		t.Errorf("Validate = %v, occurred_at %v; want nil and now", err, sc.OccurredAt)
	}
}

// TestPhotoDoesNotMakeAScanLate: a proof-of-delivery photo uploaded, or a
// stale alert raised, before the courier's delayed deliver scan arrives
// must not turn that scan late.
func TestPhotoDoesNotMakeAScanLate(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	events := []TrackingEvent{
		{Status: StatusCreated, OccurredAt: t0},
		{Type: ScanOutForDelivery, Station: "B", Status: StatusOutForDelivery, OccurredAt: t0.Add(time.Hour)},
		{Status: StatusOutForDelivery, Source: SourceImage, Note: "photo: proof_of_delivery", OccurredAt: t0.Add(3 * time.Hour)},
		{Status: StatusOutForDelivery, Source: SourceSchedule, IncidentReason: "out_for_delivery_idle", OccurredAt: t0.Add(2*time.Hour + 30*time.Minute)},
	}
	sc := Scan{Type: ScanDeliver, Station: "B", OccurredAt: t0.Add(2 * time.Hour)}
	got, _, err := DecideScan(&Shipment{Status: StatusOutForDelivery}, events, sc, RoleCourier)
	if err != nil || got != ScanMoves {
		t.Errorf("DecideScan = %v, %v; want ScanMoves", got, err)
	}
}
