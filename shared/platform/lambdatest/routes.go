package lambdatest

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"
)

// routes returns the Runtime API's endpoints. The mux answers a known path
// with the wrong method 405 and an unknown path 404.
func (r *RuntimeAPI) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", r.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", r.respond(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", r.respond(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", r.initErr)
	mux.HandleFunc("POST /2020-01-01/extension/register", r.register)
	mux.HandleFunc("GET /2020-01-01/extension/event/next", r.extensionNext)
	return mux
}

// next hands out the next queued invocation, waiting for one.
func (r *RuntimeAPI) next(w http.ResponseWriter, req *http.Request) {
	for {
		select {
		case inv := <-r.queue:
			if inv.ctx.Err() != nil {
				continue // the caller gave up before the function asked
			}
			r.mu.Lock()
			r.inFlight[inv.id] = inv
			r.mu.Unlock()
			h := w.Header()
			h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
			h.Set("Lambda-Runtime-Deadline-Ms", deadlineHeader())
			h.Set("Lambda-Runtime-Invoked-Function-Arn", FunctionARN)
			h.Set("Lambda-Runtime-Trace-Id", traceID())
			h.Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(inv.payload)
			return
		case <-req.Context().Done():
			return
		case <-r.done:
			apiError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "runtime api stopped")
			return
		}
	}
}

// respond accepts the response, or the error, of an invocation in flight.
func (r *RuntimeAPI) respond(isErr bool) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		id := req.PathValue("id")
		body, ok := readPayload(w, req)
		if !ok {
			return
		}
		inv, ok := r.finish(id)
		if !ok {
			apiError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation %q in flight", id)
			return
		}
		inv.result <- result{body: body, isErr: isErr}
		w.WriteHeader(http.StatusAccepted)
	}
}

// initErr records the error a function reports when it cannot start.
func (r *RuntimeAPI) initErr(w http.ResponseWriter, req *http.Request) {
	body, ok := readPayload(w, req)
	if !ok {
		return
	}
	r.mu.Lock()
	r.initError = body
	r.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// register registers an extension; aws-lambda-go registers one, for no
// events, to have Lambda send SIGTERM before shutting the function down.
func (r *RuntimeAPI) register(w http.ResponseWriter, req *http.Request) {
	name := req.Header.Get("Lambda-Extension-Name")
	if name == "" {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "Lambda-Extension-Name header is required")
		return
	}
	id := uuid.NewString()
	r.mu.Lock()
	r.extensions[id] = true
	r.mu.Unlock()
	w.Header().Set("Lambda-Extension-Identifier", id)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"functionName\":\"logifn-test\",\"functionVersion\":\"$LATEST\",\"handler\":%q}\n", name)
}

// extensionNext blocks, as the service does for an extension registered
// for no events, until the server stops.
func (r *RuntimeAPI) extensionNext(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	known := r.extensions[req.Header.Get("Lambda-Extension-Identifier")]
	r.mu.Unlock()
	if !known {
		apiError(w, http.StatusForbidden, "Extension.UnknownExtensionIdentifier", "unknown extension identifier")
		return
	}
	select {
	case <-req.Context().Done():
	case <-r.done:
		apiError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "runtime api stopped")
	}
}

// traceID returns an X-Ray trace header value for an invocation.
func traceID() string {
	u := uuid.New()
	return fmt.Sprintf("Root=1-%x-%x;Parent=%x;Sampled=0", u[:4], u[4:16], u[8:16])
}
