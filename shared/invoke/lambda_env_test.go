package invoke_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
)

// openLambda opens the Lambda backend as a deployed function does, from
// the environment Lambda sets, on a fake that answers the first failures
// requests with 503; it returns the fake and the session tokens the
// requests carried.
func openLambda(t *testing.T, failures int, env map[string]string) (*fakeLambda, invoke.Invoker, *[]string) {
	fake := &fakeLambda{t: t, accepted: map[string][]byte{}}
	var tokens []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tokens = append(tokens, r.Header.Get("X-Amz-Security-Token"))
		n := len(tokens)
		mu.Unlock()
		if n <= failures {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base := map[string]string{"AWS_REGION": awsRegion, "AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret,
		"AWS_SESSION_TOKEN": "session-token", "AWS_ENDPOINT_URL_LAMBDA": srv.URL, "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": ""}
	for k, v := range env {
		base[k] = v
	}
	for k, v := range base {
		t.Setenv(k, v)
	}
	inv, err := invoke.Open(context.Background(), config.Config{InvokeBackend: config.InvokeLambda}, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return fake, inv, &tokens
}

func TestLambdaFromEnvironment(t *testing.T) {
	call := invoke.Call{Function: "logifn-webhook-dispatch", Name: "webhook-kick"}
	t.Run("role credentials", func(t *testing.T) {
		fake, inv, tokens := openLambda(t, 0, nil)
		if err := inv.Invoke(context.Background(), call); err != nil {
			t.Fatalf("invoke: %v", err)
		}
		if _, ok := fake.accepted[call.Function]; !ok || len(*tokens) != 1 || (*tokens)[0] != "session-token" {
			t.Errorf("accepted %v with session tokens %q, want one invocation carrying the role's token", fake.accepted, *tokens)
		}
	})
	t.Run("qualified name", func(t *testing.T) {
		fake, inv, _ := openLambda(t, 0, nil)
		arn := "arn:aws:lambda:" + awsRegion + ":123456789012:function:logifn-webhook-dispatch:live"
		if err := inv.Invoke(context.Background(), invoke.Call{Function: arn, Name: "webhook-kick"}); err != nil {
			t.Fatalf("invoke: %v", err)
		}
		if _, ok := fake.accepted[arn]; !ok {
			t.Errorf("accepted %v, want an invocation of %s", fake.accepted, arn)
		}
	})
	t.Run("service errors are retried", func(t *testing.T) {
		fake, inv, tokens := openLambda(t, 2, nil)
		if err := inv.Invoke(context.Background(), call); err != nil || len(fake.accepted) != 1 || len(*tokens) != 3 {
			t.Errorf("err = %v, accepted %d after %d requests; want accepted after 3", err, len(fake.accepted), len(*tokens))
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		fake, inv, tokens := openLambda(t, 0, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
		if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindInternal) || len(*tokens) != 0 || len(fake.accepted) != 0 {
			t.Errorf("err = %v, %d requests; want internal and no request", err, len(*tokens))
		}
	})
	t.Run("no region", func(t *testing.T) {
		t.Setenv("AWS_REGION", "")
		t.Setenv("AWS_DEFAULT_REGION", "")
		if _, err := invoke.Open(context.Background(), config.Config{InvokeBackend: config.InvokeLambda}, nil); err == nil {
			t.Errorf("Open without a region: no error")
		}
	})
}
