package platform

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/sirupsen/logrus"
)

// Values of the event log field.
const (
	eventObject = "object_created"
	eventTick   = "tick"
)

// event is what one delivery carries: created objects, or a tick.
type event struct {
	objects []ObjectCreated
	tick    *Tick
}

// dispatcher hands decoded deliveries to a function's handlers and logs
// one line per event handled. Every adapter shares it.
type dispatcher struct {
	log  *logrus.Logger
	name string
	kind Kind
	h    Handlers
}

// begin returns ctx carrying the delivery's request id (a new one when the
// platform sent none) and a log entry naming it.
func (d *dispatcher) begin(ctx context.Context, requestID string) context.Context {
	if requestID == "" {
		requestID = uuid.NewString()
	}
	entry := d.log.WithFields(logrus.Fields{
		logging.FieldRequestID: requestID,
		logging.FieldFunction:  d.name,
		logging.FieldPlatform:  string(d.kind),
	})
	return reqctx.WithLogger(reqctx.WithRequestID(ctx, requestID), entry)
}

// check reports a delivery this function has no handler for.
func (d *dispatcher) check(ev event) error {
	if ev.tick != nil && d.h.Tick == nil {
		return fmt.Errorf("function %s has no schedule handler for tick %q", d.name, ev.tick.Name)
	}
	if ev.tick == nil && d.h.Object == nil {
		return fmt.Errorf("function %s has no object handler", d.name)
	}
	return nil
}

// run hands a checked delivery to its handler: the tick, or every object,
// even after one of them failed. The error returned decides the fate of the
// whole delivery: the first retryable error, else the first error.
func (d *dispatcher) run(ctx context.Context, ev event) error {
	if ev.tick != nil {
		t := *ev.tick
		return d.handle(ctx, logrus.Fields{logging.FieldEvent: eventTick, logging.FieldTick: t.Name},
			func(ctx context.Context) error { return d.h.Tick(ctx, t) })
	}
	if len(ev.objects) == 0 {
		reqctx.Logger(ctx).WithField(logging.FieldEvent, eventObject).Info("event carried no created objects")
		return nil
	}
	var first, retry error
	for _, obj := range ev.objects {
		err := d.handle(ctx, logrus.Fields{logging.FieldEvent: eventObject, logging.FieldObjectKey: obj.Key},
			func(ctx context.Context) error { return d.h.Object(ctx, obj) })
		if first == nil {
			first = err
		}
		if retry == nil && Retryable(err) {
			retry = err
		}
	}
	if retry != nil {
		return retry
	}
	return first
}

// handle runs fn with a log entry carrying fields in its context, and logs
// how it went: handled, dropped (a warning) or failed and to be retried.
func (d *dispatcher) handle(ctx context.Context, fields logrus.Fields, fn func(context.Context) error) error {
	start := time.Now()
	entry := reqctx.Logger(ctx).WithFields(fields)
	err := protect(reqctx.WithLogger(ctx, entry), fn)
	entry = entry.WithField(logging.FieldDurationMS, time.Since(start).Milliseconds())
	switch {
	case err == nil:
		entry.Info("event handled")
	case Retryable(err):
		entry.WithField(logging.FieldErrorKind, string(domain.KindOf(err))).WithError(err).Error("event failed, redelivery requested")
	default:
		entry.WithField(logging.FieldErrorKind, string(domain.KindOf(err))).WithError(err).Warn("event dropped")
	}
	return err
}

// protect runs fn and turns a panic into an internal error, so that one bad
// event cannot take down the instance serving others.
func protect(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = domain.Wrap(domain.KindInternal, "panic", "the handler failed", fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	return fn(ctx)
}

// serveHTTP hands an HTTP request to the function's HTTP handler; a
// function without one answers 404.
func (d *dispatcher) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if d.h.HTTP == nil {
		http.NotFound(w, r)
		return
	}
	d.h.HTTP.ServeHTTP(w, r)
}
