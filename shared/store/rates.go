package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/webhook"
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
	if d, ok := defaultRateCard(level, zone); ok {
		return d, nil
	}
	return domain.RateCard{}, domain.Errorf(domain.KindUnprocessable, "no_rate_card", "no rate card for %s in zone %s", level, zone)
}

// Quote prices items sent by tenant from station origin to station
// destination at level: the zone between the stations picks the tenant's
// rate card, and domain.Price does the rest. Unknown stations give an
// unprocessable error naming origin_station or destination_station, bad
// items one naming items[i].field.
func (s *Store) Quote(ctx context.Context, tenant, origin, destination string, level domain.ServiceLevel, items []domain.Item) (domain.Quote, error) {
	r, err := s.readRoute(ctx, tenant, origin, destination, level, false, nil)
	if err != nil {
		return domain.Quote{}, err
	}
	return r.quote(items)
}

// route is what pricing a parcel between two stations reads: the
// stations, the tenant's own rate cards of the service level by zone and,
// when asked for, the tenant's webhook subscribers (see subscribers).
type route struct {
	tenant, origin, destination string
	level                       domain.ServiceLevel
	from, to                    *domain.Station
	cards                       map[domain.Zone]domain.RateCard
	subs                        map[webhook.EventType][]string
	keyStored                   bool // the claim's key has a record already
}

// readRoute reads the route of a quote in one query: the rows of the
// stations, of the rate cards and of the endpoints come back as one list,
// told apart by their first column. Unknown stations and an invalid level
// are reported as field problems. With a claim, the same query looks for
// the record of its key: one found marks the claim taken and fails with
// a conflict, before a waybill number is spent on a replay.
func (s *Store) readRoute(ctx context.Context, tenant, origin, destination string, level domain.ServiceLevel, withSubscribers bool, claim *IdempotencyClaim) (*route, error) {
	if !level.Valid() {
		var p domain.Problems
		p.Add("service_level", "must be standard or express")
		return nil, p.Err()
	}
	q := `SELECT 0, code, region, province, city, 0, 0, 0, 0 FROM stations WHERE tenant_id = ? AND code IN (?, ?)
		UNION ALL SELECT 1, zone, currency, '', '', first_weight_g, first_fee, step_g, step_fee
		FROM rate_cards WHERE tenant_id = ? AND service_level = ?`
	args := []any{tenant, origin, destination, tenant, level}
	if withSubscribers {
		q += ` UNION ALL SELECT 2, id, event_types, '', '', 0, 0, 0, 0 FROM webhook_endpoints WHERE tenant_id = ?`
		args = append(args, tenant)
	}
	if claim != nil {
		q += ` UNION ALL SELECT 3, '', '', '', '', 0, 0, 0, 0 FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ?`
		args = append(args, claim.Tenant, claim.Key)
	}
	r := &route{tenant: tenant, origin: origin, destination: destination, level: level, cards: map[domain.Zone]domain.RateCard{}}
	if withSubscribers {
		r.subs = map[webhook.EventType][]string{}
	}
	err := s.readRows(ctx, r.scan, q, args...)
	if err != nil {
		return nil, wrapf(err, "station", "read stations and rate cards")
	}
	for _, ids := range r.subs {
		slices.Sort(ids) // as subscribers orders them
	}
	if r.keyStored {
		claim.taken = true
		return nil, errKeyStored
	}
	return r, r.checkStations()
}

// scan adds the row of rows to r.
func (r *route) scan(rows *sql.Rows) error {
	var part int
	var a, b, c, d string
	var n [4]int64
	if err := rows.Scan(&part, &a, &b, &c, &d, &n[0], &n[1], &n[2], &n[3]); err != nil {
		return err
	}
	switch part {
	case 0:
		st := &domain.Station{Tenant: r.tenant, Code: a, Region: b, Address: domain.Address{Province: c, City: d}}
		if a == r.origin {
			r.from = st
		}
		if a == r.destination {
			r.to = st
		}
	case 1:
		r.cards[domain.Zone(a)] = domain.RateCard{ServiceLevel: r.level, Zone: domain.Zone(a), Currency: b,
			FirstWeightG: n[0], FirstFee: n[1], StepG: n[2], StepFee: n[3]}
	case 2:
		for _, t := range strings.Fields(b) {
			r.subs[webhook.EventType(t)] = append(r.subs[webhook.EventType(t)], a)
		}
	case 3:
		r.keyStored = true
	}
	return nil
}

func (r *route) checkStations() error {
	var p domain.Problems
	if r.from == nil {
		p.Add("origin_station", "no station %q in this tenant", r.origin)
	}
	if r.to == nil {
		p.Add("destination_station", "no station %q in this tenant", r.destination)
	}
	return p.Err()
}

// quote prices items on r: the tenant's card of the zone between the
// stations, or the default one.
func (r *route) quote(items []domain.Item) (domain.Quote, error) {
	zone := domain.ZoneBetween(r.from, r.to)
	card, ok := r.cards[zone]
	if !ok {
		if card, ok = defaultRateCard(r.level, zone); !ok {
			return domain.Quote{}, domain.Errorf(domain.KindUnprocessable, "no_rate_card", "no rate card for %s in zone %s", r.level, zone)
		}
	}
	q, err := domain.Price(card, items)
	if err != nil {
		return domain.Quote{}, err
	}
	q.OriginStation, q.DestinationStation = r.origin, r.destination
	return q, nil
}

func defaultRateCard(level domain.ServiceLevel, zone domain.Zone) (domain.RateCard, bool) {
	for _, d := range domain.DefaultRateCards() {
		if d.ServiceLevel == level && d.Zone == zone {
			return d, true
		}
	}
	return domain.RateCard{}, false
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
