// Shifts and the cash drawer (班次与钱箱).
//
// One till, so at most one shift is open at a time (schema/store/0004:
// `shifts`, unique index shifts_one_open). A shift opens with a float (备用金),
// takes pay-ins (存入) and pay-outs (取出) with a reason, and closes with the
// cash counted in the drawer; the close compares what the records say the
// drawer should hold with what was counted, tender by tender.
//
// What the drawer should hold (expected cash, 应有现金):
//
//   float
//   + cash tenders of sales          (sales.kind = 'sale')
//   - cash tenders of refunds        (sales.kind = 'refund')
//   - cash tenders of voided sales   (sales.kind = 'void': a void reverses
//                                     its original; a void of a refund adds)
//   + pay-ins - pay-outs
//
// counting the sales rows whose shift_id is the shift. A cash tender's
// amount_fen is what was applied to the sale (tendered minus change), so change
// never appears here. A void's tenders are its own sale_tenders rows when it
// has any, otherwise its original sale's. Non-cash tenders (payment codes,
// cards) are not in the drawer: for them "counted" is the recorded total by
// definition and the variance is zero; they are listed so the close slip shows
// every tender.
//
// Every change below runs in one transaction (BEGIN IMMEDIATE) that writes the
// fact, its audit_log row and, for open, close, pay-in and pay-out, its journal
// event (AppendEvent, journal.h): shift_open@1, cash_movement@1 and
// shift_close@1, whose fields are defined in events.h (JOURNAL_FORMAT.md §6).
//
// Audit actions written here: 'shift_open', 'shift_close', 'pay_in',
// 'pay_out', 'no_sale'.
//
// Users are checked against the users table: an unknown or disabled id is
// NotFound. Permissions (who may pay out, who may close) are the caller's
// business: authenticate first (users.h).
//
// Errors: InvalidArgument names the bad input; FailedPrecondition says what
// state stops the action (no open shift, one already open); database failures
// come back as DbErrorToStatus() words them. On any error nothing is written.
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
#include "linli/pos/status.h"

namespace linli {

// One row of `shifts`, with the opener's display name.
struct Shift {
  int64_t id = 0;
  std::string user_id;       // who opened it
  std::string user_name;     // users.name, empty if the user is gone
  bool open = false;
  std::string opened_at;     // UTC ISO, "2026-11-21T00:30:00.000Z"
  int64_t float_fen = 0;     // 备用金
  std::optional<std::string> closed_at;
  std::optional<std::string> closed_by;
  std::optional<int64_t> counted_cash_fen;
  std::optional<int64_t> expected_cash_fen;
};

// One recorded pay-in or pay-out (cash_movements row).
struct CashMovement {
  int64_t id = 0;
  int64_t shift_id = 0;
  std::string kind;          // "pay_in" | "pay_out" | "no_sale"
  int64_t amount_fen = 0;    // positive; kind says the direction
  std::string reason;
  std::string user_id;
  std::string occurred_at;   // UTC ISO
};

// The net total of one tender over a set of sales rows: sales minus refunds,
// voids reversing their originals. method is "cash" | "payment_code" | "card"
// (or whatever else the checkout wrote); provider is "wechat" | "alipay" |
// "unionpay" for payment codes, else empty.
struct TenderTotal {
  std::string method;
  std::string provider;
  int64_t amount_fen = 0;
};

// What the records say about one shift's drawer, at the moment of asking.
struct DrawerSummary {
  int64_t shift_id = 0;
  int64_t float_fen = 0;
  int64_t cash_sales_fen = 0;     // net cash from sales, refunds and voids
  int64_t pay_in_fen = 0;
  int64_t pay_out_fen = 0;
  int64_t no_sale_count = 0;      // drawer opens without a sale
  int64_t expected_cash_fen = 0;  // float + cash_sales + pay_in - pay_out
  // Every tender used in the shift, cash included (even when zero), in the
  // order cash, wechat, alipay, unionpay, card, then others by name.
  std::vector<TenderTotal> tenders;
};

// A counted denomination: 3 notes of 100 yuan is {10000, 3}.
struct Denomination {
  int64_t value_fen = 0;  // > 0
  int64_t count = 0;      // >= 0
};

// Expected vs counted for one tender. variance = counted - expected:
// positive is over (长款), negative short (短款).
struct TenderReconciliation {
  std::string method;
  std::string provider;
  int64_t expected_fen = 0;
  int64_t counted_fen = 0;
  int64_t variance_fen = 0;
};

// What CloseShift returns: the closed shift and the close slip's figures.
struct ShiftCloseReport {
  Shift shift;                 // as closed: closed_at, closed_by, counts set
  DrawerSummary drawer;        // the figures expected cash was built from
  int64_t expected_cash_fen = 0;
  int64_t counted_cash_fen = 0;
  int64_t variance_fen = 0;    // counted - expected
  std::vector<TenderReconciliation> tenders;  // cash first, as drawer.tenders
  std::vector<Denomination> denominations;    // as given, sorted high to low
  int64_t journal_seq = 0;     // the shift_close event
  std::string journal_hash;    // its hash, hex

