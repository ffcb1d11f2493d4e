package domain

import "time"

// ScanType is what a courier or a scanner recorded about a parcel. It is
// finer than Status: arrive and depart both keep a shipment in transit.
type ScanType string

// The scan types.
const (
	ScanPickup          ScanType = "pickup"
	ScanArrive          ScanType = "arrive"
	ScanDepart          ScanType = "depart"
	ScanOutForDelivery  ScanType = "out_for_delivery"
	ScanDeliveryAttempt ScanType = "delivery_attempt"
	ScanDeliver         ScanType = "deliver"
	ScanException       ScanType = "exception"
	ScanReturn          ScanType = "return"
	ScanReturned        ScanType = "returned"
)

// scanStatus is the status each scan type moves a shipment to.
var scanStatus = map[ScanType]Status{
	ScanPickup:          StatusPickedUp,
	ScanArrive:          StatusInTransit,
	ScanDepart:          StatusInTransit,
	ScanOutForDelivery:  StatusOutForDelivery,
	ScanDeliveryAttempt: StatusDeliveryFailed,
	ScanDeliver:         StatusDelivered,
	ScanException:       StatusException,
	ScanReturn:          StatusReturning,
	ScanReturned:        StatusReturned,
}

// Status returns the status scan type t moves a shipment to, and false for
// an unknown scan type.
func (t ScanType) Status() (Status, bool) {
	s, ok := scanStatus[t]
	return s, ok
}

// Source says how an event reached logifn.
type Source string

// The event sources.
const (
	SourceAPI      Source = "api"
	SourceScanFile Source = "scan_file"
	SourceImage    Source = "image"
	SourceSchedule Source = "schedule"
)

// TrackingEvent is one append-only entry of a shipment's timeline: a scan or
// a status change. OccurredAt is when it happened, from the device;
// RecordedAt is when logifn stored it.
type TrackingEvent struct {
	ID             int64     `json:"id"`
	Tenant         string    `json:"-"`
	ShipmentID     int64     `json:"-"`
	Waybill        Waybill   `json:"waybill"`
	Type           ScanType  `json:"type,omitempty"`
	Status         Status    `json:"status"`
	Station        string    `json:"station,omitempty"`
	Actor          string    `json:"actor"`
	Source         Source    `json:"source"`
	IncidentReason string    `json:"incident_reason,omitempty"`
	Note           string    `json:"note,omitempty"`
	OccurredAt     time.Time `json:"occurred_at"`
	RecordedAt     time.Time `json:"recorded_at"`
}
