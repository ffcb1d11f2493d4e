-- The initial schema. Every table carries tenant_id and every index that
-- serves a query starts with it. Times are UTC text of fixed width
-- ("2006-01-02 15:04:05.000000"), so comparing the text orders the times.

CREATE TABLE IF NOT EXISTS stations (
    tenant_id   TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    region      TEXT NOT NULL,
    province    TEXT NOT NULL,
    city        TEXT NOT NULL,
    district    TEXT NOT NULL,
    detail      TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    parent_code TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
) STRICT;

CREATE TABLE IF NOT EXISTS shipments (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id           TEXT    NOT NULL,
    waybill             TEXT    NOT NULL,
    customer_id         TEXT    NOT NULL,
    request_key         TEXT    NULL,
    sender_name         TEXT    NOT NULL,
    sender_phone        TEXT    NOT NULL,
    sender_province     TEXT    NOT NULL,
    sender_city         TEXT    NOT NULL,
    sender_district     TEXT    NOT NULL,
    sender_detail       TEXT    NOT NULL,
    receiver_name       TEXT    NOT NULL,
    receiver_phone      TEXT    NOT NULL,
    receiver_province   TEXT    NOT NULL,
    receiver_city       TEXT    NOT NULL,
    receiver_district   TEXT    NOT NULL,
    receiver_detail     TEXT    NOT NULL,
    service_level       TEXT    NOT NULL,
    origin_station      TEXT    NOT NULL,
    destination_station TEXT    NOT NULL,
    currency            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    version             INTEGER NOT NULL,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    last_event_at       TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS shipments_tenant_id ON shipments (tenant_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS shipments_tenant_waybill ON shipments (tenant_id, waybill);
CREATE UNIQUE INDEX IF NOT EXISTS shipments_tenant_request_key ON shipments (tenant_id, request_key);
CREATE INDEX IF NOT EXISTS shipments_tenant_customer ON shipments (tenant_id, customer_id, id);
CREATE INDEX IF NOT EXISTS shipments_tenant_status ON shipments (tenant_id, status, id);
CREATE INDEX IF NOT EXISTS shipments_tenant_origin ON shipments (tenant_id, origin_station, id);
CREATE INDEX IF NOT EXISTS shipments_tenant_destination ON shipments (tenant_id, destination_station, id);

CREATE TABLE IF NOT EXISTS shipment_items (
    tenant_id      TEXT    NOT NULL,
    shipment_id    INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    quantity       INTEGER NOT NULL,
    weight_g       INTEGER NOT NULL,
    length_mm      INTEGER NOT NULL,
    width_mm       INTEGER NOT NULL,
    height_mm      INTEGER NOT NULL,
    declared_value INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, seq),
    FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id)
) STRICT;

CREATE TABLE IF NOT EXISTS tracking_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT    NOT NULL,
    shipment_id     INTEGER NOT NULL,
    waybill         TEXT    NOT NULL,
    scan_type       TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    station_code    TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    incident_reason TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    occurred_at     TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id)
) STRICT;

CREATE INDEX IF NOT EXISTS tracking_events_shipment ON tracking_events (tenant_id, shipment_id, occurred_at, id);

CREATE TABLE IF NOT EXISTS waybill_counters (
    tenant_id   TEXT    NOT NULL PRIMARY KEY,
    next_serial INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS idempotency_keys (
    tenant_id    TEXT    NOT NULL,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    done         INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    headers      TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    locked_until TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, idem_key)
) STRICT;

CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON idempotency_keys (expires_at);
