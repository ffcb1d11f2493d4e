package webhookdispatch

import (
	"context"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
)

// KickName is the name of a tick that asks for a dispatch after a write,
// as opposed to the schedule's. The function treats both alike; on a
// cloud platform, an asynchronous invocation of webhook-dispatch with this
// name (package invoke) kicks it.
const KickName = "webhook-kick"

// Kicker runs dispatches in the background when asked, so that events
// reach receivers moments after the write that made them rather than at
// the next scheduled tick. Kicks that arrive while a dispatch runs make
// one more dispatch after it, however many they are.
type Kicker struct {
	tick  platform.TickHandler
	kicks chan struct{}
}

// NewKicker returns a kicker that runs tick, webhook-dispatch's tick
// handler, on each kick. Start it with Run.
func NewKicker(tick platform.TickHandler) *Kicker {
	return &Kicker{tick: tick, kicks: make(chan struct{}, 1)}
}

// Kick asks for a dispatch soon. It never blocks.
func (k *Kicker) Kick() {
	select {
	case k.kicks <- struct{}{}:
	default: // one is pending already
	}
}

// Run dispatches once per (coalesced) kick until ctx ends. A failed
// dispatch is logged with ctx's logger; the next kick or tick tries again.
func (k *Kicker) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.kicks:
			if err := k.tick(ctx, platform.Tick{Name: KickName, Time: time.Now().UTC()}); err != nil && ctx.Err() == nil {
				reqctx.Logger(ctx).WithError(err).Warn("kicked webhook dispatch failed")
			}
		}
	}
}

// AfterWrites returns h with kick called after every write it completes:
// a POST, PUT, PATCH or DELETE answered 2xx, an object handled, a tick
// handled. Any of them may have changed a shipment's status. Wrap every
// function but webhook-dispatch itself.
func AfterWrites(h platform.Handlers, kick func()) platform.Handlers {
	if next := h.HTTP; next != nil {
		h.HTTP = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
				next.ServeHTTP(w, r)
				return
			}
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r)
			if sw.status >= 200 && sw.status < 300 {
				kick()
			}
		})
	}
	if next := h.Object; next != nil {
		h.Object = func(ctx context.Context, obj platform.ObjectCreated) error {
			err := next(ctx, obj)
			if err == nil {
				kick()
			}
			return err
		}
	}
	if next := h.Tick; next != nil {
		h.Tick = func(ctx context.Context, t platform.Tick) error {
			err := next(ctx, t)
			if err == nil {
				kick()
			}
			return err
		}
	}
	return h
}

// statusWriter notes the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
