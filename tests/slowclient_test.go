package tests

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// The read timeouts the network tests give a function, short so that a
// slow client is cut off in a test's time.
const (
	testReadHeaderTimeout = time.Second
	testReadTimeout       = 2 * time.Second
	cutOffSlack           = 1500 * time.Millisecond
)

// TestHostileClientsAgainstABinary drives a built shipment-create the way
// hostile clients do: headers past the size cap, headers and bodies
// trickled in slower than the read timeouts, compressed bodies. Each is
// refused or cut off in bounded time, and the server keeps answering
// everyone else meanwhile.
func TestHostileClientsAgainstABinary(t *testing.T) {
	skipShort(t)
	t.Parallel()
	bins := binaries(t)
	db := sqliteDatabase(t, bins)
	p := startServer(t, "shipment-create on fc", bins.function("shipment-create"), withEnv(fcLaunch("shipment-create", db), env{
		"LOGIFN_READ_HEADER_TIMEOUT": testReadHeaderTimeout.String(), "LOGIFN_READ_TIMEOUT": testReadTimeout.String()}))
	tok := token(t, demoUser(t, domain.RoleCustomer), 0)

	t.Run("oversized headers", func(t *testing.T) {
		for _, h := range []map[string]string{
			{"X-Filler": strings.Repeat("a", 128<<10)},
			manyHeaders(2000),
		} {
			// Not p.send: net/http's own 431 is no part of the API document.
			req, err := http.NewRequest("GET", p.base+"/healthz", nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range h {
				req.Header.Set(k, v)
			}
			res, err := p.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("%d bytes of headers: %d, want 431", headerBytes(h), res.StatusCode)
			}
		}
	})
	t.Run("compressed bodies", func(t *testing.T) {
		bomb := gzipped(t, 64<<20)
		for _, enc := range []string{"gzip", "deflate", "br"} {
			res := p.do(t, request{method: "POST", path: "/v1/shipments", token: tok, body: bomb,
				header: map[string]string{"Content-Encoding": enc}})
			if e := res.Err(t, http.StatusUnsupportedMediaType); e.Error.Code != "unsupported_content_encoding" {
				t.Errorf("Content-Encoding %s: code %q, want unsupported_content_encoding", enc, e.Error.Code)
			}
		}
	})
	t.Run("slow clients", func(t *testing.T) {
		body := `{"sender":{"name":"x"}}`
		slow := []struct {
			name, head, body string
			limit            time.Duration
		}{
			{"headers byte by byte", "POST /v1/shipments HTTP/1.1\r\nHost: logifn\r\nX-Slow: " + strings.Repeat("s", 100), "", testReadHeaderTimeout},
			{"body byte by byte", fmt.Sprintf("POST /v1/shipments HTTP/1.1\r\nHost: logifn\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", tok, len(body)+1000), body + strings.Repeat(" ", 1000), testReadTimeout},
		}
		var wg sync.WaitGroup
		for _, s := range slow {
			for i := range 5 {
				wg.Go(func() {
					took, answer := trickle(t, p, s.head, s.body)
					if took > s.limit+cutOffSlack {
						t.Errorf("%s #%d: connection held %s, want it cut off within %s", s.name, i, took.Round(time.Millisecond), s.limit)
					}
					if strings.HasPrefix(answer, "HTTP/1.1 2") {
						t.Errorf("%s #%d: answered %q", s.name, i, answer)
					}
				})
			}
		}
		// Meanwhile everyone else is served, quickly.
		served := 0
		for deadline := time.Now().Add(testReadHeaderTimeout); time.Now().Before(deadline); served++ {
			start := time.Now()
			res := p.do(t, request{method: "GET", path: "/healthz"})
			if res.Status != http.StatusOK || time.Since(start) > 500*time.Millisecond {
				t.Errorf("GET /healthz beside slow clients: %d in %s", res.Status, time.Since(start))
			}
			time.Sleep(50 * time.Millisecond)
		}
		wg.Wait()
		t.Logf("%d slow clients cut off; %d other requests served meanwhile", 2*5, served)
	})
}

// trickle opens a connection to p, sends head at once and then body (or,
// without a body, more header bytes) a byte every 100 ms, and returns how
// long the server kept the connection and the first line it answered.
func trickle(t *testing.T, p *process, head, body string) (time.Duration, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Error(err)
		return 0, ""
	}
	rest := body
	if rest == "" {
		rest = strings.Repeat("s", 1000)
	}
	closed := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(conn).ReadString('\n')
		closed <- line
	}()
	limit := time.After(testReadTimeout + 2*cutOffSlack + time.Second)
	for i := 0; ; i++ {
		select {
		case line := <-closed:
			return time.Since(start), strings.TrimSpace(line)
		case <-limit:
			return time.Since(start), ""
		case <-time.After(100 * time.Millisecond):
			if i < len(rest) {
				conn.Write([]byte{rest[i]}) // fails once the server has cut off
			}
		}
	}
}

func manyHeaders(n int) map[string]string {
	h := map[string]string{}
	for i := range n {
		h[fmt.Sprintf("X-Header-%04d", i)] = strings.Repeat("v", 40)
	}
	return h
}

func headerBytes(h map[string]string) int {
	n := 0
	for k, v := range h {
		n += len(k) + len(v) + 4
	}
	return n
}

// gzipped returns n zero bytes gzipped: a small body that inflates to n.
func gzipped(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	chunk := make([]byte, 1<<20)
	for range n / len(chunk) {
		zw.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
