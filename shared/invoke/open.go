package invoke

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/logifn/logifn/shared/config"
)

// Open returns the invoker c.InvokeBackend names: Function Compute with
// c's endpoint, service and Alibaba Cloud credentials; Lambda with the
// region, role credentials and endpoint in the environment (see
// lambdaFromEnv); HTTP to c.InvokeURL; or local, which must then be given.
// It does no I/O.
func Open(ctx context.Context, c config.Config, local *Local) (Invoker, error) {
	switch c.InvokeBackend {
	case config.InvokeFC:
		f, err := NewFC(FCConfig{Endpoint: c.InvokeFCEndpoint, Service: c.InvokeFCService, AccessKeyID: c.OSSAccessKeyID,
			AccessKeySecret: string(c.OSSAccessKeySecret), SecurityToken: string(c.OSSSecurityToken)})
		if err != nil {
			return nil, err
		}
		return f, nil
	case config.InvokeLambda:
		l, err := lambdaFromEnv(os.Getenv)
		if err != nil {
			return nil, err
		}
		return l, nil
	case config.InvokeHTTP:
		if c.InvokeURL == "" {
			return nil, errors.New("invoke over HTTP: LOGIFN_INVOKE_URL is required, such as a Knative Broker's ingress URL")
		}
		return &HTTP{URL: c.InvokeURL}, nil
	case config.InvokeLocal, "":
		if local == nil {
			return nil, errors.New("invoke locally: no functions run in this process")
		}
		return local, nil
	}
	return nil, fmt.Errorf("unknown invocation backend %q", c.InvokeBackend)
}

// lambdaFromEnv returns a Lambda invoker configured as Lambda configures a
// function: AWS_REGION (else AWS_DEFAULT_REGION), the role's credentials in
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, read at
// each invocation, and AWS_ENDPOINT_URL_LAMBDA (else AWS_ENDPOINT_URL) to
// reach another endpoint than the region's.
func lambdaFromEnv(getenv func(string) string) (*Lambda, error) {
	region := cmp.Or(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"))
	if region == "" {
		return nil, errors.New("invoke on Lambda: AWS_REGION is not set")
	}
	cfg := aws.Config{Region: region, Credentials: envCredentials(getenv)}
	return NewLambda(cfg, cmp.Or(getenv("AWS_ENDPOINT_URL_LAMBDA"), getenv("AWS_ENDPOINT_URL"))), nil
}
