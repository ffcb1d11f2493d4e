package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// dialect holds the few things MySQL and SQLite really do differently.
// Everything else is portable SQL written out where it runs.
type dialect interface {
	// name is the driver name: "mysql" or "sqlite".
	name() string
	// timeArg returns t, already in dbTime form, as a query argument for a
	// time column.
	timeArg(t time.Time) any
	// schemaMigrationsDDL creates the table that records applied migrations.
	schemaMigrationsDDL() string
	// lockMigrations serialises Migrate across processes on conn and returns
	// the function that releases the lock.
	lockMigrations(ctx context.Context, conn *sql.Conn) (release func(), err error)
	// bumpCounter adds one to tenant's waybill counter and returns its new
	// value, in one statement, or found false when tenant has none.
	bumpCounter(ctx context.Context, db *sql.DB, tenant string) (next int64, found bool, err error)
}

// sqliteTimeLayout is how SQLite stores times: UTC text of fixed width, so
// that comparing the text orders the times.
const sqliteTimeLayout = "2006-01-02 15:04:05.000000"

type sqliteDialect struct{}

func (sqliteDialect) name() string { return DriverSQLite }

func (sqliteDialect) timeArg(t time.Time) any { return t.UTC().Format(sqliteTimeLayout) }

func (sqliteDialect) schemaMigrationsDDL() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`
}

// lockMigrations needs no lock on SQLite: Migrate runs in one transaction,
// which begins IMMEDIATE and so holds the database's write lock throughout.
func (sqliteDialect) lockMigrations(context.Context, *sql.Conn) (func(), error) {
	return func() {}, nil
}

// bumpCounter reads the new value back with RETURNING.
func (sqliteDialect) bumpCounter(ctx context.Context, db *sql.DB, tenant string) (int64, bool, error) {
	var next int64
	err := db.QueryRowContext(ctx, `UPDATE waybill_counters SET next_serial = next_serial + 1 WHERE tenant_id = ?
		RETURNING next_serial`, tenant).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return next, err == nil, err
}

type mysqlDialect struct{}

// bumpCounter has the new value handed back as the statement's insert id
// (LAST_INSERT_ID(expr)): MySQL has no UPDATE ... RETURNING. The id belongs
// to the connection and comes with the statement's answer, so concurrent
// bumps never see each other's values.
func (mysqlDialect) bumpCounter(ctx context.Context, db *sql.DB, tenant string) (int64, bool, error) {
	res, err := db.ExecContext(ctx, `UPDATE waybill_counters SET next_serial = LAST_INSERT_ID(next_serial + 1) WHERE tenant_id = ?`, tenant)
	if err != nil {
		return 0, false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, false, err
	}
	next, err := res.LastInsertId()
	return next, err == nil, err
}

func (mysqlDialect) name() string { return DriverMySQL }

func (mysqlDialect) timeArg(t time.Time) any { return t }

func (mysqlDialect) schemaMigrationsDDL() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT NOT NULL PRIMARY KEY,
		name VARCHAR(255) NOT NULL,
		applied_at DATETIME(6) NOT NULL
	) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
}

// migrationLockWait is how long Migrate waits for another process's
// migration to finish.
const migrationLockWait = 60

// lockMigrations takes a named lock, which MySQL holds for the connection.
// DDL commits implicitly there, so a transaction could not serialise two
// migrating processes. The name includes the database, so tests migrating
// their own databases side by side do not wait for each other.
func (mysqlDialect) lockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	var got sql.NullInt64
	err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(CONCAT('logifn_migrate:', MD5(DATABASE())), ?)`, migrationLockWait).Scan(&got)
	if err != nil {
		return nil, wrapf(err, "migration lock", "take migration lock")
	}
	if got.Int64 != 1 {
		return nil, wrapf(errMigrationLocked, "migration lock", "take migration lock")
	}
	return func() {
		// The lock goes with the connection anyway; releasing it early lets a
		// waiting process go on without waiting for the pool to close it.
		ctx := context.WithoutCancel(ctx)
		conn.ExecContext(ctx, `DO RELEASE_LOCK(CONCAT('logifn_migrate:', MD5(DATABASE())))`)
	}, nil
}

var errMigrationLocked = errors.New("another process is migrating the database")

