package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// fcRequestIDHeader carries Function Compute's id of an invocation.
const fcRequestIDHeader = "x-fc-request-id"

// fcAdapter speaks Function Compute's custom runtime protocol: event
// invocations arrive as POST /invoke, lifecycle hooks as POST /initialize
// and GET /pre-stop, and HTTP-trigger requests unchanged.
type fcAdapter struct {
	d *dispatcher
}

// newFCHandler returns the HTTP handler of a Function Compute custom
// runtime serving d's handlers.
func newFCHandler(d *dispatcher) http.Handler {
	return &fcAdapter{d: d}
}

func (a *fcAdapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/invoke":
		a.invoke(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/initialize",
		r.Method == http.MethodGet && r.URL.Path == "/pre-stop":
		w.WriteHeader(http.StatusOK)
	default:
		if id := r.Header.Get(fcRequestIDHeader); id != "" {
			r = r.WithContext(a.d.begin(r.Context(), id))
		}
		a.d.serveHTTP(w, r)
	}
}

// invoke handles one event invocation. A retryable failure is answered
// with a 5xx status and x-fc-status 404, which makes Function Compute
// count the invocation as failed and retry an asynchronous one; rejected
// events get a 4xx status without x-fc-status, so they are not retried.
func (a *fcAdapter) invoke(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(a.d.begin(r.Context(), r.Header.Get(fcRequestIDHeader)))
	body, status, err := readEventBody(w, r)
	if err != nil {
		rejectBody(w, r, status, err)
		return
	}
	ev, err := decodeFCEvent(body)
	if err != nil {
		rejectEvent(w, r, http.StatusBadRequest, "bad_event", err)
		return
	}
	if err := a.d.check(ev); err != nil {
		rejectEvent(w, r, http.StatusBadRequest, "no_handler", err)
		return
	}
	err = a.d.run(r.Context(), ev)
	if Retryable(err) {
		w.Header().Set("x-fc-status", "404")
	} else {
		w.Header().Set("x-fc-status", "200")
	}
	writeEventResult(w, r, err)
}

// decodeFCEvent tells an OSS trigger event (an "events" array) from a timer
// event (a "triggerTime") and decodes it.
func decodeFCEvent(body []byte) (event, error) {
	ev, err := probeFCEvent(body)
	return ev, invalidEvent(err)
}

func probeFCEvent(body []byte) (event, error) {
	var probe struct {
		Events      json.RawMessage `json:"events"`
		TriggerTime json.RawMessage `json:"triggerTime"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return event{}, fmt.Errorf("event is not a JSON object: %w", err)
	}
	switch {
	case probe.Events != nil:
		objs, err := DecodeFCOSS(body)
		return event{objects: objs}, err
	case probe.TriggerTime != nil:
		t, err := DecodeFCTimer(body)
		return event{tick: &t}, err
	default:
		return event{}, errors.New("unknown event: neither an OSS trigger event nor a timer event")
	}
}
