-- 0002: audit log for privileged actions; default scale-label layouts.
-- DO NOT EDIT once landed; add a new numbered file instead.

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  occurred_at TEXT NOT NULL,
  user_id     TEXT,
  approved_by TEXT,
  action      TEXT NOT NULL,
  reason      TEXT,
  before      TEXT,
  after       TEXT
);

-- Price-embedded label layouts (DESIGN §9), editable per store without code.
-- Positions are 0-based digit offsets. "value" is what the 5-digit field holds.
INSERT INTO store_config (key, value) VALUES ('scale_layouts', '[
 {"name":"13-amount","length":13,"prefixes":["20","21","22","23","24"],
  "plu":[2,5],"amount":[7,5]},
 {"name":"18-amount-weight","length":18,"prefixes":["20","21","22","23","24"],
  "plu":[2,5],"amount":[7,5],"weight":[12,5]}
]');
