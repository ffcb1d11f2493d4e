package invoke

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
)

// Local runs calls in this process, each in a goroutine of its own, for
// the local platform and tests: a call goes to the tick handler registered
// under its function's name. Like the platforms' asynchronous invocations
// it retries a call whose handler fails with a retryable error (see
// platform.Retryable), Attempts times in all, waiting Backoff, then twice
// as long, between attempts; a call that still fails is logged and
// dropped.
type Local struct {
	Attempts int           // default 4
	Backoff  time.Duration // default 200ms

	mu       sync.Mutex
	handlers map[string]platform.TickHandler
	wg       sync.WaitGroup
	now      func() time.Time
}

// NewLocal returns a Local invoker with no functions.
func NewLocal() *Local {
	return &Local{handlers: map[string]platform.TickHandler{}, now: func() time.Time { return time.Now().UTC() }}
}

// Register makes h the handler of calls to function.
func (l *Local) Register(function string, h platform.TickHandler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handlers[function] = h
}

// Invoke starts c in a goroutine and returns. The goroutine keeps ctx's
// values (request id, logger) but not its deadline or cancellation: the
// call outlives the caller, as on a platform. A function nobody
// registered is an internal error.
func (l *Local) Invoke(ctx context.Context, c Call) error {
	if err := c.check(); err != nil {
		return err
	}
	l.mu.Lock()
	h := l.handlers[c.Function]
	l.mu.Unlock()
	if h == nil {
		return domain.Errorf(domain.KindInternal, "invocation_refused", "no function %s runs in this process", c.Function)
	}
	tick := platform.Tick{Name: c.Name, Time: l.now(), Payload: string(c.Payload)}
	ctx = context.WithoutCancel(ctx)
	l.wg.Go(func() { l.run(ctx, c, h, tick) })
	return nil
}

// run calls h until it succeeds, fails for good or runs out of attempts.
func (l *Local) run(ctx context.Context, c Call, h platform.TickHandler, tick platform.Tick) {
	attempts, wait := l.Attempts, l.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if wait <= 0 {
		wait = 200 * time.Millisecond
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			time.Sleep(wait)
			wait *= 2
		}
		if err = protect(ctx, h, tick); !platform.Retryable(err) {
			break
		}
	}
	if err != nil {
		reqctx.Logger(ctx).WithError(err).WithField("invoked_function", c.Function).WithField(logging.FieldTick, c.Name).
			Error("asynchronous invocation failed")
	}
}

// protect runs h and turns a panic into an internal error.
func protect(ctx context.Context, h platform.TickHandler, tick platform.Tick) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = domain.Wrap(domain.KindInternal, "panic", "the handler failed", fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	return h(ctx, tick)
}

// Wait waits for every call started so far, and those they start, to end.
func (l *Local) Wait() { l.wg.Wait() }
