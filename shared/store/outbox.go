package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/webhook"
)

// The statuses of a webhook delivery.
const (
	deliveryPending   = "pending"   // to be sent, now or after a backoff
	deliveryDelivered = "delivered" // the endpoint answered 2xx
	deliveryFailed    = "failed"    // given up after the last attempt
)

// stream is the webhook outbox state of one shipment, or of a tenant's
// events about no shipment (shipmentID 0), as a transaction holds it.
type stream struct {
	tenant     string
	shipmentID int64
	lastSeq    int64
	lastStatus domain.Status
	taken      bool // tx took a number, to be saved
	// For a stream read without a lock (see readStreams): the sequence
	// number read, and whether it has no row yet.
	readSeq int64
	missing bool
	// timeOrdered gives the stream's events time-ordered ids (UUID version
	// 7), which bulk writers append to the end of the events' primary key
	// rather than scatter across it.
	timeOrdered bool
}

// newEventID returns the id of st's next event.
func (st *stream) newEventID() string {
	if st.timeOrdered {
		if id, err := uuid.NewV7(); err == nil {
			return id.String()
		}
	}
	return uuid.NewString()
}

// lockStream takes the row of a stream for the rest of tx and returns the
// stream as it stands. A fresh stream (the shipment is created in tx) is
// inserted, and so is the stream of a shipment created before webhooks
// existed: its first event announces its status without a previous one.
func lockStream(ctx context.Context, tx *sql.Tx, tenant string, shipmentID int64, fresh bool) (*stream, error) {
	st := &stream{tenant: tenant, shipmentID: shipmentID}
	if !fresh {
		if found, err := st.take(ctx, tx); err != nil || found {
			return st, err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO webhook_streams (tenant_id, shipment_id, last_seq, last_status, writes)
		VALUES (?, ?, 0, '', 1)`, tenant, shipmentID)
	return st, wrapf(err, "webhook stream", "create webhook stream of shipment %d", shipmentID)
}

// take reads st's row, if there is one, after updating it: MySQL then
// reads the row's latest version, not the transaction's snapshot, and
// holds it until tx ends, so writers of one stream take numbers one after
// another.
func (st *stream) take(ctx context.Context, tx *sql.Tx) (found bool, err error) {
	res, err := tx.ExecContext(ctx, `UPDATE webhook_streams SET writes = writes + 1 WHERE tenant_id = ? AND shipment_id = ?`,
		st.tenant, st.shipmentID)
	if err == nil {
		err = oneRowAffected(res)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT last_seq, last_status FROM webhook_streams WHERE tenant_id = ? AND shipment_id = ?`,
			st.tenant, st.shipmentID).Scan(&st.lastSeq, &st.lastStatus)
	}
	return err == nil, wrapf(err, "webhook stream", "take webhook stream of shipment %d", st.shipmentID)
}

