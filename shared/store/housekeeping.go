package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// expiring lists the tables whose rows carry their own end of life in an
// indexed expires_at column: records kept only to recognise a repeated
// request or event. A table added here is purged by housekeeping.
var expiring = []string{
	"idempotency_keys", // Idempotency-Key records, kept for their TTL
	"shipment_alerts",  // stale alerts, kept for domain.AlertRetention
}

// ExpiringTables returns the tables PurgeExpired purges, in order.
func ExpiringTables() []string { return slices.Clone(expiring) }

// MaxPurgeBatch is the largest batch PurgeExpired deletes at once.
const MaxPurgeBatch = 10000

// PurgeExpired deletes one batch of about batch rows of table whose
// expires_at is before before, the oldest first, and returns how many it
// deleted; fewer than batch means none are left. The rows go across
// tenants: the batch is bounded by the expiry index alone and reads
// nothing of any tenant's data. Rows expiring at the very same microsecond
// as the batch's last go with it.
func (s *Store) PurgeExpired(ctx context.Context, table string, before time.Time, batch int) (int64, error) {
	if !slices.Contains(expiring, table) {
		return 0, domain.Errorf(domain.KindInvalid, "unknown_table", "table %q has no expiring records", table)
	}
	if batch < 1 || batch > MaxPurgeBatch {
		return 0, domain.Errorf(domain.KindInvalid, "invalid_batch", "batch must be between 1 and %d", MaxPurgeBatch)
	}
	end := s.d.timeArg(dbTime(before))
	// The batch's last expiry bounds the DELETE, which both dialects run on
	// the index without DELETE ... LIMIT.
	var last time.Time
	err := s.db.QueryRowContext(ctx, `SELECT expires_at FROM `+table+` WHERE expires_at < ?
		ORDER BY expires_at LIMIT 1 OFFSET ?`, end, batch-1).Scan(scanTime(&last))
	query, args := `DELETE FROM `+table+` WHERE expires_at < ?`, []any{end}
	switch {
	case err == nil:
		query, args = query+` AND expires_at <= ?`, append(args, s.d.timeArg(last))
	case !errors.Is(err, sql.ErrNoRows):
		return 0, wrapf(err, "expired record", "find expired %s", table)
	}
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, wrapf(err, "expired record", "purge expired %s", table)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapf(err, "expired record", "purge expired %s", table)
	}
	return n, nil
}
