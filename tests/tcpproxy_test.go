package tests

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// proxyMode is what a tcpProxy does with the bytes it is given.
type proxyMode int

const (
	proxyForward proxyMode = iota // pass bytes both ways
	proxyDrop                     // reset every connection, old and new
	proxyStall                    // accept, then pass no byte either way
	proxyRefuse                   // listen no more: connections are refused
)

// tcpProxy is a loopback TCP proxy in front of a server (the database)
// that a test can break and mend: drop every connection, stall them, refuse
// new ones, and restore forwarding.
type tcpProxy struct {
	target string
	addr   string // where the proxy listens, host:port

	mu       sync.Mutex
	ln       net.Listener
	mode     proxyMode
	changed  chan struct{} // closed and replaced whenever mode changes
	conns    map[net.Conn]bool
	accepted int
	closed   bool
	done     sync.WaitGroup
}

// newTCPProxy starts a proxy to target on a free loopback port, stopped
// when t ends.
func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: listen: %v", err)
	}
	p := &tcpProxy{target: target, addr: ln.Addr().String(), changed: make(chan struct{}), conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(p.close)
	return p
}

// serve accepts on ln until it is closed.
func (p *tcpProxy) serve(ln net.Listener) {
	p.ln = ln
	p.done.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.done.Go(func() { p.handle(c) })
		}
	})
}

// handle pipes one client connection to the target while the mode allows.
func (p *tcpProxy) handle(client net.Conn) {
	mode, _ := p.track(client)
	defer p.untrack(client)
	if mode == proxyDrop {
		reset(client)
		return
	}
	if !p.waitForward(client) {
		return
	}
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		reset(client)
		return
	}
	p.track(server)
	defer p.untrack(server)
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(server, client) })
	wg.Go(func() { p.pipe(client, server) })
	wg.Wait()
}

// pipe copies src to dst chunk by chunk, holding each chunk while the
// proxy stalls, and closes both ends when either fails.
func (p *tcpProxy) pipe(dst, src net.Conn) {
	defer reset(dst)
	defer reset(src)
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.waitForward(src) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// waitForward blocks while the proxy stalls and reports whether c may
// carry bytes: false once c was dropped or the proxy closed.
func (p *tcpProxy) waitForward(c net.Conn) bool {
	for {
		p.mu.Lock()
		mode, live, changed := p.mode, p.conns[c], p.changed
		p.mu.Unlock()
		switch {
		case !live || p.isClosed():
			return false
		case mode == proxyForward:
			return true
		case mode == proxyDrop:
			return false
		}
		<-changed
	}
}

func (p *tcpProxy) track(c net.Conn) (proxyMode, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[c] = true
	p.accepted++
	return p.mode, p.closed
}

func (p *tcpProxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

func (p *tcpProxy) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// set switches to mode. Drop and restore reset every open connection (a
// stalled one is as good as dead to its client); refuse also stops
// listening, and leaving refuse listens again on the same address.
func (p *tcpProxy) set(t *testing.T, mode proxyMode) {
	t.Helper()
	p.mu.Lock()
	old := p.mode
	p.mode = mode
	close(p.changed)
	p.changed = make(chan struct{})
	var open []net.Conn
	if mode != proxyStall {
		for c := range p.conns {
			open = append(open, c)
			delete(p.conns, c)
		}
	}
	ln := p.ln
	p.mu.Unlock()
	for _, c := range open {
		reset(c)
	}
	switch {
	case mode == proxyRefuse && old != proxyRefuse:
		ln.Close()
	case mode != proxyRefuse && old == proxyRefuse:
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
		}
		p.mu.Lock()
		p.serve(ln)
		p.mu.Unlock()
	}
}

// connections returns how many connections the proxy has taken so far,
// both sides counted.
func (p *tcpProxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

func (p *tcpProxy) close() {
	p.mu.Lock()
	p.closed = true
	close(p.changed)
	p.changed = make(chan struct{})
	ln := p.ln
	var open []net.Conn
	for c := range p.conns {
		open = append(open, c)
	}
	p.mu.Unlock()
	ln.Close()
	for _, c := range open {
		reset(c)
	}
	p.done.Wait()
}

// reset closes c at once, with a TCP reset where it can: what a crashed
// or cut-off peer looks like.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// TestTCPProxyModes checks the proxy itself against an echo server:
// forward, stall, drop, refuse and restore.
func TestTCPProxyModes(t *testing.T) {
	skipShort(t)
	t.Parallel()
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { echo.Close() })
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	p := newTCPProxy(t, echo.Addr().String())
	roundTrip := func() error {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Write([]byte("ping")); err != nil {
			return err
		}
		b := make([]byte, 4)
		if _, err := io.ReadFull(c, b); err != nil {
			return err
		}
		if string(b) != "ping" {
			return errors.New("echo answered " + string(b))
		}
		return nil
	}
	steps := []struct {
		mode proxyMode
		name string
		ok   bool
	}{
		{proxyForward, "forward", true},
		{proxyStall, "stall", false},
		{proxyForward, "restored after stall", true},
		{proxyDrop, "drop", false},
		{proxyForward, "restored after drop", true},
		{proxyRefuse, "refuse", false},
		{proxyForward, "restored after refuse", true},
	}
	for _, s := range steps {
		p.set(t, s.mode)
		err := roundTrip()
		if (err == nil) != s.ok {
			t.Errorf("%s: round trip error %v, want success %v", s.name, err, s.ok)
		}
		if s.mode == proxyStall {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("stall: %v, want a timeout (bytes held, connection open)", err)
			}
		}
	}
}
