-- 0001: the store's own data: config, device, users, catalog, stock.
-- DO NOT EDIT once landed; add a new numbered file instead.

CREATE TABLE store_config (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- This till's identity; exactly one row. The Ed25519 key pair signs journal
-- events and sync requests. epoch changes when the database is restored.
CREATE TABLE device (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  device_id   TEXT NOT NULL,
  epoch       INTEGER NOT NULL DEFAULT 1,
  public_key  BLOB NOT NULL,
  private_key BLOB NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'owner')),
  pin_hash   TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE categories (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE tax_classes (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL,
  rate_bp INTEGER NOT NULL UNIQUE CHECK (rate_bp BETWEEN 0 AND 10000)
);
INSERT INTO tax_classes (name, rate_bp) VALUES
  ('13%', 1300), ('9%', 900), ('6%', 600), ('0%', 0);

-- price_fen is the price in force now (cached from prices, updated in the same
-- transaction); prices keeps the effective-dated history.
CREATE TABLE products (
  id              INTEGER PRIMARY KEY,
  sku             TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  category_id     INTEGER REFERENCES categories(id),
  unit            TEXT NOT NULL CHECK (unit IN ('pcs', 'kg')),
  tax_class_id    INTEGER NOT NULL REFERENCES tax_classes(id),
  plu             TEXT UNIQUE,
  price_fen       INTEGER NOT NULL CHECK (price_fen >= 0),
  cost_fen        INTEGER CHECK (cost_fen >= 0),
  pinyin_initials TEXT NOT NULL DEFAULT '',
  pinyin_full     TEXT NOT NULL DEFAULT '',
  search_name     TEXT NOT NULL DEFAULT '',  -- name lower-cased and width-folded
  active          INTEGER NOT NULL DEFAULT 1,
  updated_at      TEXT NOT NULL
);

-- Several codes per product. A case barcode carries its pack quantity
-- (24 pieces = 24000 milli-units).
CREATE TABLE barcodes (
  code           TEXT PRIMARY KEY,
  product_id     INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  pack_qty_milli INTEGER NOT NULL DEFAULT 1000 CHECK (pack_qty_milli > 0)
) WITHOUT ROWID;
CREATE INDEX barcodes_by_product ON barcodes(product_id);

CREATE TABLE prices (
  product_id     INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  effective_from TEXT NOT NULL,
  price_fen      INTEGER NOT NULL CHECK (price_fen >= 0),
  source         TEXT NOT NULL DEFAULT 'import',
  PRIMARY KEY (product_id, effective_from)
) WITHOUT ROWID;

-- Stock is the sum of movements; stock_on_hand caches it and is updated in the
-- same transaction as each movement. Negative stock is allowed.
CREATE TABLE stock_movements (
  id          INTEGER PRIMARY KEY,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  qty_milli   INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  ref         TEXT,
  user_id     TEXT,
  note        TEXT,
  occurred_at TEXT NOT NULL
);
CREATE INDEX stock_movements_by_product ON stock_movements(product_id, id);

CREATE TABLE stock_on_hand (
  product_id INTEGER PRIMARY KEY REFERENCES products(id),
  qty_milli  INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);

-- Search by pinyin initials and name prefix uses these; substring search scans.
CREATE INDEX products_by_initials ON products(pinyin_initials);
CREATE INDEX products_by_pinyin ON products(pinyin_full);
CREATE INDEX products_by_search_name ON products(search_name);