// save records what tx took from st, if anything.
func (st *stream) save(ctx context.Context, tx *sql.Tx) error {
	if !st.taken {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE webhook_streams SET last_seq = ?, last_status = ? WHERE tenant_id = ? AND shipment_id = ?`,
		st.lastSeq, st.lastStatus, st.tenant, st.shipmentID)
	return wrapf(err, "webhook stream", "save webhook stream of shipment %d", st.shipmentID)
}

// writeOutbox writes, in tx, the webhook events tracking event ev owes
// (see announce). The shipment's status and version are read as tx left
// them: whoever appends an event has written the shipment's row first in
// tx (its version grows with every event), so they are current. Version 1
// means the shipment is being created.
func (s *Store) writeOutbox(ctx context.Context, tx *sql.Tx, ev *domain.TrackingEvent, now time.Time) error {
	var status domain.Status
	var version int64
	err := tx.QueryRowContext(ctx, `SELECT status, version FROM shipments WHERE tenant_id = ? AND id = ?`,
		ev.Tenant, ev.ShipmentID).Scan(&status, &version)
	if err != nil {
		return wrapf(err, "shipment", "read shipment %d for its webhooks", ev.ShipmentID)
	}
	return s.announce(ctx, tx, ev.Tenant, []announcement{{ev: ev, status: status}}, version == 1, now)
}

// announceCreated writes, in tx, the webhook events of a shipment created
// in tx, whose first tracking event is ev: the status change to created
// opens the shipment's stream, whose row is inserted as the event leaves
// it, in one statement, since no other writer can know the shipment yet.
// subs, when not nil, are the tenant's subscribers as the caller read them
// before tx; they are read in tx otherwise.
func (s *Store) announceCreated(ctx context.Context, tx *sql.Tx, ev *domain.TrackingEvent, subs map[webhook.EventType][]string, now time.Time) error {
	st := &stream{tenant: ev.Tenant, shipmentID: ev.ShipmentID}
	owed, err := st.owed(announcement{ev: ev, status: domain.StatusCreated}, now)
	if err != nil {
		return err
	}
	if err := insertStreams(ctx, tx, ev.Tenant, []*stream{st}); err != nil {
		return err
	}
	return s.insertOutbox(ctx, tx, ev.Tenant, owed, subs, now)
}

// announcement is a tracking event of a shipment and the status the
// shipment was left in right after it: the event's own for a move, the one
// before for a late scan or a photo.
type announcement struct {
	ev     *domain.TrackingEvent
	status domain.Status
}

// announce writes, in tx, the webhook events that tenant's tracking events
// list owe, in the order given: shipment.status_changed when the status
// after an event is not the one last announced (a shipment's creation
// included), and shipment.exception for an exception scan or a move to
// exception. Each event takes its shipment's next sequence number and a
// pending delivery to every endpoint subscribed to its type. fresh says
// the shipments are created in tx.
//
// Writers that append many events at once (and so not through insertEvent)
// call it once for all of them, after writing the shipments' rows: the
// streams are read and saved, and rows inserted, a few hundred at a time.
func (s *Store) announce(ctx context.Context, tx *sql.Tx, tenant string, list []announcement, fresh bool, now time.Time) error {
	// Streams are taken in the order of their shipments' ids, as MySQL
	// locks the rows of one UPDATE, so that two writers never wait for each
	// other both ways.
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		ids = append(ids, a.ev.ShipmentID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 1 {
		return s.announceMany(ctx, tx, tenant, ids, list, fresh, now)
	}
	streams := map[int64]*stream{}
	for _, id := range ids {
		st, err := lockStream(ctx, tx, tenant, id, fresh)
		if err != nil {
			return err
		}
		streams[id] = st
	}
	owed, err := owedAll(streams, list, now)
	if err != nil {
		return err
	}
	if err := s.insertOutbox(ctx, tx, tenant, owed, nil, now); err != nil {
		return err
	}
	for _, id := range ids {
		if err := streams[id].save(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// announceMany is announce for the events of several shipments, with a
// few statements for all of their streams: it reads them, numbers the
// events, and saves them provided none moved on meanwhile (see
// saveStreams), so a concurrent writer of one of them makes tx fail with a
// precondition error rather than wait on it.
func (s *Store) announceMany(ctx context.Context, tx *sql.Tx, tenant string, ids []int64, list []announcement, fresh bool, now time.Time) error {
	streams, err := readStreams(ctx, tx, tenant, ids, fresh)
	if err != nil {
		return err
	}
	owed, err := owedAll(streams, list, now)
	if err != nil {
		return err
	}
	if err := saveStreams(ctx, tx, s.d, tenant, ids, streams); err != nil {
		return err
	}
	return s.insertOutbox(ctx, tx, tenant, owed, nil, now)
}

// owedAll returns the webhook events the announcements of list owe, in
// order, numbered in their shipments' streams.
func owedAll(streams map[int64]*stream, list []announcement, now time.Time) ([]outboxEvent, error) {
	var owed []outboxEvent
	for _, a := range list {
		events, err := streams[a.ev.ShipmentID].owed(a, now)
		if err != nil {
			return nil, err
		}
		owed = append(owed, events...)
	}
	return owed, nil
}

// owed returns the webhook events a's tracking event owes, numbered in st.
func (st *stream) owed(a announcement, now time.Time) ([]outboxEvent, error) {
	ev := a.ev
	changed := a.status != st.lastStatus
	exception := ev.Type == domain.ScanException || changed && a.status == domain.StatusException
	data := webhook.ShipmentData{Waybill: ev.Waybill, Status: a.status, ScanType: ev.Type, Station: ev.Station,
		IncidentReason: ev.IncidentReason, Source: ev.Source, OccurredAt: ev.OccurredAt}
	var out []outboxEvent
	if changed {
		moved := data
		moved.PreviousStatus = st.lastStatus
		e, err := st.next(webhook.EventStatusChanged, ev.Waybill, "", moved, now)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		st.lastStatus = a.status
	}
	if exception {
		e, err := st.next(webhook.EventException, ev.Waybill, "", data, now)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// outboxEvent is a webhook event about to be written. waybill is the
// shipment's, empty for events about no shipment; dedupKey, when not
// empty, makes a second event with it a conflict. The body is built once,
// so every delivery and retry of the event sends the same bytes.
type outboxEvent struct {
	id         string
	shipmentID int64
	seq        int64
	typ        webhook.EventType
	dedupKey   string
	body       []byte
}

// next makes the next event of st.
func (st *stream) next(typ webhook.EventType, waybill domain.Waybill, dedupKey string, data any, now time.Time) (outboxEvent, error) {
	st.lastSeq++
	st.taken = true
	e := outboxEvent{id: st.newEventID(), shipmentID: st.shipmentID, seq: st.lastSeq, typ: typ, dedupKey: dedupKey}
	raw, err := json.Marshal(data)
	if err == nil {
		e.body, err = json.Marshal(webhook.Event{ID: e.id, Type: typ, CreatedAt: now, Waybill: waybill, Sequence: e.seq, Data: raw})
	}
	if err != nil {
		return e, domain.Wrap(domain.KindInternal, "internal", "internal error", fmt.Errorf("encode webhook event: %w", err))
	}
	return e, nil
}

// Rows per statement when inserting events and deliveries.
const outboxRowsPerInsert = 200

// insertOutbox writes tenant's events, and a pending delivery of each to
// every endpoint of the tenant subscribed to its type, due now. subs are
// the tenant's subscribers when the caller has read them (see
// subscribers), nil to read them in tx.
func (s *Store) insertOutbox(ctx context.Context, tx *sql.Tx, tenant string, events []outboxEvent, subs map[webhook.EventType][]string, now time.Time) error {
	if len(events) == 0 {
		return nil
	}
	t := s.d.timeArg(now)
	for rest := events; len(rest) > 0; {
		n := min(len(rest), outboxRowsPerInsert)
		args := make([]any, 0, n*8)
		for _, e := range rest[:n] {
			var dedup any // NULL: the unique index allows any number of events without a key
			if e.dedupKey != "" {
				dedup = e.dedupKey
			}
			args = append(args, tenant, e.id, e.shipmentID, e.seq, e.typ, dedup, string(e.body), t)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (tenant_id, id, shipment_id, seq, type, dedup_key, body, created_at)
			VALUES `+valueRows("(?, ?, ?, ?, ?, ?, ?, ?)", n), args...)
		if err != nil {
			return wrapf(err, "webhook event", "insert webhook events")
		}
		rest = rest[n:]
	}
	if subs == nil {
		var err error
		if subs, err = subscribers(ctx, tx, tenant); err != nil {
			return err
		}
	}
	var deliveries []outboxDelivery
	for _, e := range events {
		for _, ep := range subs[e.typ] {
			deliveries = append(deliveries, outboxDelivery{endpointID: ep, eventID: e.id, shipmentID: e.shipmentID, seq: e.seq})
		}
	}
	return s.insertDeliveries(ctx, tx, tenant, deliveries, now)
}

