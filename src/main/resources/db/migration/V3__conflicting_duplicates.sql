-- A refused record whose order id is billed for another customer or amount is not a retry but a different order
-- under a reused id: flagged, counted in the summary, and logged, never billed silently as nothing.
ALTER TABLE ledger_duplicates ADD COLUMN conflicting BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX ledger_duplicates_conflicting ON ledger_duplicates (order_id) WHERE conflicting;
