package invoke

import (
	"context"
	"errors"
	"fmt"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/logifn/logifn/shared/config"
)

// Open returns the invoker c.InvokeBackend names: Function Compute with
// c's endpoint, service and Alibaba Cloud credentials; Lambda with the AWS
// SDK's default configuration (region and role from the environment); HTTP
// to c.InvokeURL; or local, which must then be given. It does no I/O
// beyond reading the AWS configuration.
func Open(ctx context.Context, c config.Config, local *Local) (Invoker, error) {
	switch c.InvokeBackend {
	case config.InvokeFC:
		return NewFC(FCConfig{Endpoint: c.InvokeFCEndpoint, Service: c.InvokeFCService, AccessKeyID: c.OSSAccessKeyID,
			AccessKeySecret: string(c.OSSAccessKeySecret), SecurityToken: string(c.OSSSecurityToken)})
	case config.InvokeLambda:
		cfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("invoke on Lambda: %w", err)
		}
		return NewLambda(cfg, ""), nil
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
