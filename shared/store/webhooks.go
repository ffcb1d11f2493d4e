package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/webhook"
)

// MaxWebhookEndpoints is how many endpoints one tenant may register: each
// status change is queued once per subscribed endpoint.
const MaxWebhookEndpoints = 20

// Limits of an endpoint's text fields, in characters.
const (
	maxEndpointDescriptionLen = 200
	maxEndpointSecretLen      = 128
)

const endpointColumns = `tenant_id, id, url, description, event_types, secret, previous_secret, previous_secret_until,
	enabled, disabled_reason, consecutive_failures, created_at, updated_at`

func scanEndpoint(r rowScanner) (*webhook.Endpoint, error) {
	var e webhook.Endpoint
	var types string
	err := r.Scan(&e.Tenant, &e.ID, &e.URL, &e.Description, &types, &e.Secret, &e.PreviousSecret, scanTime(&e.PreviousSecretUntil),
		&e.Enabled, &e.DisabledReason, &e.ConsecutiveFailures, scanTime(&e.CreatedAt), scanTime(&e.UpdatedAt))
	if err != nil {
		return nil, err
	}
	e.EventTypes = []webhook.EventType{}
	for _, t := range strings.Fields(types) {
		e.EventTypes = append(e.EventTypes, webhook.EventType(t))
	}
	return &e, nil
}

// CreateWebhookEndpoint stores e, enabled, for tenant e.Tenant and fills
// e.ID, e.Enabled, e.CreatedAt and e.UpdatedAt. The caller has checked the
// URL and made the secret. A tenant at MaxWebhookEndpoints gets an
// unprocessable error (code too_many_webhooks); missing or oversized
// fields and unknown event types are invalid.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, e *webhook.Endpoint) error {
	if err := checkEndpoint(e); err != nil {
		return err
	}
	now := s.clock()
	row := *e
	row.ID, row.Enabled, row.DisabledReason, row.ConsecutiveFailures = uuid.NewString(), true, "", 0
	row.CreatedAt, row.UpdatedAt, row.PreviousSecret, row.PreviousSecretUntil = now, now, "", now
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE tenant_id = ?`, row.Tenant).Scan(&n); err != nil {
			return wrapf(err, "webhook endpoint", "count webhook endpoints")
		}
		if n >= MaxWebhookEndpoints {
			return domain.Errorf(domain.KindUnprocessable, "too_many_webhooks", "a tenant may register at most %d webhook endpoints", MaxWebhookEndpoints)
		}
		t := s.d.timeArg(now)
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_endpoints (`+endpointColumns+`, failing_since)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.Tenant, row.ID, row.URL, row.Description, joinTypes(row.EventTypes), row.Secret, "", t, true, "", 0, t, t, t)
		return wrapf(err, "webhook endpoint", "insert webhook endpoint")
	})
	if err != nil {
		return fmt.Errorf("create webhook endpoint: %w", err)
	}
	*e = row
	return nil
}

func checkEndpoint(e *webhook.Endpoint) error {
	bad := func(format string, args ...any) error {
		return domain.Errorf(domain.KindInvalid, "invalid_webhook", format, args...)
	}
	switch {
	case e.Tenant == "" || e.URL == "" || e.Secret == "" || len(e.EventTypes) == 0:
		return bad("a webhook endpoint needs a tenant, a URL, a secret and event types")
	case len(e.URL) > webhook.MaxURLLen || utf8.RuneCountInString(e.Description) > maxEndpointDescriptionLen ||
		len(e.Secret) > maxEndpointSecretLen:
		return bad("the URL, description or secret of the webhook endpoint is too long")
	}
	for _, t := range e.EventTypes {
		if !t.Valid() {
			return bad("unknown event type %q", t)
		}
	}
	return nil
}

func joinTypes(types []webhook.EventType) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	return strings.Join(s, " ")
}

// WebhookEndpoints returns tenant's endpoints, oldest first; none gives an
// empty list.
func (s *Store) WebhookEndpoints(ctx context.Context, tenant string) ([]webhook.Endpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = ? ORDER BY created_at, id`, tenant)
	if err != nil {
		return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
	}
	defer rows.Close()
	list := []webhook.Endpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
		}
		list = append(list, *e)
	}
	return list, wrapf(rows.Err(), "webhook endpoint", "list webhook endpoints")
}

