// Package platform runs one logifn function on whichever platform started
// the process: Alibaba Function Compute's custom runtime, Knative, AWS Lambda,
// or a plain HTTP server. Handlers are written once against the neutral
// types here and never see a platform's own event types.
package platform

import (
	"context"
	"net/http"
	"time"
)

// ObjectCreated is one object that landed in a bucket, whichever platform
// reported it. EventID identifies the notification, not the object: a
// redelivery keeps Bucket, Key and ETag.
type ObjectCreated struct {
	Bucket      string
	Key         string // decoded, never URL-escaped
	Size        int64
	ETag        string
	ContentType string
	Time        time.Time
	EventID     string
	Region      string
}

// Tick is one firing of a schedule, whichever scheduler sent it.
type Tick struct {
	Name    string
	Time    time.Time
	Payload string
}

// ObjectHandler handles one created object. Its error's domain kind decides
// whether the platform asks for a retry (see Retryable).
type ObjectHandler func(ctx context.Context, obj ObjectCreated) error

// TickHandler handles one schedule firing.
type TickHandler func(ctx context.Context, t Tick) error

// Handlers is what a function offers its platform. HTTP serves every HTTP
// request, health checks included; Object and Tick are nil for a function
// without such triggers.
type Handlers struct {
	HTTP   http.Handler
	Object ObjectHandler
	Tick   TickHandler
}
