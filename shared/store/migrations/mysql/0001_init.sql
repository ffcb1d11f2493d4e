-- The initial schema. Every table carries tenant_id and every index that
-- serves a query starts with it. Text is compared byte by byte (utf8mb4_bin),
-- as SQLite does. Times are UTC, to the microsecond.

CREATE TABLE IF NOT EXISTS stations (
    tenant_id   VARCHAR(64)  NOT NULL,
    code        VARCHAR(32)  NOT NULL,
    name        VARCHAR(100) NOT NULL,
    kind        VARCHAR(32)  NOT NULL,
    region      VARCHAR(200) NOT NULL,
    province    VARCHAR(200) NOT NULL,
    city        VARCHAR(200) NOT NULL,
    district    VARCHAR(200) NOT NULL,
    detail      VARCHAR(200) NOT NULL,
    time_zone   VARCHAR(64)  NOT NULL,
    parent_code VARCHAR(32)  NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    updated_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (tenant_id, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS shipments (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    tenant_id           VARCHAR(64)  NOT NULL,
    waybill             VARCHAR(32)  NOT NULL,
    customer_id         VARCHAR(128) NOT NULL,
    request_key         VARCHAR(255) NULL,
    sender_name         VARCHAR(100) NOT NULL,
    sender_phone        VARCHAR(255) NOT NULL,
    sender_province     VARCHAR(200) NOT NULL,
    sender_city         VARCHAR(200) NOT NULL,
    sender_district     VARCHAR(200) NOT NULL,
    sender_detail       VARCHAR(200) NOT NULL,
    receiver_name       VARCHAR(100) NOT NULL,
    receiver_phone      VARCHAR(255) NOT NULL,
    receiver_province   VARCHAR(200) NOT NULL,
    receiver_city       VARCHAR(200) NOT NULL,
    receiver_district   VARCHAR(200) NOT NULL,
    receiver_detail     VARCHAR(200) NOT NULL,
    service_level       VARCHAR(16)  NOT NULL,
    origin_station      VARCHAR(32)  NOT NULL,
    destination_station VARCHAR(32)  NOT NULL,
    currency            CHAR(3)      NOT NULL,
    status              VARCHAR(32)  NOT NULL,
    version             BIGINT       NOT NULL,
    created_at          DATETIME(6)  NOT NULL,
    updated_at          DATETIME(6)  NOT NULL,
    last_event_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY shipments_tenant_id (tenant_id, id),
    UNIQUE KEY shipments_tenant_waybill (tenant_id, waybill),
    UNIQUE KEY shipments_tenant_request_key (tenant_id, request_key),
    KEY shipments_tenant_customer (tenant_id, customer_id, id),
    KEY shipments_tenant_status (tenant_id, status, id),
    KEY shipments_tenant_origin (tenant_id, origin_station, id),
    KEY shipments_tenant_destination (tenant_id, destination_station, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS shipment_items (
    tenant_id      VARCHAR(64)  NOT NULL,
    shipment_id    BIGINT       NOT NULL,
    seq            INT          NOT NULL,
    name           VARCHAR(100) NOT NULL,
    quantity       INT          NOT NULL,
    weight_g       BIGINT       NOT NULL,
    length_mm      BIGINT       NOT NULL,
    width_mm       BIGINT       NOT NULL,
    height_mm      BIGINT       NOT NULL,
    declared_value BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, seq),
    CONSTRAINT shipment_items_shipment FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS tracking_events (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    tenant_id       VARCHAR(64)   NOT NULL,
    shipment_id     BIGINT        NOT NULL,
    waybill         VARCHAR(32)   NOT NULL,
    scan_type       VARCHAR(32)   NOT NULL,
    status          VARCHAR(32)   NOT NULL,
    station_code    VARCHAR(32)   NOT NULL,
    actor           VARCHAR(128)  NOT NULL,
    source          VARCHAR(32)   NOT NULL,
    incident_reason VARCHAR(200)  NOT NULL,
    note            TEXT          NOT NULL,
    occurred_at     DATETIME(6)   NOT NULL,
    recorded_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    KEY tracking_events_shipment (tenant_id, shipment_id, occurred_at, id),
    CONSTRAINT tracking_events_shipment FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS waybill_counters (
    tenant_id   VARCHAR(64) NOT NULL,
    next_serial BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS idempotency_keys (
    tenant_id    VARCHAR(64)  NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    request_hash VARCHAR(128) NOT NULL,
    done         BOOLEAN      NOT NULL,
    status       INT          NOT NULL,
    headers      TEXT         NOT NULL,
    body         MEDIUMBLOB   NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    expires_at   DATETIME(6)  NOT NULL,
    locked_until DATETIME(6)  NOT NULL,
    PRIMARY KEY (tenant_id, idem_key),
    KEY idempotency_keys_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
