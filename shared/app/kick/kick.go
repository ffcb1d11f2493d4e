// Package kick asks webhook-dispatch for a delivery after a function's
// writes, through the platform's asynchronous invocation (Function
// Compute, Lambda, or a CloudEvent over HTTP). Those SDKs are linked only
// into the binaries whose main hands Backends to app.Main.
package kick

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/sirupsen/logrus"
)

// kickInterval is the least time between two kicks from one instance: a
// burst of writes costs one invocation, and the dispatcher's own schedule
// delivers whatever a skipped kick would have.
const kickInterval = time.Second

// remoteKicker asks webhook-dispatch for a dispatch through an
// asynchronous invocation, at most once per kickInterval and never
// blocking the write that kicks it.
type remoteKicker struct {
	inv    invoke.Invoker
	target string // webhook-dispatch's name as deployed
	log    *logrus.Logger
	now    func() time.Time
	mu     sync.Mutex
	last   time.Time
}

// Backends gives app.Main the kick. Pass it from the main of every function
// that can write.
var Backends = app.Backends{Kick: New}

// New returns the kick function name calls after its writes, or
// nil when the platform offers no asynchronous invocation (then the
// dispatcher's schedule alone delivers).
func New(ctx context.Context, cfg config.Config, log *logrus.Logger, name string) func() {
	switch cfg.InvokeBackend {
	case config.InvokeFC, config.InvokeLambda, config.InvokeHTTP:
	default:
		return nil
	}
	inv, err := invoke.Open(ctx, cfg, nil)
	if err != nil {
		log.WithError(err).Warn("webhooks are delivered on the dispatcher's schedule only")
		return nil
	}
	k := &remoteKicker{inv: inv, target: deployedName(cfg.InvokeFunction, name, app.WebhookDispatch), log: log, now: time.Now}
	return k.kick
}

// deployedName returns the name other is deployed under, given that the
// running function, name in the manifest, is deployed as self: the deploy
// files name every function alike, with one prefix (logifn-shipment-create
// on Function Compute, <stack>-shipment-create on Lambda), so other gets the
// same prefix.
func deployedName(self, name, other string) string {
	if prefix, ok := strings.CutSuffix(self, name); ok {
		return prefix + other
	}
	return other
}

func (k *remoteKicker) kick() {
	k.mu.Lock()
	now := k.now()
	if now.Sub(k.last) < kickInterval {
		k.mu.Unlock()
		return
	}
	k.last = now
	k.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := k.inv.Invoke(ctx, invoke.Call{Function: k.target, Name: app.WebhookKick}); err != nil {
			k.log.WithError(err).Warn("kick of webhook-dispatch failed; its schedule will deliver")
		}
	}()
}
