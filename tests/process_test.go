package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// jwtSecret signs every token of the suite; every process gets it.
const jwtSecret = "logifn-e2e-secret-0123456789-abcdefghij"

// Time limits of the suite.
const (
	healthTimeout = 10 * time.Second // from start to GET /healthz answering 200
	stopTimeout   = 5 * time.Second  // from SIGTERM to exit
	cliTimeout    = 30 * time.Second // one CLI command
	logTimeout    = 5 * time.Second  // for a log line to reach the test
)

// env is the environment of a child process, on top of baseEnv.
type env map[string]string

// baseEnv is what every process of the suite gets. Nothing is inherited
// from the test's own environment, so a stray K_SERVICE or
// AWS_LAMBDA_RUNTIME_API cannot change the platform a binary picks.
func baseEnv() env {
	return env{"LOGIFN_JWT_SECRET": jwtSecret, "LOGIFN_LOG_FORMAT": "json"}
}

// with returns e with more added, more winning.
func (e env) with(more env) env {
	out := env{}
	for _, m := range []env{e, more} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func (e env) list() []string {
	var l []string
	for k, v := range e {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return l
}

// process is a running binary, stopped when its test ends.
type process struct {
	name    string
	cmd     *exec.Cmd
	stdout  *output
	stderr  *output
	started time.Time
	done    chan struct{} // closed once the process has exited
	err     error         // what Wait returned, once done is closed

	// For servers: the base URL, a client for it and how long the
	// process took from start to healthy.
	base    string
	client  *http.Client
	startup time.Duration

	stopped   bool
	discarded bool // its start failed and was retried; its exit is expected
}

// start runs bin with args and e and stops it, gracefully, when t ends.
func start(t *testing.T, name, bin string, args []string, e env) *process {
	t.Helper()
	p := &process{name: name, stdout: &output{}, stderr: &output{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = baseEnv().with(e).list()
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	dieWithTest(p.cmd)
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() && !p.discarded {
			t.Logf("%s stderr (last lines):\n%s", p.name, p.stderr.tail(30))
		}
	})
	return p
}

// launch says how to start a server on port: its arguments and environment.
type launch func(port string) (args []string, e env)

// startServer starts bin as launch says, on a free port, and waits until
// GET /healthz answers 200. A start that loses its port to another process
// is retried on a new one.
func startServer(t *testing.T, name, bin string, l launch) *process {
	t.Helper()
	for attempt := 1; ; attempt++ {
		port := freePort(t)
		args, e := l(port)
		p := start(t, name, bin, args, e)
		p.base = "http://127.0.0.1:" + port
		p.client = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		err := p.waitHealthy()
		if err == nil {
			p.startup = time.Since(p.started)
			return p
		}
		if attempt < 3 && p.exited() && strings.Contains(p.stderr.String(), "address already in use") {
			p.discarded = true
			continue
		}
		t.Fatalf("%s did not become healthy: %v\nstderr:\n%s", name, err, p.stderr.tail(30))
	}
}

// freePort returns a TCP port nothing listens on, on any address.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// waitHealthy polls GET /healthz until it answers 200, the process exits
// or healthTimeout passes.
func (p *process) waitHealthy() error {
	deadline := time.Now().Add(healthTimeout)
	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for {
		resp, err := probe.Get(p.base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /healthz: status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy within %s: %v", healthTimeout, err)
		}
		select {
		case <-p.done:
			return fmt.Errorf("exited: %v", p.err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and expects a clean exit, status 0, within
// stopTimeout: a graceful shutdown. Past it the process is killed.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if p.stopped {
		return
	}
	p.stopped = true
	if p.client != nil {
		// A connection the client dialled but never used holds up the
		// server's Shutdown for five seconds: close them first.
		p.client.CloseIdleConnections()
	}
	if p.exited() {
		if !p.discarded {
			t.Errorf("%s exited before it was stopped: %v", p.name, p.err)
		}
		return
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("signal %s: %v", p.name, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("%s after SIGTERM: %v, want exit status 0 (a graceful stop)", p.name, p.err)
		}
	case <-time.After(stopTimeout):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("%s did not exit within %s of SIGTERM; killed", p.name, stopTimeout)
	}
	for _, out := range []*output{p.stdout, p.stderr} {
		if strings.Contains(out.String(), jwtSecret) {
			t.Errorf("%s printed the JWT secret", p.name)
		}
	}
}

// logLines returns the process's log lines so far that are JSON objects,
// and the lines that are not.
func (p *process) logLines() (lines []map[string]any, other []string) {
	for _, l := range strings.Split(strings.TrimSpace(p.stderr.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			other = append(other, l)
			continue
		}
		lines = append(lines, m)
	}
	return lines, other
}

// checkJSONLogs checks that every line the process logged is JSON, as
// LOGIFN_LOG_FORMAT=json asks.
func (p *process) checkJSONLogs(t *testing.T) {
	t.Helper()
	if _, other := p.logLines(); len(other) > 0 {
		t.Errorf("%s logged lines that are not JSON:\n%s", p.name, strings.Join(other, "\n"))
	}
}

// waitLog returns the first log line with all of fields, waiting for it:
// a request's access line is written after its response.
func (p *process) waitLog(t *testing.T, fields map[string]any) map[string]any {
	t.Helper()
	deadline := time.Now().Add(logTimeout)
	for {
		lines, _ := p.logLines()
		for _, l := range lines {
			if matches(l, fields) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s logged no line with %v; log:\n%s", p.name, fields, p.stderr.tail(20))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func matches(line, fields map[string]any) bool {
	for k, v := range fields {
		if fmt.Sprint(line[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

// run runs the CLI with args in environment e and returns its standard
// output. The test fails when the command fails.
func (d binDir) run(t *testing.T, e env, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, d.logifn(), args...)
	cmd.Env = baseEnv().with(e).list()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("logifn %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// output collects what a process writes to one of its streams.
type output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// tail returns the last n lines.
func (o *output) tail(n int) string {
	lines := strings.Split(strings.TrimRight(o.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitFor waits up to timeout for s to appear and reports whether it did.
func (o *output) waitFor(s string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for !strings.Contains(o.String(), s) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
