-- Webhooks: the endpoints tenants register, the outbox of events (written
-- in the transaction of the change each reports), one delivery per endpoint
-- and event, and a row per delivery attempt. Event ids are UUIDs; seq counts
-- the events of one shipment from 1 (shipment_id 0 holds events about no
-- shipment). The dispatcher looks for due deliveries across tenants, so
-- webhook_deliveries_due starts with status rather than tenant_id.

CREATE TABLE IF NOT EXISTS webhook_endpoints (
    tenant_id             VARCHAR(64)   NOT NULL,
    id                    VARCHAR(36)   NOT NULL,
    url                   VARCHAR(2048) NOT NULL,
    description           VARCHAR(200)  NOT NULL,
    event_types           VARCHAR(255)  NOT NULL,
    secret                VARCHAR(128)  NOT NULL,
    previous_secret       VARCHAR(128)  NOT NULL,
    previous_secret_until DATETIME(6)   NOT NULL,
    enabled               BOOLEAN       NOT NULL,
    disabled_reason       VARCHAR(200)  NOT NULL,
    consecutive_failures  INT           NOT NULL,
    failing_since         DATETIME(6)   NOT NULL,
    created_at            DATETIME(6)   NOT NULL,
    updated_at            DATETIME(6)   NOT NULL,
    PRIMARY KEY (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS webhook_events (
    tenant_id   VARCHAR(64)  NOT NULL,
    id          VARCHAR(36)  NOT NULL,
    shipment_id BIGINT       NOT NULL,
    seq         BIGINT       NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    dedup_key   VARCHAR(255) NULL,
    body        TEXT         NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE KEY webhook_events_sequence (tenant_id, shipment_id, seq),
    UNIQUE KEY webhook_events_dedup (tenant_id, dedup_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per stream of events (a shipment, or shipment_id 0): the last
-- sequence number given and the last status announced. Writers update it
-- before reading it, so the numbers they read are current and one writer
-- at a time allocates them.
CREATE TABLE IF NOT EXISTS webhook_streams (
    tenant_id   VARCHAR(64) NOT NULL,
    shipment_id BIGINT      NOT NULL,
    last_seq    BIGINT      NOT NULL,
    last_status VARCHAR(32) NOT NULL,
    writes      BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A delivery copies its event's shipment_id and seq: the dispatcher sends
-- the lowest pending seq of each endpoint and shipment first. No foreign key
-- to the endpoint: deleting an endpoint must never make a status change
-- that is fanning out to it fail.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    tenant_id        VARCHAR(64)  NOT NULL,
    endpoint_id      VARCHAR(36)  NOT NULL,
    event_id         VARCHAR(36)  NOT NULL,
    shipment_id      BIGINT       NOT NULL,
    seq              BIGINT       NOT NULL,
    replay           BOOLEAN      NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL,
    next_attempt_at  DATETIME(6)  NOT NULL,
    lease_owner      VARCHAR(64)  NOT NULL,
    lease_until      DATETIME(6)  NOT NULL,
    last_status_code INT          NOT NULL,
    last_error       VARCHAR(200) NOT NULL,
    created_at       DATETIME(6)  NOT NULL,
    updated_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY webhook_deliveries_due (status, next_attempt_at),
    KEY webhook_deliveries_stream (tenant_id, endpoint_id, shipment_id, seq),
    KEY webhook_deliveries_event (tenant_id, event_id),
    CONSTRAINT webhook_deliveries_event FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS webhook_attempts (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    tenant_id    VARCHAR(64)  NOT NULL,
    delivery_id  BIGINT       NOT NULL,
    attempt      INT          NOT NULL,
    attempted_at DATETIME(6)  NOT NULL,
    status_code  INT          NOT NULL,
    error        VARCHAR(200) NOT NULL,
    duration_ms  BIGINT       NOT NULL,
    PRIMARY KEY (id),
    KEY webhook_attempts_delivery (tenant_id, delivery_id, attempt)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
