-- 0001: the hub's first schema (DESIGN §7, sync/protocol/PROTOCOL.md).
-- DO NOT EDIT once landed; add a new numbered file instead.
-- Times are UTC text "2026-11-21T07:30:00.123Z"; *_ms columns are Unix ms.

-- The hub's own settings, among them its Ed25519 checkpoint key pair (hex).
CREATE TABLE hub_config (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE orgs (
  id            INTEGER PRIMARY KEY,
  code          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  -- change log entries with seq <= change_floor were compacted away: a store
  -- whose cursor is below it gets a snapshot.
  change_floor  INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);

CREATE TABLE stores (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  code        TEXT NOT NULL,
  name        TEXT NOT NULL,
  revoked_at  TEXT,
  created_at  TEXT NOT NULL,
  UNIQUE (org_id, code)
);

-- One-time enrolment tokens; only a SHA-256 of the token is kept.
CREATE TABLE enrol_tokens (
  token_hash  TEXT PRIMARY KEY,
  store_id    INTEGER NOT NULL REFERENCES stores(id),
  expires_ms  INTEGER NOT NULL,
  used_at     TEXT
) WITHOUT ROWID;

-- A till enrolled into one store. Its key signs requests and journal events.
CREATE TABLE devices (
  device_id   TEXT PRIMARY KEY,
  store_id    INTEGER NOT NULL REFERENCES stores(id),
  public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
  hostname    TEXT NOT NULL DEFAULT '',
  enrolled_at TEXT NOT NULL,
  revoked_at  TEXT,
  last_seen   TEXT,           -- last authenticated request
  last_sync   TEXT            -- last push that committed
) WITHOUT ROWID;

-- Request nonces seen recently, per device (replay protection).
CREATE TABLE nonces (
  device_id   TEXT NOT NULL,
  nonce       TEXT NOT NULL,
  expires_ms  INTEGER NOT NULL,
  PRIMARY KEY (device_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_by_expiry ON nonces(expires_ms);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'buyer', 'viewer')),
  password_hash TEXT NOT NULL,      -- scrypt$N$r$p$salt$hash
  created_at    TEXT NOT NULL,
  UNIQUE (org_id, name)
);

-- HQ bearer sessions; only a SHA-256 of the token is kept.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  expires_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- Every journal event ingested, keyed as PROTOCOL.md §6.4 says. Never
-- updated except `applied`/`apply_note` (by rebuild); never deleted.
CREATE TABLE events (
  device_id    TEXT NOT NULL REFERENCES devices(device_id),
  epoch        INTEGER NOT NULL,
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  event_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  type_version INTEGER NOT NULL,
  occurred_at  TEXT NOT NULL,
  payload      BLOB NOT NULL,
  prev_hash    BLOB NOT NULL,
  hash         BLOB NOT NULL,
  signature    BLOB NOT NULL,
  received_at  TEXT NOT NULL,
  ingest_order INTEGER NOT NULL,    -- global arrival order, for rebuild
  applied      INTEGER NOT NULL,    -- 1 applied to projections, 0 flagged
  apply_note   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (device_id, epoch, seq)
) WITHOUT ROWID;
CREATE INDEX events_by_order ON events(ingest_order);

-- Head of each (device, epoch) chain the hub holds.
CREATE TABLE device_epochs (
  device_id  TEXT NOT NULL,
  epoch      INTEGER NOT NULL,
  first_seq  INTEGER NOT NULL,
  head_seq   INTEGER NOT NULL,
  head_hash  BLOB NOT NULL,
  PRIMARY KEY (device_id, epoch)
) WITHOUT ROWID;

-- Events refused (forks, bad hashes or signatures), kept for a person to see.
CREATE TABLE quarantine (
  id          INTEGER PRIMARY KEY,
  device_id   TEXT NOT NULL,
  store_id    INTEGER NOT NULL,
  epoch       INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('fork', 'bad_event')),
  reason      TEXT NOT NULL,
  event_json  TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX quarantine_by_store ON quarantine(store_id);

-- HQ's catalogue: current state of each (kind, key), per org and optionally
-- per store. `data` is the JSON of PROTOCOL.md §7.
CREATE TABLE catalog (
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  kind      TEXT NOT NULL,
  key       TEXT NOT NULL,
  store_id  INTEGER NOT NULL DEFAULT 0,   -- 0: every store of the org
  data      TEXT NOT NULL,
  deleted   INTEGER NOT NULL DEFAULT 0,
  seq       INTEGER NOT NULL,             -- change that last wrote it
  PRIMARY KEY (org_id, kind, key, store_id)
) WITHOUT ROWID;

-- The per-organisation change log the stores pull.
CREATE TABLE changes (
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  seq       INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  key       TEXT NOT NULL,
  op        TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  store_id  INTEGER NOT NULL DEFAULT 0,
  data      TEXT NOT NULL,
  PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;

-- Projections, derived from events; `linli-hub rebuild` recomputes them.
CREATE TABLE proj_stock (
  store_id       INTEGER NOT NULL,
  sku            TEXT NOT NULL,
  on_hand_milli  INTEGER NOT NULL,
  PRIMARY KEY (store_id, sku)
) WITHOUT ROWID;

-- Per store, business day and SKU. Refunds and voids are positive amounts
-- in refunds_fen / refund_qty_milli.
CREATE TABLE proj_sales_daily (
  store_id          INTEGER NOT NULL,
  business_date     TEXT NOT NULL,
  sku               TEXT NOT NULL,
  sales_fen         INTEGER NOT NULL DEFAULT 0,
  refunds_fen       INTEGER NOT NULL DEFAULT 0,
  tax_fen           INTEGER NOT NULL DEFAULT 0,   -- net of refunds
  qty_milli         INTEGER NOT NULL DEFAULT 0,   -- net of refunds
  PRIMARY KEY (store_id, business_date, sku)
) WITHOUT ROWID;

CREATE TABLE proj_receipts_daily (
  store_id       INTEGER NOT NULL,
  business_date  TEXT NOT NULL,
  sales_count    INTEGER NOT NULL DEFAULT 0,
  refunds_count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, business_date)
) WITHOUT ROWID;

-- Tender totals; refunds negative.
CREATE TABLE proj_tenders_daily (
  store_id       INTEGER NOT NULL,
  business_date  TEXT NOT NULL,
  method         TEXT NOT NULL,
  amount_fen     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, business_date, method)
) WITHOUT ROWID;
