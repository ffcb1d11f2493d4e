package invoke

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/domain"
)

// Lambda invokes AWS Lambda functions asynchronously: a POST to the Invoke
// API (/2015-03-31/functions/{name}/invocations) with the Event invocation
// type, signed with SigV4 over net/http. The payload is an EventBridge
// "Scheduled Event", which the Lambda adapter hands to the invoked function
// as a tick named by the last segment of its resource.
//
// It speaks the one API call itself rather than through the SDK's Lambda
// client: that client and the SDK's configuration loader cost every
// function that writes megabytes of binary and milliseconds of start-up.
type Lambda struct {
	endpoint string
	region   string
	creds    aws.CredentialsProvider
	client   aws.HTTPClient
	attempts int
	signer   *v4.Signer
	now      clock
}

// NewLambda returns a Lambda invoker on cfg's region, credentials, HTTP
// client (default: one with a 30s timeout) and RetryMaxAttempts (default
// 3: throttling, service errors and unreachable endpoints are retried).
// endpoint, else cfg.BaseEndpoint, when set, replaces the service's
// address. It does no I/O: credentials are retrieved at each invocation.
func NewLambda(cfg aws.Config, endpoint string) *Lambda {
	if endpoint == "" {
		endpoint = aws.ToString(cfg.BaseEndpoint)
	}
	if endpoint == "" {
		endpoint = lambdaEndpoint(cfg.Region)
	}
	l := &Lambda{endpoint: strings.TrimSuffix(endpoint, "/"), region: cfg.Region, creds: cfg.Credentials,
		client: cfg.HTTPClient, attempts: cfg.RetryMaxAttempts, signer: v4.NewSigner()}
	if l.client == nil {
		l.client = &http.Client{Timeout: 30 * time.Second}
	}
	if l.attempts <= 0 {
		l.attempts = 3
	}
	return l
}

// lambdaEndpoint is the Invoke API's address in region.
func lambdaEndpoint(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "https://lambda." + region + ".amazonaws.com.cn"
	}
	return "https://lambda." + region + ".amazonaws.com"
}

// scheduledEvent is an EventBridge "Scheduled Event".
type scheduledEvent struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Time       time.Time       `json:"time"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Invoke asks Lambda to run c.Function once, in the background. Lambda
// answers 202 when it has queued the event.
func (l *Lambda) Invoke(ctx context.Context, c Call) error {
	if err := c.check(); err != nil {
		return err
	}
	detail := json.RawMessage(c.Payload)
	if len(detail) == 0 {
		detail = json.RawMessage("{}")
	}
	body, err := json.Marshal(scheduledEvent{Version: "0", ID: uuid.NewString(), DetailType: "Scheduled Event",
		Source: "logifn.invoke", Time: l.now.now(), Resources: []string{"logifn:invoke/" + c.Name}, Detail: detail})
	if err != nil {
		return domain.Wrap(domain.KindInvalid, "invocation_encoding", "the invocation payload is not JSON", err)
	}
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err = l.post(ctx, c.Function, body)
		if err == nil || attempt >= l.attempts || !transient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
			wait *= 2
		}
	}
}

// transient says whether Lambda may answer another attempt differently:
// it was throttled, failed, or could not be reached.
func transient(err error) bool {
	k := domain.KindOf(err)
	return k == domain.KindUnavailable || k == domain.KindRateLimited
}

// post sends one signed Invoke request for function.
func (l *Lambda) post(ctx context.Context, function string, body []byte) error {
	req, err := l.request(ctx, function, body)
	if err != nil {
		return err
	}
	res, err := l.client.Do(req)
	if err != nil {
		return unreachable("Lambda", function, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusAccepted {
		return statusError("Lambda", function, res.StatusCode, lambdaError(res, answer))
	}
	return nil
}

// request builds the Invoke request for function and signs it.
func (l *Lambda) request(ctx context.Context, function string, body []byte) (*http.Request, error) {
	if l.creds == nil {
		return nil, domain.Errorf(domain.KindInternal, "invocation_credentials", "no AWS credentials to invoke %s with", function)
	}
	creds, err := l.creds.Retrieve(ctx)
	if err != nil {
		return nil, domain.Wrap(domain.KindInternal, "invocation_credentials", "the AWS credentials could not be read", err)
	}
	// A name may be an ARN or carry a qualifier: escape its colons, as the
	// SDK does, so that the path signed is the path Lambda sees.
	name := strings.ReplaceAll(url.PathEscape(function), ":", "%3A")
	u := l.endpoint + "/2015-03-31/functions/" + name + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, domain.Wrap(domain.KindInternal, "invocation_url", "the Lambda endpoint is not valid", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "Event")
	sum := sha256.Sum256(body)
	if err := l.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", l.region, time.Now()); err != nil {
		return nil, domain.Wrap(domain.KindInternal, "invocation_signing", "the invocation could not be signed", err)
	}
	return req, nil
}

// lambdaError is the cause of a refusal as Lambda tells it, for the logs:
// the error type header and the message of the JSON body.
func lambdaError(res *http.Response, body []byte) error {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) != nil || m.Message == "" {
		m.Message = http.StatusText(res.StatusCode)
	}
	kind, _, _ := strings.Cut(res.Header.Get("X-Amzn-Errortype"), ":")
	if kind == "" {
		kind = "Lambda"
	}
	return fmt.Errorf("%s: %s", kind, m.Message)
}

// envCredentials are the credentials Lambda gives a function's role, in
// the environment variables it sets, read through getenv.
type envCredentials func(string) string

// Retrieve returns the credentials, or an error when none are set.
func (getenv envCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	c := aws.Credentials{AccessKeyID: getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return aws.Credentials{}, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
	}
	return c, nil
}
