package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// RateCards returns tenant's rate card for every service level and zone, in
// the order of domain.DefaultRateCards: the tenant's own card where it set
// one and the default card elsewhere, so a tenant that set none gets the
// defaults.
func (s *Store) RateCards(ctx context.Context, tenant string) ([]domain.RateCard, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+rateCardColumns+` FROM rate_cards WHERE tenant_id = ?`, tenant)
	if err != nil {
		return nil, wrapf(err, "rate card", "list rate cards")
	}
	defer rows.Close()
	own := map[rateKey]domain.RateCard{}
	for rows.Next() {
		c, err := scanRateCard(rows)
		if err != nil {
			return nil, wrapf(err, "rate card", "list rate cards")
		}
		own[keyOf(c)] = c
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "rate card", "list rate cards")
	}
	cards := domain.DefaultRateCards()
	for i, c := range cards {
		if o, ok := own[keyOf(c)]; ok {
			cards[i] = o
		}
	}
	return cards, nil
}

// PutRateCard makes card tenant's rate card for its service level and zone,
// replacing the one there was. An invalid card gives an unprocessable error
// with field paths.
func (s *Store) PutRateCard(ctx context.Context, tenant string, card domain.RateCard) error {
	if tenant == "" {
		return domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	}
	if err := card.Validate(); err != nil {
		return err
	}
	now := s.clock()
	// Insert, and update on a duplicate, as PutStation does: portable, and
	// free of the read-then-write deadlock two concurrent puts could meet.
	err := s.insertRateCard(ctx, tenant, card, now)
	if domain.IsKind(err, domain.KindConflict) {
		err = s.updateRateCard(ctx, tenant, card, now)
	}
	if err != nil {
		return fmt.Errorf("put rate card %s %s: %w", card.ServiceLevel, card.Zone, err)
	}
	return nil
}

func (s *Store) insertRateCard(ctx context.Context, tenant string, c domain.RateCard, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO rate_cards (tenant_id, service_level, zone, currency,
		first_weight_g, first_fee, step_g, step_fee, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenant, c.ServiceLevel, c.Zone, c.Currency, c.FirstWeightG, c.FirstFee, c.StepG, c.StepFee, s.d.timeArg(now))
	return wrapf(err, "rate card", "insert rate card")
}

func (s *Store) updateRateCard(ctx context.Context, tenant string, c domain.RateCard, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE rate_cards SET currency = ?, first_weight_g = ?, first_fee = ?,
		step_g = ?, step_fee = ?, updated_at = ? WHERE tenant_id = ? AND service_level = ? AND zone = ?`,
		c.Currency, c.FirstWeightG, c.FirstFee, c.StepG, c.StepFee, s.d.timeArg(now), tenant, c.ServiceLevel, c.Zone)
	return wrapf(err, "rate card", "update rate card")
}

// RateCard returns tenant's rate card for level and zone: its own, or the
// default card when it set none.
func (s *Store) RateCard(ctx context.Context, tenant string, level domain.ServiceLevel, zone domain.Zone) (domain.RateCard, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+rateCardColumns+` FROM rate_cards
		WHERE tenant_id = ? AND service_level = ? AND zone = ?`, tenant, level, zone)
	c, err := scanRateCard(row)
	switch {
	case err == nil:
		return c, nil
	case !errors.Is(err, sql.ErrNoRows):
		return domain.RateCard{}, wrapf(err, "rate card", "get rate card %s %s", level, zone)
	}
	for _, d := range domain.DefaultRateCards() {
		if d.ServiceLevel == level && d.Zone == zone {
			return d, nil
		}
	}
	return domain.RateCard{}, domain.Errorf(domain.KindUnprocessable, "no_rate_card", "no rate card for %s in zone %s", level, zone)
}

// Quote prices items sent by tenant from station origin to station
// destination at level: the zone between the stations picks the tenant's
// rate card, and domain.Price does the rest. Unknown stations give an
// unprocessable error naming origin_station or destination_station, bad
// items one naming items[i].field.
func (s *Store) Quote(ctx context.Context, tenant, origin, destination string, level domain.ServiceLevel, items []domain.Item) (domain.Quote, error) {
	if !level.Valid() {
		var p domain.Problems
		p.Add("service_level", "must be standard or express")
		return domain.Quote{}, p.Err()
	}
	from, to, err := s.routeStations(ctx, tenant, origin, destination)
	if err != nil {
		return domain.Quote{}, err
	}
	card, err := s.RateCard(ctx, tenant, level, domain.ZoneBetween(from, to))
	if err != nil {
		return domain.Quote{}, fmt.Errorf("quote: %w", err)
	}
	q, err := domain.Price(card, items)
	if err != nil {
		return domain.Quote{}, err
	}
	q.OriginStation, q.DestinationStation = origin, destination
	return q, nil
}

// routeStations loads tenant's stations origin and destination with one
// query, reporting unknown ones as field problems.
func (s *Store) routeStations(ctx context.Context, tenant, origin, destination string) (from, to *domain.Station, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+stationColumns+` FROM stations WHERE tenant_id = ? AND code IN (?, ?)`,
		tenant, origin, destination)
	if err != nil {
		return nil, nil, wrapf(err, "station", "load stations")
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			return nil, nil, wrapf(err, "station", "load stations")
		}
		if st.Code == origin {
			from = st
		}
		if st.Code == destination {
			to = st
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrapf(err, "station", "load stations")
	}
	var p domain.Problems
	if from == nil {
		p.Add("origin_station", "no station %q in this tenant", origin)
	}
	if to == nil {
		p.Add("destination_station", "no station %q in this tenant", destination)
	}
	return from, to, p.Err()
}

// rateKey identifies a rate card within a tenant.
type rateKey struct {
	level domain.ServiceLevel
	zone  domain.Zone
}

func keyOf(c domain.RateCard) rateKey { return rateKey{c.ServiceLevel, c.Zone} }

// rateCardColumns are the columns scanRateCard reads, in its order.
const rateCardColumns = `service_level, zone, currency, first_weight_g, first_fee, step_g, step_fee`

func scanRateCard(r rowScanner) (domain.RateCard, error) {
	var c domain.RateCard
	err := r.Scan(&c.ServiceLevel, &c.Zone, &c.Currency, &c.FirstWeightG, &c.FirstFee, &c.StepG, &c.StepFee)
	return c, err
}
