package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrationFiles holds the numbered schema migrations of each dialect,
// migrations/<driver>/NNNN_name.sql.
//
//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered schema change.
type migration struct {
	version    int64
	name       string // the file name without .sql, such as "0001_init"
	statements []string
}

// Migrate applies the migrations the database lacks, in order, records each
// in schema_migrations and returns the names of those it applied. A second
// run applies nothing. Processes that migrate at once wait for each other.
// Migrate is an administrative step: functions never call it on a cold start.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	all, err := loadMigrations(s.d.name())
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrapf(err, "database", "migrate: connect")
	}
	defer conn.Close()
	release, err := s.d.lockMigrations(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer release()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapf(err, "database", "migrate: begin")
	}
	defer tx.Rollback()
	if applied, err = s.applyMigrations(ctx, tx, all); err != nil {
		return nil, err
	}
	return applied, wrapf(tx.Commit(), "database", "migrate: commit")
}

// applyMigrations applies those of all that schema_migrations lacks. On
// MySQL each DDL statement commits by itself; CREATE ... IF NOT EXISTS makes
// a migration that failed halfway safe to run again.
func (s *Store) applyMigrations(ctx context.Context, tx *sql.Tx, all []migration) ([]string, error) {
	if _, err := tx.ExecContext(ctx, s.d.schemaMigrationsDDL()); err != nil {
		return nil, wrapf(err, "database", "migrate: create schema_migrations")
	}
	done, err := appliedVersions(ctx, tx)
	if err != nil {
		return nil, err
	}
	applied := []string{}
	for _, m := range all {
		if done[m.version] {
			continue
		}
		if err := s.applyMigration(ctx, tx, m); err != nil {
			return nil, err
		}
		applied = append(applied, m.name)
	}
	return applied, nil
}

func appliedVersions(ctx context.Context, tx *sql.Tx) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, wrapf(err, "database", "migrate: read schema_migrations")
	}
	defer rows.Close()
	done := map[int64]bool{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, wrapf(err, "database", "migrate: read schema_migrations")
		}
		done[v] = true
	}
	return done, wrapf(rows.Err(), "database", "migrate: read schema_migrations")
}

func (s *Store) applyMigration(ctx context.Context, tx *sql.Tx, m migration) error {
	for i, stmt := range m.statements {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return wrapf(err, "database", "migrate: %s statement %d", m.name, i+1)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, s.d.timeArg(s.clock()))
	return wrapf(err, "database", "migrate: record %s", m.name)
}

// loadMigrations reads the migrations of driver, ordered by version.
func loadMigrations(driver string) ([]migration, error) {
	dir := path.Join("migrations", driver)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", dir, err)
	}
	var all []migration
	for _, e := range entries {
		m, err := parseMigration(dir, e.Name())
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].version < all[j].version })
	return all, nil
}

func parseMigration(dir, file string) (migration, error) {
	name, ok := strings.CutSuffix(file, ".sql")
	num, _, _ := strings.Cut(name, "_")
	version, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || version < 1 {
		return migration{}, fmt.Errorf("migrate: %s/%s is not named NNNN_name.sql", dir, file)
	}
	text, err := migrationFiles.ReadFile(path.Join(dir, file))
	if err != nil {
		return migration{}, fmt.Errorf("migrate: read %s: %w", file, err)
	}
	return migration{version: version, name: name, statements: splitStatements(string(text))}, nil
}

// splitStatements splits a migration file into statements, so the MySQL DSN
// needs no multiStatements. Lines starting with "--" are comments, and a
// statement ends with a line that ends in ';'. Migration files keep ';' out
// of comments and string literals.
func splitStatements(text string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		stmts = append(stmts, rest)
	}
	return stmts
}
