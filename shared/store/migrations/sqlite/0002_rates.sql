-- Rate cards and the fee of each shipment. A tenant's rate card for a
-- service level and zone overrides logifn's default card for them; fees are
-- integer minor units of the card's currency, weights grams.

CREATE TABLE IF NOT EXISTS rate_cards (
    tenant_id      TEXT    NOT NULL,
    service_level  TEXT    NOT NULL,
    zone           TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    first_weight_g INTEGER NOT NULL,
    first_fee      INTEGER NOT NULL,
    step_g         INTEGER NOT NULL,
    step_fee       INTEGER NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, service_level, zone)
) STRICT;

-- The fee is in the shipment's currency; shipments older than this
-- migration keep 0. The migration runs in one transaction here.
ALTER TABLE shipments ADD COLUMN fee_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN chargeable_weight_g INTEGER NOT NULL DEFAULT 0;
