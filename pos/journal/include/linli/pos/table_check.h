// The journal is the truth; the tables are checked against it.
//
// The sales, sale_lines, sale_tenders, stock_movements, stock_on_hand,
// shifts and cash_movements tables are projections of the journal: every row
// in them was written in the same transaction as the event that describes
// it. The journal is hash-chained and signed (journal.h), the tables are not,
// so anyone with the SQLite file can edit `sales.total_fen` and the X/Z
// reports would print the edited money. CheckTables re-derives what those
// rows must hold from the journal payloads and names every row that
// disagrees, by receipt number (or shift, cash movement, SKU).
//
// What is compared, per receipt event (sale@1, refund@1, void@1) in scope:
//   - its journal row still hashes to its stored hash (an edited payload is
//     reported here and in full by VerifyJournal);
//   - the sales row with its sale_uuid: receipt_no, kind, business_date,
//     cashier, approver, shift, subtotal/discount/rounding/total/tax/change,
//     the original receipt of a refund or void, journal_seq and journal_hash;
//   - its sale_lines (count; per line sku, qty, unit price, gross, discount,
//     rounding, total, tax rate, tax, original line) and sale_tenders (count;
//     per position method, amount, provider, reference);
//   - the stock_movements rows whose ref is its receipt number, summed per
//     SKU and reason, against the event's stock effects;
// and sales rows in scope that no journal event describes are reported too.
// Per shift in scope: its shifts row against shift_open@1 (user, float,
// opened_at) and shift_close@1 (closed, closed_by, counted and expected
// cash), and its pay-in/pay-out cash_movements against cash_movement@1 both
// ways (no-sale drawer opens are not journaled and must hold 0).
// With the whole store in scope, also: hand-made stock movements (no
// receipt) summed per SKU and reason against stock_movement@1, and
// stock_on_hand per SKU against the sum of every stock effect.
//
// Scope: the whole store; one business date (the Z report: its receipts and
// the shifts they name); one shift (the X report: its receipts, movements and
// the shift); or one receipt number (a reprint).
//
// Reads within one snapshot and writes nothing. Thread safety: as Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/db.h"

namespace linli {

struct TableCheckScope {
  std::optional<std::string> business_date;  // "2026-12-03", store-local
  std::optional<int64_t> shift_id;
  std::optional<std::string> receipt_no;
  // None of the three: the whole store.
  bool Whole() const { return !business_date && !shift_id && !receipt_no; }
};

// One row (or missing row) that disagrees with the journal.
struct TableMismatch {
  int64_t seq = 0;        // the journal event it was checked against; 0 = none
  std::string subject;    // "S001-20261203-0002", "shift 3", "cash movement 5", "SKU 6901"
  std::string table;      // "sales", "sale_lines", …
  std::string field;      // "total_fen"; empty when a whole row is missing or extra
  std::string journal;    // what the journal says ("1200"); empty for an extra row
  std::string found;      // what the table holds ("900"); empty for a missing row
  // "S001-20261203-0002: sales.total_fen is 900 in the table but 1200 in the
  // journal (seq 14)".
  std::string Sentence() const;
};

struct TableCheckReport {
  bool ok = true;               // false when the check found a mismatch or could not run
  int64_t receipts_checked = 0;  // receipt events compared
  int64_t events_checked = 0;    // every event read, receipts included
  int64_t mismatch_count = 0;    // all found; `mismatches` keeps the first kMaxListed
  std::vector<TableMismatch> mismatches;
  std::string error;            // non-empty when the check could not run (database error)

  static constexpr size_t kMaxListed = 100;

  // "tables match the journal (12 receipts)" or "3 rows disagree with the
  // journal: S001-…: sales.total_fen …; …" (the first few).
  std::string Summary() const;
  // {"ok", "receipts_checked", "events_checked", "mismatch_count",
  //  "mismatches":[{seq, subject, table, field, journal, found, text}], "error"}
  nlohmann::json ToJson() const;
};

TableCheckReport CheckTables(Database& db, const TableCheckScope& scope = {});

}  // namespace linli
