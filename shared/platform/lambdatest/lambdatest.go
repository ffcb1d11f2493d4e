// Package lambdatest fakes the AWS Lambda Runtime API for tests: point a
// function's AWS_LAMBDA_RUNTIME_API at Addr, then Invoke it. Like the real
// service it hands out one invocation per GET .../invocation/next, accepts
// a response or an error only for an invocation in flight, and answers
// anything else with 4xx. It also accepts init errors and the extension
// registration aws-lambda-go makes to receive SIGTERM.
package lambdatest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Limits and identities of the fake function.
const (
	// FunctionARN is the ARN every invocation names.
	FunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:logifn-test"
	// Timeout is the time each invocation gets before its deadline.
	Timeout = 30 * time.Second
	// maxResponseBytes is the largest response or error payload accepted.
	maxResponseBytes = 6 << 20
)

// RuntimeAPI is a fake Runtime API server.
type RuntimeAPI struct {
	srv   *httptest.Server
	queue chan *invocation
	done  chan struct{}

	mu         sync.Mutex
	inFlight   map[string]*invocation
	initError  []byte
	extensions map[string]bool
}

// invocation is one queued or in-flight invocation.
type invocation struct {
	ctx     context.Context
	id      string
	payload []byte
	result  chan result
}

// result is what the function posted for an invocation.
type result struct {
	body  []byte
	isErr bool
}

// New starts a fake Runtime API that stops when t's test ends.
func New(t testing.TB) *RuntimeAPI {
	r := &RuntimeAPI{
		queue:      make(chan *invocation, 64),
		done:       make(chan struct{}),
		inFlight:   map[string]*invocation{},
		extensions: map[string]bool{},
	}
	r.srv = httptest.NewServer(r.routes())
	t.Cleanup(func() {
		close(r.done)
		r.srv.Close()
	})
	return r
}

// Addr returns the server's host:port, the value for AWS_LAMBDA_RUNTIME_API.
func (r *RuntimeAPI) Addr() string {
	return r.srv.Listener.Addr().String()
}

// Invoke queues an invocation with payload and waits until the function
// posts its response, returned as response, or its error, returned as
// errPayload (the function's JSON error document). err is set only when
// ctx ends or the server stops first.
func (r *RuntimeAPI) Invoke(ctx context.Context, payload []byte) (response, errPayload []byte, err error) {
	inv := &invocation{ctx: ctx, id: uuid.NewString(), payload: payload, result: make(chan result, 1)}
	select {
	case r.queue <- inv:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	select {
	case res := <-inv.result:
		if res.isErr {
			return nil, res.body, nil
		}
		return res.body, nil, nil
	case <-ctx.Done():
		r.finish(inv.id)
		return nil, nil, ctx.Err()
	case <-r.done:
		return nil, nil, errors.New("lambdatest: runtime api stopped")
	}
}

// InitError returns the error document the function posted to
// /runtime/init/error, or nil.
func (r *RuntimeAPI) InitError() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.initError
}

// finish removes an invocation from the in-flight set and reports whether
// it was there.
func (r *RuntimeAPI) finish(id string) (*invocation, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	inv, ok := r.inFlight[id]
	delete(r.inFlight, id)
	return inv, ok
}

// apiError writes the Runtime API's error document.
func apiError(w http.ResponseWriter, status int, errorType, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"errorMessage\":%q,\"errorType\":%q}\n", fmt.Sprintf(format, args...), errorType)
}

// readPayload reads a posted payload within the service's size limit.
func readPayload(w http.ResponseWriter, req *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxResponseBytes))
	if err != nil {
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "payload: %v", err)
		return nil, false
	}
	return body, true
}

// deadlineHeader is the Lambda-Runtime-Deadline-Ms value for an invocation
// handed out now.
func deadlineHeader() string {
	return strconv.FormatInt(time.Now().Add(Timeout).UnixMilli(), 10)
}
