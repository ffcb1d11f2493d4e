package store

import (
	"context"
	"database/sql"
)

// DB exposes the pool of s to the tests of package store_test, which set up
// states the API cannot reach.
func DB(s *Store) *sql.DB { return s.db }

// Translate exposes translate to the error table test.
var Translate = translate

// OnSocket reports whether a connection of db, and a statement prepared
// on it, keep their deadlines on the socket (socketConn, socketStmt)
// rather than falling back to the driver's own handling.
func OnSocket(ctx context.Context, db *sql.DB) (conn, stmt bool, err error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return false, false, err
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		sc, ok := dc.(*socketConn)
		if !ok {
			return nil
		}
		conn = true
		st, err := sc.PrepareContext(ctx, `SELECT 1`)
		if err != nil {
			return err
		}
		defer st.Close()
		_, stmt = st.(*socketStmt)
		return nil
	})
	return conn, stmt, err
}

// Querier is what Read hands its function.
type Querier = querier

// Read exposes Store.read to the tests of package store_test.
func Read(s *Store, ctx context.Context, fn func(ctx context.Context, q Querier) error) error {
	return s.read(ctx, fn)
}

// PageQuery exposes the statement of ListShipments to the benchmark that
// runs it straight through database/sql.
func PageQuery(s *Store, tenant string, f ShipmentFilter) (string, []any) {
	return s.pageQuery(tenant, f)
}

// OnThePool returns a store on the same database whose reads run on the
// pool under the request's context, as they did before Store.read took a
// connection for them: the benchmark's comparison.
func OnThePool(s *Store) *Store {
	c := *s
	c.socketDeadlines = false
	return &c
}
