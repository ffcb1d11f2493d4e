package store

import (
	"context"
	"database/sql"

	"github.com/logifn/logifn/shared/domain"
)

// Announce runs announce in a transaction of its own, as a writer of many
// events at once would within its own: after[i] is the status events[i]
// left its shipment in.
func Announce(ctx context.Context, s *Store, tenant string, events []domain.TrackingEvent, after []domain.Status) error {
	list := make([]announcement, len(events))
	for i := range events {
		list[i] = announcement{ev: &events[i], status: after[i]}
	}
	return s.inTx(ctx, false, func(tx *sql.Tx) error {
		return s.announce(ctx, tx, tenant, list, false, s.clock())
	})
}
