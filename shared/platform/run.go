package platform

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/logging"
	"github.com/sirupsen/logrus"
)

// shutdownTimeout bounds how long in-flight requests may take to finish
// once the server is asked to stop.
const shutdownTimeout = 15 * time.Second

// Run serves h on the platform Detect finds in the environment until ctx
// ends or SIGTERM or SIGINT arrives, then shuts down gracefully: the server
// stops accepting and in-flight requests finish (within shutdownTimeout).
// name is the function's name, for logs; a nil log means logrus's standard
// logger. Run returns nil after a graceful stop and an error when it cannot
// serve, such as an address in use.
//
// Addresses: Function Compute listens on 0.0.0.0:$FC_CUSTOM_LISTEN_PORT,
// else $FC_SERVER_PORT, else 9000; Knative on 0.0.0.0:$PORT (8080); a plain
// HTTP server on $LOGIFN_ADDR, else 0.0.0.0:$PORT, else 127.0.0.1:8080. On
// Lambda, Run polls the Runtime API at $AWS_LAMBDA_RUNTIME_API; build such
// binaries with -tags lambda.norpc.
func Run(ctx context.Context, log *logrus.Logger, name string, h Handlers) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	if log == nil {
		log = logrus.StandardLogger()
	}
	d := &dispatcher{log: log, name: name, kind: Detect(os.Getenv), h: h}
	switch d.kind {
	case KindLambda:
		return runLambda(ctx, d, os.Getenv("AWS_LAMBDA_RUNTIME_API"))
	case KindFC:
		return serve(ctx, d, listenAddr(d.kind, os.Getenv), newFCHandler(d))
	case KindKnative:
		return serve(ctx, d, listenAddr(d.kind, os.Getenv), newKnativeHandler(d))
	default:
		return serve(ctx, d, listenAddr(d.kind, os.Getenv), http.HandlerFunc(d.serveHTTP))
	}
}

// listenAddr returns the address a platform's server listens on.
func listenAddr(kind Kind, getenv func(string) string) string {
	switch kind {
	case KindFC:
		return net.JoinHostPort("0.0.0.0", firstOf(getenv("FC_CUSTOM_LISTEN_PORT"), getenv("FC_SERVER_PORT"), "9000"))
	case KindKnative:
		return net.JoinHostPort("0.0.0.0", firstOf(getenv("PORT"), "8080"))
	}
	if addr := getenv("LOGIFN_ADDR"); addr != "" {
		return addr
	}
	if port := getenv("PORT"); port != "" {
		return net.JoinHostPort("0.0.0.0", port)
	}
	return "127.0.0.1:8080"
}

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// NewServer returns a server for handler with the limits every logifn
// server keeps: header, read, write and idle timeouts against slow clients,
// and a cap on header size (431 past it). A function's server takes its
// read timeouts from the environment (config.ServerTimeouts).
func NewServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: config.DefaultReadHeaderTimeout,
		ReadTimeout:       config.DefaultReadTimeout,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// serve listens on addr and serves handler until ctx ends, then shuts the
// server down gracefully.
func serve(ctx context.Context, d *dispatcher, addr string, handler http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := NewServer(handler)
	header, read, err := config.ServerTimeouts(os.Getenv)
	if err != nil {
		ln.Close()
		return err
	}
	srv.ReadHeaderTimeout, srv.ReadTimeout = header, read
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// Logged once the server accepts: the first line formats a timestamp
	// (loading the zone) and encodes JSON, which the first request, often
	// queued already, need not wait for.
	d.startLog(ln.Addr().String()).Info("listening")
	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}
	d.startLog(ln.Addr().String()).Info("shutting down")
	// Request contexts do not derive from ctx, so in-flight requests run
	// on; the shutdown gets a fresh deadline of its own.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shut down server on %s: %w", addr, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", addr, err)
	}
	return nil
}

// runLambda runs the Lambda Runtime API loop until ctx ends. The loop
// itself never returns: when the Runtime API fails, aws-lambda-go exits
// the process, which makes Lambda start a fresh one.
func runLambda(ctx context.Context, d *dispatcher, api string) error {
	a := &lambdaAdapter{d: d}
	// aws-lambda-go reports failed invocations through the standard log
	// package; send those lines through logrus so every line is JSON.
	w := d.log.WriterLevel(logrus.WarnLevel)
	defer w.Close()
	log.SetFlags(0)
	log.SetOutput(w)
	d.startLog(api).Info("listening")
	go lambda.StartWithOptions(a.invoke, lambda.WithContext(ctx), lambda.WithEnableSIGTERM())
	<-ctx.Done()
	d.startLog(api).Info("shutting down")
	return nil
}

// startLog returns an entry for the start and stop lines of a function.
func (d *dispatcher) startLog(addr string) *logrus.Entry {
	return d.log.WithFields(logrus.Fields{
		logging.FieldPlatform: string(d.kind),
		logging.FieldFunction: d.name,
		"addr":                addr,
	})
}
