// Package app turns a function's spec into a running process: it reads the
// configuration, builds the logger, the store and the token keys, mounts
// the function's routes behind logifn's middleware and hands the result to
// the platform. Every function binary, the local platform and the tests
// build functions the same way, through Spec.New.
package app

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/sirupsen/logrus"
)

// Route is one HTTP trigger of a function. Path uses net/http patterns, such
// as /v1/shipments/{waybill}. Roles lists who may call it; an empty list
// makes the route public (no token).
type Route struct {
	Method string
	Path   string
	Roles  []domain.Role
	// Static marks a route that serves files of the web console rather
	// than the JSON API: the API document leaves it out, and its answers
	// are HTML, scripts and styles, not JSON.
	Static bool
	// AnswerInWrite marks a route whose handler's write records a new
	// Idempotency-Key with its answer in its own transaction (see
	// web.IdempotentInWrite and web.AnswerInWrite).
	AnswerInWrite bool
}

// Pattern returns the route as a net/http.ServeMux pattern.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// Mutating reports whether the route changes state, and so honours
// Idempotency-Key.
func (r Route) Mutating() bool {
	return r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch || r.Method == http.MethodDelete
}

// ObjectTrigger fires a function for every object created whose key starts
// with Prefix and ends with Suffix (either may be empty), as a bucket's
// notification rule would.
type ObjectTrigger struct {
	Prefix string
	Suffix string
}

// Matches reports whether an object with key fires the trigger.
func (t ObjectTrigger) Matches(key string) bool {
	return strings.HasPrefix(key, t.Prefix) && strings.HasSuffix(key, t.Suffix) && len(key) >= len(t.Prefix)+len(t.Suffix)
}

// Schedule fires a function's tick handler on a timetable. Cron has the
// five standard fields (minute hour day-of-month month day-of-week) read in
// TimeZone, an IANA name; the deploy files' dialects (FC's six fields with
// CRON_TZ, SAM's cron(...), PingSource's schedule and timezone) are derived
// from it. Name is the tick's name, unique in the manifest; Payload is
// handed to the tick as it is.
type Schedule struct {
	Name     string
	Cron     string
	TimeZone string
	Payload  string
}

// Spec is one function's entry in the manifest: its name, triggers, sizing
// hints and constructor.
type Spec struct {
	Name           string
	Summary        string
	Routes         []Route
	Objects        []ObjectTrigger
	Schedules      []Schedule
	MemoryMB       int
	TimeoutSeconds int
	// Bucket says the function reads or writes objects in the upload
	// bucket: its main wires object storage and its deploy role may use
	// the bucket. Functions without it get no access to the bucket.
	Bucket bool
	// ReadOnly says the function never changes stored state although a
	// route of it is a POST (a quote is computed from a request body), so
	// nothing after it is worth announcing to webhook-dispatch.
	ReadOnly bool
	// New builds the function's handlers from the shared dependencies. The
	// HTTP handler serves the function's own routes; routing, auth, limits
	// and idempotency are added around it by the Router.
	New func(d *Deps) (platform.Handlers, error)
}

// Deps are the dependencies every function may use.
type Deps struct {
	Config config.Config
	Log    *logrus.Logger
	Store  *store.Store
	Blob   blob.Store // nil when no object storage is configured
	Keys   *auth.Keys
	Now    func() time.Time
}

// RequireBlob returns the object store, or an error saying how to configure
// one when there is none: for the functions that cannot work without it,
// so that they refuse to start rather than fail on their first request.
func (d *Deps) RequireBlob() (blob.Store, error) {
	if d.Blob == nil {
		return nil, errors.New("no object storage is configured: set LOGIFN_BLOB_DRIVER")
	}
	return d.Blob, nil
}
