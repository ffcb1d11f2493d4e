package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/storage"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/config"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
)

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("migrate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := localDeps(os.Getenv)
	if err != nil {
		return err
	}
	defer d.Store.Close()
	applied, err := d.Store.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s database %s is up to date\n", d.Config.DBDriver, d.Config.RedactedDSN())
	}
	for _, m := range applied {
		fmt.Fprintf(stdout, "applied %s\n", m)
	}
	return nil
}

func token(args []string, stdout io.Writer) error {
	fs := newFlags("token")
	tenant := fs.String("tenant", "", "tenant id (the demo tenant is "+demo.Tenant+")")
	role := fs.String("role", "", "customer, courier, operator or admin")
	subject := fs.String("subject", "", "user id (default ROLE-1, the demo user of that role)")
	station := fs.String("station", "", "station code, required for couriers and operators")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenant == "" || *role == "" {
		return fmt.Errorf("token: --tenant and --role are required")
	}
	if *subject == "" {
		*subject = *role + "-1"
	}
	cfg, err := config.Load(os.Getenv, config.Local)
	if err != nil {
		return err
	}
	keys, err := auth.NewKeys(string(cfg.JWTSecret), nil)
	if err != nil {
		return err
	}
	tok, err := keys.Mint(domain.Principal{Tenant: *tenant, Subject: *subject, Role: domain.Role(*role), Station: strings.ToUpper(*station)}, *ttl)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func seed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := localDeps(os.Getenv)
	if err != nil {
		return err
	}
	defer d.Store.Close()
	n, err := demo.Seed(ctx, d.Store, d.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded tenant %s: %d new shipments\n", demo.Tenant, n)
	return nil
}

func functions(args []string, stdout io.Writer) error {
	fs := newFlags("functions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tTRIGGER\tROLES\tMEMORY\tTIMEOUT")
	for _, s := range registry.All() {
		row := func(trigger, roles string) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d MB\t%d s\n", s.Name, trigger, roles, s.MemoryMB, s.TimeoutSeconds)
		}
		for _, r := range s.Routes {
			roles := "public"
			if len(r.Roles) > 0 {
				roles = fmt.Sprint(r.Roles)
			}
			row(r.Method+" "+r.Path, roles)
		}
		for _, o := range s.Objects {
			row(fmt.Sprintf("object %s*%s", o.Prefix, o.Suffix), "-")
		}
		for _, c := range s.Schedules {
			row(fmt.Sprintf("schedule %s (%s) %s", c.Cron, c.TimeZone, c.Name), "-")
		}
	}
	return tw.Flush()
}

// localDeps builds the dependencies with local-mode defaults.
func localDeps(getenv func(string) string) (*app.Deps, error) {
	cfg, err := config.Load(getenv, config.Local)
	if err != nil {
		return nil, err
	}
	if cfg.DBDriver == "sqlite" {
		if err := os.MkdirAll(filepath.Dir(string(cfg.DBDSN)), 0o755); err != nil {
			return nil, err
		}
	}
	return app.NewDeps(cfg, storage.Backends)
}
