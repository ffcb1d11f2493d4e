package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/reqctx"
)

// lambdaAdapter serves a function on AWS Lambda: HTTP API (payload 2.0)
// events go to the HTTP handler, S3 and scheduled EventBridge events to
// the object and tick handlers.
type lambdaAdapter struct {
	d *dispatcher
}

// lambdaProbe holds the few fields that tell Lambda's event shapes apart.
type lambdaProbe struct {
	Version        string `json:"version"`
	RequestContext struct {
		HTTP *struct{} `json:"http"`
	} `json:"requestContext"`
	Records []struct {
		EventSource string `json:"eventSource"`
	} `json:"Records"`
	DetailType string `json:"detail-type"`
}

// invoke is the Lambda handler. It answers HTTP events with their
// response. For other events it returns nil when the event was handled or
// dropped and an error when it should be retried or was not understood.
func (a *lambdaAdapter) invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var requestID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	ctx = a.d.begin(ctx, requestID)
	var probe lambdaProbe
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, a.reject(ctx, fmt.Errorf("event is not a JSON object: %w", err))
	}
	if probe.Version == "2.0" && probe.RequestContext.HTTP != nil {
		return a.serveHTTP(ctx, payload), nil
	}
	ev, err := decodeLambdaEvent(probe, payload)
	if err == nil {
		err = a.d.check(ev)
	}
	if err != nil {
		return nil, a.reject(ctx, err)
	}
	if err := a.d.run(ctx, ev); Retryable(err) {
		return nil, fmt.Errorf("event not handled (%s), redelivery requested", domain.KindOf(err))
	}
	return nil, nil
}

// decodeLambdaEvent decodes an S3 or a scheduled EventBridge event.
func decodeLambdaEvent(probe lambdaProbe, payload []byte) (event, error) {
	ev, err := lambdaEvent(probe, payload)
	return ev, invalidEvent(err)
}

func lambdaEvent(probe lambdaProbe, payload []byte) (event, error) {
	switch {
	case len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:s3":
		var e events.S3Event
		if err := json.Unmarshal(payload, &e); err != nil {
			return event{}, fmt.Errorf("decode s3 event: %w", err)
		}
		objs := FromS3Event(e)
		return event{objects: objs}, requireNames(objs)
	case probe.DetailType == "Scheduled Event":
		var e events.EventBridgeEvent
		if err := json.Unmarshal(payload, &e); err != nil {
			return event{}, fmt.Errorf("decode scheduled event: %w", err)
		}
		t := FromScheduledEvent(e)
		if t.Name == "" || t.Time.IsZero() {
			return event{}, errors.New("scheduled event without a rule in resources or without a time")
		}
		return event{tick: &t}, nil
	default:
		return event{}, errors.New("unknown event: not an HTTP API, S3 or scheduled event")
	}
}

// reject logs an event that never reached a handler and returns the error
// for Lambda to report.
func (a *lambdaAdapter) reject(ctx context.Context, err error) error {
	reqctx.Logger(ctx).WithError(err).Warn("event rejected")
	return err
}

// serveHTTP runs the HTTP handler on an HTTP API event. A request that
// cannot be built is answered 400 without reaching the handler.
func (a *lambdaAdapter) serveHTTP(ctx context.Context, payload []byte) events.APIGatewayV2HTTPResponse {
	rw := newBufferedResponse()
	req, err := decodeAPIGWRequest(ctx, payload)
	if err != nil {
		reqctx.Logger(ctx).WithError(err).Warn("http event rejected")
		writeEventError(rw, http.StatusBadRequest, "bad_request", err.Error(), reqctx.RequestID(ctx))
		return rw.apigwResponse()
	}
	a.d.serveHTTP(rw, req)
	return rw.apigwResponse()
}
