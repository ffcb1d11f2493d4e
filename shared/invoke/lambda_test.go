package invoke_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
)

const (
	awsKeyID  = "AKIDEXAMPLE"
	awsSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	awsRegion = "eu-west-1"
)

// fakeLambda is Lambda's Invoke API for asynchronous calls: it checks the
// method, path, invocation type and SigV4 signature (service lambda, the
// right region), and keeps the accepted payloads.
type fakeLambda struct {
	t      *testing.T
	status int

	mu       sync.Mutex
	accepted map[string][]byte
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fn, problem := f.check(r, body)
	w.Header().Set("X-Amzn-Requestid", "req-1")
	w.Header().Set("Content-Type", "application/json")
	if problem != "" {
		f.t.Logf("fake Lambda refuses %s %s: %s", r.Method, r.URL.Path, problem)
		w.Header().Set("X-Amzn-Errortype", "InvalidSignatureException")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":%q}`, problem)
		return
	}
	if f.status != 0 {
		w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"message":"Rate exceeded"}`)
		return
	}
	f.mu.Lock()
	f.accepted[fn] = body
	f.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (f *fakeLambda) check(r *http.Request, body []byte) (function, problem string) {
	fn, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
	switch {
	case r.Method != http.MethodPost:
		return "", "method " + r.Method
	case !strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") || !ok || fn == "":
		return "", "path " + r.URL.Path
	case r.Header.Get("X-Amz-Invocation-Type") != "Event":
		return "", "invocation type " + r.Header.Get("X-Amz-Invocation-Type")
	}
	auth := r.Header.Get("Authorization")
	date := r.Header.Get("X-Amz-Date")
	scope := awsKeyID + "/" + date[:min(8, len(date))] + "/" + awsRegion + "/lambda/aws4_request"
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+scope+", SignedHeaders=") {
		return "", "Authorization " + auth
	}
	if want, err := resign(r, body); err != nil || auth != want {
		return "", fmt.Sprintf("signature: got %s, want %s (%v)", auth, want, err)
	}
	return fn, ""
}

// resign signs a copy of r, with the headers r signed, as SigV4 signs it
// at the time r says, and returns the Authorization it should carry.
func resign(r *http.Request, body []byte) (string, error) {
	signed := r.Header.Get("Authorization")
	_, list, _ := strings.Cut(signed, "SignedHeaders=")
	list, _, _ = strings.Cut(list, ",")
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return "", err
	}
	req, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	for _, h := range strings.Split(list, ";") {
		if h != "host" {
			req.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: awsKeyID, SecretAccessKey: awsSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "lambda", awsRegion, at); err != nil {
		return "", err
	}
	return req.Header.Get("Authorization"), nil
}

func newLambda(t *testing.T, secret string) (*fakeLambda, *invoke.Lambda) {
	fake := &fakeLambda{t: t, accepted: map[string][]byte{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: awsRegion, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(awsKeyID, secret, "")}
	return fake, invoke.NewLambda(cfg, srv.URL)
}

func TestLambdaInvokesAsynchronously(t *testing.T) {
	fake, inv := newLambda(t, awsSecret)
	payload := `{"tenant":"t1","file_id":7,"chunk":2}`
	if err := inv.Invoke(context.Background(), invoke.Call{Function: "logifn-scan-file-ingest", Name: "scan-file-chunk", Payload: []byte(payload)}); err != nil {
		t.Fatalf("invoke: %v", err)
	}
	body, ok := fake.accepted["logifn-scan-file-ingest"]
	if !ok {
		t.Fatalf("accepted %v, want an invocation of logifn-scan-file-ingest", fake.accepted)
	}
	// The Lambda adapter takes the payload for a scheduled event: the tick
	// the invoked function gets.
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.DetailType != "Scheduled Event" {
		t.Fatalf("payload %s is not a scheduled event (%v)", body, err)
	}
	if tick := platform.FromScheduledEvent(ev); tick.Name != "scan-file-chunk" || tick.Payload != payload || tick.Time.IsZero() {
		t.Errorf("the invoked function gets %+v, want tick scan-file-chunk with the payload", tick)
	}
}

func TestLambdaErrors(t *testing.T) {
	call := invoke.Call{Function: "f", Name: "scan-file-chunk", Payload: []byte(`{}`)}
	fake, inv := newLambda(t, "wrong-secret")
	if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindInternal) || len(fake.accepted) != 0 {
		t.Errorf("wrong secret: err = %v, accepted %d; want internal, nothing accepted", err, len(fake.accepted))
	}
	fake, inv = newLambda(t, awsSecret)
	fake.status = http.StatusTooManyRequests
	if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindRateLimited) {
		t.Errorf("throttled: err = %v, want rate_limited", err)
	}
	fake.status = http.StatusInternalServerError
	if err := inv.Invoke(context.Background(), call); !domain.IsKind(err, domain.KindUnavailable) {
		t.Errorf("service error: err = %v, want unavailable", err)
	}
	if err := inv.Invoke(context.Background(), invoke.Call{Function: "f", Name: "x", Payload: []byte("not json")}); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("payload that is not JSON: err = %v, want invalid", err)
	}
}
