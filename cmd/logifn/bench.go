package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/logifn/logifn/cmd/logifn/internal/bench"
)

// defaultBenchDSN is the MySQL server logifn bench uses unless told
// otherwise; it creates a database of its own there and drops it at the end.
const defaultBenchDSN = "root@tcp(127.0.0.1:3306)/test"

// benchCommand runs the performance harness (or, with "soak", the soak).
func benchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "soak" {
		return soakCommand(ctx, args[1:], stdout, stderr)
	}
	fs := newFlags("bench")
	dsn := fs.String("mysql", "", "MySQL server DSN (default $LOGIFN_BENCH_MYSQL_DSN or "+defaultBenchDSN+")")
	sqlite := fs.Bool("sqlite", false, "run on SQLite instead of MySQL")
	duration := fs.Duration("duration", 5*time.Second, "length of each measured load step")
	only := fs.String("only", "", "comma-separated scenarios to run: "+strings.Join(bench.Scenarios, ","))
	out := fs.String("out", "bench/results.json", "JSON report path (empty: none)")
	doc := fs.String("doc", "", "also write the table into this Markdown file, between its logifn bench markers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt := bench.Options{MySQLDSN: benchDSN(*dsn), Duration: *duration, Out: *out, Stdout: stdout, Stderr: stderr}
	if *sqlite {
		opt.MySQLDSN = ""
	}
	if *only != "" {
		opt.Only = strings.Split(*only, ",")
		if err := bench.CheckOnly(opt.Only); err != nil {
			return err
		}
	}
	rep, err := bench.Run(ctx, opt)
	if rep == nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stdout, "wrote %s\n", *out)
	}
	if *doc != "" {
		if derr := bench.UpdateDoc(*doc, rep); derr != nil {
			return errors.Join(err, derr)
		}
		fmt.Fprintf(stdout, "updated %s\n", *doc)
	}
	return err
}

// soakCommand runs the mixed workload for a set time and reports errors
// and the growth of memory and goroutines.
func soakCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench soak")
	dsn := fs.String("mysql", "", "MySQL server DSN (default $LOGIFN_BENCH_MYSQL_DSN or "+defaultBenchDSN+")")
	sqlite := fs.Bool("sqlite", false, "run on SQLite instead of MySQL")
	duration := fs.Duration("duration", 2*time.Minute, "how long the workload runs")
	clients := fs.Int("clients", 16, "concurrent clients")
	out := fs.String("out", "bench/soak.json", "JSON report path (empty: none)")
	doc := fs.String("doc", "", "also write the figures into this Markdown file, between its logifn soak markers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt := bench.SoakOptions{MySQLDSN: benchDSN(*dsn), Duration: *duration, Clients: *clients, Out: *out, Stdout: stdout, Stderr: stderr}
	if *sqlite {
		opt.MySQLDSN = ""
	}
	rep, err := bench.Soak(ctx, opt)
	if err != nil {
		return err
	}
	if *doc != "" {
		if err := bench.UpdateSoakDoc(*doc, rep); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "updated %s\n", *doc)
	}
	if rep.Errors > 0 {
		return errors.New("the soak saw errors")
	}
	return nil
}

// benchDSN is flag, else $LOGIFN_BENCH_MYSQL_DSN, else the default.
func benchDSN(flag string) string {
	if flag != "" {
		return flag
	}
	if v := os.Getenv("LOGIFN_BENCH_MYSQL_DSN"); v != "" {
		return v
	}
	return defaultBenchDSN
}
