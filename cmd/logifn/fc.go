package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/logifn/logifn/shared/fcops"
)

const fcUsage = `Usage:
  logifn fc invoke   FUNCTION [--async] [--payload JSON] [--qualifier ALIAS]   invoke a function (sync prints its response)
  logifn fc publish  [--description D]                           publish a service version, print its id
  logifn fc canary   --alias live --version NEW --weight 10      send 10% of the alias's traffic to NEW
  logifn fc rollback --alias live                                send all traffic back to the main version
  logifn fc promote  --alias live [--version NEW]                make the canary version the main one

Every subcommand takes --endpoint (default $LOGIFN_INVOKE_FC_ENDPOINT) and
--service (default $LOGIFN_INVOKE_FC_SERVICE); credentials come from
ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
ALIBABA_CLOUD_SECURITY_TOKEN.
`

// fcCommand runs the Function Compute release operations.
func fcCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, fcUsage)
		return errors.New("fc: a subcommand is required")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "invoke":
		return fcInvoke(ctx, rest, stdout)
	case "publish":
		return fcPublish(ctx, rest, stdout)
	case "canary", "rollback", "promote":
		return fcAlias(ctx, sub, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, fcUsage)
		return nil
	}
	fmt.Fprint(stderr, fcUsage)
	return fmt.Errorf("fc: unknown subcommand %q", sub)
}

// fcFlags returns the flag set of subcommand name with the connection
// flags, and a function that builds the client once it is parsed.
func fcFlags(name string) (*flag.FlagSet, func() (*fcops.Client, error)) {
	fs := newFlags("fc " + name)
	endpoint := fs.String("endpoint", os.Getenv("LOGIFN_INVOKE_FC_ENDPOINT"), "Function Compute API endpoint")
	service := fs.String("service", os.Getenv("LOGIFN_INVOKE_FC_SERVICE"), "the service")
	account := fs.String("account-id", os.Getenv("FC_ACCOUNT_ID"), "account id, for an endpoint that is an IP address")
	return fs, func() (*fcops.Client, error) {
		return fcops.New(fcops.Config{
			Endpoint: *endpoint, Service: *service, AccountID: *account,
			AccessKeyID:     os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
			SecurityToken:   os.Getenv("ALIBABA_CLOUD_SECURITY_TOKEN"),
		})
	}
}

// parseMixed parses flags placed before or after the positional
// arguments, which it returns.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func fcInvoke(ctx context.Context, args []string, stdout io.Writer) error {
	fs, client := fcFlags("invoke")
	async := fs.Bool("async", false, "queue the invocation and return at once")
	payload := fs.String("payload", "", "the event, such as JSON")
	qualifier := fs.String("qualifier", "", "an alias or version to invoke")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("fc invoke: want one FUNCTION")
	}
	c, err := client()
	if err != nil {
		return fmt.Errorf("fc invoke: %w", err)
	}
	out, err := c.Invoke(ctx, pos[0], *qualifier, []byte(*payload), *async)
	if err != nil {
		return err
	}
	if *async {
		fmt.Fprintf(stdout, "queued %s (request %s)\n", pos[0], out.RequestID)
		return nil
	}
	stdout.Write(out.Payload)
	if len(out.Payload) > 0 && out.Payload[len(out.Payload)-1] != '\n' {
		fmt.Fprintln(stdout)
	}
	if out.FunctionError != "" {
		return fmt.Errorf("fc invoke: %s failed: %s (request %s)", pos[0], out.FunctionError, out.RequestID)
	}
	return nil
}

func fcPublish(ctx context.Context, args []string, stdout io.Writer) error {
	fs, client := fcFlags("publish")
	description := fs.String("description", "", "the version's description")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := client()
	if err != nil {
		return fmt.Errorf("fc publish: %w", err)
	}
	id, err := c.Publish(ctx, *description)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, id)
	return nil
}

// fcAlias runs canary, rollback or promote and prints the alias's routing.
func fcAlias(ctx context.Context, sub string, args []string, stdout io.Writer) error {
	fs, client := fcFlags(sub)
	alias := fs.String("alias", "", "the alias, such as live")
	version := fs.String("version", "", "canary: the new version; promote: the version to promote (default the canary one)")
	weight := fs.Float64("weight", 0, "canary: the percent of traffic sent to the new version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *alias == "" {
		return fmt.Errorf("fc %s: --alias is required", sub)
	}
	c, err := client()
	if err != nil {
		return fmt.Errorf("fc %s: %w", sub, err)
	}
	var a fcops.Alias
	switch sub {
	case "canary":
		a, err = c.Canary(ctx, *alias, *version, *weight)
	case "rollback":
		a, err = c.Rollback(ctx, *alias)
	default:
		a, err = c.Promote(ctx, *alias, *version)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, a)
	return nil
}
