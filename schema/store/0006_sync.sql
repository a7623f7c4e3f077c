-- 0006: the sync agent's state (DESIGN §6): where the hub is, what it has
-- acknowledged, the pull cursor, the hub's last signed checkpoint, and what
-- the last attempt said; prices scheduled for a future date.
-- DO NOT EDIT once landed; add a new numbered file instead.

-- Exactly one row. Empty/zero until `linli enroll`.
CREATE TABLE sync_state (
  id                 INTEGER PRIMARY KEY CHECK (id = 1),
  enrolled           INTEGER NOT NULL DEFAULT 0,
  hub_url            TEXT NOT NULL DEFAULT '',     -- "https://hub.example.cn"
  ca_pem             TEXT NOT NULL DEFAULT '',     -- the pinned CA, PEM text; '' = system store
  org_code           TEXT NOT NULL DEFAULT '',     -- as the hub named them at enrolment
  store_code         TEXT NOT NULL DEFAULT '',
  hub_public_key     BLOB,                         -- 32 raw bytes, verifies checkpoints
  pushed_epoch       INTEGER NOT NULL DEFAULT 0,   -- the hub has every event up to
  pushed_seq         INTEGER NOT NULL DEFAULT 0,   --   (pushed_epoch, pushed_seq)
  pull_cursor        TEXT NOT NULL DEFAULT '',     -- opaque, from the hub; '' = from the start
  checkpoint_epoch   INTEGER NOT NULL DEFAULT 0,   -- the hub's signed checkpoint of our head
  checkpoint_seq     INTEGER NOT NULL DEFAULT 0,
  checkpoint_hash    BLOB,                         -- 32 bytes
  checkpoint_sig     BLOB,                         -- 64 bytes, hub Ed25519
  checkpoint_at      TEXT NOT NULL DEFAULT '',     -- hub clock, UTC
  last_attempt_at    TEXT NOT NULL DEFAULT '',     -- UTC; '' = never
  last_success_at    TEXT NOT NULL DEFAULT '',
  last_error_at      TEXT NOT NULL DEFAULT '',
  last_error         TEXT NOT NULL DEFAULT '',     -- plain words; '' after a success
  update_required    INTEGER NOT NULL DEFAULT 0,   -- the hub answered 426
  update_message     TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state (id) VALUES (1);

-- Prices pulled from the hub whose effective date has not come yet. The price
-- itself is in `prices` too (history); this is the to-do list ApplyDuePrices
-- works through, so each call costs O(rows due) via the index.
CREATE TABLE scheduled_prices (
  product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  effective_ms INTEGER NOT NULL,                  -- Unix ms, UTC
  price_fen    INTEGER NOT NULL CHECK (price_fen >= 0),
  PRIMARY KEY (product_id, effective_ms)
) WITHOUT ROWID;
CREATE INDEX scheduled_prices_by_time ON scheduled_prices(effective_ms);
