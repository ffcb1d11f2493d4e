package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/domain"
)

// wrapf translates err and wraps it with the operation, formatted from
// format and args: "get shipment LF00000000019: not_found: ...". what names
// the thing the operation is about ("shipment", "station") for the safe
// message. A nil err gives nil.
func wrapf(err error, what, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), translate(err, what))
}

// translate is the one place where driver errors become domain errors.
// Errors that already are domain errors pass unchanged. The safe message
// never carries SQL or driver text; the cause stays in Err.
func translate(err error, what string) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return domain.Wrap(domain.KindNotFound, "not_found", what+" not found", err)
	case isDuplicate(err):
		return domain.Wrap(domain.KindConflict, "already_exists", what+" already exists", err)
	case isUnavailable(err):
		return domain.Wrap(domain.KindUnavailable, "database_unavailable", "the database is unavailable", err)
	}
	return domain.Wrap(domain.KindInternal, "internal", "internal error", err)
}

// isDuplicate reports whether err is a unique or primary key violation.
func isDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062 // ER_DUP_ENTRY
	}
	return sqliteDuplicate(err)
}

// mysqlTransient lists MySQL server errors that pass when retried later.
var mysqlTransient = map[uint16]bool{
	1040: true, // ER_CON_COUNT_ERROR: too many connections
	1053: true, // ER_SERVER_SHUTDOWN
	1205: true, // ER_LOCK_WAIT_TIMEOUT
	1213: true, // ER_LOCK_DEADLOCK
	1290: true, // ER_OPTION_PREVENTS_STATEMENT: read-only during a failover
	1927: true, // ER_CONNECTION_KILLED (MariaDB)
}

// isUnavailable reports whether err means the database cannot be reached or
// is too busy right now: retrying later may succeed.
func isUnavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) || errors.Is(err, errMigrationLocked) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return mysqlTransient[me.Number]
	}
	return sqliteBusy(err)
}
