package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/logifn/logifn/functions/registry"
	webhookdispatch "github.com/logifn/logifn/functions/webhook-dispatch"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob/local"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/openapi"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
)

// serve runs the local platform: every function on one port, on a migrated
// and seeded database, until ctx ends.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := newFlags("serve")
	addr := fs.String("addr", "", "listen address (default $LOGIFN_ADDR or 127.0.0.1:8080)")
	data := fs.String("data", "", "data directory (default $LOGIFN_DATA_DIR or ./data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	getenv := overlay(map[string]string{"LOGIFN_ADDR": *addr, "LOGIFN_DATA_DIR": *data})
	cfg, err := config.Load(getenv, config.Local)
	if err != nil {
		return err
	}
	// Listen first: presigned upload URLs point at the address really bound.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	d, err := localDeps(withDefault(getenv, "LOGIFN_BLOB_PUBLIC_URL", uploadBase(ln.Addr())))
	if err != nil {
		return err
	}
	defer d.Store.Close()
	if _, err := d.Store.Migrate(ctx); err != nil {
		return err
	}
	if _, err := demo.Seed(ctx, d.Store, d.Now()); err != nil {
		return err
	}
	tokens, err := mintDemoTokens(d.Keys)
	if err != nil {
		return err
	}
	events, ticks := newObjectEvents(d.Log), newTicks(d.Log, d.Now)
	handler, kicker, err := mountAll(d, events, ticks, tokens)
	if err != nil {
		return err
	}
	background, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	go kicker.Run(reqctx.WithLogger(background, d.Log.WithField(logging.FieldFunction, "webhook-dispatch")))
	ticks.run(background)
	srv := platform.NewServer(handler)
	banner(stdout, d, ticks, tokens, "http://"+ln.Addr().String(), time.Since(start))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	events.close(shutdown)
	stopBackground()
	ticks.wait()
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stderr, "logifn: stopped")
	return nil
}

// mountAll builds every function in the manifest, mounts its routes on one
// router, registers its object handler with events and its schedules with
// ticks. Every function's writes kick the webhook dispatcher, which the
// returned kicker runs. With a local object store, the router also takes
// presigned uploads, which fire events, and presigned downloads. The web
// console is one of the functions; the router also hands it the demo
// tokens.
func mountAll(d *app.Deps, events *objectEvents, ticks *ticks, tokens demoTokens) (http.Handler, *webhookdispatch.Kicker, error) {
	rt := app.NewRouter(d, "local")
	rt.Handle("GET "+openapi.Path, openapi.Handler())
	rt.Handle(TickPattern, ticks.handler())
	rt.Handle(DemoTokensPattern, tokens.handler())
	dispatch, err := webhookdispatch.Spec().New(d)
	if err != nil {
		return nil, nil, fmt.Errorf("build webhook-dispatch: %w", err)
	}
	kicker := webhookdispatch.NewKicker(dispatch.Tick)
	for _, spec := range registry.All() {
		h := dispatch
		if spec.Name != webhookdispatch.Name {
			if h, err = spec.New(d); err != nil {
				return nil, nil, fmt.Errorf("build %s: %w", spec.Name, err)
			}
			h = app.AfterWrites(h, kicker.Kick)
		}
		if h.HTTP != nil {
			rt.Mount(spec, h.HTTP)
		}
		events.add(spec, h.Object)
		if err := ticks.add(spec, h.Tick); err != nil {
			return nil, nil, err
		}
	}
	if st, ok := d.Blob.(*local.Store); ok {
		rt.Handle(local.UploadPattern, st.UploadHandler(maxLocalObjectBytes, events.created))
		rt.Handle(local.DownloadPattern, st.DownloadHandler())
	}
	return rt.Handler(), kicker, nil
}

// banner prints where the local platform listens and a token per demo user.
func banner(w io.Writer, d *app.Deps, ticks *ticks, tokens demoTokens, base string, took time.Duration) {
	fmt.Fprintf(w, "logifn local platform ready in %s\n", took.Round(time.Millisecond))
	fmt.Fprintf(w, "  console    %s/   (tracking, and sign-in with a demo role)\n", base)
	fmt.Fprintf(w, "  base URL   %s   (health: %s/healthz)\n", base, base)
	fmt.Fprintf(w, "  API        %s%s   (OpenAPI 3)\n", base, openapi.Path)
	fmt.Fprintf(w, "  database   %s %s\n", d.Config.DBDriver, d.Config.RedactedDSN())
	fmt.Fprintf(w, "  objects    %s\n", objectsLine(d))
	fmt.Fprintf(w, "  functions  %d on one port\n", len(registry.All()))
	fmt.Fprintf(w, "  schedules  run here; fire one now with: logifn tick NAME   (%s)\n", strings.Join(ticks.names(), ", "))
	fmt.Fprintf(w, "\nDemo tenant %q, tokens valid 24 h:\n", tokens.Tenant)
	for _, u := range tokens.Users {
		who := u.Subject
		if u.Station != "" {
			who += " @ " + u.Station
		}
		fmt.Fprintf(w, "\n  %-8s (%s)\n  export %s_TOKEN=%s\n", u.Role, who, strings.ToUpper(u.Role), u.Token)
	}
	fmt.Fprintf(w, "\nTry:\n  curl -H \"Authorization: Bearer $CUSTOMER_TOKEN\" %s/v1/shipments\n\n", base)
}

// maxLocalObjectBytes bounds one upload to the local object store.
const maxLocalObjectBytes = 1 << 30

// uploadBase is the base URL of presigned local uploads: the bound
// address, with a wildcard host made reachable.
func uploadBase(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// withDefault returns a getenv that answers def for name when getenv has
// nothing for it.
func withDefault(getenv func(string) string, name, def string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" || k != name {
			return v
		}
		return def
	}
}

// objectsLine says where objects go: the local directory uploads land in,
// or the configured bucket.
func objectsLine(d *app.Deps) string {
	switch st := d.Blob.(type) {
	case nil:
		return "none (LOGIFN_BLOB_DRIVER is unset)"
	case *local.Store:
		return fmt.Sprintf("%s   (bucket %s; uploads fire the object functions)", st.Dir(), st.Bucket())
	default:
		return fmt.Sprintf("%s bucket %s", d.Config.BlobDriver, st.Bucket())
	}
}
