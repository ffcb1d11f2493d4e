package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// IdempotencyClaim asks the write of a request to store the record of the
// request's new Idempotency-Key, done and with its answer, as the first
// statement of the write's own transaction: the key, the write and the
// answer commit together, or none of them does. A write that supports it
// (PriceAndCreateShipment and CreateShipment) finds the claim in its
// context (see WithIdempotencyClaim); other writes ignore it.
//
// A key with a record already, even one a concurrent request stored
// first, makes the write stop with a conflict and the claim Taken: the
// caller answers from the stored record instead.
type IdempotencyClaim struct {
	Tenant      string
	Key         string
	RequestHash string
	TTL         time.Duration
	// Answer renders the answer to the request from what the write is
	// about to store: a *domain.Shipment, complete but for its ID, for a
	// creation. The write calls it before its transaction begins; nil
	// leaves the key to the caller.
	Answer func(result any) (status int, header http.Header, body []byte, err error)

	recorded bool // the record committed with the write
	taken    bool // another request stored the key first
}

// Recorded reports whether the write committed the key's record with its
// answer.
func (c *IdempotencyClaim) Recorded() bool { return c.recorded }

// Taken reports whether the write stopped because the key has a record
// already: found by the write's first read, or stored meanwhile by a
// concurrent request, which the record's insert met. Nothing of the
// write stays.
func (c *IdempotencyClaim) Taken() bool { return c.taken }

type claimKey struct{}

// WithIdempotencyClaim returns ctx carrying c for the write that serves the
// request.
func WithIdempotencyClaim(ctx context.Context, c *IdempotencyClaim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// IdempotencyClaimFrom returns the claim in ctx, or nil.
func IdempotencyClaimFrom(ctx context.Context) *IdempotencyClaim {
	c, _ := ctx.Value(claimKey{}).(*IdempotencyClaim)
	return c
}

// claimedAnswer is the record a write stores for its claim.
type claimedAnswer struct {
	c       *IdempotencyClaim
	status  int
	headers string
	body    []byte
}

// activeClaim returns the claim in ctx that a write under requestKey
// records, or nil.
func activeClaim(ctx context.Context, requestKey string) *IdempotencyClaim {
	c := IdempotencyClaimFrom(ctx)
	if c == nil || c.Answer == nil || c.Key != requestKey || c.Key == "" {
		return nil
	}
	return c
}

// errKeyStored is a write's answer when its claim's key has a record
// already: the claim is taken.
var errKeyStored = domain.Errorf(domain.KindConflict, "idempotency_key_stored", "the idempotency key has a record already")

// answerClaim renders the answer of the claim in ctx to result, or
// returns nil when there is no claim to record.
func answerClaim(ctx context.Context, requestKey string, result any) (*claimedAnswer, error) {
	c := activeClaim(ctx, requestKey)
	if c == nil {
		return nil, nil
	}
	if err := checkIdempotencyArgs(c.Tenant, c.Key, c.TTL, c.TTL); err != nil {
		return nil, err
	}
	status, header, body, err := c.Answer(result)
	if err != nil {
		return nil, fmt.Errorf("answer idempotency key: %w", err)
	}
	headers, err := marshalHeaders(header)
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = []byte{}
	}
	return &claimedAnswer{c: c, status: status, headers: headers, body: body}, nil
}

// record inserts a's record, done, in tx. When another request holds the
// key, it marks the claim taken and fails with a conflict; MySQL waits for
// that request's transaction to end first.
func (a *claimedAnswer) record(ctx context.Context, tx *sql.Tx, d dialect, now time.Time) error {
	_, err := tx.ExecContext(ctx, insertDoneKey, a.c.Tenant, a.c.Key, a.c.RequestHash, true, a.status, a.headers, a.body,
		d.timeArg(now), d.timeArg(dbTime(now.Add(a.c.TTL))), d.timeArg(now))
	if isDuplicate(err) {
		a.c.taken = true
	}
	return wrapf(err, "idempotency key", "record idempotency key")
}

// insertDoneKey stores a key with its answer; locked_until is moot for a
// key that is done.
const insertDoneKey = `INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, done, status,
	headers, body, created_at, expires_at, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// StoreIdempotencyAnswer stores a new key with its answer, for a request
// answered without a write that recorded it (a request refused before it
// wrote anything). A key stored meanwhile gives a conflict and is left as
// it is.
func (s *Store) StoreIdempotencyAnswer(ctx context.Context, tenant, key, requestHash string, ttl time.Duration, status int, header http.Header, body []byte) error {
	if err := checkIdempotencyArgs(tenant, key, ttl, ttl); err != nil {
		return err
	}
	headers, err := marshalHeaders(header)
	if err != nil {
		return err
	}
	if body == nil {
		body = []byte{}
	}
	now := s.clock()
	_, err = s.db.ExecContext(ctx, insertDoneKey, tenant, key, requestHash, true, status, headers, body,
		s.d.timeArg(now), s.d.timeArg(dbTime(now.Add(ttl))), s.d.timeArg(now))
	return wrapf(err, "idempotency key", "store idempotency answer")
}

// LookupIdempotencyKey returns the record of key, for a request with hash
// requestHash, without writing anything. takeOver is true when the record
// has expired, or is pending for the same request hash with its lease run
// out: then ReserveIdempotencyKey takes it over. A key never seen gives
// not found.
func (s *Store) LookupIdempotencyKey(ctx context.Context, tenant, key, requestHash string) (rec *IdempotencyRecord, takeOver bool, err error) {
	rec, lockedUntil, err := s.idempotencyKey(ctx, tenant, key)
	if err != nil {
		return nil, false, err
	}
	now := s.clock()
	expired := !rec.ExpiresAt.After(now)
	stale := !rec.Done && !lockedUntil.After(now) && rec.RequestHash == requestHash
	return rec, expired || stale, nil
}

func marshalHeaders(header http.Header) (string, error) {
	if len(header) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(header)
	if err != nil {
		return "", domain.Wrap(domain.KindInternal, "internal", "internal error", fmt.Errorf("idempotency headers: %w", err))
	}
	return string(b), nil
}
