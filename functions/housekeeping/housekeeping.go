// Package housekeeping is the housekeeping function: every night it deletes
// the records kept only to recognise a repeated request or event once they
// have expired (Idempotency-Key records after 24 hours, stale alerts after
// their retention), in bounded batches, oldest first.
package housekeeping

import (
	"context"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule"
	"github.com/logifn/logifn/shared/store"
)

// Name is the function's name and its schedule's.
const Name = "housekeeping"

// Batches: each deletes about BatchSize rows, and a run deletes at most
// MaxBatches of them per table, so that one run neither holds locks long
// nor outlives its timeout; what is left waits for the next night.
const (
	BatchSize  = 1000
	MaxBatches = 200
)

// Spec is housekeeping's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:           Name,
		Summary:        "Delete expired idempotency and dedup records in bounded batches",
		Schedules:      []app.Schedule{{Name: Name, Cron: "30 4 * * *", TimeZone: "Asia/Shanghai"}},
		MemoryMB:       128,
		TimeoutSeconds: 900,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{Tick: Handler(d.Store, store.ExpiringTables())}, nil
		},
	}
}

// Store is what housekeeping needs of the database.
type Store interface {
	PurgeExpired(ctx context.Context, table string, before time.Time, batch int) (int64, error)
}

// Handler purges the records of tables that expired before the tick's
// time. It takes no payload.
func Handler(st Store, tables []string) platform.TickHandler {
	return func(ctx context.Context, t platform.Tick) error {
		if err := schedule.ReadTick(t, &struct{}{}); err != nil {
			return err
		}
		purged, err := Purge(ctx, st, tables, t.Time, BatchSize, MaxBatches)
		reqctx.Logger(ctx).WithField("purged", purged).Info("housekeeping")
		return err
	}
}

// Purge deletes, table by table, up to maxBatches batches of records that
// expired before before, and returns how many it deleted of each. Deleting
// is idempotent: a repeated or racing run finds less to do, never more.
func Purge(ctx context.Context, st Store, tables []string, before time.Time, batch, maxBatches int) (map[string]int64, error) {
	purged := map[string]int64{}
	for _, table := range tables {
		for range maxBatches {
			n, err := st.PurgeExpired(ctx, table, before, batch)
			purged[table] += n
			if err != nil {
				return purged, err
			}
			if n < int64(batch) {
				break
			}
		}
	}
	return purged, nil
}
