package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/schedule"
	"github.com/logifn/logifn/shared/web"
	"github.com/sirupsen/logrus"
)

// TickPattern is the local platform's route that fires a schedule by hand.
const TickPattern = "POST /_local/ticks/{name}"

// tickJob is one schedule of one function.
type tickJob struct {
	function string
	sched    app.Schedule
	cron     *schedule.Cron
	handle   platform.TickHandler
}

// ticks is the local platform's scheduler: it fires every function's tick
// handler on the manifest's schedules, as FC timers, EventBridge rules or
// PingSources would, and on demand through TickPattern.
type ticks struct {
	log  *logrus.Logger
	now  func() time.Time
	jobs map[string]tickJob // by schedule name
	wg   sync.WaitGroup
}

func newTicks(log *logrus.Logger, now func() time.Time) *ticks {
	return &ticks{log: log, now: now, jobs: map[string]tickJob{}}
}

// add registers spec's tick handler h for each of spec's schedules.
func (t *ticks) add(spec app.Spec, h platform.TickHandler) error {
	if h == nil {
		return nil
	}
	for _, s := range spec.Schedules {
		c, err := schedule.Parse(s.Cron, s.TimeZone)
		if err != nil {
			return fmt.Errorf("%s schedule %s: %w", spec.Name, s.Name, err)
		}
		t.jobs[s.Name] = tickJob{function: spec.Name, sched: s, cron: c, handle: h}
	}
	return nil
}

// names lists the schedules, sorted.
func (t *ticks) names() []string {
	names := make([]string, 0, len(t.jobs))
	for n := range t.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// run fires every schedule at its times until ctx ends. A firing missed
// while the laptop slept is not caught up: the next one comes as planned.
func (t *ticks) run(ctx context.Context) {
	for _, j := range t.jobs {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			for {
				next := j.cron.Next(t.now())
				timer := time.NewTimer(time.Until(next))
				select {
				case <-ctx.Done():
					timer.Stop()
					return
				case <-timer.C:
				}
				_ = t.fire(ctx, j, next, j.sched.Payload) // fire logs its outcome; the next firing comes anyway
			}
		}()
	}
}

// wait returns when every schedule's loop has ended.
func (t *ticks) wait() { t.wg.Wait() }

// fire hands j's function one tick and logs the outcome.
func (t *ticks) fire(ctx context.Context, j tickJob, at time.Time, payload string) error {
	start := time.Now()
	entry := t.log.WithFields(logrus.Fields{
		logging.FieldRequestID: uuid.NewString(),
		logging.FieldFunction:  j.function,
		logging.FieldPlatform:  "local",
		logging.FieldTick:      j.sched.Name,
	})
	tick := platform.Tick{Name: j.sched.Name, Time: at.UTC(), Payload: payload}
	err := j.handle(reqctx.WithLogger(reqctx.WithRequestID(ctx, entry.Data[logging.FieldRequestID].(string)), entry), tick)
	entry = entry.WithField(logging.FieldDurationMS, float64(time.Since(start).Microseconds())/1000)
	if err != nil {
		entry.WithError(err).WithField(logging.FieldErrorKind, domain.KindOf(err)).Warn("tick failed")
		return err
	}
	entry.Info("tick handled")
	return nil
}

// tickRequest is the optional body of a tick fired by hand.
type tickRequest struct {
	Time    *time.Time `json:"time"`
	Payload *string    `json:"payload"`
}

// handler fires a schedule by hand: POST /_local/ticks/{name} with an
// optional body {"time": "RFC 3339", "payload": "..."}; the schedule's own
// payload and the current time otherwise. It answers once the function is
// done, with its outcome.
func (t *ticks) handler() http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		j, ok := t.jobs[r.PathValue("name")]
		if !ok {
			return domain.Errorf(domain.KindNotFound, "unknown_schedule", "no schedule %q; the local platform has %v", r.PathValue("name"), t.names())
		}
		var req tickRequest
		if r.ContentLength != 0 {
			if err := web.DecodeJSON(r, &req); err != nil {
				return err
			}
		}
		at, payload := t.now(), j.sched.Payload
		if req.Time != nil {
			at = *req.Time
		}
		if req.Payload != nil {
			payload = *req.Payload
		}
		if err := t.fire(r.Context(), j, at, payload); err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"schedule": j.sched.Name, "function": j.function, "time": at.UTC(), "outcome": "handled"})
		return nil
	})
}
