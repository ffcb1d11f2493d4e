package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/domain"
)

// IdempotencyRecord is what logifn keeps about one Idempotency-Key: the hash
// of the first request and, once it is done, its response.
type IdempotencyRecord struct {
	Tenant      string
	Key         string
	RequestHash string
	Done        bool // false while the first request is still running
	Status      int
	Header      http.Header // the response headers worth replaying, such as Content-Type and Location
	Body        []byte
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// ReserveIdempotencyKey claims key for a request with hash requestHash. A
// new key is stored pending, kept for ttl and leased to the caller for
// lease; reserved is true and the caller must complete or release it. For
// a key that exists, it returns the record with reserved false, except that
// it takes the key over (reserved true) when the record has expired, or is
// pending for the same request hash with its lease run out: the first
// request's process died.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, tenant, key, requestHash string, ttl, lease time.Duration) (rec *IdempotencyRecord, reserved bool, err error) {
	if err := checkIdempotencyArgs(tenant, key, ttl, lease); err != nil {
		return nil, false, err
	}
	// A record can vanish between the failed insert and the read (released
	// or taken over and released); then the insert is tried again.
	for attempt := 0; attempt < 3; attempt++ {
		now := s.clock()
		rec = &IdempotencyRecord{Tenant: tenant, Key: key, RequestHash: requestHash, Body: []byte{},
			CreatedAt: now, ExpiresAt: dbTime(now.Add(ttl))}
		err := s.insertIdempotencyKey(ctx, rec, dbTime(now.Add(lease)))
		if err == nil {
			return rec, true, nil
		}
		if !domain.IsKind(err, domain.KindConflict) {
			return nil, false, fmt.Errorf("reserve idempotency key: %w", err)
		}
		rec, reserved, err = s.claimIdempotencyKey(ctx, tenant, key, requestHash, ttl, lease)
		if !domain.IsKind(err, domain.KindNotFound) {
			return rec, reserved, err
		}
	}
	return nil, false, domain.Errorf(domain.KindUnavailable, "idempotency_key_contended", "the idempotency key is contended; try again")
}

func checkIdempotencyArgs(tenant, key string, ttl, lease time.Duration) error {
	switch {
	case tenant == "":
		return domain.Errorf(domain.KindInvalid, "tenant_required", "a tenant is required")
	case key == "" || utf8.RuneCountInString(key) > maxKeyLen:
		return domain.Errorf(domain.KindInvalid, "invalid_idempotency_key", "the idempotency key must be 1 to %d characters", maxKeyLen)
	case ttl <= 0 || lease <= 0:
		return domain.Errorf(domain.KindInternal, "invalid_idempotency_ttl", "idempotency ttl and lease must be positive")
	}
	return nil
}

func (s *Store) insertIdempotencyKey(ctx context.Context, rec *IdempotencyRecord, lockedUntil time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, done, status,
		headers, body, created_at, expires_at, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rec.Tenant, rec.Key, rec.RequestHash, false, 0, "{}", []byte{},
		s.d.timeArg(rec.CreatedAt), s.d.timeArg(rec.ExpiresAt), s.d.timeArg(lockedUntil))
	return wrapf(err, "idempotency key", "insert idempotency key")
}

// claimIdempotencyKey reads the existing record of key and takes it over
// when it has expired or its lease ran out. The UPDATE repeats the
// condition, so of several processes only one takes a record over.
func (s *Store) claimIdempotencyKey(ctx context.Context, tenant, key, requestHash string, ttl, lease time.Duration) (*IdempotencyRecord, bool, error) {
	rec, takeOver, err := s.LookupIdempotencyKey(ctx, tenant, key, requestHash)
	if err != nil || !takeOver {
		return rec, false, err
	}
	now := s.clock()
	res, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET request_hash = ?, done = ?, status = ?, headers = ?,
		body = ?, created_at = ?, expires_at = ?, locked_until = ?
		WHERE tenant_id = ? AND idem_key = ? AND (expires_at <= ? OR (done = ? AND locked_until <= ? AND request_hash = ?))`,
		requestHash, false, 0, "{}", []byte{}, s.d.timeArg(now), s.d.timeArg(dbTime(now.Add(ttl))), s.d.timeArg(dbTime(now.Add(lease))),
		tenant, key, s.d.timeArg(now), false, s.d.timeArg(now), requestHash)
	if err != nil {
		return nil, false, wrapf(err, "idempotency key", "take over idempotency key")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, false, wrapf(err, "idempotency key", "take over idempotency key")
	}
	if n == 0 { // another process took it over first
		rec, _, err := s.idempotencyKey(ctx, tenant, key)
		return rec, false, err
	}
	return &IdempotencyRecord{Tenant: tenant, Key: key, RequestHash: requestHash, Body: []byte{},
		CreatedAt: now, ExpiresAt: dbTime(now.Add(ttl))}, true, nil
}

// idempotencyKey returns the record of key and when its lease ends.
func (s *Store) idempotencyKey(ctx context.Context, tenant, key string) (*IdempotencyRecord, time.Time, error) {
	var (
		rec         IdempotencyRecord
		lockedUntil time.Time
		headers     string
	)
	err := s.read(ctx, func(ctx context.Context, q querier) error {
		return q.QueryRowContext(ctx, `SELECT tenant_id, idem_key, request_hash, done, status, headers, body,
		created_at, expires_at, locked_until FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ?`, tenant, key).
			Scan(&rec.Tenant, &rec.Key, &rec.RequestHash, &rec.Done, &rec.Status, &headers, &rec.Body,
				scanTime(&rec.CreatedAt), scanTime(&rec.ExpiresAt), scanTime(&lockedUntil))
	})
	if err != nil {
		return nil, time.Time{}, wrapf(err, "idempotency key", "get idempotency key")
	}
	if err := json.Unmarshal([]byte(headers), &rec.Header); err != nil {
		return nil, time.Time{}, domain.Wrap(domain.KindInternal, "internal", "internal error", fmt.Errorf("idempotency key %s: headers: %w", key, err))
	}
	return &rec, lockedUntil, nil
}

// CompleteIdempotencyKey stores the response to the request that reserved
// key. A key that is not pending any more gives not found (released or
// expired and removed) or conflict (completed already).
func (s *Store) CompleteIdempotencyKey(ctx context.Context, tenant, key string, status int, header http.Header, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	if header == nil {
		header = http.Header{}
	}
	headers, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET done = ?, status = ?, headers = ?, body = ?
		WHERE tenant_id = ? AND idem_key = ? AND done = ?`, true, status, string(headers), body, tenant, key, false)
	if err != nil {
		return wrapf(err, "idempotency key", "complete idempotency key")
	}
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return wrapf(err, "idempotency key", "complete idempotency key")
	}
	if _, _, err := s.idempotencyKey(ctx, tenant, key); err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return domain.Errorf(domain.KindConflict, "idempotency_key_done", "the idempotency key has a stored response already")
}

// ReleaseIdempotencyKey deletes the pending record of key, so that the
// caller may retry the request (it failed with a server error). A key that
// is done or absent is left alone.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, tenant, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ? AND done = ?`, tenant, key, false)
	return wrapf(err, "idempotency key", "release idempotency key")
}