// valueRows returns n copies of row, comma-separated, for a VALUES list.
func valueRows(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// subscribers returns the ids of tenant's endpoints by the event types
// they subscribe to, disabled ones included: what happens while an
// endpoint is disabled waits for it, in order, until it is enabled again.
func subscribers(ctx context.Context, tx *sql.Tx, tenant string) (map[webhook.EventType][]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, event_types FROM webhook_endpoints WHERE tenant_id = ? ORDER BY id`, tenant)
	if err != nil {
		return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
	}
	defer rows.Close()
	subs := map[webhook.EventType][]string{}
	for rows.Next() {
		var id, types string
		if err := rows.Scan(&id, &types); err != nil {
			return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
		}
		for _, t := range strings.Fields(types) {
			subs[webhook.EventType(t)] = append(subs[webhook.EventType(t)], id)
		}
	}
	return subs, wrapf(rows.Err(), "webhook endpoint", "list webhook endpoints")
}

// outboxDelivery is one event queued for one endpoint. A replay is sent
// outside its stream's order.
type outboxDelivery struct {
	endpointID string
	eventID    string
	shipmentID int64
	seq        int64
	replay     bool
}

// insertDeliveries queues tenant's deliveries, due now.
func (s *Store) insertDeliveries(ctx context.Context, tx *sql.Tx, tenant string, deliveries []outboxDelivery, now time.Time) error {
	t := s.d.timeArg(now)
	for rest := deliveries; len(rest) > 0; {
		n := min(len(rest), outboxRowsPerInsert)
		args := make([]any, 0, n*11)
		for _, d := range rest[:n] {
			args = append(args, tenant, d.endpointID, d.eventID, d.shipmentID, d.seq, d.replay, deliveryPending, t, t, t, t)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, shipment_id, seq,
			replay, status, attempts, next_attempt_at, lease_owner, lease_until, last_status_code, last_error, created_at, updated_at)
			VALUES `+valueRows("(?, ?, ?, ?, ?, ?, ?, 0, ?, '', ?, 0, '', ?, ?)", n), args...)
		if err != nil {
			return wrapf(err, "webhook delivery", "queue webhook deliveries")
		}
		rest = rest[n:]
	}
	return nil
}

