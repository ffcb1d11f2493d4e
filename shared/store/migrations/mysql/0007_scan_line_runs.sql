-- The outcomes of a batch of a scan file's lines in one row: a run of
-- lines, first_line to last_line of the chunk, with every line's number,
-- waybill, outcome and reason as CSV in body and the number of lines of
-- each outcome in outcomes (a JSON object). A batch wrote a scan_lines row
-- per line, as many rows as its tracking events; one row per batch does
-- the same for the report. Runs of one chunk never overlap. scan_lines
-- keeps the outcomes written before, and is read alongside.

CREATE TABLE IF NOT EXISTS scan_line_runs (
    tenant_id  VARCHAR(64)  NOT NULL,
    file_id    BIGINT       NOT NULL,
    chunk_no   INT          NOT NULL,
    first_line BIGINT       NOT NULL,
    last_line  BIGINT       NOT NULL,
    outcomes   VARCHAR(500) NOT NULL,
    body       MEDIUMTEXT   NOT NULL,
    PRIMARY KEY (tenant_id, file_id, chunk_no, first_line),
    CONSTRAINT scan_line_runs_file FOREIGN KEY (tenant_id, file_id) REFERENCES scan_files (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
