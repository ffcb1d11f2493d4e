// Package webhookdispatch is the webhook-dispatch function: every minute,
// and whenever it is kicked after a write, it sends the webhook events that
// are due. Each goes out signed, each shipment's events one at a time in
// order of sequence; a failed delivery is tried again after a backoff that
// doubles, with jitter, and holds back the shipment's later events until
// it goes through or is given up. An endpoint that keeps failing is
// disabled until an admin enables it again.
package webhookdispatch

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/webhook"
	"github.com/sirupsen/logrus"
)

// Name is the function's name and its schedule's.
const Name = app.WebhookDispatch

// Spec is webhook-dispatch's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:           Name,
		Summary:        "Send due webhook events: signed, in order per shipment, retried with backoff",
		Schedules:      []app.Schedule{{Name: Name, Cron: "* * * * *", TimeZone: "UTC"}},
		MemoryMB:       256,
		TimeoutSeconds: 180,
		New: func(d *app.Deps) (platform.Handlers, error) {
			client := webhook.NewClient(webhook.ClientOptions{Timeout: d.Config.WebhookTimeout, AllowPrivate: d.Config.WebhookAllowPrivate})
			disp := New(d.Store, client, Options{Now: d.Now, Timeout: d.Config.WebhookTimeout, MaxFailures: d.Config.WebhookMaxFailures})
			return platform.Handlers{Tick: disp.Tick}, nil
		},
	}
}

// Store is what webhook-dispatch needs of the database. Both methods fail
// with unavailable when the database is down; FinishWebhookDelivery with
// conflict when the delivery's lease was taken over.
type Store interface {
	ClaimWebhookDeliveries(ctx context.Context, owner string, limit int, lease time.Duration) ([]webhook.Delivery, error)
	FinishWebhookDelivery(ctx context.Context, owner string, d webhook.Delivery, o store.DeliveryOutcome) (disabled bool, err error)
}

// Sender sends one delivery; *webhook.Client is the real one.
type Sender interface {
	Send(ctx context.Context, d webhook.Delivery) webhook.Result
}

// Options tune a Dispatcher. Zero values take the defaults.
type Options struct {
	Now         func() time.Time // when retries fall due; time.Now
	Timeout     time.Duration    // one delivery's, as the Sender has it; webhook.DefaultTimeout
	MaxAttempts int              // attempts before a delivery is given up; 15 (about a day and a half)
	// MaxFailures failed attempts in a row to an endpoint, the first at
	// least DisableWindow ago, disable it; 10 and an hour.
	MaxFailures   int
	DisableWindow time.Duration
	// The delay after the nth failed attempt is BaseDelay·2ⁿ⁻¹, at most
	// MaxDelay, less up to a quarter at random; 30s and 6h.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	Jitter    func() float64 // in [0, 1); math/rand by default
	Batch     int            // deliveries claimed at once; 50
	Workers   int            // deliveries sent at once; 8
	Budget    time.Duration  // how long one tick goes on claiming; 60s
}

func (o Options) withDefaults() Options {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	def(&o.Timeout, webhook.DefaultTimeout)
	def(&o.DisableWindow, time.Hour)
	def(&o.BaseDelay, 30*time.Second)
	def(&o.MaxDelay, 6*time.Hour)
	def(&o.Budget, time.Minute)
	defInt(&o.MaxAttempts, 15)
	defInt(&o.MaxFailures, 10)
	defInt(&o.Batch, 50)
	defInt(&o.Workers, 8)
	return o
}

// Dispatcher sends due deliveries.
type Dispatcher struct {
	st   Store
	send Sender
	o    Options
}

// New returns a dispatcher that claims deliveries from st and sends them
// with send.
func New(st Store, send Sender, o Options) *Dispatcher {
	return &Dispatcher{st: st, send: send, o: o.withDefaults()}
}

// Tick runs passes until nothing is due or the budget is spent; what is
// left waits for the next tick. Every tick, scheduled or kicked, does the
// same, whatever its name and payload.
func (d *Dispatcher) Tick(ctx context.Context, _ platform.Tick) error {
	start := time.Now()
	for {
		n, err := d.Pass(ctx)
		if err != nil || n == 0 || time.Since(start) > d.o.Budget || ctx.Err() != nil {
			return err
		}
	}
}

// Pass claims one batch of due deliveries, sends them Workers at a time
// and records how each went. It returns how many it sent. Claims hold at
// most one event of each endpoint's shipment, so sending them at once
// keeps every shipment's order.
func (d *Dispatcher) Pass(ctx context.Context) (int, error) {
	owner := uuid.NewString()
	list, err := d.st.ClaimWebhookDeliveries(ctx, owner, d.o.Batch, d.lease())
	if err != nil {
		return 0, err
	}
	errs := make([]error, len(list))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(d.o.Workers, len(list)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = d.deliver(ctx, owner, list[i])
			}
		})
	}
	for i := range list {
		next <- i
	}
	close(next)
	wg.Wait()
	return len(list), errors.Join(errs...)
}

// lease is how long a claim may take: every delivery of a batch, sent
// Workers at a time, each within Timeout, with a margin.
func (d *Dispatcher) lease() time.Duration {
	rounds := (d.o.Batch + d.o.Workers - 1) / d.o.Workers
	return time.Duration(rounds)*d.o.Timeout + 30*time.Second
}

// deliver sends one delivery and records the outcome. A delivery cut off
// because the tick itself ends is not the endpoint's failure: it is left
// to its lease, and sent again once that runs out.
func (d *Dispatcher) deliver(ctx context.Context, owner string, dl webhook.Delivery) error {
	res := d.send.Send(ctx, dl)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	o := store.DeliveryOutcome{Result: res, DisableAfter: d.o.MaxFailures, DisableWindow: d.o.DisableWindow}
	if !res.OK() && dl.Attempt < d.o.MaxAttempts {
		o.RetryAt = d.o.Now().Add(d.Backoff(dl.Attempt))
	}
	disabled, err := d.st.FinishWebhookDelivery(ctx, owner, dl, o)
	log := reqctx.Logger(ctx).WithFields(logrus.Fields{
		logging.FieldTenant: dl.Tenant, logging.FieldDurationMS: res.Duration.Milliseconds(),
		"webhook_event": dl.EventID, "webhook_endpoint": dl.EndpointID, "attempt": dl.Attempt, "http_status": res.StatusCode,
	})
	if res.Err != nil {
		log = log.WithError(res.Err)
	}
	switch {
	case domain.IsKind(err, domain.KindConflict):
		log.WithError(err).Warn("webhook delivery taken over by another dispatcher")
		return nil
	case err != nil:
		return err
	case res.OK():
		log.Info("webhook delivered")
	case o.RetryAt.IsZero():
		log.Warn("webhook delivery given up")
	default:
		log.WithField("retry_at", o.RetryAt.UTC().Format(time.RFC3339)).Warn("webhook delivery failed")
	}
	if disabled {
		log.Warn("webhook endpoint disabled after repeated failures")
	}
	return nil
}

// Backoff is the wait after the attempt-th failed attempt: BaseDelay
// doubled for each attempt before, at most MaxDelay, less up to a quarter
// at random so that deliveries that failed together spread out. Each wait
// is longer than the one before, until the cap.
func (d *Dispatcher) Backoff(attempt int) time.Duration {
	delay := d.o.MaxDelay
	if n := attempt - 1; n >= 0 && n < 32 {
		if b := d.o.BaseDelay << n; b > 0 && b < delay {
			delay = b
		}
	}
	return delay - time.Duration(float64(delay)/4*d.o.Jitter())
}
