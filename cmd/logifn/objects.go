package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/sirupsen/logrus"
)

// fieldAttempt counts deliveries of one event to one function, from 1.
const fieldAttempt = "attempt"

// objectTarget is one function's object handler and the triggers that
// fire it.
type objectTarget struct {
	name     string
	triggers []app.ObjectTrigger
	handle   platform.ObjectHandler
}

// objectEvents is the local platform's bucket notification: every created
// object goes to each function with a matching trigger, off the upload's
// request and each function on its own, as an OSS or S3 trigger with
// asynchronous invocation would. A delivery whose error is retryable
// (platform.Retryable) is tried again after a growing pause, up to
// attempts times in all; any other failure drops the event.
type objectEvents struct {
	log      *logrus.Logger
	targets  []objectTarget
	attempts int
	backoff  time.Duration // before the second attempt; doubled after each

	ctx  context.Context // ends pending retries at shutdown
	stop context.CancelFunc
	wg   sync.WaitGroup
}

func newObjectEvents(log *logrus.Logger) *objectEvents {
	ctx, stop := context.WithCancel(context.Background())
	return &objectEvents{log: log, attempts: 4, backoff: time.Second, ctx: ctx, stop: stop}
}

// add registers spec's object handler h for spec's object triggers. A
// function without either is never fired.
func (e *objectEvents) add(spec app.Spec, h platform.ObjectHandler) {
	if h == nil || len(spec.Objects) == 0 {
		return
	}
	e.targets = append(e.targets, objectTarget{name: spec.Name, triggers: spec.Objects, handle: h})
}

// created fires every function whose trigger matches obj's key and
// returns at once. ctx's values (the upload's request id and logger) go
// along; its end does not.
func (e *objectEvents) created(ctx context.Context, obj platform.ObjectCreated) {
	for _, t := range e.targets {
		if !matches(t.triggers, obj.Key) {
			continue
		}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			e.deliver(ctx, t, obj)
		}()
	}
}

func matches(triggers []app.ObjectTrigger, key string) bool {
	for _, tr := range triggers {
		if tr.Matches(key) {
			return true
		}
	}
	return false
}

// deliver hands obj to t until it succeeds, fails for good, runs out of
// attempts or the platform shuts down.
func (e *objectEvents) deliver(ctx context.Context, t objectTarget, obj platform.ObjectCreated) {
	entry := e.log.WithFields(logrus.Fields{
		logging.FieldRequestID: obj.EventID, logging.FieldFunction: t.name,
		logging.FieldEvent: "object_created", logging.FieldObjectKey: obj.Key,
	})
	ctx = reqctx.WithRequestID(context.WithoutCancel(ctx), obj.EventID)
	pause := e.backoff
	for attempt := 1; ; attempt++ {
		log := entry.WithField(fieldAttempt, attempt)
		start := time.Now()
		err := protect(reqctx.WithLogger(ctx, log), t.handle, obj)
		log = log.WithField(logging.FieldDurationMS, time.Since(start).Milliseconds())
		switch {
		case err == nil:
			log.Info("event handled")
			return
		case !platform.Retryable(err):
			log.WithField(logging.FieldErrorKind, string(domain.KindOf(err))).WithError(err).Warn("event dropped")
			return
		case attempt == e.attempts:
			log.WithField(logging.FieldErrorKind, string(domain.KindOf(err))).WithError(err).Error("event failed, no attempts left")
			return
		}
		log.WithField(logging.FieldErrorKind, string(domain.KindOf(err))).WithError(err).Warn("event failed, retrying")
		select {
		case <-time.After(pause):
		case <-e.ctx.Done():
			entry.Warn("event abandoned at shutdown")
			return
		}
		pause *= 2
	}
}

// protect runs h and turns a panic into an internal error, so that one bad
// handler cannot take the local platform down.
func protect(ctx context.Context, h platform.ObjectHandler, obj platform.ObjectCreated) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = domain.Wrap(domain.KindInternal, "panic", "the handler failed", fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	return h(ctx, obj)
}

// close ends pending retries and waits, until ctx ends, for the deliveries
// under way.
func (e *objectEvents) close(ctx context.Context) {
	e.stop()
	done := make(chan struct{})
	go func() {
		e.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
