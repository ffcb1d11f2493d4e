package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/logifn/logifn/shared/domain"
)

// streamRowsPerStatement bounds the streams one statement of the bulk
// stream functions names: far below both databases' limits on
// placeholders and packet sizes.
const streamRowsPerStatement = 500

// readStreams returns the streams of tenant's shipments ids as tx reads
// them, without locking them: those with no row yet (all of them when
// fresh) come back empty and marked missing. A writer of many streams at
// once reads them so, decides what it owes each, and then saves them all
// with saveStreams, which fails when any of them moved on meanwhile.
func readStreams(ctx context.Context, tx *sql.Tx, tenant string, ids []int64, fresh bool) (map[int64]*stream, error) {
	streams := make(map[int64]*stream, len(ids))
	for rest := ids; len(rest) > 0 && !fresh; {
		n := min(len(rest), streamRowsPerStatement)
		if err := readSomeStreams(ctx, tx, tenant, rest[:n], streams); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	for _, id := range ids {
		if streams[id] == nil {
			streams[id] = &stream{tenant: tenant, shipmentID: id, missing: true, timeOrdered: true}
		}
	}
	return streams, nil
}

func readSomeStreams(ctx context.Context, tx *sql.Tx, tenant string, ids []int64, streams map[int64]*stream) error {
	args := make([]any, 0, 1+len(ids))
	args = append(args, tenant)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT shipment_id, last_seq, last_status FROM webhook_streams
		WHERE tenant_id = ? AND shipment_id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return wrapf(err, "webhook stream", "read webhook streams of %d shipments", len(ids))
	}
	defer rows.Close()
	for rows.Next() {
		st := &stream{tenant: tenant, timeOrdered: true}
		if err := rows.Scan(&st.shipmentID, &st.lastSeq, &st.lastStatus); err != nil {
			return wrapf(err, "webhook stream", "read webhook streams of %d shipments", len(ids))
		}
		st.readSeq = st.lastSeq
		streams[st.shipmentID] = st
	}
	return wrapf(rows.Err(), "webhook stream", "read webhook streams of %d shipments", len(ids))
}

// errStreamMoved is what saveStreams says when another writer numbered
// events of one of the streams after they were read: the whole
// transaction must start again on fresh state.
var errStreamMoved = domain.Errorf(domain.KindPrecondition, "version_mismatch",
	"another writer announced events of a shipment while the batch was applied: reload and try again")

// saveStreams records what tx took from the streams of ids, read by
// readStreams: an update of those that exist, provided each is still at
// the sequence number read (the update locks them, in the order of ids,
// for the rest of tx), and an insert of the missing ones. A stream that
// moved on meanwhile fails it with a precondition error, code
// version_mismatch, before anything of tx's events is announced.
func saveStreams(ctx context.Context, tx *sql.Tx, d dialect, tenant string, ids []int64, streams map[int64]*stream) error {
	var taken, missing []*stream
	for _, id := range ids {
		switch st := streams[id]; {
		case st.missing:
			missing = append(missing, st)
		case st.taken:
			taken = append(taken, st)
		}
	}
	for len(taken) > 0 {
		n := min(len(taken), rowsPerUpdate)
		if err := updateStreams(ctx, tx, d, tenant, taken[:n]); err != nil {
			return err
		}
		taken = taken[n:]
	}
	for len(missing) > 0 {
		n := min(len(missing), streamRowsPerStatement)
		if err := insertStreams(ctx, tx, tenant, missing[:n]); err != nil {
			return err
		}
		missing = missing[n:]
	}
	return nil
}

// updateStreams saves list in one statement, or fails with errStreamMoved.
func updateStreams(ctx context.Context, tx *sql.Tx, d dialect, tenant string, list []*stream) error {
	rows := make([][]any, 0, len(list))
	for _, st := range list {
		rows = append(rows, []any{st.shipmentID, st.lastSeq, st.lastStatus, st.readSeq})
	}
	u := rowsUpdate{table: "webhook_streams",
		cols:  []string{"shipment_id", "seq", "status", "read_seq"},
		casts: []string{"SIGNED", "SIGNED", "CHAR(32)", "SIGNED"},
		set:   []string{"last_seq = v.seq", "last_status = v.status", "writes = t.writes + 1"},
		where: "t.tenant_id = ? AND t.last_seq = v.read_seq", whereArgs: []any{tenant},
	}
	n, err := u.exec(ctx, tx, d, rows)
	if err != nil {
		return wrapf(err, "webhook stream", "save webhook streams of %d shipments", len(list))
	}
	if n != int64(len(list)) {
		return fmt.Errorf("save webhook streams: %d of %d moved on: %w", int64(len(list))-n, len(list), errStreamMoved)
	}
	return nil
}

// insertStreams creates the streams of list as tx leaves them, or fails
// with errStreamMoved when another writer created one of them meanwhile.
func insertStreams(ctx context.Context, tx *sql.Tx, tenant string, list []*stream) error {
	args := make([]any, 0, 4*len(list))
	for _, st := range list {
		args = append(args, tenant, st.shipmentID, st.lastSeq, st.lastStatus)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO webhook_streams (tenant_id, shipment_id, last_seq, last_status, writes)
		VALUES `+valueRows("(?, ?, ?, ?, 1)", len(list)), args...)
	if isDuplicate(err) {
		return fmt.Errorf("create webhook streams: %w", errStreamMoved)
	}
	return wrapf(err, "webhook stream", "create webhook streams of %d shipments", len(list))
}
