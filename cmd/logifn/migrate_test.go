package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/shared/store/storetest"
)

// emptyMySQL creates a database with no tables, dropped when t ends, and
// returns its DSN. Without LOGIFN_TEST_MYSQL_DSN the test is skipped, or
// fails when CI is set.
func emptyMySQL(t *testing.T) string {
	t.Helper()
	base := os.Getenv(storetest.MySQLDSNEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("set %s: CI is set, so MySQL tests may not be skipped", storetest.MySQLDSNEnv)
		}
		t.Skipf("MySQL tests SKIPPED: set %s", storetest.MySQLDSNEnv)
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("%s: %v", storetest.MySQLDSNEnv, err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	rand.Read(b)
	name := "logifn_m_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// migrationNames lists the MySQL migrations in the source tree.
func migrationNames(t *testing.T) []string {
	t.Helper()
	entries, err := fs.Glob(os.DirFS("../../shared/store/migrations/mysql"), "*.sql")
	if err != nil || len(entries) == 0 {
		t.Fatalf("no MySQL migrations found: %v", err)
	}
	return entries
}

func TestMigrateFreshMySQL(t *testing.T) {
	dsn := emptyMySQL(t)
	t.Setenv("LOGIFN_DB_DRIVER", "mysql")
	t.Setenv("LOGIFN_DB_DSN", dsn)
	files := migrationNames(t)

	var first bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, &first, &first); err != nil {
		t.Fatalf("first migrate: %v\n%s", err, first.String())
	}
	lines := strings.Split(strings.TrimSpace(first.String()), "\n")
	if len(lines) != len(files) {
		t.Fatalf("first migrate printed %d lines, want one per migration (%d):\n%s", len(lines), len(files), first.String())
	}
	for i, f := range files {
		if want := "applied " + strings.TrimSuffix(f, ".sql"); lines[i] != want {
			t.Errorf("line %d = %q, want applied %s", i, lines[i], f)
		}
	}
	var second bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, &second, &second); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if out := second.String(); !strings.Contains(out, "is up to date") || strings.Contains(out, "applied") || strings.Contains(out, dsnPassword(dsn)) {
		t.Errorf("second migrate printed %q, want up to date only", out)
	}

	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, distinct int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != len(files) || distinct != n {
		t.Errorf("schema_migrations holds %d rows (%d versions), want %d, each once", n, distinct, len(files))
	}
}

// dsnPassword returns the DSN's password, or a string no output holds.
func dsnPassword(dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil || cfg.Passwd == "" {
		return "\x00"
	}
	return cfg.Passwd
}
