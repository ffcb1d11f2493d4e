package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
)

// IdempotencyHeader names the header that makes a mutating call safe to retry.
const IdempotencyHeader = "Idempotency-Key"

// How long a stored response is replayed, and how long a first request may
// run before a retry with the same key may take it over.
const (
	IdempotencyTTL   = 24 * time.Hour
	IdempotencyLease = 30 * time.Second
	// IdempotencyFinishGrace is the least time storing or releasing a key
	// gets once the answer is written; otherwise it has what is left of
	// the request's deadline. A key left reserved is taken over after its
	// lease.
	IdempotencyFinishGrace = time.Second
)

// IdempotencyStore keeps the first response to each key. Errors are of kind
// unavailable or internal.
type IdempotencyStore interface {
	ReserveIdempotencyKey(ctx context.Context, tenant, key, requestHash string, ttl, lease time.Duration) (*store.IdempotencyRecord, bool, error)
	CompleteIdempotencyKey(ctx context.Context, tenant, key string, status int, header http.Header, body []byte) error
	ReleaseIdempotencyKey(ctx context.Context, tenant, key string) error
}

// Idempotent honours Idempotency-Key on an authenticated route: the first
// response to a key is stored with a hash of the request (caller, method,
// path and body); a replay with the same request gets that response again,
// marked Idempotent-Replayed: true; the same key with another request is
// rejected with 422; a replay while the first is still running gets 409.
// Server errors are not stored, so the caller may retry them.
func Idempotent(st IdempotencyStore, next http.Handler) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		key, hash, _, err := idempotencyRequest(r)
		if err != nil || key == "" {
			if err == nil {
				next.ServeHTTP(w, r)
			}
			return err
		}
		return reserveAndServe(st, next, w, r, key, hash)
	})
}

// idempotencyRequest returns r's Idempotency-Key, empty when it has none,
// the hash of the request it stands for (caller, method, path and body)
// and the body, which it reads and puts back.
func idempotencyRequest(r *http.Request) (key, hash string, body []byte, err error) {
	key = r.Header.Get(IdempotencyHeader)
	if key == "" {
		return "", "", nil, nil
	}
	if len(key) > 128 || !safeID(key) {
		return "", "", nil, domain.Errorf(domain.KindInvalid, "invalid_idempotency_key", "Idempotency-Key must be 1 to 128 letters, digits, '-', '_', '.' or ':'")
	}
	p, _ := reqctx.Principal(r.Context())
	body, err = io.ReadAll(r.Body)
	if err != nil {
		return "", "", nil, decodeError(err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.New()
	io.WriteString(sum, p.Subject+"\n"+r.Method+" "+r.URL.RequestURI()+"\n")
	sum.Write(body)
	return key, hex.EncodeToString(sum.Sum(nil)), body, nil
}

// reserveAndServe serves r under key: it reserves the key pending, runs
// next, and then stores its answer or, after a server error, releases the
// key. A key reserved already is answered from its record.
func reserveAndServe(st IdempotencyStore, next http.Handler, w http.ResponseWriter, r *http.Request, key, hash string) error {
	p, _ := reqctx.Principal(r.Context())
	rec, reserved, err := st.ReserveIdempotencyKey(r.Context(), p.Tenant, key, hash, IdempotencyTTL, IdempotencyLease)
	if err != nil {
		return err
	}
	if !reserved {
		return replay(w, rec, hash)
	}
	cw := &captureWriter{ResponseWriter: w}
	next.ServeHTTP(cw, r)
	ctx, cancel := finishContext(r)
	defer cancel()
	if cw.status >= 500 || cw.status == 0 {
		// A failure, most likely of the database: send it now rather
		// than after an attempt to release the key that may well fail
		// too. A success waits for its record, so that a replay the
		// caller sends on receiving it finds the record stored.
		if cw.status != 0 {
			_ = http.NewResponseController(w).Flush()
		}
		if err := st.ReleaseIdempotencyKey(ctx, p.Tenant, key); err != nil {
			reqctx.Logger(ctx).WithError(err).Warn("idempotency key not released")
		}
		return nil
	}
	if err := st.CompleteIdempotencyKey(ctx, p.Tenant, key, cw.status, replayable(cw.Header()), cw.body.Bytes()); err != nil {
		reqctx.Logger(ctx).WithError(err).Error("idempotent response not stored")
	}
	return nil
}

// finishContext returns the context of the bookkeeping left once r is
// answered: it must not depend on the caller waiting, nor hang on a
// database that stopped answering.
func finishContext(r *http.Request) (context.Context, context.CancelFunc) {
	finish := time.Now().Add(IdempotencyFinishGrace)
	if d, ok := r.Context().Deadline(); ok && d.After(finish) {
		finish = d
	}
	return context.WithDeadline(context.WithoutCancel(r.Context()), finish)
}

func replay(w http.ResponseWriter, rec *store.IdempotencyRecord, hash string) error {
	switch {
	case rec.RequestHash != hash:
		return domain.Errorf(domain.KindUnprocessable, "idempotency_key_reused", "this Idempotency-Key was used for a different request")
	case !rec.Done:
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
		return domain.Errorf(domain.KindConflict, "idempotency_key_in_use", "a request with this Idempotency-Key is still being processed")
	}
	for name, values := range rec.Header {
		w.Header()[name] = values
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(rec.Status)
	w.Write(rec.Body)
	return nil
}

// replayedHeaders are the response headers a replay repeats; the rest
// (request id, date) belong to each answer.
var replayedHeaders = []string{"Content-Type", "Location", "Etag", "X-Content-Type-Options"}

func replayable(h http.Header) http.Header {
	out := http.Header{}
	for _, name := range replayedHeaders {
		if v := h.Values(name); len(v) > 0 {
			out[name] = v
		}
	}
	return out
}

// captureWriter passes a response through and keeps a copy of it.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
