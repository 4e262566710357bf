-- The audit: the three topic pipelines' invoice topics and orders-dlq as a read_committed consumer group sees them,
-- each record once by its coordinates, written with the group's offsets in one transaction per polled batch
-- (billing.AuditMaterializer). Summaries add up per-partition totals instead of reading whole topics.

-- Every invoice of a topic pipeline, keyed by where it is in its topic.
CREATE TABLE audit_invoices (
    topic           VARCHAR(249) NOT NULL,
    partition       INTEGER      NOT NULL,
    "offset"        BIGINT       NOT NULL,
    -- TEXT: a record another client wrote must not stop the group by being too long
    order_id        TEXT         NOT NULL,
    customer_id     TEXT         NOT NULL,
    -- unconstrained: an amount keeps the scale it has in the topic
    amount          NUMERIC      NOT NULL,
    -- the invoice's order on `orders` (Invoice.partition and offset)
    order_partition INTEGER      NOT NULL,
    order_offset    BIGINT       NOT NULL,
    PRIMARY KEY (topic, partition, "offset")
);
-- GET /billing/{pipeline}/invoices?customerId=...: one customer's invoices in the order they were written.
CREATE INDEX audit_invoices_by_customer ON audit_invoices (topic, customer_id, partition, "offset");

-- Invoices per order id and topic: an order's first invoice is a distinct order, every further one a duplicate.
CREATE TABLE audit_orders (
    topic    VARCHAR(249) NOT NULL,
    order_id TEXT         NOT NULL,
    invoices BIGINT       NOT NULL,
    PRIMARY KEY (topic, order_id)
);

-- Records of orders-dlq, with the headers that say why and where from.
CREATE TABLE audit_dead_letters (
    topic            VARCHAR(249) NOT NULL,
    partition        INTEGER      NOT NULL,
    "offset"         BIGINT       NOT NULL,
    key              TEXT,
    value            TEXT,
    reason           TEXT,
    source_topic     TEXT,
    source_partition INTEGER,
    source_offset    BIGINT,
    PRIMARY KEY (topic, partition, "offset")
);

-- The audit group's offsets, stored outside Kafka, with running totals per partition on the same row.
CREATE TABLE audit_offsets (
    consumer_group VARCHAR(249) NOT NULL,
    topic          VARCHAR(249) NOT NULL,
    partition      INTEGER      NOT NULL,
    next_offset    BIGINT       NOT NULL,
    invoices       BIGINT       NOT NULL DEFAULT 0,
    duplicates     BIGINT       NOT NULL DEFAULT 0,
    amount         NUMERIC      NOT NULL DEFAULT 0,
    dead_letters   BIGINT       NOT NULL DEFAULT 0,
    -- records of an invoice topic that are no invoice: counted, and skipped
    unreadable     BIGINT       NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition)
);
