-- 0005: products a store defined at its till (product_edit@1 events, issue
-- 12): a projection like the others, so `linli-hub rebuild` recomputes it.
-- A store's sales of a till-made SKU project once its product is held here.
-- DO NOT EDIT once landed; add a new numbered file instead.

CREATE TABLE proj_store_products (
  store_id   INTEGER NOT NULL,
  sku        TEXT NOT NULL,
  name       TEXT NOT NULL,
  unit       TEXT NOT NULL,
  price_fen  INTEGER NOT NULL,
  barcode    TEXT,
  edits      INTEGER NOT NULL DEFAULT 1,  -- product_edit events applied
  PRIMARY KEY (store_id, sku)
) WITHOUT ROWID;
