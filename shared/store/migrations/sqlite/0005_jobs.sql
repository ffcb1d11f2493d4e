-- Scheduled jobs: per-tenant thresholds, the record of every stale alert
-- (one per shipment, rule and window: the primary key makes a doubled or
-- racing sweep write it once), and the indexes the jobs walk.

CREATE TABLE IF NOT EXISTS job_settings (
    tenant_id                    TEXT    NOT NULL PRIMARY KEY,
    stale_picked_up_hours        INTEGER NOT NULL,
    stale_in_transit_hours       INTEGER NOT NULL,
    stale_out_for_delivery_hours INTEGER NOT NULL,
    stale_delivery_failed_hours  INTEGER NOT NULL,
    auto_receipt_days            INTEGER NOT NULL,
    express_promise_hours        INTEGER NOT NULL,
    standard_promise_hours       INTEGER NOT NULL,
    updated_at                   TEXT    NOT NULL
) STRICT;

-- last_event_at is the shipment's at the time of the alert: a later event
-- starts a new silence, whose windows are alerted afresh. raised_at is the
-- tick's time, recorded_at the database's. No foreign key: an alert is a
-- dedup record, and housekeeping deletes it by expires_at alone.
CREATE TABLE IF NOT EXISTS shipment_alerts (
    tenant_id     TEXT    NOT NULL,
    shipment_id   INTEGER NOT NULL,
    rule          TEXT    NOT NULL,
    window_start  TEXT    NOT NULL,
    last_event_at TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    raised_at     TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, rule, window_start)
) STRICT;

CREATE INDEX IF NOT EXISTS shipment_alerts_tenant_window ON shipment_alerts (tenant_id, window_start);
CREATE INDEX IF NOT EXISTS shipment_alerts_expires ON shipment_alerts (expires_at);

-- The sweep and auto-receipt walk shipments of one status by the time of
-- their last event; daily reports walk a day's events of each status.
CREATE INDEX IF NOT EXISTS shipments_tenant_status_event ON shipments (tenant_id, status, last_event_at);
CREATE INDEX IF NOT EXISTS tracking_events_tenant_status_time ON tracking_events (tenant_id, status, occurred_at);
