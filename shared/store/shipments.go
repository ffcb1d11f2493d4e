package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/webhook"
)

// maxKeyLen is the longest request or idempotency key the schema holds.
const maxKeyLen = 255

// CreateShipment stores sh, a validated shipment of tenant sh.Tenant, in
// status created at version 1 with its items and its first tracking event
// ("created", by actor, from the API). It allocates the waybill number and
// fills sh.ID, sh.Waybill, sh.Status, sh.Version, sh.CreatedAt and
// sh.UpdatedAt. The fee, priced by the caller, must be in the shipment's
// currency; a shipment without one is stored with a fee of 0.
//
// Unknown origin or destination stations give an unprocessable error naming
// origin_station or destination_station. requestKey, when not empty,
// identifies the request: if a shipment with that key exists already (a
// retry after a crash), *sh becomes the stored one and created is false.
// An IdempotencyClaim in ctx for requestKey is recorded in the creation's
// transaction (see IdempotencyClaim); when another request holds its key,
// the creation fails with a conflict and writes nothing.
func (s *Store) CreateShipment(ctx context.Context, sh *domain.Shipment, actor, requestKey string) (created bool, err error) {
	if err := checkNewShipment(sh, requestKey); err != nil {
		return false, err
	}
	if stored, err := s.shipmentByRequestKey(ctx, sh.Tenant, requestKey); err == nil {
		*sh = *stored
		return false, nil
	} else if !domain.IsKind(err, domain.KindNotFound) {
		return false, err
	}
	return s.allocateAndInsert(ctx, sh, actor, requestKey, nil)
}

// PriceAndCreateShipment prices sh as Quote does, on the tenant's rate
// card of its service level and the zone between its stations, sets its
// fee and chargeable weight, and creates it as CreateShipment does. It
// reads the stations, the rate cards and the tenant's webhook endpoints
// in one query, so the creation's transaction reads nothing: the created
// event is queued for the endpoints registered when that query ran, as a
// read in the transaction would queue it for those registered when its
// snapshot was taken; one registered meanwhile gets the shipment's later
// events. Errors are
// those of Quote and CreateShipment, and an unprocessable one naming
// currency when sh is not in the currency of its rate card.
//
// requestKey is expected to be new, as an Idempotency-Key the caller has
// just reserved is: a shipment stored under it already is found when the
// insert meets it, which then costs a waybill number, rather than looked
// for first on every call. An IdempotencyClaim in ctx is recorded as
// CreateShipment records it.
func (s *Store) PriceAndCreateShipment(ctx context.Context, sh *domain.Shipment, actor, requestKey string) (created bool, err error) {
	r, err := s.readRoute(ctx, sh.Tenant, sh.OriginStation, sh.DestinationStation, sh.ServiceLevel, true, activeClaim(ctx, requestKey))
	if err != nil {
		return false, err
	}
	q, err := r.quote(sh.Items)
	if err != nil {
		return false, err
	}
	if q.Fee.Currency != sh.Currency {
		var p domain.Problems
		p.Add("currency", "must be %s, the currency of the tenant's rate card", q.Fee.Currency)
		return false, p.Err()
	}
	sh.Fee, sh.ChargeableWeightG = q.Fee, q.ChargeableWeightG
	if err := checkNewShipment(sh, requestKey); err != nil {
		return false, err
	}
	return s.allocateAndInsert(ctx, sh, actor, requestKey, r.subs)
}

// allocateAndInsert gives sh a new waybill number and inserts it. subs,
// when not nil, are the tenant's webhook subscribers read before (see
// insertOutbox).
func (s *Store) allocateAndInsert(ctx context.Context, sh *domain.Shipment, actor, requestKey string, subs map[webhook.EventType][]string) (bool, error) {
	// Allocated before the insert's transaction, so the counter's row lock
	// is held only for the allocation. A failed insert, such as one naming
	// an unknown station, skips a number.
	w, err := s.NextWaybill(ctx, sh.Tenant)
	if err != nil {
		return false, fmt.Errorf("create shipment: %w", err)
	}
	return s.insertShipment(ctx, sh, w, actor, requestKey, subs)
}

func checkNewShipment(sh *domain.Shipment, requestKey string) error {
	switch {
	case sh.Tenant == "":
		return domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	case len(sh.Items) == 0:
		return domain.Errorf(domain.KindUnprocessable, "items_required", "a shipment needs at least one item")
	case utf8.RuneCountInString(requestKey) > maxKeyLen:
		return domain.Errorf(domain.KindInvalid, "request_key_too_long", "the request key is longer than %d characters", maxKeyLen)
	case sh.Fee.Currency != "" && sh.Fee.Currency != sh.Currency:
		// The fee is stored as an amount only, read back in the shipment's currency.
		return domain.Errorf(domain.KindUnprocessable, "fee_currency_mismatch", "the fee is in %s, the shipment in %s", sh.Fee.Currency, sh.Currency)
	}
	return nil
}

