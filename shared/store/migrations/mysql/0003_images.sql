-- Waybill photos (label, proof of delivery, damage) as the image function
-- found them. One row per object version: bucket, key and ETag identify it,
-- so a redelivered upload event finds its row and changes nothing. Object
-- keys are built by logifn and parsed strictly, and stay far below 255
-- characters; the unique key fits InnoDB's 3072-byte index limit.

CREATE TABLE IF NOT EXISTS images (
    id              BIGINT       NOT NULL AUTO_INCREMENT,
    tenant_id       VARCHAR(64)  NOT NULL,
    bucket          VARCHAR(63)  NOT NULL,
    object_key      VARCHAR(255) NOT NULL,
    etag            VARCHAR(128) NOT NULL,
    waybill         VARCHAR(32)  NOT NULL,
    kind            VARCHAR(32)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    reason          VARCHAR(64)  NOT NULL,
    decoded_waybill VARCHAR(64)  NOT NULL,
    format          VARCHAR(8)   NOT NULL,
    width           INT          NOT NULL,
    height          INT          NOT NULL,
    bytes           BIGINT       NOT NULL,
    thumbnail_key   VARCHAR(255) NOT NULL,
    event_id        BIGINT       NOT NULL,
    uploaded_at     DATETIME(6)  NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY images_object (tenant_id, bucket, object_key, etag),
    KEY images_tenant_waybill (tenant_id, waybill, id),
    KEY images_tenant_status (tenant_id, status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
