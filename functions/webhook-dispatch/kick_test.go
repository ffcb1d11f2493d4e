package webhookdispatch_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	webhookdispatch "github.com/logifn/logifn/functions/webhook-dispatch"
	"github.com/logifn/logifn/shared/platform"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 0, 30 * time.Second},
		{2, 0, time.Minute},
		{3, 0, 2 * time.Minute},
		{10, 0, 512 * 30 * time.Second},
		{11, 0, 6 * time.Hour}, // capped
		{40, 0, 6 * time.Hour},
		{1, 0.5, 26*time.Second + 250*time.Millisecond},
		{2, 0.5, 52*time.Second + 500*time.Millisecond},
		{11, 0.5, 6*time.Hour - 45*time.Minute},
	}
	for _, tt := range tests {
		d := webhookdispatch.New(nil, nil, webhookdispatch.Options{Jitter: func() float64 { return tt.jitter }})
		if got := d.Backoff(tt.attempt); got != tt.want {
			t.Errorf("Backoff(%d) with jitter %v = %s, want %s", tt.attempt, tt.jitter, got, tt.want)
		}
	}
	// Whatever the jitter, each wait is longer than the one before, up to the cap.
	lo := webhookdispatch.New(nil, nil, webhookdispatch.Options{Jitter: func() float64 { return 0 }})
	hi := webhookdispatch.New(nil, nil, webhookdispatch.Options{Jitter: func() float64 { return 0.9999 }})
	for n := 1; n < 10; n++ {
		if hi.Backoff(n+1) <= lo.Backoff(n) {
			t.Errorf("attempt %d waits at least %s, attempt %d at most %s", n+1, hi.Backoff(n+1), n, lo.Backoff(n))
		}
	}
}

func TestKickerCoalesces(t *testing.T) {
	release := make(chan struct{})
	var runs atomic.Int32
	k := webhookdispatch.NewKicker(func(ctx context.Context, tk platform.Tick) error {
		if tk.Name != webhookdispatch.KickName {
			t.Errorf("tick %q, want %q", tk.Name, webhookdispatch.KickName)
		}
		if runs.Add(1) == 1 {
			<-release // the first run is slow; kicks meanwhile pile up
		}
		return errors.New("the database is down") // logged, not fatal
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { k.Run(ctx); close(done) }()
	k.Kick()
	waitFor(t, func() bool { return runs.Load() == 1 })
	for range 10 {
		k.Kick()
	}
	close(release)
	waitFor(t, func() bool { return runs.Load() == 2 })
	time.Sleep(20 * time.Millisecond)
	if n := runs.Load(); n != 2 {
		t.Errorf("%d runs for 11 kicks, 10 of them during the first run; want 2", n)
	}
	cancel()
	<-done
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting")
}