// ImageReview is a waybill photo that needs a person to look at it,
// announced to webhook subscribers as image.needs_review.
type ImageReview struct {
	Tenant string
	// Waybill is the number the photo is filed under or shows, if any. When
	// the tenant has a shipment with it, the event is in its stream.
	Waybill    domain.Waybill
	ImageKey   string
	Reason     string
	OccurredAt time.Time
	// Key identifies the review, such as the photo's bucket, key and ETag:
	// once an event is recorded with a Key, the same Key records nothing.
	Key string
}

// Limits of an ImageReview, in characters.
const (
	maxReviewImageKeyLen = 1024
	maxReviewReasonLen   = 100
)

// RecordImageNeedsReview writes an image.needs_review event for r and
// returns its id. A review recorded before under r.Key gives that event's
// id and created false. Missing or oversized fields are invalid.
func (s *Store) RecordImageNeedsReview(ctx context.Context, r ImageReview) (id string, created bool, err error) {
	if r.Tenant == "" || r.ImageKey == "" || r.Reason == "" || utf8.RuneCountInString(r.ImageKey) > maxReviewImageKeyLen ||
		utf8.RuneCountInString(r.Reason) > maxReviewReasonLen || utf8.RuneCountInString(r.Key) > maxKeyLen {
		return "", false, domain.Errorf(domain.KindInvalid, "invalid_image_review",
			"an image review needs a tenant, an image key of at most %d and a reason of at most %d characters, and a key of at most %d",
			maxReviewImageKeyLen, maxReviewReasonLen, maxKeyLen)
	}
	now := s.clock()
	r.OccurredAt = dbTime(r.OccurredAt)
	if r.OccurredAt.IsZero() {
		r.OccurredAt = now
	}
	shipmentID, err := s.reviewStream(ctx, r)
	if err != nil {
		return "", false, fmt.Errorf("record image review: %w", err)
	}
	// A conflict is a concurrent review with the same key, or a new stream
	// created by another writer at once: look again, then try again.
	for attempt := 1; ; attempt++ {
		if r.Key != "" {
			id, err := s.eventByDedupKey(ctx, r.Tenant, r.Key)
			if err == nil {
				return id, false, nil
			}
			if !domain.IsKind(err, domain.KindNotFound) {
				return "", false, fmt.Errorf("record image review: %w", err)
			}
		}
		err = s.inTx(ctx, false, func(tx *sql.Tx) error {
			id, err = s.writeImageReview(ctx, tx, r, shipmentID, now)
			return err
		})
		if err == nil {
			return id, true, nil
		}
		if attempt == 3 || !domain.IsKind(err, domain.KindConflict) {
			return "", false, fmt.Errorf("record image review: %w", err)
		}
	}
}

