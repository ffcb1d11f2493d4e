package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// ExplainStale returns the database's plan for the first page of
// StaleShipments, as text.
func ExplainStale(ctx context.Context, s *Store, tenant string, rule domain.StaleRule, now time.Time) (string, error) {
	query, args, err := s.staleQuery(tenant, rule, now, IdleCursor{}, 100)
	if err != nil {
		return "", err
	}
	explain := "EXPLAIN "
	if s.d.name() == DriverSQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := s.db.QueryContext(ctx, explain+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		fmt.Fprintln(&b, vals...)
	}
	return b.String(), rows.Err()
}
