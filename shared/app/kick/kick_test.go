package kick

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/logging"
)

type recordingInvoker struct {
	mu    sync.Mutex
	calls []invoke.Call
}

func (r *recordingInvoker) Invoke(ctx context.Context, c invoke.Call) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	return nil
}

func (r *recordingInvoker) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// TestRemoteKickIsThrottled: a burst of writes invokes webhook-dispatch
// once per interval, by name, with the kick tick's name.
func TestRemoteKickIsThrottled(t *testing.T) {
	inv := &recordingInvoker{}
	log, _ := logging.New(io.Discard, "json", "info")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := &remoteKicker{inv: inv, target: app.WebhookDispatch, log: log, now: func() time.Time { return now }}
	for range 10 {
		k.kick()
	}
	now = now.Add(kickInterval)
	k.kick()
	deadline := time.Now().Add(5 * time.Second)
	for inv.count() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	if n := inv.count(); n != 2 {
		t.Fatalf("%d invocations for 11 kicks over two intervals, want 2", n)
	}
	if c := inv.calls[0]; c.Function != app.WebhookDispatch || c.Name != app.WebhookKick {
		t.Errorf("call = %+v", c)
	}
}

// TestDeployedName: the kick reaches webhook-dispatch under the prefix the
// deploy files give every function.
func TestDeployedName(t *testing.T) {
	tests := []struct{ self, name, want string }{
		{"logifn-shipment-create", "shipment-create", "logifn-webhook-dispatch"},     // s.yaml
		{"prod-stack-shipment-scan", "shipment-scan", "prod-stack-webhook-dispatch"}, // template.yaml
		{"shipment-scan", "shipment-scan", "webhook-dispatch"},                       // Knative, local
		{"", "shipment-scan", "webhook-dispatch"},                                    // not known
		{"something-else", "shipment-scan", "webhook-dispatch"},
	}
	for _, tt := range tests {
		if got := deployedName(tt.self, tt.name, app.WebhookDispatch); got != tt.want {
			t.Errorf("deployedName(%q, %q) = %q, want %q", tt.self, tt.name, got, tt.want)
		}
	}
}
