// Command logifn is logifn's one command-line tool: the local platform
// (serve), database migrations (migrate), tokens for local use (token) and
// demo data (seed).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `logifn: a logistics ERP as serverless functions.

Usage:
  logifn serve   [--addr 127.0.0.1:8080] [--data ./data]   run every function locally on one port
  logifn migrate                                          apply database migrations
  logifn token   --tenant ID --role ROLE [--subject ID] [--station CODE] [--ttl 24h]
                                                          print a signed bearer token
  logifn tick    NAME [--payload JSON] [--time RFC3339]   fire a schedule of the running local platform now
  logifn seed                                             write the demo tenant's data
  logifn functions                                        list the functions and their triggers
  logifn put     [--type TYPE] FILE KEY                   upload a file through a presigned URL
                                                          (locally: to logifn serve, firing object functions)
  logifn fc      invoke|publish|canary|rollback|promote   Function Compute releases (logifn fc help)
  logifn bench   [--only get,create,...] [--duration 5s] [--mysql DSN] [--out FILE] [--doc FILE]
                                                          measure each scenario beside its baseline
  logifn bench soak [--duration 2m] [--mysql DSN]         mixed workload; errors, memory, goroutines

Configuration comes from LOGIFN_* environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "logifn: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("a command is required")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "token":
		return token(rest, stdout)
	case "tick":
		return tick(ctx, rest, stdout)
	case "seed":
		return seed(ctx, rest, stdout)
	case "functions":
		return functions(rest, stdout)
	case "put":
		return put(ctx, rest, stdout)
	case "fc":
		return fcCommand(ctx, rest, stdout, stderr)
	case "bench":
		return benchCommand(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("logifn "+name, flag.ContinueOnError)
	return fs
}

// overlay returns a getenv that answers from flags first, then from the
// environment.
func overlay(flags map[string]string) func(string) string {
	return func(name string) string {
		if v := flags[name]; v != "" {
			return v
		}
		return os.Getenv(name)
	}
}
