package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/go-sql-driver/mysql"
)

// pageStmts holds the prepared statements of pageQuery, one for each shape
// of filter that has been listed (the shapes are few: a query differs only
// in which of ShipmentFilter's fields are set). The page's query is long,
// and on MySQL, sent as text with its arguments put in by the driver, it
// cost a pass of the driver over every byte and the server's parsing on
// every call, and SQLite's compiling on every call: prepared, each
// connection parses it once, and a call sends only the arguments. It is
// safe for concurrent use, and closed with its Store.
type pageStmts struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	closed bool
}

// queryPage runs the page's query on q, prepared, and reads its rows with
// read; as text when the MySQL server holds as many prepared statements as
// it allows (max_prepared_stmt_count counts those of every connection of
// every instance). On a connection taken for the request (Store.read) the
// connection keeps the statement prepared (socketConn); on the pool, the
// Store does (pageStmts).
func (s *Store) queryPage(ctx context.Context, q querier, query string, args []any, read func(*sql.Rows) error) error {
	var (
		stmt *sql.Stmt
		err  error
	)
	if conn, ok := q.(*sql.Conn); ok {
		if stmt, err = conn.PrepareContext(ctx, query); err == nil {
			defer stmt.Close()
		}
	} else {
		stmt, err = s.pages.get(ctx, s.db, query)
	}
	var rows *sql.Rows
	if err == nil {
		// A connection that has not prepared it yet prepares it here.
		rows, err = stmt.QueryContext(ctx, args...)
	}
	if tooManyPrepared(err) {
		rows, err = q.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	return read(rows)
}

// tooManyPrepared reports whether err is MySQL's refusal to prepare one
// more statement.
func tooManyPrepared(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1461 // ER_MAX_PREPARED_STMT_COUNT_REACHED
}

// errStmtsClosed is what a listing of a closed Store gets.
var errStmtsClosed = errors.New("the store is closed")

// get returns the prepared statement of query, preparing it on db the
// first time. It prepares outside the lock, so that a slow database holds
// up no other caller past its own deadline; two first callers may both
// prepare, and the second closes its own. A failed preparation is not
// kept: the next call tries again.
func (p *pageStmts) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	st, closed := p.stmts[query], p.closed
	p.mu.Unlock()
	switch {
	case closed:
		return nil, errStmtsClosed
	case st != nil:
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		st.Close()
		return nil, errStmtsClosed
	}
	if kept, ok := p.stmts[query]; ok {
		st.Close()
		return kept, nil
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = st
	return st, nil
}

// close closes every statement; get fails from then on.
func (p *pageStmts) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	var errs []error
	for _, st := range p.stmts {
		errs = append(errs, st.Close())
	}
	p.stmts = nil
	return errors.Join(errs...)
}
