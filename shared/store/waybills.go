package store

import (
	"context"
	"fmt"

	"github.com/logifn/logifn/shared/domain"
)

// NextWaybill allocates a new waybill number for tenant. Numbers are unique
// per tenant however many processes share the database: the counter lives
// in waybill_counters and each allocation is one short transaction on its
// row. Serials without a single-digit check are skipped.
func (s *Store) NextWaybill(ctx context.Context, tenant string) (domain.Waybill, error) {
	if tenant == "" {
		return "", domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	}
	for {
		serial, err := s.nextSerial(ctx, tenant)
		if err != nil {
			return "", fmt.Errorf("next waybill for %s: %w", tenant, err)
		}
		if w, err := domain.NewWaybill(serial); err == nil {
			return w, nil
		}
		if serial >= domain.MaxWaybillSerial {
			return "", domain.Errorf(domain.KindInternal, "waybills_exhausted", "the waybill serials of tenant %s are used up", tenant)
		}
	}
}

// nextSerial takes the next serial from tenant's counter, creating the
// counter on first use. next_serial is the serial the next call returns.
func (s *Store) nextSerial(ctx context.Context, tenant string) (int64, error) {
	for {
		serial, found, err := s.bumpCounter(ctx, tenant)
		if err != nil || found {
			return serial, err
		}
		// Created outside the bump's transaction: on MySQL the UPDATE that
		// found nothing holds a gap lock, and two such transactions that
		// both insert deadlock.
		_, err = s.db.ExecContext(ctx, `INSERT INTO waybill_counters (tenant_id, next_serial) VALUES (?, 1)`, tenant)
		if err != nil && !isDuplicate(err) {
			return 0, wrapf(err, "waybill counter", "create waybill counter")
		}
	}
}

// bumpCounter increments tenant's counter and returns the serial it held,
// or found false when tenant has no counter yet. It is one statement, in a
// transaction of its own, so the counter's row is locked only as long as
// the database takes to change it.
func (s *Store) bumpCounter(ctx context.Context, tenant string) (serial int64, found bool, err error) {
	next, found, err := s.d.bumpCounter(ctx, s.db, tenant)
	if err != nil {
		return 0, false, wrapf(err, "waybill counter", "bump waybill counter")
	}
	return next - 1, found, nil
}
