-- The ledger: one invoice per order id, and the consumer offsets that say which records of `orders` it has seen,
-- written together in one transaction per polled batch (ledger.Ledger).

-- One row per order id: a second record of the same order can never become a second charge.
CREATE TABLE ledger_invoices (
    order_id    VARCHAR(128)   PRIMARY KEY,
    customer_id VARCHAR(128)   NOT NULL,
    -- unitPrice has 12 digits and 4 decimals, quantity up to 1,000,000
    amount      NUMERIC(30, 4) NOT NULL,
    topic       VARCHAR(249)   NOT NULL,
    partition   INTEGER        NOT NULL,
    "offset"    BIGINT         NOT NULL,
    billed_at   TIMESTAMPTZ    NOT NULL DEFAULT now()
);
-- GET /billing/ledger/invoices?customerId=...: one customer's invoices, paged by order id.
CREATE INDEX ledger_invoices_by_customer ON ledger_invoices (customer_id, order_id);

-- Records of an order already in the ledger: refused, and kept to be counted and looked at.
CREATE TABLE ledger_duplicates (
    topic       VARCHAR(249)   NOT NULL,
    partition   INTEGER        NOT NULL,
    "offset"    BIGINT         NOT NULL,
    order_id    VARCHAR(128)   NOT NULL,
    customer_id VARCHAR(128)   NOT NULL,
    amount      NUMERIC(30, 4) NOT NULL,
    seen_at     TIMESTAMPTZ    NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, "offset")
);

-- Records that can never be billed (not an order), with the reason: the ledger's dead letters, in the same
-- transaction as the offsets that pass them.
CREATE TABLE ledger_rejected (
    topic       VARCHAR(249)   NOT NULL,
    partition   INTEGER        NOT NULL,
    "offset"    BIGINT         NOT NULL,
    reason      TEXT           NOT NULL,
    value       TEXT,
    seen_at     TIMESTAMPTZ    NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, "offset")
);

-- Kafka's "offsets stored outside Kafka": per partition, the next offset to bill. The consumer seeks here on
-- assignment; each batch's transaction locks its partitions' rows, skips records below next_offset, and never moves
-- it backwards. The running totals live on the same row, so a summary reads a handful of rows, not every invoice.
CREATE TABLE ledger_offsets (
    consumer_group VARCHAR(249)   NOT NULL,
    topic          VARCHAR(249)   NOT NULL,
    partition      INTEGER        NOT NULL,
    next_offset    BIGINT         NOT NULL,
    invoices       BIGINT         NOT NULL DEFAULT 0,
    amount         NUMERIC(38, 4) NOT NULL DEFAULT 0,
    duplicates     BIGINT         NOT NULL DEFAULT 0,
    rejected       BIGINT         NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ    NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition)
);
