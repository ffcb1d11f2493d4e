// Package fcops runs the release operations of a Function Compute service
// through github.com/aliyun/fc-go-sdk: invoking a function, publishing a
// version and moving an alias's traffic between versions for canary
// releases.
package fcops

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	fc "github.com/aliyun/fc-go-sdk"
)

// apiVersion is the Function Compute API the SDK speaks.
const apiVersion = "2016-08-15"

// Config says how to reach a service on Function Compute's API.
type Config struct {
	// Endpoint is the API's address, such as
	// https://1234567890.cn-hangzhou.fc.aliyuncs.com.
	Endpoint string
	// AccountID, when set, is sent in x-fc-account-id, for endpoints that
	// are IP addresses.
	AccountID       string
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	Service         string
	// Timeout bounds each API call (default 30s).
	Timeout time.Duration
}

// Client runs operations on one service.
type Client struct {
	fc      *fc.Client
	service string
}

// New returns a client. It does no I/O.
func New(cfg Config) (*Client, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, errors.New("a Function Compute endpoint is required")
	case cfg.Service == "":
		return nil, errors.New("a Function Compute service is required")
	case cfg.AccessKeyID == "" || cfg.AccessKeySecret == "":
		return nil, errors.New("credentials are required (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	opts := []fc.ClientOption{fc.WithTimeout(uint(max(1, cfg.Timeout/time.Second)))}
	if cfg.SecurityToken != "" {
		opts = append(opts, fc.WithSecurityToken(cfg.SecurityToken))
	}
	if cfg.AccountID != "" {
		opts = append(opts, fc.WithAccountID(cfg.AccountID))
	}
	c, err := fc.NewClient(cfg.Endpoint, apiVersion, cfg.AccessKeyID, cfg.AccessKeySecret, opts...)
	if err != nil {
		return nil, fmt.Errorf("function compute client: %w", err)
	}
	return &Client{fc: c, service: cfg.Service}, nil
}

// APIError is an error answer of Function Compute's API.
type APIError struct {
	Op        string
	Status    int
	Code      string
	Message   string
	RequestID string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: Function Compute answered %d %s: %s (request %s)", e.Op, e.Status, e.Code, e.Message, e.RequestID)
}

// wrap turns the SDK's error into an *APIError where the service answered.
func wrap(op string, err error) error {
	var se *fc.ServiceError
	if errors.As(err, &se) {
		return &APIError{Op: op, Status: se.HTTPStatus, Code: se.ErrorCode, Message: se.ErrorMessage, RequestID: se.RequestID}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Invocation is the answer to a function invocation.
type Invocation struct {
	RequestID string
	// Payload is the function's response (empty for an asynchronous one).
	Payload []byte
	// FunctionError is set when the function itself failed, as
	// x-fc-error-type says (such as UnhandledInvocationError).
	FunctionError string
}

// Invoke runs function once with payload, on qualifier (an alias or a
// version) when set. An asynchronous invocation only queues the event.
// The SDK takes no context, so ctx is only checked before the call.
func (c *Client) Invoke(ctx context.Context, function, qualifier string, payload []byte, async bool) (Invocation, error) {
	if err := ctx.Err(); err != nil {
		return Invocation{}, err
	}
	in := fc.NewInvokeFunctionInput(c.service, function).WithPayload(payload).WithSyncInvocation()
	if async {
		in = in.WithAsyncInvocation()
	}
	if qualifier != "" {
		in = in.WithQualifier(qualifier)
	}
	out, err := c.fc.InvokeFunction(in)
	if err != nil {
		return Invocation{}, wrap("invoke "+function, err)
	}
	return Invocation{RequestID: out.Header.Get("X-Fc-Request-Id"), Payload: out.Payload, FunctionError: out.Header.Get("X-Fc-Error-Type")}, nil
}

// Publish publishes the service's current configuration and code as a new
// version and returns its id.
func (c *Client) Publish(ctx context.Context, description string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	in := fc.NewPublishServiceVersionInput(c.service)
	if description != "" {
		in = in.WithDescription(description)
	}
	out, err := c.fc.PublishServiceVersion(in)
	if err != nil {
		return "", wrap("publish version", err)
	}
	if out.VersionID == nil || *out.VersionID == "" {
		return "", errors.New("publish version: Function Compute answered no version id")
	}
	return *out.VersionID, nil
}

// Alias is where an alias sends traffic: Version gets all of it but the
// shares of Weights, fractions of 1 keyed by version id.
type Alias struct {
	Name    string
	Version string
	Weights map[string]float64
}

func (a Alias) String() string {
	main, canary := 100.0, ""
	for _, v := range slices.Sorted(maps.Keys(a.Weights)) {
		p := percent(a.Weights[v])
		main -= p
		canary += fmt.Sprintf(", version %s %g%%", v, p)
	}
	return fmt.Sprintf("alias %s: version %s %g%%%s", a.Name, a.Version, math.Round(main*100)/100, canary)
}

// percent turns a weight into a percent, rounded to hundredths.
func percent(weight float64) float64 { return math.Round(weight*10000) / 100 }

// Canary sends percent (1 to 99) of alias's traffic to version; the rest
// stays on the alias's main version.
func (c *Client) Canary(ctx context.Context, alias, version string, percent float64) (Alias, error) {
	if percent <= 0 || percent >= 100 {
		return Alias{}, fmt.Errorf("canary: weight %g: want a percent between 0 and 100 (promote to send all traffic)", percent)
	}
	if version == "" {
		return Alias{}, errors.New("canary: a version is required")
	}
	return c.update(ctx, "canary", alias, func(cur Alias) (Alias, error) {
		if cur.Version == version {
			return Alias{}, fmt.Errorf("canary: version %s already is the main version of alias %s", version, alias)
		}
		return Alias{Name: alias, Version: cur.Version, Weights: map[string]float64{version: percent / 100}}, nil
	})
}

// Rollback sends all of alias's traffic back to its main version.
func (c *Client) Rollback(ctx context.Context, alias string) (Alias, error) {
	return c.update(ctx, "rollback", alias, func(cur Alias) (Alias, error) {
		return Alias{Name: alias, Version: cur.Version, Weights: map[string]float64{}}, nil
	})
}

// Promote makes version, or when empty the alias's one canary version, the
// alias's main version with all of its traffic.
func (c *Client) Promote(ctx context.Context, alias, version string) (Alias, error) {
	return c.update(ctx, "promote", alias, func(cur Alias) (Alias, error) {
		if version == "" {
			if len(cur.Weights) != 1 {
				return Alias{}, fmt.Errorf("promote: alias %s has %d canary versions; name the one to promote with --version", alias, len(cur.Weights))
			}
			for v := range cur.Weights {
				version = v
			}
		}
		return Alias{Name: alias, Version: version, Weights: map[string]float64{}}, nil
	})
}

// update reads alias, computes its new routing with next and writes it,
// conditional on the alias not having changed in between.
func (c *Client) update(ctx context.Context, op, alias string, next func(Alias) (Alias, error)) (Alias, error) {
	if alias == "" {
		return Alias{}, fmt.Errorf("%s: an alias is required", op)
	}
	if err := ctx.Err(); err != nil {
		return Alias{}, err
	}
	got, err := c.fc.GetAlias(fc.NewGetAliasInput(c.service, alias))
	if err != nil {
		return Alias{}, wrap(op+": get alias "+alias, err)
	}
	cur := Alias{Name: alias, Weights: got.AdditionalVersionWeight}
	if got.VersionID != nil {
		cur.Version = *got.VersionID
	}
	want, err := next(cur)
	if err != nil {
		return Alias{}, err
	}
	in := fc.NewUpdateAliasInput(c.service, alias).WithVersionID(want.Version).WithAdditionalVersionWeight(want.Weights)
	if got.Description != nil {
		in = in.WithDescription(*got.Description)
	}
	if etag := got.GetEtag(); etag != "" {
		in = in.WithIfMatch(etag)
	}
	if _, err := c.fc.UpdateAlias(in); err != nil {
		return Alias{}, wrap(op+": update alias "+alias, err)
	}
	return want, nil
}
