// Package stalesweep is the stale-sweep function: every hour it finds the
// shipments that have had no scan for longer than their status allows (the
// tenant's job settings, by default 24 h picked up or in transit, 12 h out
// for delivery, 48 h after a failed delivery) and puts one alert on each
// one's timeline per rule and window, however often it runs.
package stalesweep

import (
	"context"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule"
	"github.com/logifn/logifn/shared/store"
)

// Name is the function's name, its schedule's and the actor of its alerts.
const Name = "stale-sweep"

// PageSize is how many shipments the sweep reads and alerts at once.
const PageSize = 500

// Spec is stale-sweep's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:           Name,
		Summary:        "Alert shipments with no scan for longer than their status allows",
		Schedules:      []app.Schedule{{Name: Name, Cron: "15 * * * *", TimeZone: "Asia/Shanghai"}},
		MemoryMB:       256,
		TimeoutSeconds: 900,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{Tick: Handler(d.Store)}, nil
		},
	}
}

// Store is what stale-sweep needs of the database.
type Store interface {
	schedule.Tenants
	JobSettings(ctx context.Context, tenant string) (domain.JobSettings, error)
	StaleShipments(ctx context.Context, tenant string, rule domain.StaleRule, now time.Time, after store.IdleCursor, limit int) ([]store.IdleShipment, error)
	RaiseStaleAlerts(ctx context.Context, tenant string, rule domain.StaleRule, now time.Time, actor string, list []store.IdleShipment) (int, error)
}

// Payload is what a tick may carry: {"tenant":"..."} sweeps one tenant.
type Payload struct {
	Tenant string `json:"tenant"`
}

// Handler sweeps every tenant as of the tick's time, so a late or repeated
// tick finds the same windows.
func Handler(st Store) platform.TickHandler {
	return func(ctx context.Context, t platform.Tick) error {
		var p Payload
		if err := schedule.ReadTick(t, &p); err != nil {
			return err
		}
		return schedule.ForEachTenant(ctx, st, p.Tenant, func(ctx context.Context, tenant string) error {
			n, err := Sweep(ctx, st, tenant, t.Time)
			reqctx.Logger(ctx).WithFields(map[string]any{logging.FieldTenant: tenant, "alerts": n}).Info("stale sweep")
			return err
		})
	}
}

// Sweep alerts tenant's stale shipments as of now, rule by rule and page by
// page, and returns how many alerts it raised.
func Sweep(ctx context.Context, st Store, tenant string, now time.Time) (int, error) {
	settings, err := st.JobSettings(ctx, tenant)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, rule := range settings.StaleRules() {
		var cur store.IdleCursor
		for {
			page, err := st.StaleShipments(ctx, tenant, rule, now, cur, PageSize)
			if err != nil {
				return total, err
			}
			n, err := st.RaiseStaleAlerts(ctx, tenant, rule, now, Name, page)
			total += n
			if err != nil {
				return total, err
			}
			if len(page) < PageSize {
				break
			}
			cur = cur.Next(page)
		}
	}
	return total, nil
}