  // Integers in fen; times UTC ISO. Keys: shift_id, opened_by, opened_at,
  // closed_by, closed_at, float_fen, cash_sales_fen, pay_in_fen, pay_out_fen,
  // expected_cash_fen, counted_cash_fen, variance_fen, tenders[],
  // denominations[], journal_seq, journal_hash.
  nlohmann::json ToJson() const;

  // The close slip (交班单), `columns` display columns wide (32 or 48; any
  // width from 16 works), every line at most `columns` wide, '\n'-terminated.
  // Times are shown in time_zone.
  std::string RenderText(int columns, const std::string& time_zone = "Asia/Shanghai") const;
};

// Opens a shift for user_id with float_fen in the drawer.
// FailedPrecondition when a shift is already open; the message says which,
// who opened it and when (store-local time). InvalidArgument when float_fen
// is negative.
Result<Shift> OpenShift(Database& db, const std::string& user_id, int64_t float_fen,
                        const Clock& clock);

// Records cash put into (PayIn) or taken out of (PayOut) the drawer during the
// open shift. amount_fen must be positive and reason non-empty (after trimming
// spaces). FailedPrecondition when no shift is open, and for a pay-out larger
// than the cash the drawer is expected to hold (the message gives both).
Result<CashMovement> PayIn(Database& db, const std::string& user_id, int64_t amount_fen,
                           const std::string& reason, const Clock& clock);
Result<CashMovement> PayOut(Database& db, const std::string& user_id, int64_t amount_fen,
                            const std::string& reason, const Clock& clock);

// Audits a drawer opened without a sale (开钱箱). The reason is required. When
// a shift is open the open is also recorded against it (cash_movements, kind
// 'no_sale', amount 0); without one only the audit row is written. Opening the
// drawer itself is the caller's job, after this returns OK. No journal event:
// no money moves.
Status RecordNoSale(Database& db, const std::string& user_id, const std::string& reason,
                    const Clock& clock);

// Closes the open shift with the cash counted in the drawer. When
// `denominations` is given, its sum must equal counted_cash_fen
// (InvalidArgument otherwise, giving both figures); values must be positive
// and counts non-negative. FailedPrecondition when no shift is open.
// The expected cash and the count are stored on the shift row.
Result<ShiftCloseReport> CloseShift(
    Database& db, const std::string& user_id, int64_t counted_cash_fen,
    const std::optional<std::vector<Denomination>>& denominations, const Clock& clock);

// The open shift, or nullopt when none is open.
Result<std::optional<Shift>> CurrentShift(Database& db);

// Loads one shift by id. NotFound when there is none.
Result<Shift> GetShift(Database& db, int64_t shift_id);

// The drawer figures for a shift, open or closed, from the records as they
// are now. NotFound for an unknown shift. Reads only; may be called inside or
// outside a transaction.
Result<DrawerSummary> SummarizeDrawer(Database& db, int64_t shift_id);

// Chinese label of a tender for slips and reports: 现金, 微信, 支付宝, 银联,
// 刷卡 ("card"), 付款码 (a payment code without a known provider); anything
// else is returned as given.
std::string TenderLabel(const std::string& method, const std::string& provider);

}  // namespace linli
