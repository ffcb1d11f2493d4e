package store

import (
	"context"
	"database/sql"
	"strings"
)

// rowsUpdate is an UPDATE that gives each row of a table values of its
// own, in one statement: it joins the table (as t) on a derived table of
// the values (as v), one row per table row, so that each row finds its
// values by key rather than by walking a CASE of every row. MySQL writes
// that join UPDATE ... STRAIGHT_JOIN ... SET, SQLite UPDATE ... SET ...
// FROM. The caller gives the rows in the order their locks should be
// taken.
type rowsUpdate struct {
	table string
	// cols name the columns of v, its key first. On MySQL casts, when not
	// empty, say how the first row casts each argument, so that the
	// columns take the right types whatever the driver sends (a time
	// interpolated into the statement arrives as text); SQLite compares
	// the values as they come.
	cols  []string
	casts []string
	// set assigns the table's columns: set[i] is "column = expression"
	// with the table's columns as t.x and the values as v.x.
	set     []string
	setArgs []any
	// where is the condition beyond the join on the key, and its args.
	where     string
	whereArgs []any
}

// rowsPerUpdate is how many rows one rowsUpdate changes at most: SQLite's
// limit on the terms of a compound SELECT.
const rowsPerUpdate = 500

// exec runs u on rows, each holding a value of every column of u.cols,
// and returns how many rows of the table matched. rows must not be empty
// nor longer than rowsPerUpdate.
func (u rowsUpdate) exec(ctx context.Context, tx *sql.Tx, d dialect, rows [][]any) (int64, error) {
	var v strings.Builder
	v.WriteString("(SELECT ")
	for i, c := range u.cols {
		if i > 0 {
			v.WriteString(", ")
		}
		arg := "?"
		if d.name() == DriverMySQL && i < len(u.casts) && u.casts[i] != "" {
			arg = "CAST(? AS " + u.casts[i] + ")"
		}
		v.WriteString(arg + " AS " + c)
	}
	other := " UNION ALL SELECT " + placeholders(len(u.cols))
	v.WriteString(strings.Repeat(other, len(rows)-1))
	v.WriteString(") AS v")
	rowArgs := make([]any, 0, len(rows)*len(u.cols))
	for _, r := range rows {
		rowArgs = append(rowArgs, r...)
	}
	key := u.cols[0]
	var query string
	var args []any
	if d.name() == DriverMySQL {
		// STRAIGHT_JOIN reads the values first and finds each row by key,
		// so rows are locked in the order of the values, and no row beyond
		// them is read (and, under REPEATABLE READ, locked).
		query = "UPDATE " + v.String() + " STRAIGHT_JOIN " + u.table + " AS t ON t." + key + " = v." + key +
			" SET t." + strings.Join(u.set, ", t.") + " WHERE " + u.where
		args = append(append(rowArgs, u.setArgs...), u.whereArgs...)
	} else {
		query = "UPDATE " + u.table + " AS t SET " + strings.Join(u.set, ", ") + " FROM " + v.String() +
			" WHERE t." + key + " = v." + key + " AND " + u.where
		args = append(append(append([]any{}, u.setArgs...), rowArgs...), u.whereArgs...)
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