// WebhookEndpoint returns tenant's endpoint id, or a not-found error.
func (s *Store) WebhookEndpoint(ctx context.Context, tenant, id string) (*webhook.Endpoint, error) {
	e, err := scanEndpoint(s.db.QueryRowContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`, tenant, id))
	if err != nil {
		return nil, wrapf(err, "webhook endpoint", "get webhook endpoint %.40s", id)
	}
	return e, nil
}

// DeleteWebhookEndpoint deletes tenant's endpoint id with its deliveries,
// sent or not, and their attempts; a missing endpoint is not found.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, tenant, id string) error {
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		// Deliveries before the endpoint, in the order the dispatcher locks them.
		_, err := tx.ExecContext(ctx, `DELETE FROM webhook_attempts WHERE tenant_id = ? AND delivery_id IN
			(SELECT id FROM webhook_deliveries WHERE tenant_id = ? AND endpoint_id = ?)`, tenant, tenant, id)
		if err != nil {
			return wrapf(err, "webhook attempt", "delete webhook attempts")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE tenant_id = ? AND endpoint_id = ?`, tenant, id); err != nil {
			return wrapf(err, "webhook delivery", "delete webhook deliveries")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`, tenant, id)
		if err != nil {
			return wrapf(err, "webhook endpoint", "delete webhook endpoint")
		}
		return wrapf(oneRowAffected(res), "webhook endpoint", "delete webhook endpoint")
	})
	if err != nil {
		return fmt.Errorf("delete webhook endpoint %.40s: %w", id, err)
	}
	return nil
}

// oneRowAffected returns nil when res changed a row, sql.ErrNoRows when it
// changed none.
func oneRowAffected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return sql.ErrNoRows
	}
	return err
}

// RotateWebhookSecret makes secret the signing secret of tenant's endpoint
// id. The secret it replaces still signs deliveries, next to the new one,
// for grace, so receivers can switch without losing events. It returns
// the endpoint, or not found.
func (s *Store) RotateWebhookSecret(ctx context.Context, tenant, id, secret string, grace time.Duration) (*webhook.Endpoint, error) {
	if secret == "" || len(secret) > maxEndpointSecretLen {
		return nil, domain.Errorf(domain.KindInvalid, "invalid_webhook", "a webhook secret has 1 to %d characters", maxEndpointSecretLen)
	}
	now := s.clock()
	// previous_secret is assigned first: MySQL assigns left to right, and
	// later assignments see earlier ones.
	res, err := s.db.ExecContext(ctx, `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?,
		secret = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		s.d.timeArg(dbTime(now.Add(grace))), secret, s.d.timeArg(now), tenant, id)
	if err == nil {
		err = oneRowAffected(res)
	}
	if err != nil {
		return nil, wrapf(err, "webhook endpoint", "rotate secret of webhook endpoint %.40s", id)
	}
	return s.WebhookEndpoint(ctx, tenant, id)
}

// EnableWebhookEndpoint enables tenant's endpoint id, forgets its failures
// and makes its waiting deliveries due now. It returns the endpoint, or
// not found.
func (s *Store) EnableWebhookEndpoint(ctx context.Context, tenant, id string) (*webhook.Endpoint, error) {
	now := s.d.timeArg(s.clock())
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, updated_at = ?
			WHERE tenant_id = ? AND endpoint_id = ? AND status = ?`, now, now, tenant, id, deliveryPending)
		if err != nil {
			return wrapf(err, "webhook delivery", "reschedule webhook deliveries")
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = ?, disabled_reason = '', consecutive_failures = 0,
			updated_at = ? WHERE tenant_id = ? AND id = ?`, true, now, tenant, id)
		if err == nil {
			err = oneRowAffected(res)
		}
		return wrapf(err, "webhook endpoint", "enable webhook endpoint")
	})
	if err != nil {
		return nil, fmt.Errorf("enable webhook endpoint %.40s: %w", id, err)
	}
	return s.WebhookEndpoint(ctx, tenant, id)
}

