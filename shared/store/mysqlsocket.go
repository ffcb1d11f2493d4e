package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
)

// A request's statements end at its deadline. The MySQL driver keeps to a
// context by handing it, for every statement, to a goroutine that waits
// for it to end and closes the connection when it does: two goroutine
// wake-ups per statement, a large part of a short statement's cost. When
// the context has a deadline, logifn instead sets that deadline on the
// connection's socket and gives the driver the context without its
// cancellation, so the statement's reads and writes fail at the deadline
// with no watcher at all. A context cancelled before its deadline (a
// caller that went away) stops the next statement rather than the running
// one, which still ends by the deadline. However far off the deadline, a
// statement waits no longer than the DSN's read timeout from its start.
//
// A context without a deadline goes to the driver as it is, and each read
// and write then has the DSN's read or write timeout, as the driver would
// set it.

// socketConnector is the driver's connector with statement deadlines kept
// on the socket.
type socketConnector struct {
	driver.Connector
	readTimeout, writeTimeout time.Duration
}

// newSocketConnector returns a connector for cfg that keeps statement
// deadlines on the socket. It takes over the dial and the read and write
// timeouts from cfg, which it changes; a DSN with a dial function of its
// own, or a network other than TCP and Unix sockets, keeps the driver's
// own handling.
func newSocketConnector(cfg *mysql.Config) (driver.Connector, error) {
	switch {
	case cfg.DialFunc != nil:
		return mysql.NewConnector(cfg)
	case cfg.Net != "tcp" && cfg.Net != "tcp4" && cfg.Net != "tcp6" && cfg.Net != "unix":
		return mysql.NewConnector(cfg)
	}
	c := &socketConnector{readTimeout: cfg.ReadTimeout, writeTimeout: cfg.WriteTimeout}
	cfg.ReadTimeout, cfg.WriteTimeout = 0, 0
	cfg.DialFunc = c.dial
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	c.Connector = conn
	return c, nil
}

// dialed carries the socket a Connect dials back to socketConnector.
type dialed struct{ sock *socket }

type dialedKey struct{}

func (c *socketConnector) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	s := &socket{Conn: nc, readTimeout: c.readTimeout, writeTimeout: c.writeTimeout}
	if to, ok := ctx.Value(dialedKey{}).(*dialed); ok {
		to.sock = s
	}
	return s, nil
}

func (c *socketConnector) Connect(ctx context.Context) (driver.Conn, error) {
	var d dialed
	dc, err := c.Connector.Connect(context.WithValue(ctx, dialedKey{}, &d))
	if err != nil {
		return nil, err
	}
	mc, ok := dc.(mysqlConn)
	if !ok || d.sock == nil {
		// The driver watches the context itself, and the socket sets
		// its read and write timeouts as the driver would.
		return dc, nil
	}
	return &socketConn{mysqlConn: mc, sock: d.sock}, nil
}

// socket is a connection to MySQL whose deadline is either set for a
// statement or, when it has none (deadline zero), before each read and
// write, as the driver does.
type socket struct {
	net.Conn
	readTimeout, writeTimeout time.Duration
	deadline                  time.Time // the statements' deadline set on the socket
}

func (s *socket) Read(b []byte) (int, error) {
	if s.deadline.IsZero() && s.readTimeout > 0 {
		if err := s.Conn.SetReadDeadline(time.Now().Add(s.readTimeout)); err != nil {
			return 0, err
		}
	}
	return s.Conn.Read(b)
}

func (s *socket) Write(b []byte) (int, error) {
	if s.deadline.IsZero() && s.writeTimeout > 0 {
		if err := s.Conn.SetWriteDeadline(time.Now().Add(s.writeTimeout)); err != nil {
			return 0, err
		}
	}
	return s.Conn.Write(b)
}

// SyscallConn lets the driver check an idle connection for liveness.
func (s *socket) SyscallConn() (syscall.RawConn, error) {
	sc, ok := s.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return sc.SyscallConn()
}

// bind prepares s for a statement under ctx and returns the context to
// give the driver.
func (s *socket) bind(ctx context.Context) (context.Context, error) {
	if err := requestErr(ctx); err != nil {
		return nil, err
	}
	if err := s.arm(ctx); err != nil {
		return nil, err
	}
	if s.deadline.IsZero() || ctx.Done() == nil {
		return ctx, nil
	}
	return context.WithoutCancel(ctx), nil
}

// arm sets the socket's deadline for statements under ctx: ctx's
// deadline, or none, each read and write then setting its own. The
// statements of one request share a deadline, which is set once.
func (s *socket) arm(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		if s.deadline.IsZero() {
			return nil
		}
		s.deadline = time.Time{}
		return s.Conn.SetDeadline(time.Time{})
	}
	// A statement waits for the server no longer than the DSN's read
	// timeout, however far off the deadline.
	if s.readTimeout > 0 {
		if limit := time.Now().Add(s.readTimeout); deadline.After(limit) {
			deadline = limit
		}
	}
	if deadline.Equal(s.deadline) {
		return nil
	}
	s.deadline = deadline
	return s.Conn.SetDeadline(deadline)
}

