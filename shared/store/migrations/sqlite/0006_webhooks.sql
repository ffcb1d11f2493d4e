-- Webhooks: the endpoints tenants register, the outbox of events (written
-- in the transaction of the change each reports), one delivery per endpoint
-- and event, and a row per delivery attempt. Event ids are UUIDs; seq counts
-- the events of one shipment from 1 (shipment_id 0 holds events about no
-- shipment). The dispatcher looks for due deliveries across tenants, so
-- webhook_deliveries_due starts with status rather than tenant_id.

CREATE TABLE IF NOT EXISTS webhook_endpoints (
    tenant_id             TEXT    NOT NULL,
    id                    TEXT    NOT NULL,
    url                   TEXT    NOT NULL,
    description           TEXT    NOT NULL,
    event_types           TEXT    NOT NULL,
    secret                TEXT    NOT NULL,
    previous_secret       TEXT    NOT NULL,
    previous_secret_until TEXT    NOT NULL,
    enabled               INTEGER NOT NULL,
    disabled_reason       TEXT    NOT NULL,
    consecutive_failures  INTEGER NOT NULL,
    failing_since         TEXT    NOT NULL,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE TABLE IF NOT EXISTS webhook_events (
    tenant_id   TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    shipment_id INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    dedup_key   TEXT    NULL,
    body        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS webhook_events_sequence ON webhook_events (tenant_id, shipment_id, seq);
CREATE UNIQUE INDEX IF NOT EXISTS webhook_events_dedup ON webhook_events (tenant_id, dedup_key);

-- One row per stream of events (a shipment, or shipment_id 0): the last
-- sequence number given and the last status announced. Writers update it
-- before reading it, so the numbers they read are current and one writer
-- at a time allocates them.
CREATE TABLE IF NOT EXISTS webhook_streams (
    tenant_id   TEXT    NOT NULL,
    shipment_id INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    last_status TEXT    NOT NULL,
    writes      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id)
) STRICT;

-- A delivery copies its event's shipment_id and seq: the dispatcher sends
-- the lowest pending seq of each endpoint and shipment first. No foreign key
-- to the endpoint: deleting an endpoint must never make a status change
-- that is fanning out to it fail.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    endpoint_id      TEXT    NOT NULL,
    event_id         TEXT    NOT NULL,
    shipment_id      INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    replay           INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT    NOT NULL,
    lease_owner      TEXT    NOT NULL,
    lease_until      TEXT    NOT NULL,
    last_status_code INTEGER NOT NULL,
    last_error       TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id)
) STRICT;

CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS webhook_deliveries_stream ON webhook_deliveries (tenant_id, endpoint_id, shipment_id, seq);
CREATE INDEX IF NOT EXISTS webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);

CREATE TABLE IF NOT EXISTS webhook_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT    NOT NULL,
    delivery_id  INTEGER NOT NULL,
    attempt      INTEGER NOT NULL,
    attempted_at TEXT    NOT NULL,
    status_code  INTEGER NOT NULL,
    error        TEXT    NOT NULL,
    duration_ms  INTEGER NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id, attempt);