// ReplayWebhookEvent queues tenant's event eventID once more, outside its
// stream's order, for the endpoint endpointID or, when that is empty, for
// every enabled endpoint subscribed to its type. It returns the endpoints
// it queued for. A missing event is not found; a missing endpoint is
// unprocessable (naming endpoint_id); a disabled one, or no endpoint to
// send to, a conflict (codes webhook_disabled, no_webhook).
func (s *Store) ReplayWebhookEvent(ctx context.Context, tenant, eventID, endpointID string) ([]string, error) {
	var to []string
	err := s.inTx(ctx, false, func(tx *sql.Tx) error {
		d := outboxDelivery{eventID: eventID, replay: true}
		var typ webhook.EventType
		err := tx.QueryRowContext(ctx, `SELECT shipment_id, seq, type FROM webhook_events WHERE tenant_id = ? AND id = ?`,
			tenant, eventID).Scan(&d.shipmentID, &d.seq, &typ)
		if err != nil {
			return wrapf(err, "webhook event", "get webhook event %.40s", eventID)
		}
		if to, err = replayTargets(ctx, tx, tenant, typ, endpointID); err != nil {
			return err
		}
		deliveries := make([]outboxDelivery, len(to))
		for i, ep := range to {
			deliveries[i] = d
			deliveries[i].endpointID = ep
		}
		return s.insertDeliveries(ctx, tx, tenant, deliveries, s.clock())
	})
	if err != nil {
		return nil, fmt.Errorf("replay webhook event %.40s: %w", eventID, err)
	}
	return to, nil
}

func replayTargets(ctx context.Context, tx *sql.Tx, tenant string, typ webhook.EventType, endpointID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = ? ORDER BY created_at, id`, tenant)
	if err != nil {
		return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
	}
	defer rows.Close()
	to := []string{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
		}
		switch {
		case endpointID != "" && e.ID == endpointID && !e.Enabled:
			return nil, domain.Errorf(domain.KindConflict, "webhook_disabled", "webhook endpoint %s is disabled; enable it first", e.ID)
		case endpointID != "" && e.ID == endpointID, endpointID == "" && e.Enabled && e.Subscribes(typ):
			to = append(to, e.ID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "webhook endpoint", "list webhook endpoints")
	}
	switch {
	case len(to) > 0:
		return to, nil
	case endpointID != "":
		var p domain.Problems
		p.Add("endpoint_id", "no webhook endpoint %.40s in this tenant", endpointID)
		return nil, p.Err()
	}
	return nil, domain.Errorf(domain.KindConflict, "no_webhook", "no enabled webhook endpoint subscribes to %s events", typ)
}

// ClaimWebhookDeliveries leases to owner, until lease from now, up to limit
// deliveries that are due, and returns them ready to send. owner names
// this one claim: use a new one for each call. Only enabled endpoints'
// deliveries are due, and of each endpoint's stream (a shipment) only the
// first pending one, replays excepted: a stream goes out one event at a
// time, in order, each after the one before was delivered or given up. A
// leased delivery is no one else's until it is finished or its lease runs
// out, so dispatchers running at once never send one together.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, owner string, limit int, lease time.Duration) ([]webhook.Delivery, error) {
	now := s.clock()
	t := s.d.timeArg(now)
	rows, err := s.db.QueryContext(ctx, `SELECT d.id FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
		WHERE d.status = ? AND d.next_attempt_at <= ? AND d.lease_until <= ? AND e.enabled = ?
		AND (d.replay = ? OR NOT EXISTS (SELECT 1 FROM webhook_deliveries p
			WHERE p.tenant_id = d.tenant_id AND p.endpoint_id = d.endpoint_id AND p.shipment_id = d.shipment_id
			AND p.seq < d.seq AND p.replay = ? AND p.status = ?))
		ORDER BY d.next_attempt_at, d.id LIMIT ?`, deliveryPending, t, t, true, true, false, deliveryPending, limit)
	if err != nil {
		return nil, wrapf(err, "webhook delivery", "find due webhook deliveries")
	}
	ids, err := scanIDs(rows)
	if err != nil || len(ids) == 0 {
		return nil, wrapf(err, "webhook delivery", "find due webhook deliveries")
	}
	args := append([]any{owner, s.d.timeArg(dbTime(now.Add(lease))), t}, ids...)
	_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?, updated_at = ?
		WHERE id IN (`+placeholders(len(ids))+`) AND status = ? AND lease_until <= ?`, append(args, deliveryPending, t)...)
	if err != nil {
		return nil, wrapf(err, "webhook delivery", "lease webhook deliveries")
	}
	return s.leasedDeliveries(ctx, owner, ids, now)
}

