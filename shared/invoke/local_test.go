package invoke_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
)

func TestLocalRetriesAndWaits(t *testing.T) {
	l := invoke.NewLocal()
	l.Backoff = time.Millisecond
	var calls, dropped, panics atomic.Int32
	l.Register("flaky", func(ctx context.Context, tick platform.Tick) error {
		if calls.Add(1) < 3 {
			return domain.Errorf(domain.KindUnavailable, "busy", "busy")
		}
		if tick.Name != "job" || tick.Payload != `{"n":1}` {
			t.Errorf("tick %+v", tick)
		}
		return nil
	})
	l.Register("bad", func(ctx context.Context, tick platform.Tick) error {
		dropped.Add(1)
		return domain.Errorf(domain.KindInvalid, "bad", "bad")
	})
	l.Register("panics", func(ctx context.Context, tick platform.Tick) error {
		panics.Add(1)
		panic("boom")
	})
	ctx, cancel := context.WithCancel(context.Background())
	for _, fn := range []string{"flaky", "bad", "panics"} {
		if err := l.Invoke(ctx, invoke.Call{Function: fn, Name: "job", Payload: []byte(`{"n":1}`)}); err != nil {
			t.Fatalf("invoke %s: %v", fn, err)
		}
	}
	cancel() // the calls outlive their caller
	l.Wait()
	if calls.Load() != 3 || dropped.Load() != 1 || panics.Load() != 4 {
		t.Errorf("calls %d, %d, %d; want 3 (two retries), 1 (not retried), 4 (a panic is internal, retried)",
			calls.Load(), dropped.Load(), panics.Load())
	}
	if err := l.Invoke(ctx, invoke.Call{Function: "nobody", Name: "job"}); !domain.IsKind(err, domain.KindInternal) {
		t.Errorf("unknown function: err = %v, want internal", err)
	}
	if err := l.Invoke(ctx, invoke.Call{Function: "flaky"}); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("call without a name: err = %v, want invalid", err)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	local := invoke.NewLocal()
	tests := []struct {
		name string
		cfg  config.Config
		want string // the invoker's type, or "" for an error
	}{
		{"local", config.Config{InvokeBackend: config.InvokeLocal}, "*invoke.Local"},
		{"default", config.Config{}, "*invoke.Local"},
		{"http", config.Config{InvokeBackend: config.InvokeHTTP, InvokeURL: "http://broker/ns/default"}, "*invoke.HTTP"},
		{"http without a URL", config.Config{InvokeBackend: config.InvokeHTTP}, ""},
		{"fc", config.Config{InvokeBackend: config.InvokeFC, InvokeFCEndpoint: "https://1.cn-hangzhou-internal.fc.aliyuncs.com",
			InvokeFCService: "logifn", OSSAccessKeyID: "id", OSSAccessKeySecret: "secret"}, "*invoke.FC"},
		{"fc without credentials", config.Config{InvokeBackend: config.InvokeFC, InvokeFCEndpoint: "https://x", InvokeFCService: "s"}, ""},
		{"lambda", config.Config{InvokeBackend: config.InvokeLambda}, "*invoke.Lambda"},
		{"unknown", config.Config{InvokeBackend: "carrier-pigeon"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", "eu-west-1")
			inv, err := invoke.Open(ctx, tt.cfg, local)
			got := ""
			if err == nil {
				got = typeName(inv)
			}
			if got != tt.want {
				t.Errorf("Open = %s, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := invoke.Open(ctx, config.Config{}, nil); err == nil {
		t.Errorf("local without a Local: no error")
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *invoke.Local:
		return "*invoke.Local"
	case *invoke.HTTP:
		return "*invoke.HTTP"
	case *invoke.FC:
		return "*invoke.FC"
	case *invoke.Lambda:
		return "*invoke.Lambda"
	}
	return errors.New("unknown").Error()
}
