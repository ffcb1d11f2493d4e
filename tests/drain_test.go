package tests

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// TestSIGTERMDrainsInFlight starts a function, begins a create whose body
// arrives slowly, sends SIGTERM while the request is in flight, and checks
// that the request still gets its normal answer and that the process then
// exits with status 0.
func TestSIGTERMDrainsInFlight(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	db := sqliteDatabase(t, bins)
	p := startServer(t, "shipment-create on fc", bins.function("shipment-create"), fcLaunch("shipment-create", db))
	body, err := json.Marshal(shipmentBody())
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", p.base+"/v1/shipments", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token(t, demoUser(t, domain.RoleCustomer), 0))
	req.Header.Set("x-fc-request-id", "req-drain-1")
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := p.client.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, b, err}
	}()

	half := len(body) / 2
	if _, err := pw.Write(body[:half]); err != nil {
		t.Fatalf("send the first half: %v", err)
	}
	// The request has reached the handler, which waits for the rest of
	// its body: now stop the process.
	time.Sleep(200 * time.Millisecond)
	p.stopped = true // stopped here, not by the cleanup
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if p.exited() {
		t.Fatalf("%s exited with a request in flight: %v\n%s", p.name, p.err, p.stderr.tail(20))
	}
	// New connections are refused while the request drains.
	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := probe.Get(p.base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("GET /healthz on a new connection after SIGTERM: %d, want the connection refused", resp.StatusCode)
	}
	for _, b := range bytes.SplitAfter(body[half:], []byte(",")) {
		if _, err := pw.Write(b); err != nil {
			t.Fatalf("send the rest: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	pw.Close()

	select {
	case a := <-answered:
		if a.err != nil {
			t.Fatalf("in-flight request: %v", a.err)
		}
		if a.status != http.StatusCreated {
			t.Fatalf("in-flight request: %d %s, want 201", a.status, a.body)
		}
		var sh shipmentView
		if err := json.Unmarshal(a.body, &sh); err != nil || sh.Status != domain.StatusCreated {
			t.Errorf("in-flight request answered %s, want the created shipment", a.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the in-flight request got no answer")
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("%s after SIGTERM: %v, want exit status 0", p.name, p.err)
		}
	case <-time.After(stopTimeout):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s did not exit within %s of the drained request", p.name, stopTimeout)
	}
	p.waitLog(t, map[string]any{"request_id": "req-drain-1", "message": "request", "status": 201})
}
