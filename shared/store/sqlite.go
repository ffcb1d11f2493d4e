//go:build !nosqlite

package store

import (
	"errors"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteBuiltIn reports whether this binary can open SQLite databases.
// Deployed function binaries are built with the nosqlite tag (see the
// Makefile), which leaves the embedded database out: they run on MySQL.
const sqliteBuiltIn = true

// sqliteDuplicate reports whether err is SQLite's unique or primary key
// violation.
func sqliteDuplicate(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// sqliteBusy reports whether err is SQLite's "database is busy or locked",
// which passes when retried later.
func sqliteBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		primary := se.Code() & 0xff
		return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
	}
	return false
}
