-- 0007: whose price applies (issue 11). Prices keep who set them (HQ or this
-- store), for which stores (an HQ price for one store only), the effective
-- date as written and the instant it resolves to in the store's zone; and
-- the undo log that keeps a catalogue import applied in short transactions
-- all-or-nothing.
-- DO NOT EDIT once landed; add a new numbered file instead.

-- The price history, rebuilt with its new key: an HQ price and the store's
-- own price for the same instant are two rows, not one overwriting the other.
--   origin          'hq' (from the hub's feed) | 'store' (this store's own: catalog import)
--   scope           '' for every store of the org; a store code: HQ's price for that store only
--   effective_from  as HQ wrote it, normalised: 'YYYY-MM-DD' (00:00 in the
--                   store's zone) or an instant 'YYYY-MM-DDTHH:MM:SS.mmmZ'
--   effective_ms    the instant it starts, Unix ms UTC, resolved in the store's zone
--   rev             order of recording within an origin (the feed seq for HQ, the
--                   till's clock for its own), the last tie-break
-- The price in force is chosen by price_schedule.h (PriceInForce) and cached
-- in products.price_fen.
CREATE TABLE prices_0007 (
  product_id     INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  origin         TEXT NOT NULL CHECK (origin IN ('hq', 'store')),
  scope          TEXT NOT NULL DEFAULT '',
  effective_from TEXT NOT NULL,
  effective_ms   INTEGER NOT NULL,
  price_fen      INTEGER NOT NULL CHECK (price_fen >= 0),
  source         TEXT NOT NULL DEFAULT 'import',
  rev            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (product_id, origin, scope, effective_from)
) WITHOUT ROWID;

-- Old rows were all written as ISO-8601 UTC with milliseconds (FormatUtc).
INSERT INTO prices_0007 (product_id, origin, scope, effective_from, effective_ms, price_fen, source, rev)
SELECT product_id, CASE source WHEN 'hub' THEN 'hq' ELSE 'store' END, '', effective_from,
       CAST(strftime('%s', substr(effective_from, 1, 19)) AS INTEGER) * 1000 +
         CASE WHEN length(effective_from) >= 23 THEN CAST(substr(effective_from, 21, 3) AS INTEGER) ELSE 0 END,
       price_fen, source, 0
FROM prices;
DROP TABLE prices;
ALTER TABLE prices_0007 RENAME TO prices;
CREATE INDEX prices_by_time ON prices(product_id, effective_ms);

-- Undo log of a multi-transaction operation (undo_log.h): before each row an
-- operation changes is changed, its before-image is written here in the same
-- transaction. The operation ends by deleting its entries in one short
-- transaction; an operation whose process died is rolled back from them at
-- the next open, newest entry first.
--   before  the row as JSON (column → value), NULL when the row did not exist
CREATE TABLE undo_ops (
  id         INTEGER PRIMARY KEY,
  what       TEXT NOT NULL,      -- e.g. "catalog import products.csv"
  started_at TEXT NOT NULL       -- UTC
);
CREATE TABLE undo_log (
  op_id     INTEGER NOT NULL,    -- undo_ops.id; entries of a finished op are garbage
  seq       INTEGER NOT NULL,
  tbl       TEXT NOT NULL,
  key       TEXT NOT NULL,       -- JSON object: key column → value
  before    TEXT,
  PRIMARY KEY (op_id, seq)
) WITHOUT ROWID;
