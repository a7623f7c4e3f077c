-- 0003: the tamper-evident journal (DESIGN §6; byte layout in pos/JOURNAL_FORMAT.md).
-- DO NOT EDIT once landed; add a new numbered file instead.

-- One row per business fact (sale, refund, void, shift close, stock movement,
-- …), appended by AppendJournal in the same transaction as the fact.
-- Rows are NEVER updated or deleted: each row's hash chains to the one before
-- and is signed with the device key, so any change shows in
-- `linli journal verify`. The triggers below stop Linli's own code from doing
-- it by mistake; they are not the protection (anyone with the file can drop
-- them), the hash chain is.
CREATE TABLE journal (
  seq          INTEGER PRIMARY KEY CHECK (seq >= 1),   -- per device, gapless, from 1
  event_id     TEXT NOT NULL UNIQUE,                   -- UUIDv7
  type         TEXT NOT NULL,                          -- e.g. 'sale'
  type_version INTEGER NOT NULL CHECK (type_version >= 1),
  epoch        INTEGER NOT NULL,                       -- device epoch at the time
  occurred_at  TEXT NOT NULL,                          -- device clock, UTC
  payload      BLOB NOT NULL,                          -- exact canonical JSON bytes
  prev_hash    BLOB NOT NULL CHECK (length(prev_hash) = 32),  -- zeros for seq 1
  hash         BLOB NOT NULL CHECK (length(hash) = 32),       -- SHA-256
  signature    BLOB NOT NULL CHECK (length(signature) = 64)   -- Ed25519 over hash
);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
  SELECT RAISE(ABORT, 'journal rows are never updated');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
  SELECT RAISE(ABORT, 'journal rows are never deleted');
END;

-- The chain's head, exactly one row, updated in the same transaction as every
-- append. Verification compares it with the last row, so deleting the newest
-- rows (which leaves a shorter but consistent chain) is caught too.
-- seq 0 with a zero hash means the journal is empty.
CREATE TABLE journal_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL CHECK (seq >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, zeroblob(32));
