// Package autoreceipt is the auto-receipt function: every night it confirms
// receipt (确认收件) of the shipments delivered longer ago than the tenant
// allows (7 days unless its job settings say otherwise) that nobody
// confirmed, through the same transition rules and optimistic concurrency
// as a customer's confirmation, so that the two never both record one.
package autoreceipt

import (
	"context"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/transition"
)

// Name is the function's name, its schedule's and the actor of the
// receipts it records.
const Name = "auto-receipt"

// PageSize is how many delivered shipments the job reads at once.
const PageSize = 200

// Spec is auto-receipt's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:           Name,
		Summary:        "Confirm receipt of shipments delivered long ago and never confirmed",
		Schedules:      []app.Schedule{{Name: Name, Cron: "0 3 * * *", TimeZone: "Asia/Shanghai"}},
		MemoryMB:       256,
		TimeoutSeconds: 900,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{Tick: Handler(d.Store)}, nil
		},
	}
}

// Store is what auto-receipt needs of the database.
type Store interface {
	schedule.Tenants
	transition.Store
	JobSettings(ctx context.Context, tenant string) (domain.JobSettings, error)
	IdleShipments(ctx context.Context, tenant string, status domain.Status, idleSince time.Time, after store.IdleCursor, limit int) ([]store.IdleShipment, error)
}

// Payload is what a tick may carry: {"tenant":"..."} confirms one
// tenant's shipments.
type Payload struct {
	Tenant string `json:"tenant"`
}

// Handler confirms, for every tenant, the shipments delivered before the
// tick's time less the tenant's limit: a late tick confirms what an
// on-time one would have.
func Handler(st Store) platform.TickHandler {
	return func(ctx context.Context, t platform.Tick) error {
		var p Payload
		if err := schedule.ReadTick(t, &p); err != nil {
			return err
		}
		return schedule.ForEachTenant(ctx, st, p.Tenant, func(ctx context.Context, tenant string) error {
			n, err := Confirm(ctx, st, tenant, t.Time)
			reqctx.Logger(ctx).WithFields(map[string]any{logging.FieldTenant: tenant, "receipts": n}).Info("auto receipt")
			return err
		})
	}
}

// Confirm records receipt of tenant's shipments delivered at least the
// tenant's limit before now and returns how many it confirmed.
func Confirm(ctx context.Context, st Store, tenant string, now time.Time) (int, error) {
	settings, err := st.JobSettings(ctx, tenant)
	if err != nil || settings.AutoReceiptDays == 0 {
		return 0, err
	}
	deliveredBy := now.Add(-settings.AutoReceiptAfter())
	p := domain.Principal{Tenant: tenant, Subject: Name, Role: domain.RoleSystem}
	confirmed := 0
	var cur store.IdleCursor
	for {
		page, err := st.IdleShipments(ctx, tenant, domain.StatusDelivered, deliveredBy, cur, PageSize)
		if err != nil {
			return confirmed, err
		}
		for _, sh := range page {
			res, err := transition.Apply(ctx, st, p, sh.Waybill, 0, decide(deliveredBy, now, settings.AutoReceiptDays))
			if err != nil {
				return confirmed, fmt.Errorf("auto receipt of %s: %w", sh.Waybill, err)
			}
			if res.Recorded {
				confirmed++
			}
		}
		if len(page) < PageSize {
			return confirmed, nil
		}
		cur = cur.Next(page)
	}
}

// decide confirms a shipment still delivered, and delivered by
// deliveredBy; one confirmed meanwhile (by its customer, or a racing tick)
// is left as it is.
func decide(deliveredBy, now time.Time, days int) transition.Decide {
	return func(sh *domain.Shipment, events []domain.TrackingEvent) (transition.Change, error) {
		if sh.Status != domain.StatusDelivered || lastDelivery(events).After(deliveredBy) {
			return transition.Change{}, nil
		}
		if err := domain.CheckTransition(sh.Status, domain.StatusReceived, domain.RoleSystem); err != nil {
			return transition.Change{}, err
		}
		return transition.Change{NewStatus: domain.StatusReceived, Event: &domain.TrackingEvent{
			Status: domain.StatusReceived, Actor: Name, Source: domain.SourceSchedule, OccurredAt: now,
			Note: fmt.Sprintf("receipt confirmed automatically: delivered over %d days ago and not confirmed", days)}}, nil
	}
}

// lastDelivery returns when the last delivered event of a timeline
// happened.
func lastDelivery(events []domain.TrackingEvent) time.Time {
	var at time.Time
	for _, ev := range events {
		if ev.Status == domain.StatusDelivered && ev.OccurredAt.After(at) {
			at = ev.OccurredAt
		}
	}
	return at
}
