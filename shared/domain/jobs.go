package domain

import (
	"fmt"
	"time"
)

// JobSettings are one tenant's thresholds for the scheduled jobs. A tenant
// without settings of its own gets DefaultJobSettings. A stale threshold of
// 0 turns that rule off; an AutoReceiptDays of 0 turns automatic receipt
// off.
type JobSettings struct {
	StalePickedUpHours       int `json:"stale_picked_up_hours"`
	StaleInTransitHours      int `json:"stale_in_transit_hours"`
	StaleOutForDeliveryHours int `json:"stale_out_for_delivery_hours"`
	StaleDeliveryFailedHours int `json:"stale_delivery_failed_hours"`
	AutoReceiptDays          int `json:"auto_receipt_days"`
	ExpressPromiseHours      int `json:"express_promise_hours"`
	StandardPromiseHours     int `json:"standard_promise_hours"`
}

// DefaultJobSettings are the thresholds of a tenant that set none: a
// parcel picked up or in transit with no scan for 24 hours, out for
// delivery for 12, or after a failed delivery for 48, is stale; a delivered
// parcel counts as received after 7 days; express promises delivery 24
// hours after pickup, standard 72.
func DefaultJobSettings() JobSettings {
	return JobSettings{
		StalePickedUpHours:       24,
		StaleInTransitHours:      24,
		StaleOutForDeliveryHours: 12,
		StaleDeliveryFailedHours: 48,
		AutoReceiptDays:          7,
		ExpressPromiseHours:      24,
		StandardPromiseHours:     72,
	}
}

// Limits on job settings: a year, in hours or days.
const (
	maxJobHours = 24 * 366
	maxJobDays  = 366
)

// Validate reports every setting out of range, by field.
func (s JobSettings) Validate() error {
	var p Problems
	stale := []struct {
		name  string
		hours int
	}{
		{"stale_picked_up_hours", s.StalePickedUpHours}, {"stale_in_transit_hours", s.StaleInTransitHours},
		{"stale_out_for_delivery_hours", s.StaleOutForDeliveryHours}, {"stale_delivery_failed_hours", s.StaleDeliveryFailedHours},
	}
	for _, f := range stale {
		if f.hours < 0 || f.hours > maxJobHours {
			p.Add(f.name, "must be from 0 (off) to %d", maxJobHours)
		}
	}
	if s.AutoReceiptDays < 0 || s.AutoReceiptDays > maxJobDays {
		p.Add("auto_receipt_days", "must be from 0 (off) to %d", maxJobDays)
	}
	if s.ExpressPromiseHours < 1 || s.ExpressPromiseHours > maxJobHours {
		p.Add("express_promise_hours", "must be from 1 to %d", maxJobHours)
	}
	if s.StandardPromiseHours < 1 || s.StandardPromiseHours > maxJobHours {
		p.Add("standard_promise_hours", "must be from 1 to %d", maxJobHours)
	}
	return p.Err()
}

// StaleRule says that a shipment in Status with no event for After is
// stale. Name identifies the rule in alerts and on the timeline.
type StaleRule struct {
	Name   string
	Status Status
	After  time.Duration
}

// StaleRules returns the rules that are on, in lifecycle order.
func (s JobSettings) StaleRules() []StaleRule {
	all := []struct {
		status Status
		hours  int
	}{
		{StatusPickedUp, s.StalePickedUpHours},
		{StatusInTransit, s.StaleInTransitHours},
		{StatusOutForDelivery, s.StaleOutForDeliveryHours},
		{StatusDeliveryFailed, s.StaleDeliveryFailedHours},
	}
	var rules []StaleRule
	for _, r := range all {
		if r.hours > 0 {
			rules = append(rules, StaleRule{Name: "stale_" + string(r.status), Status: r.status, After: time.Duration(r.hours) * time.Hour})
		}
	}
	return rules
}

// Window returns the start of the window a shipment whose last event was
// at last is stale in at now: last + k*After for the largest k >= 1 that
// is not after now. Every sweep in one window finds the same start, however
// late it runs, so a window is alerted once; a shipment silent for three
// times After has been stale in three windows. ok is false while the
// shipment is not stale.
func (r StaleRule) Window(last, now time.Time) (start time.Time, ok bool) {
	silent := now.Sub(last)
	if r.After <= 0 || silent < r.After {
		return time.Time{}, false
	}
	k := silent / r.After
	return last.Add(k * r.After), true
}

// Note is the timeline note of an alert for a shipment whose last event
// was at last.
func (r StaleRule) Note(last time.Time) string {
	return fmt.Sprintf("stale: %s with no scan since %s (limit %d h)", r.Status, last.UTC().Format(time.RFC3339), int(r.After/time.Hour))
}

// AutoReceiptAfter is how long after delivery a shipment counts as
// received; 0 means never.
func (s JobSettings) AutoReceiptAfter() time.Duration {
	return time.Duration(s.AutoReceiptDays) * 24 * time.Hour
}

// Promise is how long after pickup a shipment of service level l is due.
func (s JobSettings) Promise(l ServiceLevel) time.Duration {
	if l == ServiceExpress {
		return time.Duration(s.ExpressPromiseHours) * time.Hour
	}
	return time.Duration(s.StandardPromiseHours) * time.Hour
}

// AlertRetention is how long a stale alert is kept as the record that its
// window was alerted; housekeeping removes it afterwards.
const AlertRetention = 90 * 24 * time.Hour
