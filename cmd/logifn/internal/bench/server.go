package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// healthTimeout bounds the wait for a process's first 200 on /healthz.
const healthTimeout = 10 * time.Second

// server is a process under test, answering HTTP on a loopback port.
type server struct {
	cmd    *exec.Cmd
	URL    string
	Ready  time.Duration // from exec to the first 200 on /healthz
	stderr *tail
	done   chan error
}

// freePort returns a loopback port free right now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// start execs bin with args and environment e, in which port is the
// port it listens on, and waits for its first 200 on GET /healthz,
// polling every half millisecond.
func start(ctx context.Context, bin string, args []string, e env, port string) (*server, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = e.list()
	s := &server{cmd: cmd, URL: "http://127.0.0.1:" + port, stderr: &tail{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	dieWithParent(cmd)
	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- cmd.Wait() }()
	for {
		resp, err := probe.Get(s.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Ready = time.Since(began)
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("%s exited before answering: %v\n%s", bin, err, s.stderr)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		default:
		}
		if time.Since(began) > healthTimeout {
			s.Stop()
			return nil, errors.New(bin + ": no 200 on /healthz within " + healthTimeout.String())
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// Pid is the process's id.
func (s *server) Pid() int { return s.cmd.Process.Pid }

// Stop asks the process to stop (SIGTERM) and kills it if it has not
// within five seconds.
func (s *server) Stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// tail keeps the last 4 KiB written to it: a process's last words.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if n := len(t.buf); n > 4096 {
		t.buf = append(t.buf[:0], t.buf[n-4096:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
