package invoke

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/domain"
)

// LambdaAPI is the part of the Lambda client Lambda uses.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Lambda invokes AWS Lambda functions asynchronously: Invoke with the
// Event invocation type. The payload is an EventBridge "Scheduled Event",
// which the Lambda adapter hands to the invoked function as a tick named
// by the last segment of its resource.
type Lambda struct {
	api LambdaAPI
	now clock
}

// NewLambda returns a Lambda invoker on cfg, the region and credentials of
// the AWS SDK's usual chain (on Lambda: the function's role). endpoint,
// when set, replaces the service's address.
func NewLambda(cfg aws.Config, endpoint string) *Lambda {
	client := lambda.NewFromConfig(cfg, func(o *lambda.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return &Lambda{api: client}
}

// NewLambdaWith returns a Lambda invoker on api, stamping events with now.
func NewLambdaWith(api LambdaAPI, now func() time.Time) *Lambda {
	return &Lambda{api: api, now: now}
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

// Invoke asks Lambda to run c.Function once, in the background.
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
	out, err := l.api.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(c.Function),
		InvocationType: types.InvocationTypeEvent, Payload: body})
	if err != nil {
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			return statusError("Lambda", c.Function, re.HTTPStatusCode(), err)
		}
		return unreachable("Lambda", c.Function, err)
	}
	if out.StatusCode != http.StatusAccepted {
		return statusError("Lambda", c.Function, int(out.StatusCode), nil)
	}
	return nil
}