// openSQLite opens the SQLite file at path. Several processes may share the
// file: writers wait for each other (busy_timeout, BEGIN IMMEDIATE) rather
// than fail, and WAL lets readers go on while one writes.
func openSQLite(path string) (*sql.DB, error) {
	if !sqliteBuiltIn {
		return nil, errors.New("this binary is built without SQLite (tag nosqlite): set LOGIFN_DB_DRIVER=mysql")
	}
	if strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, errors.New("the SQLite DSN must be a file path, not a URI or :memory:")
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return sql.Open(DriverSQLite, dsn)
}

// openMySQL opens a pool on the MySQL DSN. Times travel as UTC
// time.Time values, an UPDATE reports the rows it matched rather than the
// rows it changed, as SQLite does, and arguments are interpolated. It
// reports whether the connections keep statement deadlines on their
// socket (newSocketConnector).
func openMySQL(dsn string, log mysql.Logger) (*sql.DB, bool, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, false, fmt.Errorf("parse MySQL DSN: %s", redactPassword(err.Error(), dsn))
	}
	if cfg.DBName == "" {
		return nil, false, errors.New("the MySQL DSN names no database")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	// The driver puts the arguments into the statement itself instead of
	// preparing it on the server first: one round trip per statement rather
	// than two or three. It escapes as the connection's character set
	// requires (utf8mb4; the driver refuses interpolation with the
	// multi-byte sets where escaping is unsafe) and honours the server's
	// NO_BACKSLASH_ESCAPES mode.
	cfg.InterpolateParams = true
	raiseGroupConcatLimit(cfg)
	cfg.Logger = log
	defaultDuration(&cfg.Timeout, 5*time.Second)
	defaultDuration(&cfg.ReadTimeout, 30*time.Second)
	defaultDuration(&cfg.WriteTimeout, 30*time.Second)
	conn, err := newSocketConnector(cfg)
	if err != nil {
		return nil, false, fmt.Errorf("configure MySQL connector: %s", redactPassword(err.Error(), dsn))
	}
	_, onSocket := conn.(*socketConnector)
	return sql.OpenDB(conn), onSocket, nil
}

// minGroupConcatLen is the least group_concat_max_len a connection gets:
// a listed shipment's items arrive in one GROUP_CONCAT (packedShipment),
// at most domain.MaxItems of them of under 600 bytes each, and MySQL
// silently cuts a longer result at 1 024 bytes by default. MariaDB's
// default is this already.
const minGroupConcatLen = 1 << 20

// raiseGroupConcatLimit makes the driver set group_concat_max_len to
// minGroupConcatLen on each new connection, in the one statement it sends
// for the DSN's session variables, unless the DSN asks for more.
func raiseGroupConcatLimit(cfg *mysql.Config) {
	const name = "group_concat_max_len"
	if n, err := strconv.Atoi(cfg.Params[name]); err == nil && n >= minGroupConcatLen {
		return
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params[name] = strconv.Itoa(minGroupConcatLen)
}

func defaultDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// redactPassword masks the password of dsn wherever it appears in msg. It
// finds the password as the driver does: between the first ':' and the last
// '@' before the last '/'.
func redactPassword(msg, dsn string) string {
	slash := strings.LastIndexByte(dsn, '/')
	if slash < 0 {
		return msg
	}
	at := strings.LastIndexByte(dsn[:slash], '@')
	if at < 0 {
		return msg
	}
	colon := strings.IndexByte(dsn[:at], ':')
	if colon < 0 || colon+1 == at {
		return msg
	}
	return strings.ReplaceAll(msg, dsn[colon+1:at], "xxxxx")
}

// placeholders returns "?, ?, ?" for n arguments of an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// scanTime returns a scanner that reads a time column into t from either
// driver: MySQL hands over a time.Time, SQLite the text timeArg wrote.
func scanTime(t *time.Time) sql.Scanner { return timeScanner{t} }

type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*s.t = v.UTC()
		return nil
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	}
	return fmt.Errorf("scan time: unexpected %T", src)
}

func (s timeScanner) parse(text string) error {
	t, err := time.ParseInLocation(sqliteTimeLayout, text, time.UTC)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*s.t = t
	return nil
}
