-- 0002: clock skew is recorded and flagged, never refused (PROTOCOL.md §3.1).
-- DO NOT EDIT once landed; add a new numbered file instead.

-- The device's own clock minus the hub's, as its latest push reported it
-- (Linli-Device-Clock), and when.
ALTER TABLE devices ADD COLUMN clock_skew_ms INTEGER;
ALTER TABLE devices ADD COLUMN clock_checked_at TEXT;

-- Non-zero when the event arrived from a till whose clock was off by more
-- than sync::kClockSkewFlagMs (or its occurred_at lies that far in the
-- hub's future): the skew in ms. The event is stored and applied as usual.
ALTER TABLE events ADD COLUMN clock_skew_ms INTEGER NOT NULL DEFAULT 0;