func scanIDs(rows *sql.Rows) ([]any, error) {
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// leasedDeliveries loads those of ids that owner holds, with what sending
// them takes: the endpoint's URL and secrets, the event's body.
func (s *Store) leasedDeliveries(ctx context.Context, owner string, ids []any, now time.Time) ([]webhook.Delivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.tenant_id, d.endpoint_id, d.event_id, d.seq, d.attempts, d.replay,
		e.url, e.secret, e.previous_secret, e.previous_secret_until, ev.type, ev.body
		FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
		JOIN webhook_events ev ON ev.tenant_id = d.tenant_id AND ev.id = d.event_id
		WHERE d.lease_owner = ? AND d.id IN (`+placeholders(len(ids))+`) ORDER BY d.id`, append([]any{owner}, ids...)...)
	if err != nil {
		return nil, wrapf(err, "webhook delivery", "load leased webhook deliveries")
	}
	defer rows.Close()
	var list []webhook.Delivery
	for rows.Next() {
		var d webhook.Delivery
		var secret, previous, body string
		var previousUntil time.Time
		err := rows.Scan(&d.ID, &d.Tenant, &d.EndpointID, &d.EventID, &d.Sequence, &d.Attempt, &d.Replay,
			&d.URL, &secret, &previous, scanTime(&previousUntil), &d.EventType, &body)
		if err != nil {
			return nil, wrapf(err, "webhook delivery", "load leased webhook deliveries")
		}
		d.Attempt++
		d.Body = []byte(body)
		d.Secrets = []string{secret}
		if previous != "" && now.Before(previousUntil) {
			d.Secrets = append(d.Secrets, previous)
		}
		list = append(list, d)
	}
	return list, wrapf(rows.Err(), "webhook delivery", "load leased webhook deliveries")
}

// DeliveryOutcome is how one attempt of a claimed delivery went, and what
// follows.
type DeliveryOutcome struct {
	Result webhook.Result
	// RetryAt is when to try a failed delivery again; zero gives it up.
	RetryAt time.Time
	// DisableAfter disables the endpoint once this many attempts in a row
	// failed, the first of them at least DisableWindow ago; 0 never does.
	DisableAfter  int
	DisableWindow time.Duration
}

// maxAttemptErrorLen is the longest error text kept of an attempt.
const maxAttemptErrorLen = 200

// FinishWebhookDelivery records the attempt of d that owner claimed: the
// delivery is delivered, due again at o.RetryAt, or given up; the attempt
// is kept; the endpoint's run of failures ends or grows, and when it is
// long enough the endpoint is disabled, which it reports. If owner's lease
// ran out and another claim took d, nothing changes and the error is a
// conflict, code webhook_lease_lost.
func (s *Store) FinishWebhookDelivery(ctx context.Context, owner string, d webhook.Delivery, o DeliveryOutcome) (disabled bool, err error) {
	now := s.clock()
	t := s.d.timeArg(now)
	status, next := deliveryDelivered, now
	switch {
	case o.Result.OK():
	case !o.RetryAt.IsZero():
		status, next = deliveryPending, dbTime(o.RetryAt)
	default:
		status = deliveryFailed
	}
	var errText string
	if o.Result.Err != nil {
		errText = shorten(o.Result.Err.Error(), maxAttemptErrorLen)
	}
	err = s.inTx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
			lease_owner = '', lease_until = ?, last_status_code = ?, last_error = ?, updated_at = ?
			WHERE id = ? AND lease_owner = ? AND status = ?`,
			status, s.d.timeArg(next), t, o.Result.StatusCode, errText, t, d.ID, owner, deliveryPending)
		if err == nil {
			err = oneRowAffected(res)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.KindConflict, "webhook_lease_lost", "delivery %d was taken over after its lease ran out", d.ID)
		}
		if err != nil {
			return wrapf(err, "webhook delivery", "finish webhook delivery %d", d.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, attempted_at, status_code, error, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, d.Tenant, d.ID, d.Attempt, t, o.Result.StatusCode, errText, o.Result.Duration.Milliseconds())
		if err != nil {
			return wrapf(err, "webhook attempt", "record attempt of webhook delivery %d", d.ID)
		}
		if o.Result.OK() {
			_, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE tenant_id = ? AND id = ?`, d.Tenant, d.EndpointID)
			return wrapf(err, "webhook endpoint", "reset failures of webhook endpoint %s", d.EndpointID)
		}
		disabled, err = s.countFailure(ctx, tx, d, o, now)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("finish webhook delivery %d: %w", d.ID, err)
	}
	return disabled, nil
}

// countFailure adds a failed attempt to the endpoint of d and disables it
// when the run of failures is as long as o says.
func (s *Store) countFailure(ctx context.Context, tx *sql.Tx, d webhook.Delivery, o DeliveryOutcome, now time.Time) (bool, error) {
	t := s.d.timeArg(now)
	// failing_since is assigned first: MySQL assigns left to right, and
	// later assignments see earlier ones.
	res, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET
		failing_since = CASE WHEN consecutive_failures = 0 THEN ? ELSE failing_since END,
		consecutive_failures = consecutive_failures + 1 WHERE tenant_id = ? AND id = ?`, t, d.Tenant, d.EndpointID)
	if err == nil {
		err = oneRowAffected(res)
	}
	if err != nil {
		// An endpoint deleted while its delivery was out has nothing to count.
		return false, ignoreNotFound(wrapf(err, "webhook endpoint", "count failure of webhook endpoint %s", d.EndpointID))
	}
	var failures int
	var since time.Time
	var enabled bool
	err = tx.QueryRowContext(ctx, `SELECT consecutive_failures, failing_since, enabled FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`,
		d.Tenant, d.EndpointID).Scan(&failures, scanTime(&since), &enabled)
	if err != nil {
		return false, wrapf(err, "webhook endpoint", "read failures of webhook endpoint %s", d.EndpointID)
	}
	if !enabled || o.DisableAfter <= 0 || failures < o.DisableAfter || now.Sub(since) < o.DisableWindow {
		return false, nil
	}
	reason := fmt.Sprintf("%d deliveries failed in a row since %s", failures, since.Format(time.RFC3339))
	_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = ?, disabled_reason = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		false, reason, t, d.Tenant, d.EndpointID)
	return err == nil, wrapf(err, "webhook endpoint", "disable webhook endpoint %s", d.EndpointID)
}

func ignoreNotFound(err error) error {
	if domain.IsKind(err, domain.KindNotFound) {
		return nil
	}
	return err
}

// shorten returns s cut to at most n characters.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
