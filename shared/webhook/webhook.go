// Package webhook is what logifn's webhooks are made of: the event types a
// tenant subscribes to, the envelope every event is sent in, the endpoint a
// tenant registers, the signature on every delivery (and Verify, for
// receivers), the check that keeps endpoint URLs off private networks, and
// the HTTP client that delivers.
//
// A delivery is a POST of the event's JSON envelope with these headers:
//
//	Logifn-Signature: t=1767323045,v1=<64 hex digits>
//	Logifn-Event-Id: 3f0c2b1e-6d1a-4c7e-9a57-3f1f0e6b2d41
//	Logifn-Event-Type: shipment.status_changed
//	Logifn-Delivery-Attempt: 1
//
// v1 is the hex HMAC-SHA256, keyed with the endpoint's secret, of the
// decimal Unix time t, a dot, and the body exactly as received. While a
// rotated secret is still honoured, one v1 per secret is sent.
package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// EventType names what happened. Endpoints subscribe to event types.
type EventType string

// The event types.
const (
	// EventStatusChanged: a shipment moved to another status, including its
	// creation (previous_status is then absent).
	EventStatusChanged EventType = "shipment.status_changed"
	// EventException: an exception scan was recorded, or the shipment moved
	// to status exception.
	EventException EventType = "shipment.exception"
	// EventImageNeedsReview: a waybill image could not be processed alone
	// and needs a person to look at it.
	EventImageNeedsReview EventType = "image.needs_review"
)

// EventTypes lists every event type.
var EventTypes = []EventType{EventStatusChanged, EventException, EventImageNeedsReview}

// Valid reports whether t is a known event type.
func (t EventType) Valid() bool { return slices.Contains(EventTypes, t) }

// Header names of a delivery.
const (
	SignatureHeader = "Logifn-Signature"
	EventIDHeader   = "Logifn-Event-Id"
	EventTypeHeader = "Logifn-Event-Type"
	AttemptHeader   = "Logifn-Delivery-Attempt"
	// ReplayHeader is "true" on a delivery an admin asked for again.
	ReplayHeader = "Logifn-Replay"
)

// Event is the JSON body of every delivery. ID is stable across retries and
// replays, so receivers deduplicate on it. Sequence counts the events of one
// shipment (Waybill) from 1 with no gaps; events about no shipment count in
// a stream of their own, with an empty Waybill. A receiver that applies an
// event only when its Sequence is the next it expects, and ignores lower
// ones, sees each shipment's events once and in order.
type Event struct {
	ID        string          `json:"id"`
	Type      EventType       `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Waybill   domain.Waybill  `json:"waybill,omitempty"`
	Sequence  int64           `json:"sequence"`
	Data      json.RawMessage `json:"data"`
}

// ShipmentData is the data of shipment.status_changed and
// shipment.exception: the shipment's status after the event and what was
// recorded. It carries no names, phones or addresses.
type ShipmentData struct {
	Waybill        domain.Waybill  `json:"waybill"`
	Status         domain.Status   `json:"status"`
	PreviousStatus domain.Status   `json:"previous_status,omitempty"`
	ScanType       domain.ScanType `json:"scan_type,omitempty"`
	Station        string          `json:"station,omitempty"`
	IncidentReason string          `json:"incident_reason,omitempty"`
	Source         domain.Source   `json:"source"`
	OccurredAt     time.Time       `json:"occurred_at"`
}

// ImageData is the data of image.needs_review. Waybill is the number read
// from the image or given with it, if any.
type ImageData struct {
	Waybill    domain.Waybill `json:"waybill,omitempty"`
	ImageKey   string         `json:"image_key"`
	Reason     string         `json:"reason"`
	OccurredAt time.Time      `json:"occurred_at"`
}

// Endpoint is a URL a tenant registered to receive events. Secrets never
// leave in JSON: the admin API shows a secret once, when it is made.
type Endpoint struct {
	ID                  string      `json:"id"`
	Tenant              string      `json:"-"`
	URL                 string      `json:"url"`
	Description         string      `json:"description,omitempty"`
	EventTypes          []EventType `json:"event_types"`
	Enabled             bool        `json:"enabled"`
	DisabledReason      string      `json:"disabled_reason,omitempty"`
	ConsecutiveFailures int         `json:"consecutive_failures"`
	CreatedAt           time.Time   `json:"created_at"`
	UpdatedAt           time.Time   `json:"updated_at"`
	Secret              string      `json:"-"`
	// PreviousSecret still signs deliveries, next to Secret, until
	// PreviousSecretUntil: receivers get time to switch after a rotation.
	PreviousSecret      string    `json:"-"`
	PreviousSecretUntil time.Time `json:"-"`
}

// Subscribes reports whether e wants events of type t.
func (e *Endpoint) Subscribes(t EventType) bool { return slices.Contains(e.EventTypes, t) }

// Delivery is one attempt to send one event to one endpoint, as the
// dispatcher claimed it. Attempt counts from 1. Secrets holds the current
// secret first, then the previous one while it is still honoured.
type Delivery struct {
	ID         int64
	Tenant     string
	EndpointID string
	URL        string
	Secrets    []string
	EventID    string
	EventType  EventType
	Sequence   int64
	Body       []byte
	Attempt    int
	Replay     bool
}

// Result is how one delivery attempt went. Err is set when no HTTP answer
// came (or it could not be accepted, such as a redirect elsewhere).
type Result struct {
	StatusCode int
	Duration   time.Duration
	Err        error
}

// OK reports whether the receiver took the event: any 2xx answer.
func (r Result) OK() bool { return r.Err == nil && r.StatusCode >= 200 && r.StatusCode < 300 }

// SecretPrefix starts every endpoint secret.
const SecretPrefix = "whsec_"

// NewSecret returns a new endpoint secret: SecretPrefix and 32 random bytes,
// base64url. The whole string, prefix included, is the HMAC key.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}
