package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/sirupsen/logrus"
)

// The function that delivers webhooks, and the tick name that asks it for
// a dispatch after a write.
const (
	WebhookDispatch = "webhook-dispatch"
	WebhookKick     = "webhook-kick"
)

// Backends open the services beyond the database that a function may use.
// They are handed in by main (packages storage and kick have the real
// ones) rather than imported here, so that a binary links the object storage and invocation
// SDKs only when its function uses them. A nil field means the function
// does without.
type Backends struct {
	// Blob opens the object store cfg names, or returns nil when it names
	// none. Opening makes no request to the service.
	Blob func(ctx context.Context, cfg config.Config, now func() time.Time) (blob.Store, error)
	// Kick returns what function name calls after each of its writes to ask
	// webhook-dispatch for a delivery, or nil when the platform offers no
	// asynchronous invocation.
	Kick func(ctx context.Context, cfg config.Config, log *logrus.Logger, name string) func()
}

// Main runs one function as its own process on whichever platform started
// it, and exits non-zero when it cannot start. It never migrates the
// database: that is `logifn migrate`, a separate step. A function that
// uses object storage needs storage.Backends; one that can write needs
// kick.Backends, and fails to start without.
func Main(spec Spec, backends ...Backends) {
	if err := run(spec, join(backends)); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
		os.Exit(1)
	}
}

func run(spec Spec, b Backends) error {
	cfg, err := config.Load(os.Getenv, config.Function)
	if err != nil {
		return err
	}
	if b.Kick == nil && spec.Writes() {
		return errors.New("the function can write but its main wires no backends to kick webhook-dispatch")
	}
	d, err := NewDeps(cfg, b)
	if err != nil {
		return err
	}
	defer d.Store.Close()
	h, err := spec.New(d)
	if err != nil {
		return fmt.Errorf("build %s: %w", spec.Name, err)
	}
	if spec.Name != WebhookDispatch && b.Kick != nil {
		if kick := b.Kick(context.Background(), cfg, d.Log, spec.Name); kick != nil {
			h = AfterWrites(h, kick)
		}
	}
	rt := NewRouter(d, spec.Name)
	if h.HTTP != nil {
		rt.Mount(spec, h.HTTP)
	}
	h.HTTP = rt.Handler()
	return platform.Run(context.Background(), d.Log, spec.Name, h)
}

// Writes reports whether the function may change state, so that
// AfterWrites kicks webhook-dispatch after it: it has a mutating route, an
// object trigger or a schedule, and is neither ReadOnly nor webhook-dispatch
// itself.
func (spec Spec) Writes() bool {
	if spec.Name == WebhookDispatch || spec.ReadOnly {
		return false
	}
	if len(spec.Objects) > 0 || len(spec.Schedules) > 0 {
		return true
	}
	for _, r := range spec.Routes {
		if r.Mutating() {
			return true
		}
	}
	return false
}

// join merges backends, later ones filling the fields earlier ones leave nil.
func join(backends []Backends) Backends {
	var b Backends
	for _, x := range backends {
		if b.Blob == nil {
			b.Blob = x.Blob
		}
		if b.Kick == nil {
			b.Kick = x.Kick
		}
	}
	return b
}

// NewDeps builds the shared dependencies from cfg, opening object storage
// through backends when they can. Opening the store and the object store
// does no network I/O, so a cold start does not wait for the database or
// the bucket.
func NewDeps(cfg config.Config, backends ...Backends) (*Deps, error) {
	log, err := logging.New(os.Stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	now := func() time.Time { return time.Now().UTC() }
	keys, err := auth.NewKeys(string(cfg.JWTSecret), now)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(store.Config{
		Driver:          cfg.DBDriver,
		DSN:             string(cfg.DBDSN),
		MaxOpenConns:    cfg.DBMaxOpenConns,
		MaxIdleConns:    cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLifetime,
		ConnMaxIdleTime: cfg.DBConnMaxIdleTime,
		Now:             now,
		DriverLog:       log.WithField("component", "mysql").Warn,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w", cfg.DBDriver, cfg.RedactedDSN(), err)
	}
	var bl blob.Store
	if open := join(backends).Blob; open != nil {
		if bl, err = open(context.Background(), cfg, now); err != nil {
			st.Close()
			return nil, fmt.Errorf("open %s object store %s: %w", cfg.BlobDriver, cfg.BlobBucket, err)
		}
	}
	return &Deps{Config: cfg, Log: log, Store: st, Blob: bl, Keys: keys, Now: now}, nil
}