// reviewStream returns the shipment whose stream r joins, 0 for none. The
// stream of events about no shipment is created here, outside the
// transaction that uses it, so that two first reviews do not deadlock on
// MySQL's gap locks.
func (s *Store) reviewStream(ctx context.Context, r ImageReview) (int64, error) {
	var id int64
	if r.Waybill != "" {
		err := s.db.QueryRowContext(ctx, `SELECT id FROM shipments WHERE tenant_id = ? AND waybill = ?`, r.Tenant, r.Waybill).Scan(&id)
		if err == nil {
			return id, nil
		}
		if err = translate(err, "shipment"); !domain.IsKind(err, domain.KindNotFound) {
			return 0, err
		}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhook_streams (tenant_id, shipment_id, last_seq, last_status, writes)
		VALUES (?, 0, 0, '', 0)`, r.Tenant)
	if err != nil && !isDuplicate(err) {
		return 0, wrapf(err, "webhook stream", "create webhook stream")
	}
	return 0, nil
}

func (s *Store) writeImageReview(ctx context.Context, tx *sql.Tx, r ImageReview, shipmentID int64, now time.Time) (string, error) {
	st, err := lockStream(ctx, tx, r.Tenant, shipmentID, false)
	if err != nil {
		return "", err
	}
	var waybill domain.Waybill
	if shipmentID != 0 {
		waybill = r.Waybill
	}
	e, err := st.next(webhook.EventImageNeedsReview, waybill, r.Key,
		webhook.ImageData{Waybill: r.Waybill, ImageKey: r.ImageKey, Reason: r.Reason, OccurredAt: r.OccurredAt}, now)
	if err != nil {
		return "", err
	}
	if err := s.insertOutbox(ctx, tx, r.Tenant, []outboxEvent{e}, nil, now); err != nil {
		return "", err
	}
	return e.id, st.save(ctx, tx)
}

func (s *Store) eventByDedupKey(ctx context.Context, tenant, key string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM webhook_events WHERE tenant_id = ? AND dedup_key = ?`, tenant, key).Scan(&id)
	return id, wrapf(err, "webhook event", "find webhook event by key")
}

// WebhookEvents returns the webhook events of tenant's shipment shipmentID
// (0: those about no shipment), by sequence; none gives an empty list.
func (s *Store) WebhookEvents(ctx context.Context, tenant string, shipmentID int64) ([]webhook.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM webhook_events WHERE tenant_id = ? AND shipment_id = ? ORDER BY seq`,
		tenant, shipmentID)
	if err != nil {
		return nil, wrapf(err, "webhook event", "list webhook events of shipment %d", shipmentID)
	}
	defer rows.Close()
	list := []webhook.Event{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, wrapf(err, "webhook event", "list webhook events of shipment %d", shipmentID)
		}
		var ev webhook.Event
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return nil, wrapf(err, "webhook event", "decode webhook event")
		}
		list = append(list, ev)
	}
	return list, wrapf(rows.Err(), "webhook event", "list webhook events of shipment %d", shipmentID)
}
