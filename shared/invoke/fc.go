package invoke

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	fc "github.com/aliyun/fc-go-sdk"
	"github.com/logifn/logifn/shared/domain"
)

// fcAPIVersion is the Function Compute API the SDK speaks.
const fcAPIVersion = "2016-08-15"

// FCConfig says how to reach Function Compute's API.
type FCConfig struct {
	// Endpoint is the API's address, such as
	// https://1234567890.cn-hangzhou-internal.fc.aliyuncs.com.
	Endpoint string
	// AccountID, when set, is sent in x-fc-account-id, for endpoints that
	// are IP addresses.
	AccountID string
	// The credentials: Function Compute gives a function with a role
	// temporary ones, the security token included.
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	// Service holds the functions to invoke; Qualifier, when set, picks an
	// alias or version of them.
	Service   string
	Qualifier string
	// Timeout bounds each API call (default 10s).
	Timeout time.Duration
	// Now stamps the events sent (default time.Now).
	Now func() time.Time
}

// FC invokes Function Compute functions asynchronously through the
// InvokeFunction API of github.com/aliyun/fc-go-sdk with the Async
// invocation type. The payload is an FC timer event, which the custom
// runtime adapter hands to the invoked function as a tick.
type FC struct {
	client    func() (*fc.Client, error)
	service   string
	qualifier string
	now       clock
}

// NewFC returns an FC invoker. It does no I/O, and builds the SDK's client
// on the first invocation: a function that never invokes pays nothing.
func NewFC(cfg FCConfig) (*FC, error) {
	if cfg.Endpoint == "" || cfg.Service == "" || cfg.AccessKeyID == "" || cfg.AccessKeySecret == "" {
		return nil, errors.New("invoke on Function Compute: an endpoint, a service and credentials are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	opts := []fc.ClientOption{fc.WithTimeout(uint(max(1, cfg.Timeout/time.Second)))}
	if cfg.SecurityToken != "" {
		opts = append(opts, fc.WithSecurityToken(cfg.SecurityToken))
	}
	if cfg.AccountID != "" {
		opts = append(opts, fc.WithAccountID(cfg.AccountID))
	}
	client := sync.OnceValues(func() (*fc.Client, error) {
		return fc.NewClient(cfg.Endpoint, fcAPIVersion, cfg.AccessKeyID, cfg.AccessKeySecret, opts...)
	})
	return &FC{client: client, service: cfg.Service, qualifier: cfg.Qualifier, now: cfg.Now}, nil
}

// fcTimerEvent is the body of a Function Compute timer invocation.
type fcTimerEvent struct {
	TriggerTime string `json:"triggerTime"`
	TriggerName string `json:"triggerName"`
	Payload     string `json:"payload"`
}

// Invoke asks Function Compute to run c.Function of the service once, in
// the background. The SDK takes no context, so ctx is only checked before
// the call; the client's timeout bounds it.
func (f *FC) Invoke(ctx context.Context, c Call) error {
	if err := c.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return domain.Wrap(domain.KindUnavailable, "invocation_cancelled", "the invocation was cancelled", err)
	}
	body, err := json.Marshal(fcTimerEvent{TriggerTime: f.now.now().Format(time.RFC3339Nano), TriggerName: c.Name, Payload: string(c.Payload)})
	if err != nil {
		return domain.Wrap(domain.KindInternal, "invocation_encoding", "the invocation could not be encoded", err)
	}
	in := fc.NewInvokeFunctionInput(f.service, c.Function).WithPayload(body).WithAsyncInvocation()
	if f.qualifier != "" {
		in = in.WithQualifier(f.qualifier)
	}
	client, err := f.client()
	if err != nil {
		return domain.Wrap(domain.KindInternal, "invocation_client", "the Function Compute client could not be built", err)
	}
	if _, err := client.InvokeFunction(in); err != nil {
		var se *fc.ServiceError
		if errors.As(err, &se) {
			return statusError("Function Compute", c.Function, se.HTTPStatus, err)
		}
		return unreachable("Function Compute", c.Function, err)
	}
	return nil
}
