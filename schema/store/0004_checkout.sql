-- 0004: checkout: members, promotions, shifts and cash, sales with lines and
-- tenders (refunds and voids are their own rows, never edits), payment
-- attempts, suspended carts, receipt numbering.
-- DO NOT EDIT once landed; add a new numbered file instead.

CREATE TABLE members (
  id         INTEGER PRIMARY KEY,
  phone      TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  points     INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

-- Store promotions as imported (the JSON of one promotion, see docs/promotions.md).
CREATE TABLE promotions (
  id         TEXT PRIMARY KEY,
  body       TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- One till, so at most one open shift at a time.
CREATE TABLE shifts (
  id                INTEGER PRIMARY KEY,
  user_id           TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  opened_at         TEXT NOT NULL,
  float_fen         INTEGER NOT NULL CHECK (float_fen >= 0),
  closed_at         TEXT,
  closed_by         TEXT,
  counted_cash_fen  INTEGER,
  expected_cash_fen INTEGER
);
CREATE UNIQUE INDEX shifts_one_open ON shifts(status) WHERE status = 'open';

-- Pay-ins, pay-outs and no-sale drawer opens, each with a reason.
CREATE TABLE cash_movements (
  id          INTEGER PRIMARY KEY,
  shift_id    INTEGER NOT NULL REFERENCES shifts(id),
  kind        TEXT NOT NULL CHECK (kind IN ('pay_in', 'pay_out', 'no_sale')),
  amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
  reason      TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  occurred_at TEXT NOT NULL
);

-- Receipt numbers: store code, business date (store zone), daily sequence.
CREATE TABLE receipt_counters (
  business_date TEXT PRIMARY KEY,
  last_seq      INTEGER NOT NULL
) WITHOUT ROWID;

-- A sale, refund or post-void. Amounts are positive; kind says the direction.
CREATE TABLE sales (
  id               INTEGER PRIMARY KEY,
  sale_uuid        TEXT NOT NULL UNIQUE,
  receipt_no       TEXT NOT NULL UNIQUE,
  kind             TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'void')),
  original_sale_id INTEGER REFERENCES sales(id),
  business_date    TEXT NOT NULL,
  occurred_at      TEXT NOT NULL,
  cashier_id       TEXT NOT NULL,
  approved_by      TEXT,
  shift_id         INTEGER REFERENCES shifts(id),
  member_id        INTEGER REFERENCES members(id),
  points_earned    INTEGER NOT NULL DEFAULT 0,
  subtotal_fen     INTEGER NOT NULL,
  discount_fen     INTEGER NOT NULL,
  rounding_fen     INTEGER NOT NULL,
  total_fen        INTEGER NOT NULL,
  tax_fen          INTEGER NOT NULL,
  change_fen       INTEGER NOT NULL DEFAULT 0,
  journal_seq      INTEGER NOT NULL,
  journal_hash     TEXT NOT NULL
);
CREATE INDEX sales_by_date ON sales(business_date);
CREATE INDEX sales_by_original ON sales(original_sale_id);

CREATE TABLE sale_lines (
  sale_id                 INTEGER NOT NULL REFERENCES sales(id),
  line_no                 INTEGER NOT NULL,
  original_line_no        INTEGER,            -- for refund lines
  product_id              INTEGER NOT NULL REFERENCES products(id),
  sku                     TEXT NOT NULL,
  name                    TEXT NOT NULL,
  unit                    TEXT NOT NULL,
  qty_milli               INTEGER NOT NULL CHECK (qty_milli > 0),
  unit_price_fen          INTEGER NOT NULL,
  original_unit_price_fen INTEGER,            -- set when the price was overridden
  gross_fen               INTEGER NOT NULL,
  promo_discount_fen      INTEGER NOT NULL,
  line_discount_fen       INTEGER NOT NULL,
  order_discount_fen      INTEGER NOT NULL,
  rounding_fen            INTEGER NOT NULL,
  discount_fen            INTEGER NOT NULL,
  total_fen               INTEGER NOT NULL,
  tax_rate_bp             INTEGER NOT NULL,
  tax_fen                 INTEGER NOT NULL,
  promo_ids               TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sale_id, line_no)
) WITHOUT ROWID;

CREATE TABLE sale_tenders (
  sale_id    INTEGER NOT NULL REFERENCES sales(id),
  seq        INTEGER NOT NULL,
  method     TEXT NOT NULL,     -- cash | payment_code | card
  provider   TEXT,              -- wechat | alipay | unionpay for payment codes
  amount_fen INTEGER NOT NULL,   -- applied to the sale (cash: tendered minus change)
  tendered_fen INTEGER,          -- cash handed over, for the receipt
  reference  TEXT,
  payment_attempt_id INTEGER,
  PRIMARY KEY (sale_id, seq)
) WITHOUT ROWID;

CREATE TABLE sale_promotions (
  sale_id      INTEGER NOT NULL REFERENCES sales(id),
  promo_id     TEXT NOT NULL,
  name         TEXT NOT NULL,
  discount_fen INTEGER NOT NULL,
  PRIMARY KEY (sale_id, promo_id)
) WITHOUT ROWID;

-- A payment-code attempt is written here BEFORE the gateway is called, with
-- its idempotency key, so a crash or timeout leaves a record to resolve by
-- status inquiry. Never resent blindly, never dropped.
CREATE TABLE payment_attempts (
  id           INTEGER PRIMARY KEY,
  attempt_key  TEXT NOT NULL UNIQUE,     -- idempotency key sent to the gateway
  sale_uuid    TEXT NOT NULL,
  provider     TEXT NOT NULL,
  code_masked  TEXT NOT NULL,
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  state        TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'unknown',
                                              'cancelled', 'reversed')),
  gateway_ref  TEXT,
  last_error   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX payment_attempts_by_state ON payment_attempts(state);

-- 挂单: carts put aside and resumed later; they survive a restart.
CREATE TABLE suspended_carts (
  id         INTEGER PRIMARY KEY,
  label      TEXT NOT NULL,
  cashier_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  cart_json  TEXT NOT NULL
);

-- Store settings the checkout reads, with their defaults.
INSERT INTO store_config (key, value) VALUES
  ('cash_rounding', 'none'),
  ('rounding_cap_fen', '{"cashier":9,"manager":99,"owner":99}'),
  ('discount_limit_bp', '{"cashier":1000,"manager":5000,"owner":10000}'),
  ('points_per_yuan', '1');
