package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
)

// InWriteStore is what IdempotentInWrite needs besides IdempotencyStore:
// a key read without a write, and an answer stored with a new key in one
// statement. LookupIdempotencyKey fails with not found for a key never
// seen; StoreIdempotencyAnswer with conflict for a key stored meanwhile.
// Other errors are of kind unavailable or internal.
type InWriteStore interface {
	IdempotencyStore
	LookupIdempotencyKey(ctx context.Context, tenant, key, requestHash string) (rec *store.IdempotencyRecord, takeOver bool, err error)
	StoreIdempotencyAnswer(ctx context.Context, tenant, key, requestHash string, ttl time.Duration, status int, header http.Header, body []byte) error
}

// IdempotentInWrite honours Idempotency-Key as Idempotent does, for a
// handler whose write records a new key itself (see AnswerInWrite): the
// key's record, the write and its answer then commit in one transaction,
// with no statement of the key's own before or after. The write finds a
// key stored already in a read it makes anyway: the caller then gets the
// stored answer replayed, 422 for another request, and a key pending, or
// one to take over, is served as Idempotent serves it.
//
// The answer is held until the handler returns: a write that found the
// key taken, even by a concurrent request with the same key, rolled back,
// and the caller gets the stored answer instead. An answer the write did
// not record (the request was refused before it wrote) is stored with the
// key before it is sent, unless it is a server error; a key stored
// meanwhile is answered from its record.
func IdempotentInWrite(st InWriteStore, next http.Handler) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		key, hash, body, err := idempotencyRequest(r)
		if err != nil || key == "" {
			if err == nil {
				next.ServeHTTP(w, r)
			}
			return err
		}
		return serveInWrite(st, next, w, r, idempotentRequest{key: key, hash: hash, body: body})
	})
}

// idempotentRequest is a request's Idempotency-Key, its hash and its body.
type idempotentRequest struct {
	key, hash string
	body      []byte
}

// serveInWrite serves r, offering its key to the handler's write.
func serveInWrite(st InWriteStore, next http.Handler, w http.ResponseWriter, r *http.Request, ir idempotentRequest) error {
	p, _ := reqctx.Principal(r.Context())
	key, hash := ir.key, ir.hash
	iw := &inWrite{claim: &store.IdempotencyClaim{Tenant: p.Tenant, Key: key, RequestHash: hash, TTL: IdempotencyTTL}}
	ctx := context.WithValue(store.WithIdempotencyClaim(r.Context(), iw.claim), inWriteKey{}, iw)
	held := &heldWriter{ResponseWriter: w, header: http.Header{}}
	next.ServeHTTP(held, r.WithContext(ctx))
	switch {
	case iw.claim.Recorded():
		iw.answer.send(w)
		return nil
	case iw.claim.Taken():
		return answerStored(st, next, w, r, ir)
	case held.status >= 500 || held.status == 0:
		held.send(w) // not stored: the caller may try again
		return nil
	}
	fctx, cancel := finishContext(r)
	defer cancel()
	err := st.StoreIdempotencyAnswer(fctx, p.Tenant, key, hash, IdempotencyTTL, held.status, replayable(held.header), held.body.Bytes())
	if domain.IsKind(err, domain.KindConflict) {
		return answerStored(st, next, w, r, ir)
	}
	if err != nil {
		reqctx.Logger(fctx).WithError(err).Warn("idempotent response not stored")
	}
	held.send(w)
	return nil
}

// answerStored answers r from the record its key has already: the
// stored answer, 422 for another request, 409 while the key is pending.
// A record to take over (expired, or pending past its lease) is taken over
// and r served again as Idempotent serves it: its first run wrote nothing.
func answerStored(st InWriteStore, next http.Handler, w http.ResponseWriter, r *http.Request, ir idempotentRequest) error {
	if rec := findRecorder(w); rec != nil {
		rec.err = nil // the held answer's error is not the one sent
	}
	p, _ := reqctx.Principal(r.Context())
	rec, takeOver, err := st.LookupIdempotencyKey(r.Context(), p.Tenant, ir.key, ir.hash)
	switch {
	case domain.IsKind(err, domain.KindNotFound):
		// Removed since: only a request reserving a key releases it, and
		// the caller may try again.
		rec, err = &store.IdempotencyRecord{RequestHash: ir.hash}, nil
	case err == nil && takeOver:
		r.Body = io.NopCloser(bytes.NewReader(ir.body))
		return reserveAndServe(st, next, w, r, ir.key, ir.hash)
	}
	if err != nil {
		return err
	}
	return replay(w, rec, ir.hash)
}

type inWriteKey struct{}

// inWrite is what IdempotentInWrite shares with the handler it serves: the
// claim on the key that the handler's write consumes, and the answer the
// handler rendered for it.
type inWrite struct {
	claim  *store.IdempotencyClaim
	render func(w http.ResponseWriter, result any)
	answer *heldWriter
}

// AnswerInWrite offers the new Idempotency-Key of r, if IdempotentInWrite
// serves it, to the write that r's handler makes next with r's context:
// render writes the answer from what the write is about to store (see
// store.IdempotencyClaim for what each write passes), and the write stores
// it with the key in its transaction. When AnsweredInWrite then says so,
// the handler writes nothing: the middleware sends that answer. A handler
// that opts in writes nothing but through that write: when its key turns
// out to be stored already, it may be run again.
func AnswerInWrite(r *http.Request, render func(w http.ResponseWriter, result any)) {
	iw, _ := r.Context().Value(inWriteKey{}).(*inWrite)
	if iw == nil {
		return
	}
	iw.render = render
	iw.claim.Answer = iw.renderAnswer
}

// AnsweredInWrite reports whether the write of r recorded r's key with the
// answer AnswerInWrite rendered, which IdempotentInWrite then sends.
func AnsweredInWrite(r *http.Request) bool {
	iw, _ := r.Context().Value(inWriteKey{}).(*inWrite)
	return iw != nil && iw.claim.Recorded()
}

func (iw *inWrite) renderAnswer(result any) (int, http.Header, []byte, error) {
	iw.answer = &heldWriter{header: http.Header{}}
	iw.render(iw.answer, result)
	if iw.answer.status == 0 {
		iw.answer.status = http.StatusOK
	}
	return iw.answer.status, replayable(iw.answer.header), iw.answer.body.Bytes(), nil
}

// heldWriter holds an answer until send writes it out. It wraps the
// writer it will be sent to, for the access log to find.
type heldWriter struct {
	http.ResponseWriter
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldWriter) Header() http.Header { return h.header }

func (h *heldWriter) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldWriter) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return h.body.Write(b)
}

func (h *heldWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// send writes the held answer to w; an empty one is left for the server to
// complete.
func (h *heldWriter) send(w http.ResponseWriter) {
	if h.status == 0 {
		return
	}
	for name, values := range h.header {
		w.Header()[name] = values
	}
	w.WriteHeader(h.status)
	w.Write(h.body.Bytes())
}
