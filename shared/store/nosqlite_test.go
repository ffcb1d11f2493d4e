//go:build nosqlite

package store_test

import (
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/store"
)

// TestOpenWithoutSQLite: a binary built with the nosqlite tag refuses a
// SQLite database at start, saying how to fix the configuration. Run it
// with `go test -tags nosqlite -run TestOpenWithoutSQLite ./shared/store/`.
func TestOpenWithoutSQLite(t *testing.T) {
	_, err := store.Open(store.Config{Driver: store.DriverSQLite, DSN: t.TempDir() + "/x.db"})
	if err == nil || !strings.Contains(err.Error(), "LOGIFN_DB_DRIVER=mysql") {
		t.Fatalf("Open(sqlite) = %v, want an error naming LOGIFN_DB_DRIVER=mysql", err)
	}
}
