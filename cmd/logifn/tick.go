package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// tick fires a schedule of a running `logifn serve` now, as its timer
// would, and prints the outcome.
func tick(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("tick")
	addr := fs.String("addr", "", "address of the running logifn serve (default $LOGIFN_ADDR or 127.0.0.1:8080)")
	payload := fs.String("payload", "", `the tick's payload, such as '{"date":"2026-03-01"}' (default: the schedule's own)`)
	at := fs.String("time", "", "the tick's time, RFC 3339 (default: now)")
	// The name may come before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	} else if name == "" || fs.NArg() != 0 {
		return fmt.Errorf("tick: name one schedule, such as daily-report (the banner of logifn serve lists them)")
	}
	body := map[string]any{}
	if *payload != "" {
		body["payload"] = *payload
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fmt.Errorf("tick: --time must be RFC 3339, such as 2026-03-02T02:00:00+08:00")
		}
		body["time"] = t
	}
	base := *addr
	if base == "" {
		base = os.Getenv("LOGIFN_ADDR")
	}
	if base == "" {
		base = "127.0.0.1:8080"
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+base+"/_local/ticks/"+url.PathEscape(name), bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("tick: is logifn serve running on %s? %w", base, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	fmt.Fprintf(stdout, "%s", out)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("tick %s: %s", name, resp.Status)
	}
	return nil
}
