// Internals shared by shifts.cc (the drawer at shift close) and reports.cc
// (the X/Z reports): the sign of a sales row in SQL and the order tenders are
// listed in. Not part of the shift library's interface.
#pragma once

#include <string>

#include "linli/pos/events.h"
#include "linli/pos/shifts.h"

namespace linli::shift_internal {

// The sign of a sales row `s` in every total, as an SQL expression over the
// row and its original `o` (LEFT JOIN sales o ON o.id = s.original_sale_id).
// Sales and refunds take events::Sign of their kind; a void reverses its
// original, so it takes the opposite of the original's sign (the void of a
// refund puts money back in). Written from events::Sign, the one rule.
inline const std::string& SignSql() {
  using events::ReceiptKind;
  using events::Sign;
  static const std::string sql =
      std::string("CASE s.kind WHEN 'sale' THEN ") + std::to_string(Sign(ReceiptKind::kSale)) +
      " WHEN 'refund' THEN " + std::to_string(Sign(ReceiptKind::kRefund)) +
      " ELSE (CASE WHEN o.kind = 'refund' THEN " + std::to_string(-Sign(ReceiptKind::kRefund)) +
      " ELSE " + std::to_string(-Sign(ReceiptKind::kSale)) + " END) END";
  return sql;
}

// The CTEs `r` and `src` (ending in a space, ready for the SELECT): for each
// sales row matching `sales_where` (over `s`, with its parameters), the rows
// of `child` (sale_lines or sale_tenders) it stands for, as src.cid, with the
// row's sign, src.sign. A void without child rows of its own stands for its
// original's.
inline std::string SignedChildRowsSql(const std::string& sales_where, const char* child) {
  return "WITH r AS (SELECT s.id, s.kind, s.original_sale_id, " + SignSql() +
         " AS sign FROM sales s LEFT JOIN sales o ON o.id = s.original_sale_id WHERE " + sales_where +
         "), src AS (SELECT r.sign, CASE WHEN r.kind = 'void' AND r.original_sale_id IS NOT NULL"
         " AND NOT EXISTS (SELECT 1 FROM " + child + " x WHERE x.sale_id = r.id)"
         " THEN r.original_sale_id ELSE r.id END AS cid FROM r) ";
}

// Tenders as receipts and reports list them: cash, then payment codes
// (WeChat, Alipay, UnionPay, others), then cards, then anything else; ties by
// method, then provider.
inline int TenderRank(const std::string& method, const std::string& provider) {
  if (method == "cash") return 0;
  if (method == "payment_code") {
    if (provider == "wechat") return 1;
    if (provider == "alipay") return 2;
    if (provider == "unionpay") return 3;
    return 4;
  }
  if (method == "card") return 5;
  return 6;
}

inline bool TenderBefore(const TenderTotal& a, const TenderTotal& b) {
  const int ra = TenderRank(a.method, a.provider), rb = TenderRank(b.method, b.provider);
  if (ra != rb) return ra < rb;
  if (a.method != b.method) return a.method < b.method;
  return a.provider < b.provider;
}

}  // namespace linli::shift_internal