// reset readies an idle socket for its next statements, under ctx,
// before the driver checks it for liveness: the deadline a former
// statement or read left on it may have passed, which would fail the
// check, as would ctx's own if it has passed (the statement then fails
// on ctx, and the connection stays in the pool).
func (s *socket) reset(ctx context.Context) error {
	if deadline, ok := ctx.Deadline(); ok && time.Now().Before(deadline) {
		return s.arm(ctx)
	}
	s.deadline = time.Time{}
	return s.Conn.SetDeadline(time.Time{})
}

// ended returns the error a statement under ctx ends with: when the
// driver lost the connection because ctx ended, ctx's error, as the driver
// itself returns for a context it watched. The socket's deadline may pass
// a moment before the context's own timer marks it done.
func ended(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if !errors.Is(err, mysql.ErrInvalidConn) && !errors.Is(err, driver.ErrBadConn) && !isTimeout(err) {
		return err
	}
	if cerr := requestErr(ctx); cerr != nil {
		return cerr
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// mysqlConn is what the driver's connection implements.
type mysqlConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// socketConn is a driver connection whose statements keep their deadline
// on its socket.
type socketConn struct {
	mysqlConn
	sock *socket
	// kept are the statements reads prepared on this connection, by
	// query, up to keptStmts of them, kept prepared until it closes.
	kept map[string]*socketStmt
}

// keptStmts is how many prepared statements a connection keeps. The store
// prepares few (one per shape of listing filter), and each counts against
// the server's max_prepared_stmt_count while its connection lives.
const keptStmts = 16

func (c *socketConn) ResetSession(ctx context.Context) error {
	if err := c.sock.reset(ctx); err != nil {
		return driver.ErrBadConn
	}
	return c.mysqlConn.ResetSession(ctx)
}

func (c *socketConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	bctx, err := c.sock.bind(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := c.mysqlConn.BeginTx(bctx, opts)
	if err != nil {
		return nil, ended(ctx, err)
	}
	return &socketTx{Tx: tx, ctx: ctx}, nil
}

// PrepareContext prepares query once per connection for the reads that
// take a connection of their own (Store.read): the first keptStmts
// queries they prepare on it stay prepared, their Close doing nothing,
// until it closes, so that such a statement costs no round trip after the
// first. Later ones, and statements prepared on the pool (where
// database/sql keeps its own), close as usual.
func (c *socketConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if st, ok := c.kept[query]; ok {
		return st, nil
	}
	bctx, err := c.sock.bind(ctx)
	if err != nil {
		return nil, err
	}
	st, err := c.mysqlConn.PrepareContext(bctx, query)
	if err != nil {
		return nil, ended(ctx, err)
	}
	ms, ok := st.(mysqlStmt)
	if !ok {
		return st, nil
	}
	ss := &socketStmt{mysqlStmt: ms, sock: c.sock}
	if _, inRead := ctx.(statementContext); inRead && len(c.kept) < keptStmts {
		if c.kept == nil {
			c.kept = map[string]*socketStmt{}
		}
		ss.kept = true
		c.kept[query] = ss
	}
	return ss, nil
}

func (c *socketConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	bctx, err := c.sock.bind(ctx)
	if err != nil {
		return nil, err
	}
	res, err := c.mysqlConn.ExecContext(bctx, query, args)
	return res, ended(ctx, err)
}

func (c *socketConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	bctx, err := c.sock.bind(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.mysqlConn.QueryContext(bctx, query, args)
	return rows, ended(ctx, err)
}

func (c *socketConn) Ping(ctx context.Context) error {
	bctx, err := c.sock.bind(ctx)
	if err != nil {
		return err
	}
	return ended(ctx, c.mysqlConn.Ping(bctx))
}

// socketTx commits within the deadline of the context that began it,
// which database/sql does not give the driver's COMMIT.
type socketTx struct {
	driver.Tx
	ctx context.Context
}

func (tx *socketTx) Commit() error {
	err := tx.Tx.Commit()
	if cerr := ended(tx.ctx, err); cerr != err {
		// The COMMIT may have reached the server and its answer not us.
		return fmt.Errorf("commit outcome unknown: %w", cerr)
	}
	return err
}

func (tx *socketTx) Rollback() error { return ended(tx.ctx, tx.Tx.Rollback()) }

// mysqlStmt is what the driver's prepared statement implements.
type mysqlStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
}

type socketStmt struct {
	mysqlStmt
	sock *socket
	kept bool // closed with its connection
}

func (st *socketStmt) Close() error {
	if st.kept {
		return nil
	}
	return st.mysqlStmt.Close()
}

func (st *socketStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	bctx, err := st.sock.bind(ctx)
	if err != nil {
		return nil, err
	}
	res, err := st.mysqlStmt.ExecContext(bctx, args)
	return res, ended(ctx, err)
}

func (st *socketStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	bctx, err := st.sock.bind(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := st.mysqlStmt.QueryContext(bctx, args)
	return rows, ended(ctx, err)
}
