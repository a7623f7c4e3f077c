-- 0008: the receipts' stock movements found by receipt number, so checking a
-- day's or a shift's tables against the journal (table_check.h) reads only
-- that day's movements.
-- DO NOT EDIT once landed; add a new numbered file instead.

CREATE INDEX stock_movements_by_ref ON stock_movements(ref) WHERE ref IS NOT NULL;
