package webhookdispatch

import (
	"context"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
)

// KickName is the name of a tick that asks for a dispatch after a write,
// as opposed to the schedule's. The function treats both alike; on a
// cloud platform, an asynchronous invocation of webhook-dispatch with this
// name (package invoke) kicks it.
const KickName = app.WebhookKick

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
