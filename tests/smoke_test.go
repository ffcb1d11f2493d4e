package tests

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/platform/lambdatest"
)

// TestEveryBinaryStartsInEveryMode builds every function of the manifest
// as deployed and starts each one on Function Compute's custom runtime, on
// Knative, on plain HTTP and on Lambda (against the fake Runtime API),
// asking each for /healthz. It builds 21 binaries, so it runs only when
// LOGIFN_SMOKE is set: `make smoke`.
func TestEveryBinaryStartsInEveryMode(t *testing.T) {
	if os.Getenv("LOGIFN_SMOKE") == "" {
		t.Skip("set LOGIFN_SMOKE=1 (make smoke) to start every binary in every mode")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names := coldStartFunctions()
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		wg.Go(func() { errs[i] = goBuild(root, filepath.Join(dir, name), "./functions/"+name+"/cmd") })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := sqliteDatabase(t, binaries(t))
	common := db.env().with(env{"LOGIFN_INVOKE_BACKEND": "local", "LOGIFN_BLOB_DRIVER": "local", "LOGIFN_BLOB_DIR": filepath.Join(dir, "objects")})
	for _, name := range names {
		bin := filepath.Join(dir, name)
		t.Run(name, func(t *testing.T) {
			modes := map[string]func(port string) env{
				"fc":      func(port string) env { return env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": name} },
				"knative": func(port string) env { return env{"K_SERVICE": name, "PORT": port} },
				"http":    func(port string) env { return env{"LOGIFN_ADDR": "127.0.0.1:" + port} },
			}
			for mode, vars := range modes {
				p := startServer(t, name+" on "+mode, bin, func(port string) ([]string, env) { return nil, common.with(vars(port)) })
				p.stop(t)
			}
			api := lambdatest.New(t)
			start(t, name+" on lambda", bin, nil, common.with(env{"AWS_LAMBDA_RUNTIME_API": api.Addr(), "AWS_LAMBDA_FUNCTION_NAME": name,
				"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap"}))
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			out, errPayload, err := api.Invoke(ctx, httpAPIEvent("/healthz", "", ""))
			var resp struct {
				StatusCode int `json:"statusCode"`
			}
			if err != nil || errPayload != nil || json.Unmarshal(out, &resp) != nil || resp.StatusCode != 200 {
				t.Errorf("lambda /healthz: %s %s %v", out, errPayload, err)
			}
		})
	}
}
