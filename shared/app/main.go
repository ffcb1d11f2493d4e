package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
)

// Main runs one function as its own process on whichever platform started
// it, and exits non-zero when it cannot start. It never migrates the
// database: that is `logifn migrate`, a separate step.
func Main(spec Spec) {
	if err := run(spec); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", spec.Name, err)
		os.Exit(1)
	}
}

func run(spec Spec) error {
	cfg, err := config.Load(os.Getenv, config.Function)
	if err != nil {
		return err
	}
	d, err := NewDeps(cfg)
	if err != nil {
		return err
	}
	defer d.Store.Close()
	h, err := spec.New(d)
	if err != nil {
		return fmt.Errorf("build %s: %w", spec.Name, err)
	}
	if spec.Name != WebhookDispatch {
		if kick := webhookKick(context.Background(), cfg, d.Log, spec.Name); kick != nil {
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

// NewDeps builds the shared dependencies from cfg. Opening the store and
// the object store does no network I/O, so a cold start does not wait for
// the database or the bucket.
func NewDeps(cfg config.Config) (*Deps, error) {
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
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w", cfg.DBDriver, cfg.RedactedDSN(), err)
	}
	bl, err := OpenBlob(context.Background(), cfg, now)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s object store %s: %w", cfg.BlobDriver, cfg.BlobBucket, err)
	}
	return &Deps{Config: cfg, Log: log, Store: st, Blob: bl, Keys: keys, Now: now}, nil
}
