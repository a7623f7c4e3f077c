// Internals shared by checkout.cc and sales.cc: writing one sale, refund or
// void with everything that belongs to it in one transaction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "linli/pos/checkout.h"

namespace linli {

struct AuditRow {
  std::string action, approved_by, reason;
  nlohmann::json before, after;
  int64_t at_ms = 0;
};

struct SaleWrite {
  std::string kind;  // "sale" | "refund" | "void"
  std::string sale_uuid;
  std::string cashier_id;
  std::string approved_by;
  std::optional<int64_t> original_sale_id;
  std::string original_receipt_no;
  PricedCart priced;                      // amounts positive; kind gives direction; lines carry their unit
  std::map<int, int> original_line_nos;   // refund line → original line
  std::vector<Tender> tenders;
  int64_t change_fen = 0;
  std::optional<int64_t> member_id;
  std::string member_phone;
  int64_t points_earned = 0;              // negative on refunds and voids
  std::vector<AuditRow> audit;
};

// One transaction: receipt number, sale row, lines, tenders, promotions,
// stock movements (out for sales, back for refunds and voids), member points,
// audit rows and the journal event. Returns the committed sale.
Result<CommittedSale> WriteSale(Database& db, const Clock& clock, const CheckoutSettings& settings,
                                const SaleWrite& w);

}  // namespace linli
