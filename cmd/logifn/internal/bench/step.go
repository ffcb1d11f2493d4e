package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// rounds is how many slices a load step's time is cut into when a
// variant and its baseline are measured in turn.
const rounds = 5

// pair measures a variant and its baseline in alternating slices (see
// Interleave), appends both rows, sets the variant's ratio to the
// baseline, and returns the two rows' indexes.
func (r *runner) pair(ctx context.Context, row Row, w Workload, base Row, bw Workload) (int, int) {
	i := r.steps(ctx, []Row{row, base}, []Workload{w, bw})
	r.rep.Rows[i[0]].Ratio = Ratio(r.rep.Rows[i[0]].Rate, r.rep.Rows[i[1]].Rate)
	return i[0], i[1]
}

// steps measures ws, interleaved, and appends a row for each, filled from
// rows.
func (r *runner) steps(ctx context.Context, rows []Row, ws []Workload) []int {
	names := make([]string, len(rows))
	for i, row := range rows {
		names[i] = stepName(row)
	}
	r.prog.Step(rows[0].Scenario+": "+strings.Join(names, " / "), time.Duration(len(ws))*(r.warmup()+r.opt.Duration))
	n := rounds
	if len(ws) == 1 {
		n = 1
	}
	var idx []int
	for i, l := range Interleave(ctx, r.warmup(), r.opt.Duration, n, ws...) {
		row := rows[i]
		row.Ops, row.Errors, row.Seconds = l.Ops, l.Errors, l.Elapsed.Seconds()
		row.Rate = l.Rate()
		if row.Unit == "" {
			row.Unit = "req/s"
		}
		if ws[i].CPU != nil {
			row.CPUPerOpUS = l.CPUPerOp()
		}
		if l.FirstErr != nil {
			r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("%s %s: %d errors, the first: %v", row.Scenario, row.Name, l.Errors, l.FirstErr))
		}
		r.rep.Rows = append(r.rep.Rows, row.withLatencies(l.Lat))
		idx = append(idx, len(r.rep.Rows)-1)
	}
	return idx
}

func stepName(r Row) string {
	if r.Baseline {
		return "baseline: " + r.Name
	}
	return r.Name
}

// serverCPU returns a reader of s's CPU time.
func serverCPU(s *server) func() time.Duration {
	return func() time.Duration {
		d, _ := processCPU(s.Pid())
		return d
	}
}

// newClient returns an HTTP client that keeps a connection per concurrent
// client alive.
func newClient(clients int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients + 8, MaxIdleConnsPerHost: clients + 8, DisableCompression: true, IdleConnTimeout: time.Minute}}
}

// call sends a request and fails unless the answer has status want; the
// body is read to the end so the connection is reused.
func call(ctx context.Context, c *http.Client, method, url, token, body string, header map[string]string, want int) error {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.200s", method, req.URL.Path, resp.StatusCode, want, b)
	}
	return nil
}

// drain reads every row of rows into throwaway values of the right kind,
// as a store would scan them, and closes rows.
func drain(rows *sql.Rows, err error) error {
	return scanRows(rows, err)(func([]any) {})
}

// scanRows returns a function that scans every row of rows, handing each
// row's values to fn, and closes rows.
func scanRows(rows *sql.Rows, err error) func(fn func([]any)) error {
	return func(fn func([]any)) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			fn(vals)
		}
		return rows.Err()
	}
}
