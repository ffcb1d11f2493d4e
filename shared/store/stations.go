package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// PutStation creates or replaces tenant st.Tenant's station st.Code and
// reports whether it created it. A replaced station keeps its creation
// time. It fills st.CreatedAt and st.UpdatedAt. An invalid st gives an
// unprocessable error with field paths.
func (s *Store) PutStation(ctx context.Context, st *domain.Station) (created bool, err error) {
	if st.Tenant == "" {
		return false, domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	}
	if err := st.Validate(); err != nil {
		return false, err
	}
	now := s.clock()
	// Insert first and update on a duplicate, each statement on its own: a
	// transaction that read the row first would, on MySQL, hold a shared
	// lock that two concurrent puts of one station deadlock on.
	err = s.insertStation(ctx, st, now)
	switch {
	case err == nil:
		st.CreatedAt, st.UpdatedAt = now, now
		return true, nil
	case !domain.IsKind(err, domain.KindConflict):
		return false, fmt.Errorf("put station %s: %w", st.Code, err)
	}
	if err := s.updateStation(ctx, st, now); err != nil {
		return false, fmt.Errorf("put station %s: %w", st.Code, err)
	}
	stored, err := s.Station(ctx, st.Tenant, st.Code)
	if err != nil {
		return false, fmt.Errorf("put station %s: %w", st.Code, err)
	}
	st.CreatedAt, st.UpdatedAt = stored.CreatedAt, stored.UpdatedAt
	return false, nil
}

func (s *Store) insertStation(ctx context.Context, st *domain.Station, now time.Time) error {
	a := st.Address
	_, err := s.db.ExecContext(ctx, `INSERT INTO stations (tenant_id, code, name, kind, region,
		province, city, district, detail, time_zone, parent_code, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.Tenant, st.Code, st.Name, st.Kind, st.Region, a.Province, a.City, a.District, a.Detail,
		st.TimeZone, st.Parent, s.d.timeArg(now), s.d.timeArg(now))
	return wrapf(err, "station", "insert station")
}

func (s *Store) updateStation(ctx context.Context, st *domain.Station, now time.Time) error {
	a := st.Address
	_, err := s.db.ExecContext(ctx, `UPDATE stations SET name = ?, kind = ?, region = ?, province = ?, city = ?,
		district = ?, detail = ?, time_zone = ?, parent_code = ?, updated_at = ?
		WHERE tenant_id = ? AND code = ?`,
		st.Name, st.Kind, st.Region, a.Province, a.City, a.District, a.Detail, st.TimeZone, st.Parent,
		s.d.timeArg(now), st.Tenant, st.Code)
	return wrapf(err, "station", "update station")
}

// Station returns tenant's station code, or a not-found error.
func (s *Store) Station(ctx context.Context, tenant, code string) (*domain.Station, error) {
	var st *domain.Station
	err := s.read(ctx, func(ctx context.Context, q querier) (err error) {
		st, err = scanStation(q.QueryRowContext(ctx, `SELECT `+stationColumns+` FROM stations WHERE tenant_id = ? AND code = ?`, tenant, code))
		return err
	})
	if err != nil {
		return nil, wrapf(err, "station", "get station %s", code)
	}
	return st, nil
}

// ListStations returns every station of tenant, ordered by code.
func (s *Store) ListStations(ctx context.Context, tenant string) ([]domain.Station, error) {
	list := []domain.Station{}
	err := s.readRows(ctx, func(rows *sql.Rows) error {
		st, err := scanStation(rows)
		if err == nil {
			list = append(list, *st)
		}
		return err
	}, `SELECT `+stationColumns+` FROM stations WHERE tenant_id = ? ORDER BY code`, tenant)
	if err != nil {
		return nil, wrapf(err, "station", "list stations")
	}
	return list, nil
}

// stationColumns are the columns scanStation reads, in its order.
const stationColumns = `tenant_id, code, name, kind, region, province, city, district, detail,
	time_zone, parent_code, created_at, updated_at`

func scanStation(r rowScanner) (*domain.Station, error) {
	var st domain.Station
	a := &st.Address
	err := r.Scan(&st.Tenant, &st.Code, &st.Name, &st.Kind, &st.Region, &a.Province, &a.City, &a.District, &a.Detail,
		&st.TimeZone, &st.Parent, scanTime(&st.CreatedAt), scanTime(&st.UpdatedAt))
	if err != nil {
		return nil, err
	}
	return &st, nil
}
