-- 0005: the print queue (drivers/include/linli/drivers/printer.h).
--
-- One row per print job sent to the receipt printer: a sale's receipt, a
-- report, or a cash-drawer kick. Printing happens after the sale has
-- committed and in its own transactions, so a failed print never changes the
-- sale: the job stays 'failed' with its last error and can be printed again
-- (attempts counts every try). Drawer kicks are listed for the record and are
-- never retried.
-- DO NOT EDIT once landed; add a new numbered file instead.
CREATE TABLE print_jobs (
  id          INTEGER PRIMARY KEY,
  receipt_no  TEXT,                 -- the sale / refund / void; NULL for reports and no-sale opens
  kind        TEXT NOT NULL CHECK (kind IN ('receipt', 'report', 'drawer')),
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'printed', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error  TEXT,                 -- what went wrong on the last try, as shown to the cashier
  printer     TEXT NOT NULL DEFAULT '',  -- transport URI of the last try
  body        TEXT,                 -- report jobs: the UTF-8 text printed; NULL otherwise
  created_at  TEXT NOT NULL,        -- UTC ISO
  printed_at  TEXT                  -- UTC ISO of the successful try
);
CREATE INDEX print_jobs_state ON print_jobs (state, id);
CREATE INDEX print_jobs_receipt ON print_jobs (receipt_no, kind);
