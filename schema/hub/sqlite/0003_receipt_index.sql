-- 0003: receipts can be checked by store and number (PROTOCOL.md §9.1).
-- DO NOT EDIT once landed; add a new numbered file instead.

-- GET /v1/verify finds a receipt event by its store and receipt_no, and the
-- refunds and voids that name it as their original_receipt_no. The numbers
-- live in the signed payload only, so these are indexes on expressions of
-- it, over the receipt events alone. A payload that is not JSON (kept
-- flagged, never refused: DESIGN §6) gives NULL here instead of an error, so
-- it can never make an insert fail. SqliteHubStore::FindReceipt uses these
-- exact expressions, or SQLite would not use the indexes.
CREATE INDEX events_by_receipt_no ON events(
  store_id,
  (CASE WHEN json_valid(CAST(payload AS TEXT)) THEN json_extract(CAST(payload AS TEXT), '$.receipt_no') END))
  WHERE type IN ('sale', 'refund', 'void');

CREATE INDEX events_by_original_receipt_no ON events(
  store_id,
  (CASE WHEN json_valid(CAST(payload AS TEXT)) THEN json_extract(CAST(payload AS TEXT), '$.original_receipt_no') END))
  WHERE type IN ('refund', 'void');
