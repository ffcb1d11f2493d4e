-- Scan files exported by transit-centre scanners, applied line by line.
-- A file is keyed by the object it was read from: bucket, key and ETag,
-- hashed into source_hash so that the unique key fits an index. Its byte
-- ranges (chunks) each carry a checkpoint (the offset and line count of the
-- lines applied so far) and a lease, so that a delivery that died part-way
-- resumes after the last committed batch and only one delivery works on a
-- range at a time. scan_lines holds each line's outcome, written in the
-- transaction that applies the line; line_no counts within the chunk.

CREATE TABLE IF NOT EXISTS scan_files (
    id           BIGINT        NOT NULL AUTO_INCREMENT,
    tenant_id    VARCHAR(64)   NOT NULL,
    source_hash  CHAR(64)      NOT NULL,
    bucket       VARCHAR(255)  NOT NULL,
    object_key   VARCHAR(1024) NOT NULL,
    etag         VARCHAR(128)  NOT NULL,
    size         BIGINT        NOT NULL,
    format       VARCHAR(8)    NOT NULL,
    station_code VARCHAR(32)   NOT NULL,
    header       TEXT          NOT NULL,
    header_lines INT           NOT NULL,
    problem      VARCHAR(500)  NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    report_key   VARCHAR(1024) NOT NULL,
    created_at   DATETIME(6)   NOT NULL,
    updated_at   DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY scan_files_tenant_id (tenant_id, id),
    UNIQUE KEY scan_files_tenant_source (tenant_id, source_hash),
    KEY scan_files_tenant_status (tenant_id, status, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scan_file_chunks (
    tenant_id    VARCHAR(64) NOT NULL,
    file_id      BIGINT      NOT NULL,
    chunk_no     INT         NOT NULL,
    start_offset BIGINT      NOT NULL,
    end_offset   BIGINT      NOT NULL,
    next_offset  BIGINT      NOT NULL,
    next_line    BIGINT      NOT NULL,
    done         BOOLEAN     NOT NULL,
    lease_owner  VARCHAR(64) NOT NULL,
    lease_until  DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, file_id, chunk_no),
    CONSTRAINT scan_file_chunks_file FOREIGN KEY (tenant_id, file_id) REFERENCES scan_files (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS scan_lines (
    tenant_id VARCHAR(64)  NOT NULL,
    file_id   BIGINT       NOT NULL,
    chunk_no  INT          NOT NULL,
    line_no   BIGINT       NOT NULL,
    waybill   VARCHAR(64)  NOT NULL,
    outcome   VARCHAR(32)  NOT NULL,
    reason    VARCHAR(500) NOT NULL,
    PRIMARY KEY (tenant_id, file_id, chunk_no, line_no),
    CONSTRAINT scan_lines_file FOREIGN KEY (tenant_id, file_id) REFERENCES scan_files (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
