package platform

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

// knativeAdapter serves a function on Knative: CloudEvents, in binary or
// structured mode, are events; every other request is HTTP.
type knativeAdapter struct {
	d *dispatcher
}

// newKnativeHandler returns the HTTP handler of a Knative service serving
// d's handlers.
func newKnativeHandler(d *dispatcher) http.Handler {
	return &knativeAdapter{d: d}
}

func (a *knativeAdapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if cehttp.NewMessageFromHttpRequest(r).ReadEncoding() == binding.EncodingUnknown {
		a.d.serveHTTP(w, r)
		return
	}
	a.deliver(w, r)
}

// deliver handles one CloudEvent. Its id is the request id. Success and
// dropped events are answered 200, retryable failures 5xx, which Knative
// delivery retries; events that cannot be read or handled here get 4xx.
func (a *knativeAdapter) deliver(w http.ResponseWriter, r *http.Request) {
	body, status, err := readEventBody(w, r)
	if err != nil {
		r = r.WithContext(a.d.begin(r.Context(), r.Header.Get("Ce-Id")))
		rejectBody(w, r, status, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	e, err := cehttp.NewEventFromHTTPRequest(r)
	if err == nil {
		err = e.Validate()
	}
	if err != nil {
		r = r.WithContext(a.d.begin(r.Context(), r.Header.Get("Ce-Id")))
		rejectEvent(w, r, http.StatusBadRequest, "bad_event", fmt.Errorf("read cloudevent: %w", err))
		return
	}
	r = r.WithContext(a.d.begin(r.Context(), e.ID()))
	objs, tick, err := FromCloudEvent(*e)
	if err != nil {
		rejectEvent(w, r, http.StatusBadRequest, "bad_event", err)
		return
	}
	ev := event{objects: objs, tick: tick}
	if err := a.d.check(ev); err != nil {
		rejectEvent(w, r, http.StatusBadRequest, "no_handler", err)
		return
	}
	writeEventResult(w, r, a.d.run(r.Context(), ev))
}
