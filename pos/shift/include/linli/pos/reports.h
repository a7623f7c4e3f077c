// The X report (X报表, mid-shift reading) and the Z report (Z报表, end of a
// business day).
//
// Both are read-only summaries of what the checkout and the drawer recorded
// (schema/store/0004: sales, sale_lines, sale_tenders, shifts,
// cash_movements; 0002: audit_log). Neither writes, locks or "closes"
// anything: running a Z report twice gives the same content except the
// generated-at time (and the journal head, if events were appended in
// between). Each report is read inside one SQLite read snapshot (a deferred
// transaction in WAL mode, which never blocks the till), unless the caller
// already holds a transaction, in which case that one is used.
//
// What a report covers:
//   X with a shift open: the sales rows of that shift (sales.shift_id), its
//     cash movements, and audit rows from the shift's opening until now.
//   X with no shift open: the current store-local business day, as a Z
//     report for today would.
//   Z for a date 'YYYY-MM-DD' (store-local): the sales rows whose
//     business_date is that date, and cash movements, audit rows and shift
//     closes whose UTC time falls within that local day in the store's zone
//     (so a day is 23 or 25 hours across a DST change).
//
// How the figures are built. sales rows carry positive amounts and a kind:
//   sale    counts +1         refund  counts -1
//   void    reverses its original (original_sale_id): -1 for a voided sale,
//           +1 for a voided refund. A void's lines and tenders are its own
//           rows when it has any, otherwise its original's.
// gross (subtotal_fen), discounts (discount_fen), cash rounding (rounding_fen)
// and net (total_fen) are signed sums over the rows, so that
//   net = gross - discounts - rounding
// holds whenever it holds for every row. The sales/refunds/voids lines count
// rows of each kind with their (positive) totals. Tax by rate sums the lines'
// total_fen (tax-inclusive net) and tax_fen per tax_rate_bp, signed. Tenders
// sum sale_tenders.amount_fen per method and provider, signed (sales minus
// refunds, voids reversing). Per cashier (sales.cashier_id): the same counts,
// the signed net and discounts, and from audit_log (user_id, actions
// 'price_override', 'line_discount'/'order_discount', 'no_sale') how often
// prices were overridden, discounts given and the drawer opened without a
// sale; pay-ins and pay-outs come from cash_movements by user.
//
// Money is int64 fen throughout; nothing here uses floating point.
//
// Thread safety: as Database, one thread at a time per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/shifts.h"
#include "linli/pos/status.h"
#include "linli/pos/table_check.h"

namespace linli {

enum class ReportKind {
  kX,  // X报表: a reading mid-shift, or of today so far
  kZ,  // Z报表: a whole business day
};

// A number of rows and their summed (positive) total_fen.
struct CountTotal {
  int64_t count = 0;
  int64_t total_fen = 0;
};

// One tax rate: the tax-inclusive net of its lines and the tax within it.
struct TaxRateTotal {
  int64_t rate_bp = 0;  // 1300 = 13%
  int64_t net_fen = 0;
  int64_t tax_fen = 0;
};

struct CashierTotals {
  std::string user_id;
  std::string name;              // users.name; empty if unknown
  CountTotal sales;
  CountTotal refunds;
  CountTotal voids;
  int64_t net_fen = 0;           // signed, as Report::net_fen
  int64_t discount_fen = 0;      // signed, as Report::discount_fen
  int64_t price_overrides = 0;   // audit 'price_override' rows (改价)
  int64_t discounts = 0;         // audit 'line_discount' + 'order_discount'
  int64_t no_sales = 0;          // audit 'no_sale' rows (开钱箱)
  int64_t pay_in_fen = 0;
  int64_t pay_out_fen = 0;
};

// A shift in the report: for Z, every shift opened or closed within the day;
// for X on a shift, that shift with its drawer as it stands.
struct ShiftLine {
  Shift shift;
  DrawerSummary drawer;                 // figures from the records now
  std::optional<int64_t> variance_fen;  // counted - expected, once closed
};

struct Report {
  ReportKind kind = ReportKind::kZ;
  std::string store_code;
  std::string store_name;
  std::string timezone;          // IANA zone the local times are shown in
  std::string business_date;     // Z: the date asked for; X: today (local)
  std::optional<int64_t> shift_id;  // X with a shift open
  std::string period_start;      // UTC ISO, inclusive
  std::string period_end;        // UTC ISO, exclusive
  int64_t generated_at_ms = 0;   // Clock::NowMs() when built

