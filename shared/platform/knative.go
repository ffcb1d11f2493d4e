package platform

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

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
	// A "Ce-" header with no name after the prefix names no attribute;
	// the SDK's reader indexes past its end and panics on it.
	delete(r.Header, "Ce-")
	if !mayBeCloudEvent(r) || cehttp.NewMessageFromHttpRequest(r).ReadEncoding() == binding.EncodingUnknown {
		a.d.serveHTTP(w, r)
		return
	}
	a.deliver(w, r)
}

// ceMediaType starts the Content-Type of every structured-mode CloudEvent
// (application/cloudevents+json, application/cloudevents-batch+json).
const ceMediaType = "application/cloudevents"

// mayBeCloudEvent tells, from two headers and without allocating, the
// requests that cannot be CloudEvents: neither a binary-mode ce-specversion
// header nor a structured-mode Content-Type. Every API request is one, and
// skips the SDK's full check.
func mayBeCloudEvent(r *http.Request) bool {
	if r.Header.Get("Ce-Specversion") != "" {
		return true
	}
	ct := strings.TrimSpace(r.Header.Get("Content-Type"))
	return len(ct) >= len(ceMediaType) && strings.EqualFold(ct[:len(ceMediaType)], ceMediaType)
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
