// Committed sales: looking them up, their receipts, refunds and post-voids.
//
// A refund or a void is its own row, journal event and stock movement; the
// original sale is never edited (DESIGN §6).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "linli/pos/checkout.h"
#include "linli/pos/events.h"
#include "linli/pos/receipt.h"

namespace linli {

// The journal event a committed receipt is written as (sale@1, refund@1 or
// void@1 by its kind): `original_line_nos` maps a refund's lines to the
// sale's, `shift` is the shift open at the commit. The commit writes exactly
// this; benchmarks and tests build events the same way.
events::ReceiptEvent JournalEventOf(const CommittedSale& sale, const std::map<int, int>& original_line_nos = {},
                                    std::optional<int64_t> shift = std::nullopt);

// The sale, refund or void with this receipt number. NotFound otherwise.
Result<CommittedSale> LoadSale(Database& db, const std::string& receipt_no);

// One line of a day's receipt list (`linli sale list`).
struct SaleSummary {
  std::string receipt_no;
  std::string kind;          // "sale" | "refund" | "void"
  std::string occurred_at;   // UTC, as stored
  std::string local_time;    // "yyyy-MM-dd HH:mm:ss" in the store's zone
  std::string cashier_id;
  std::string cashier_name;  // "" when the user is unknown
  int64_t total_fen = 0;     // as stored (a refund's and a void's are what went back)
};

// The receipts of the store-local business date `date` (YYYY-MM-DD), in the
// order they were committed. InvalidArgument naming --date when it is not a
// date.
Result<std::vector<SaleSummary>> ListSales(Database& db, const std::string& date);

// The receipt model for a committed sale, as printed (reprint adds the mark).
// The first reads the sale by its number; the second prints the sale in hand
// (what Commit or RefundSale returned) without reading it back, and takes only
// the store's receipt settings and names from `db`. Both give the same model.
Result<ReceiptModel> BuildReceipt(Database& db, const std::string& receipt_no, bool reprint = false);
Result<ReceiptModel> BuildReceipt(Database& db, const CommittedSale& sale, bool reprint = false);

struct RefundLineRequest {
  int line_no = 0;        // the original sale's line number
  int64_t qty_milli = 0;  // how much of it comes back
};

struct RefundRequest {
  std::string receipt_no;                // the original sale
  std::vector<RefundLineRequest> lines;  // empty: everything not yet refunded
  bool to_cash = false;                  // pay back in cash instead of the original tender
  std::optional<Approval> approval;      // a manager PIN (needed by cashiers, and for to_cash)
  std::string reason;
};

// Refunds whole or chosen lines. A refund never exceeds what was sold minus
// what was already refunded (InvalidArgument naming the line and both
// amounts). Money goes back to the original tenders: card and payment code
// first, up to what each paid, then cash; payment codes through the gateway
// (`gateway` may be null only when no payment code is involved).
Result<CommittedSale> RefundSale(Database& db, const Clock& clock, const User& cashier,
                                 const RefundRequest& request, PaymentGateway* gateway);

// Post-void of the most recent sale (nothing after it), with a manager PIN.
// Puts the stock back and returns every tender (payment codes through the
// gateway). With to_cash, money taken by payment code or card goes back in
// cash from the drawer instead (the gateway is not called), as a refund's
// to_cash does: for a gateway that cannot be reached, or a customer who
// asks. The audit row says "void_to_cash".
Result<CommittedSale> VoidLastSale(Database& db, const Clock& clock, const User& cashier,
                                   const Approval& approval, PaymentGateway* gateway, bool to_cash = false);

}  // namespace linli
