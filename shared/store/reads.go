package store

import (
	"context"
	"database/sql"
	"time"
)

// A statement run outside a transaction costs database/sql a goroutine
// that watches the context's Done channel until the rows are closed: a
// goroutine started and two wake-ups per query, as much CPU as the rest of
// a short query's round trip. When the connection keeps the request's
// deadline on its socket (mysqlsocket.go), that watch adds nothing: the
// statement ends at the deadline anyway. So a read takes its connection
// from the pool under the request's context, which bounds the wait for
// one, and runs its statements on it under a context with the same
// deadline and values and no Done channel.

// read runs fn with a querier for statements outside a transaction, and
// the context to run them under. fn must close the rows it opens before it
// returns. A statement that ended at the deadline fails with
// context.DeadlineExceeded, also when its rows were being read.
func (s *Store) read(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	if _, ok := ctx.Deadline(); !ok || !s.socketDeadlines {
		return fn(ctx, s.db)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return ended(ctx, fn(statementContext{ctx}, conn))
}

// readRows runs query outside a transaction, as read does, and hands each
// of its rows to each.
func (s *Store) readRows(ctx context.Context, each func(*sql.Rows) error, query string, args ...any) error {
	return s.read(ctx, func(ctx context.Context, q querier) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// statementContext is a request's context for the statements of a
// connection that keeps its deadline on the socket: the same deadline and
// values, and no Done channel, so that database/sql starts no goroutine to
// watch it. A request cancelled before its deadline stops the connection's
// next statement (socket.bind), not the running one.
type statementContext struct{ request context.Context }

func (c statementContext) Deadline() (time.Time, bool) { return c.request.Deadline() }
func (c statementContext) Done() <-chan struct{}       { return nil }
func (c statementContext) Err() error                  { return nil }
func (c statementContext) Value(key any) any           { return c.request.Value(key) }

// requestErr returns the error of ctx, or of the request behind a
// statementContext.
func requestErr(ctx context.Context) error {
	if sc, ok := ctx.(statementContext); ok {
		return sc.request.Err()
	}
	return ctx.Err()
}