// checkStations reports unknown origin and destination stations of sh as
// field problems, after insertShipmentRow found one of them missing.
func (s *Store) checkStations(ctx context.Context, tx *sql.Tx, sh *domain.Shipment) error {
	rows, err := tx.QueryContext(ctx, `SELECT code FROM stations WHERE tenant_id = ? AND code IN (?, ?)`,
		sh.Tenant, sh.OriginStation, sh.DestinationStation)
	if err != nil {
		return wrapf(err, "station", "check stations")
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return wrapf(err, "station", "check stations")
		}
		known[code] = true
	}
	if err := rows.Err(); err != nil {
		return wrapf(err, "station", "check stations")
	}
	var p domain.Problems
	if !known[sh.OriginStation] {
		p.Add("origin_station", "no station %q in this tenant", sh.OriginStation)
	}
	if !known[sh.DestinationStation] {
		p.Add("destination_station", "no station %q in this tenant", sh.DestinationStation)
	}
	if len(p) == 0 {
		// Both exist now: one was created while the shipment was inserted.
		return domain.Errorf(domain.KindConflict, "stations_changed", "the stations changed meanwhile; try again")
	}
	return p.Err()
}

// errUnknownStation is insertShipmentRow's answer when the origin or the
// destination station is not the tenant's.
var errUnknownStation = errors.New("unknown origin or destination station")

// insertShipment writes sh under waybill w with its items, created event
// and webhook events in one transaction. A concurrent request with the
// same requestKey that got there first makes this a replay of it.
func (s *Store) insertShipment(ctx context.Context, sh *domain.Shipment, w domain.Waybill, actor, requestKey string, subs map[webhook.EventType][]string) (bool, error) {
	now := s.clock()
	row := *sh
	row.Waybill, row.Status, row.Version, row.CreatedAt, row.UpdatedAt = w, domain.StatusCreated, 1, now, now
	row.Fee.Currency = row.Currency
	// The answer shows nothing the transaction adds (the ID): rendered
	// first, it is stored by the transaction's first statement, which so
	// takes the key's row lock before anything else.
	answer, err := answerClaim(ctx, requestKey, &row)
	if err != nil {
		return false, fmt.Errorf("create shipment %s: %w", w, err)
	}
	err = s.inTx(ctx, false, func(tx *sql.Tx) error {
		if answer != nil {
			if err := answer.record(ctx, tx, s.d, now); err != nil {
				return err
			}
		}
		id, err := s.insertShipmentRow(ctx, tx, &row, requestKey)
		if err == errUnknownStation {
			return s.checkStations(ctx, tx, &row)
		}
		if err != nil {
			return err
		}
		row.ID = id
		if err := insertItems(ctx, tx, &row); err != nil {
			return err
		}
		ev := domain.TrackingEvent{Tenant: row.Tenant, ShipmentID: id, Waybill: w, Status: domain.StatusCreated,
			Actor: actor, Source: domain.SourceAPI, OccurredAt: now}
		if err := s.insertEventRow(ctx, tx, &ev, now); err != nil {
			return err
		}
		return s.announceCreated(ctx, tx, &ev, subs, now)
	})
	if answer != nil {
		answer.c.recorded = err == nil
	}
	if requestKey != "" && domain.IsKind(err, domain.KindConflict) && (answer == nil || !answer.c.taken) {
		if stored, err := s.shipmentByRequestKey(ctx, sh.Tenant, requestKey); err == nil {
			*sh = *stored
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("create shipment %s: %w", w, err)
	}
	*sh = row
	return true, nil
}

func (s *Store) insertShipmentRow(ctx context.Context, tx *sql.Tx, sh *domain.Shipment, requestKey string) (int64, error) {
	var key any // NULL: the unique index allows any number of requests without a key
	if requestKey != "" {
		key = requestKey
	}
	snd, rcv := sh.Sender, sh.Receiver
	// The row is inserted only when both stations are the tenant's: the
	// check costs no round trip of its own. Nothing is inserted otherwise,
	// and errUnknownStation says so.
	res, err := tx.ExecContext(ctx, `INSERT INTO shipments (tenant_id, waybill, customer_id, request_key,
		sender_name, sender_phone, sender_province, sender_city, sender_district, sender_detail,
		receiver_name, receiver_phone, receiver_province, receiver_city, receiver_district, receiver_detail,
		service_level, origin_station, destination_station, currency, fee_amount, chargeable_weight_g,
		status, version, created_at, updated_at, last_event_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
		FROM stations o JOIN stations d ON d.tenant_id = o.tenant_id
		WHERE o.tenant_id = ? AND o.code = ? AND d.code = ?`,
		sh.Tenant, sh.Waybill, sh.CustomerID, key,
		snd.Name, snd.Phone, snd.Address.Province, snd.Address.City, snd.Address.District, snd.Address.Detail,
		rcv.Name, rcv.Phone, rcv.Address.Province, rcv.Address.City, rcv.Address.District, rcv.Address.Detail,
		sh.ServiceLevel, sh.OriginStation, sh.DestinationStation, sh.Currency, sh.Fee.Amount, sh.ChargeableWeightG,
		sh.Status, sh.Version, s.d.timeArg(sh.CreatedAt), s.d.timeArg(sh.UpdatedAt), s.d.timeArg(sh.CreatedAt),
		sh.Tenant, sh.OriginStation, sh.DestinationStation)
	if err != nil {
		return 0, wrapf(err, "shipment", "insert shipment")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return 0, wrapf(err, "shipment", "insert shipment")
		}
		return 0, errUnknownStation
	}
	id, err := res.LastInsertId()
	return id, wrapf(err, "shipment", "insert shipment")
}

