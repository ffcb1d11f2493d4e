package platform

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform/lambdatest"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/sirupsen/logrus"
)

// lambdaChildEnv marks the test binary started as a Lambda function by
// TestLambdaRoundTrip.
const lambdaChildEnv = "LOGIFN_TEST_LAMBDA_CHILD"

// TestLambdaChild is the function TestLambdaRoundTrip runs in a child
// process, because aws-lambda-go's loop never returns and exits the
// process when it fails. On its own it is skipped.
func TestLambdaChild(t *testing.T) {
	if os.Getenv(lambdaChildEnv) != "1" {
		t.Skip("runs only as TestLambdaRoundTrip's child process")
	}
	log := logrus.New()
	log.SetOutput(os.Stderr)
	h := Handlers{
		HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Request-Id", reqctx.RequestID(r.Context()))
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, r.Method+" "+r.URL.Path+" "+string(body))
		}),
		Object: func(ctx context.Context, obj ObjectCreated) error {
			return domain.Errorf(domain.KindUnavailable, "db_down", "database down")
		},
		Tick: func(ctx context.Context, tk Tick) error { return nil },
	}
	if err := Run(context.Background(), log, "waybill-image", h); err != nil {
		t.Fatal(err)
	}
}

func TestLambdaRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	rt := lambdatest.New(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLambdaChild$")
	cmd.Env = append(os.Environ(), lambdaChildEnv+"=1", "AWS_LAMBDA_RUNTIME_API="+rt.Addr(), "K_SERVICE=", "FC_FUNCTION_NAME=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	defer func() {
		if !waited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	resp, errPayload, err := rt.Invoke(ctx, fixture(t, "apigw-v2-request.json"))
	if err != nil || errPayload != nil {
		t.Fatalf("http event: %v, error payload %s\n%s", err, errPayload, stderr.String())
	}
	var httpResp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(resp, &httpResp); err != nil {
		t.Fatal(err)
	}
	if httpResp.StatusCode != 200 || !strings.HasPrefix(httpResp.Body, `POST /v1/shipments {"receiver"`) || len(httpResp.Headers["X-Request-Id"]) != 36 {
		t.Errorf("http response %+v; want 200 echoing the request and the invocation's id", httpResp)
	}

	resp, errPayload, err = rt.Invoke(ctx, fixture(t, "eventbridge-scheduled.json"))
	if err != nil || errPayload != nil || string(resp) != "null" {
		t.Errorf("scheduled event: response %s, error %s, %v; want null", resp, errPayload, err)
	}

	_, errPayload, err = rt.Invoke(ctx, fixture(t, "s3-event.json"))
	if err != nil || !strings.Contains(string(errPayload), "redelivery requested") {
		t.Errorf("failing s3 event: error payload %s, %v; want the function's error", errPayload, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited = true
	if err := cmd.Wait(); err != nil {
		t.Errorf("child exited with %v after SIGTERM, want a clean stop\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), `msg="shutting down"`) {
		t.Errorf("child did not log its shutdown:\n%s", stderr.String())
	}
	if testing.Verbose() {
		t.Log(stderr.String())
	}
}
