-- Scan files exported by transit-centre scanners, applied line by line.
-- A file is keyed by the object it was read from: bucket, key and ETag,
-- hashed into source_hash. Its byte ranges (chunks) each carry a checkpoint
-- (the offset and line count of the lines applied so far) and a lease, so
-- that a delivery that died part-way resumes after the last committed batch
-- and only one delivery works on a range at a time. scan_lines holds each
-- line's outcome, written in the transaction that applies the line;
-- line_no counts within the chunk.

CREATE TABLE IF NOT EXISTS scan_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT    NOT NULL,
    source_hash  TEXT    NOT NULL,
    bucket       TEXT    NOT NULL,
    object_key   TEXT    NOT NULL,
    etag         TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    format       TEXT    NOT NULL,
    station_code TEXT    NOT NULL,
    header       TEXT    NOT NULL,
    header_lines INTEGER NOT NULL,
    problem      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    report_key   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS scan_files_tenant_id ON scan_files (tenant_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS scan_files_tenant_source ON scan_files (tenant_id, source_hash);
CREATE INDEX IF NOT EXISTS scan_files_tenant_status ON scan_files (tenant_id, status, updated_at);

CREATE TABLE IF NOT EXISTS scan_file_chunks (
    tenant_id    TEXT    NOT NULL,
    file_id      INTEGER NOT NULL,
    chunk_no     INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    next_offset  INTEGER NOT NULL,
    next_line    INTEGER NOT NULL,
    done         INTEGER NOT NULL,
    lease_owner  TEXT    NOT NULL,
    lease_until  TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, file_id, chunk_no),
    FOREIGN KEY (tenant_id, file_id) REFERENCES scan_files (tenant_id, id)
) STRICT;

CREATE TABLE IF NOT EXISTS scan_lines (
    tenant_id TEXT    NOT NULL,
    file_id   INTEGER NOT NULL,
    chunk_no  INTEGER NOT NULL,
    line_no   INTEGER NOT NULL,
    waybill   TEXT    NOT NULL,
    outcome   TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, file_id, chunk_no, line_no),
    FOREIGN KEY (tenant_id, file_id) REFERENCES scan_files (tenant_id, id)
) STRICT;