  CountTotal sales;
  CountTotal refunds;
  CountTotal voids;
  int64_t gross_fen = 0;         // signed sum of subtotal_fen
  int64_t discount_fen = 0;      // signed sum of discount_fen
  int64_t rounding_fen = 0;      // signed sum of rounding_fen (抹零)
  int64_t net_fen = 0;           // signed sum of total_fen
  int64_t tax_fen = 0;           // signed sum of the lines' tax_fen
  std::vector<TaxRateTotal> taxes;    // by rate, highest first
  std::vector<TenderTotal> tenders;   // cash, wechat, alipay, unionpay, card, …
  int64_t price_overrides = 0;   // all cashiers
  int64_t discounts = 0;
  int64_t no_sales = 0;
  int64_t pay_in_fen = 0;
  int64_t pay_out_fen = 0;
  std::vector<CashierTotals> cashiers;  // by user_id
  std::vector<ShiftLine> shifts;        // by shift id

  int64_t journal_seq = 0;       // journal head when the report was read
  std::string journal_hash;      // its hash, hex (64 zeros when empty)

  // The report's own rows against the journal (table_check.h): X on a shift
  // checks that shift, otherwise the business date. When it is not ok the
  // printed report says so at the top, before any figure, and lists the
  // first rows that disagree at the end.
  TableCheckReport table_check;
  // The hub's signed checkpoint the sync agent kept (PROTOCOL §6.3): the
  // newest head the hub has proven it holds. None before the first sync.
  struct HubCheckpoint {
    int64_t epoch = 0;
    int64_t seq = 0;
    std::string hash;       // hex
    std::string signed_at;  // hub clock, UTC ISO
  };
  std::optional<HubCheckpoint> hub_checkpoint;

  // Integers in fen; times UTC ISO, plus generated_at_local in the store's
  // zone. Top-level keys: kind ("x"|"z"), store_code, store_name, timezone,
  // business_date, shift_id (or null), period_start, period_end,
  // generated_at, generated_at_local, sales/refunds/voids {count,total_fen},
  // gross_fen, discount_fen, rounding_fen, net_fen, tax_fen,
  // taxes[{rate_bp,net_fen,tax_fen}], tenders[{method,provider,label,
  // amount_fen}], price_overrides, discounts, no_sales, pay_in_fen,
  // pay_out_fen, cashiers[…], shifts[…], journal {seq, hash},
  // table_check (TableCheckReport::ToJson), hub_checkpoint {epoch, seq, hash,
  // signed_at} or null.
  nlohmann::json ToJson() const;

  // The printable report, `columns` display columns wide (32 for 58 mm
  // paper, 48 for 80 mm; any width from 16 works). Every line is at most
  // `columns` wide (DisplayWidth) and ends in '\n'. Labels are Chinese
  // (销售, 退货, 作废, 优惠, 税额, 现金, 微信, 支付宝, …); the journal head
  // prints as its seq and the first kReceiptHashPrefixLen hex characters.
  std::string RenderText(int columns) const;
};

// The X report: the open shift, or today (store-local) when none is open.
// Errors: database failures as DbErrorToStatus() words them; Corruption when
// journal_head names a missing row (JournalHead).
Result<Report> BuildXReport(Database& db, const Clock& clock);

// The Z report for one store-local business date, "YYYY-MM-DD".
// InvalidArgument for a malformed or impossible date ("2026-02-30"). A date
// with no sales is a valid report with zeros. Other errors as BuildXReport.
Result<Report> BuildZReport(Database& db, const std::string& date, const Clock& clock);

// The UTC instants [start, end) in milliseconds that the store-local day
// `date` ("YYYY-MM-DD") spans in IANA zone `tz`. InvalidArgument for a bad
// date. Exposed for the CLI and tests.
struct LocalDayRange {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};
Result<LocalDayRange> LocalDay(const std::string& date, const std::string& tz);

}  // namespace linli
