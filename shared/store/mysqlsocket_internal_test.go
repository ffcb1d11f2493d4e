package store

import (
	"context"
	"net"
	"testing"
	"time"
)

// countingConn counts the deadlines set on a connection.
type countingConn struct {
	net.Conn
	set  int
	last time.Time
}

func (c *countingConn) SetDeadline(t time.Time) error {
	c.set++
	c.last = t
	return c.Conn.SetDeadline(t)
}

func newTestSocket(t *testing.T) (*socket, *countingConn) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	c := &countingConn{Conn: a}
	return &socket{Conn: c, readTimeout: 30 * time.Second, writeTimeout: 30 * time.Second}, c
}

func TestSocketBind(t *testing.T) {
	t.Run("a request's deadline is set once and the driver gets no cancellation", func(t *testing.T) {
		s, c := newTestSocket(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		want, _ := ctx.Deadline()
		for range 3 {
			got, err := s.bind(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Done() != nil {
				t.Fatal("the driver's context can be cancelled: the driver would watch it")
			}
		}
		if c.set != 1 || !c.last.Equal(want) || !s.deadline.Equal(want) {
			t.Errorf("deadline set %d times, last %v, kept %v; want once, %v", c.set, c.last, s.deadline, want)
		}
	})
	t.Run("without a deadline the driver gets the context and each read its timeout", func(t *testing.T) {
		s, c := newTestSocket(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := s.bind(ctx); err != nil {
			t.Fatal(err)
		}
		plain, stop := context.WithCancel(context.Background())
		defer stop()
		got, err := s.bind(plain)
		if err != nil {
			t.Fatal(err)
		}
		if got != plain || !s.deadline.IsZero() || !c.last.IsZero() {
			t.Errorf("context passed on %v, kept deadline %v, socket deadline %v; want the same context and none", got == plain, s.deadline, c.last)
		}
	})
	t.Run("a deadline further off than the read timeout is cut to it", func(t *testing.T) {
		s, _ := newTestSocket(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if _, err := s.bind(ctx); err != nil {
			t.Fatal(err)
		}
		if left := time.Until(s.deadline); left > s.readTimeout || left < s.readTimeout-time.Minute {
			t.Errorf("the statement may wait %v, want about the read timeout %v", left, s.readTimeout)
		}
	})
	t.Run("an ended context is refused before the socket is touched", func(t *testing.T) {
		s, c := newTestSocket(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.bind(ctx); err != context.Canceled || c.set != 0 {
			t.Errorf("got %v after %d deadlines, want %v and none", err, c.set, context.Canceled)
		}
	})
	t.Run("a connection taken under a passed deadline keeps none for its liveness check", func(t *testing.T) {
		s, c := newTestSocket(t)
		old, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		if _, err := s.bind(old); err != nil {
			t.Fatal(err)
		}
		<-old.Done()
		if err := s.reset(old); err != nil {
			t.Fatal(err)
		}
		if !s.deadline.IsZero() || !c.last.IsZero() {
			t.Errorf("kept deadline %v, socket deadline %v; want none", s.deadline, c.last)
		}
	})
}
