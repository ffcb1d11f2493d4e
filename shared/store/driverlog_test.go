package store_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// hangUp listens on loopback and closes every connection at once, as a
// database that drops its clients does. It returns its address.
func hangUp(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// printer is a driver logger that keeps what it is given.
type printer struct {
	mu   sync.Mutex
	seen []string
}

func (p *printer) Print(args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, fmt.Sprint(args...))
}

func (p *printer) lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// TestMySQLDriverMessagesStayOffStderr checks that the MySQL driver's own
// messages, such as a connection dropped mid-handshake, go to
// Config.DriverLog, or nowhere, but never to stderr as plain "[mysql]"
// lines among the JSON logs, and that the failure still reaches the caller
// as unavailable.
func TestMySQLDriverMessagesStayOffStderr(t *testing.T) {
	addr := hangUp(t)
	// The driver's default logger writes "[mysql] ..." to stderr; stand in
	// for it to see whether anything still goes there.
	stderr := &printer{}
	mysql.SetLogger(stderr)
	t.Cleanup(func() { mysql.SetLogger(log.New(os.Stderr, "[mysql] ", log.Ldate|log.Ltime)) })
	given := &printer{}
	for _, tt := range []struct {
		name string
		log  func(args ...any)
	}{{"with DriverLog", given.Print}, {"without DriverLog", nil}} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(store.Config{Driver: store.DriverMySQL, DSN: "root@tcp(" + addr + ")/logifn", DriverLog: tt.log})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := st.Ping(ctx); !domain.IsKind(err, domain.KindUnavailable) {
				t.Errorf("ping a database that hangs up: %v, want kind unavailable", err)
			}
			if lines := stderr.lines(); len(lines) > 0 {
				t.Errorf("the driver logged to stderr: %q", lines)
			}
		})
	}
	if len(given.lines()) == 0 {
		t.Error("DriverLog got none of the driver's messages")
	}
}