// insertItems writes the items of sh with one statement.
func insertItems(ctx context.Context, tx *sql.Tx, sh *domain.Shipment) error {
	args := make([]any, 0, len(sh.Items)*10)
	for i, it := range sh.Items {
		args = append(args, sh.Tenant, sh.ID, i+1, it.Name, it.Quantity, it.WeightG,
			it.LengthMM, it.WidthMM, it.HeightMM, it.DeclaredValue.Amount)
	}
	values := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for range len(sh.Items) - 1 {
		values += ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO shipment_items (tenant_id, shipment_id, seq, name, quantity,
		weight_g, length_mm, width_mm, height_mm, declared_value) VALUES `+values, args...)
	return wrapf(err, "shipment item", "insert items of shipment %d", sh.ID)
}

// ShipmentByWaybill returns tenant's shipment with waybill number w and its
// items, or a not-found error.
func (s *Store) ShipmentByWaybill(ctx context.Context, tenant string, w domain.Waybill) (*domain.Shipment, error) {
	var sh *domain.Shipment
	err := s.read(ctx, func(ctx context.Context, q querier) (err error) {
		sh, err = shipmentWithItems(ctx, q, `s.tenant_id = ? AND s.waybill = ?`, tenant, w)
		return err
	})
	return sh, wrapf(err, "shipment", "get shipment %s", w)
}

// shipmentByRequestKey returns tenant's shipment created with requestKey,
// or a not-found error, also for an empty key.
func (s *Store) shipmentByRequestKey(ctx context.Context, tenant, requestKey string) (*domain.Shipment, error) {
	if requestKey == "" {
		return nil, domain.Errorf(domain.KindNotFound, "not_found", "shipment not found")
	}
	sh, err := shipmentWithItems(ctx, s.db, `s.tenant_id = ? AND s.request_key = ?`, tenant, requestKey)
	return sh, wrapf(err, "shipment", "get shipment by request key")
}

// shipmentByID returns tenant's shipment id with its items, read in tx.
func shipmentByID(ctx context.Context, tx *sql.Tx, tenant string, id int64) (*domain.Shipment, error) {
	sh, err := shipmentWithItems(ctx, tx, `s.tenant_id = ? AND s.id = ?`, tenant, id)
	return sh, wrapf(err, "shipment", "get shipment %d", id)
}

// shipmentItemsJoin reads a shipment with its items in one round trip: a
// row per item, each repeating the shipment's columns. It needs no
// transaction, as items are written with their shipment and never change.
var shipmentItemsJoin = `SELECT ` + qualified("s", shipmentColumns) + `,
	i.name, i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm, i.declared_value
	FROM shipments s LEFT JOIN shipment_items i ON i.tenant_id = s.tenant_id AND i.shipment_id = s.id
	WHERE `

// qualified returns the comma-separated columns, each prefixed with alias.
func qualified(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// shipmentWithItems returns the one shipment where selects, with its
// items, or sql.ErrNoRows. where names the shipments table s.
func shipmentWithItems(ctx context.Context, q querier, where string, args ...any) (*domain.Shipment, error) {
	rows, err := q.QueryContext(ctx, shipmentItemsJoin+where+` ORDER BY i.seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var sh domain.Shipment
	var name sql.NullString
	var qty, weight, length, width, height, value sql.NullInt64
	dest := append(shipmentDest(&sh), &name, &qty, &weight, &length, &width, &height, &value)
	found := false
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if !found {
			// Later rows repeat the shipment: skip its columns rather than
			// decode them again.
			found = true
			var skip sql.RawBytes
			for i := range len(dest) - 7 {
				dest[i] = &skip
			}
		}
		if name.Valid {
			sh.Items = append(sh.Items, domain.Item{Name: name.String, Quantity: int(qty.Int64), WeightG: weight.Int64,
				LengthMM: length.Int64, WidthMM: width.Int64, HeightMM: height.Int64,
				DeclaredValue: domain.Money{Amount: value.Int64}})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, sql.ErrNoRows
	}
	sh.Fee.Currency = sh.Currency
	if sh.Items == nil {
		sh.Items = []domain.Item{}
	}
	for i := range sh.Items {
		sh.Items[i].DeclaredValue.Currency = sh.Currency
	}
	return &sh, nil
}
