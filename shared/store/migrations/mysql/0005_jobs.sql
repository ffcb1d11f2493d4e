-- Scheduled jobs: per-tenant thresholds, the record of every stale alert
-- (one per shipment, rule and window: the unique key makes a doubled or
-- racing sweep write it once), and the indexes the jobs walk.

CREATE TABLE IF NOT EXISTS job_settings (
    tenant_id                    VARCHAR(64) NOT NULL,
    stale_picked_up_hours        INT         NOT NULL,
    stale_in_transit_hours       INT         NOT NULL,
    stale_out_for_delivery_hours INT         NOT NULL,
    stale_delivery_failed_hours  INT         NOT NULL,
    auto_receipt_days            INT         NOT NULL,
    express_promise_hours        INT         NOT NULL,
    standard_promise_hours       INT         NOT NULL,
    updated_at                   DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- last_event_at is the shipment's at the time of the alert: a later event
-- starts a new silence, whose windows are alerted afresh. raised_at is the
-- tick's time, recorded_at the database's. No foreign key: an alert is a
-- dedup record, and housekeeping deletes it by expires_at alone.
CREATE TABLE IF NOT EXISTS shipment_alerts (
    tenant_id     VARCHAR(64) NOT NULL,
    shipment_id   BIGINT      NOT NULL,
    rule          VARCHAR(64) NOT NULL,
    window_start  DATETIME(6) NOT NULL,
    last_event_at DATETIME(6) NOT NULL,
    status        VARCHAR(32) NOT NULL,
    raised_at     DATETIME(6) NOT NULL,
    recorded_at   DATETIME(6) NOT NULL,
    expires_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, rule, window_start),
    KEY shipment_alerts_tenant_window (tenant_id, window_start),
    KEY shipment_alerts_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The sweep and auto-receipt walk shipments of one status by the time of
-- their last event; daily reports walk a day's events of each status. Each
-- ALTER applies whole or not at all; should the second fail, drop the
-- first's index before running the migration again.
ALTER TABLE shipments ADD INDEX shipments_tenant_status_event (tenant_id, status, last_event_at);

ALTER TABLE tracking_events ADD INDEX tracking_events_tenant_status_time (tenant_id, status, occurred_at);
