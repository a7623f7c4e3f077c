-- 0004: forks the hub adopts (PROTOCOL.md §6.5). A copy of a store file that
-- sold at seqs the hub already held from the old till: its events are the
-- store's real sales too, so the hub keeps them as a fork of that epoch,
-- applies them to the projections and shows the restore to HQ.
-- DO NOT EDIT once landed; add a new numbered file instead.

CREATE TABLE device_forks (
  id         INTEGER PRIMARY KEY,
  device_id  TEXT NOT NULL REFERENCES devices(device_id),
  store_id   INTEGER NOT NULL REFERENCES stores(id),
  epoch      INTEGER NOT NULL,
  first_seq  INTEGER NOT NULL CHECK (first_seq >= 1),  -- the first seq that differs from the hub's
  head_seq   INTEGER NOT NULL,
  head_hash  BLOB NOT NULL,
  adopted_at TEXT NOT NULL
);
CREATE INDEX device_forks_by_device ON device_forks(device_id);

-- A fork's events, with the columns of `events`.
CREATE TABLE fork_events (
  fork_id       INTEGER NOT NULL REFERENCES device_forks(id),
  seq           INTEGER NOT NULL CHECK (seq >= 1),
  device_id     TEXT NOT NULL,
  epoch         INTEGER NOT NULL,
  store_id      INTEGER NOT NULL,
  event_id      TEXT NOT NULL,
  type          TEXT NOT NULL,
  type_version  INTEGER NOT NULL,
  occurred_at   TEXT NOT NULL,
  payload       BLOB NOT NULL,
  prev_hash     BLOB NOT NULL,
  hash          BLOB NOT NULL,
  signature     BLOB NOT NULL,
  received_at   TEXT NOT NULL,
  ingest_order  INTEGER NOT NULL,   -- the same global order as events
  applied       INTEGER NOT NULL,
  apply_note    TEXT NOT NULL DEFAULT '',
  clock_skew_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (fork_id, seq)
) WITHOUT ROWID;
CREATE INDEX fork_events_by_order ON fork_events(ingest_order);

-- Receipt checks (§9.1) find a fork's receipts as they find the chain's (0003).
CREATE INDEX fork_events_by_receipt_no ON fork_events(
  store_id,
  (CASE WHEN json_valid(CAST(payload AS TEXT)) THEN json_extract(CAST(payload AS TEXT), '$.receipt_no') END))
  WHERE type IN ('sale', 'refund', 'void');

CREATE INDEX fork_events_by_original_receipt_no ON fork_events(
  store_id,
  (CASE WHEN json_valid(CAST(payload AS TEXT)) THEN json_extract(CAST(payload AS TEXT), '$.original_receipt_no') END))
  WHERE type IN ('refund', 'void');
