-- Waybill photos (label, proof of delivery, damage) as the image function
-- found them. One row per object version: bucket, key and ETag identify it,
-- so a redelivered upload event finds its row and changes nothing.

CREATE TABLE IF NOT EXISTS images (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT    NOT NULL,
    bucket          TEXT    NOT NULL,
    object_key      TEXT    NOT NULL,
    etag            TEXT    NOT NULL,
    waybill         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    decoded_waybill TEXT    NOT NULL,
    format          TEXT    NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    bytes           INTEGER NOT NULL,
    thumbnail_key   TEXT    NOT NULL,
    event_id        INTEGER NOT NULL,
    uploaded_at     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS images_object ON images (tenant_id, bucket, object_key, etag);
CREATE INDEX IF NOT EXISTS images_tenant_waybill ON images (tenant_id, waybill, id);
CREATE INDEX IF NOT EXISTS images_tenant_status ON images (tenant_id, status, id);
