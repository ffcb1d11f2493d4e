-- Rate cards and the fee of each shipment. A tenant's rate card for a
-- service level and zone overrides logifn's default card for them; fees are
-- integer minor units of the card's currency, weights grams.

CREATE TABLE IF NOT EXISTS rate_cards (
    tenant_id      VARCHAR(64) NOT NULL,
    service_level  VARCHAR(16) NOT NULL,
    zone           VARCHAR(16) NOT NULL,
    currency       CHAR(3)     NOT NULL,
    first_weight_g BIGINT      NOT NULL,
    first_fee      BIGINT      NOT NULL,
    step_g         BIGINT      NOT NULL,
    step_fee       BIGINT      NOT NULL,
    updated_at     DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, service_level, zone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One ALTER for both columns, and last: MySQL applies it whole or not at
-- all, so a migration that failed before it is safe to run again. The fee
-- is in the shipment's currency; shipments older than this migration keep 0.
ALTER TABLE shipments
    ADD COLUMN fee_amount          BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN chargeable_weight_g BIGINT NOT NULL DEFAULT 0;
