#include "linli/pos/inventory.h"

#include "linli/pos/journal.h"

namespace linli {
namespace {

struct ReasonName {
  MovementReason reason;
  const char* name;
  const char* zh;
};
constexpr ReasonName kReasons[] = {
    {MovementReason::kReceive, "receive", "收货"},
    {MovementReason::kCount, "count", "盘点"},
    {MovementReason::kDamage, "damage", "报损"},
    {MovementReason::kExpired, "expired", "过期"},
    {MovementReason::kLoss, "loss", "丢失"},
    {MovementReason::kReturnToSupplier, "return_to_supplier", "退供"},
    {MovementReason::kCorrection, "correction", "更正"},
    {MovementReason::kSale, "sale", "销售"},
    {MovementReason::kRefund, "refund", "退货"},
    {MovementReason::kVoid, "void", "作废"},
    {MovementReason::kTransferIn, "transfer_in", "调入"},
    {MovementReason::kTransferOut, "transfer_out", "调出"},
};

}  // namespace

Result<MovementReason> ParseMovementReason(std::string_view s) {
  for (const auto& r : kReasons) {
    if (s == r.name || s == r.zh) return r.reason;
  }
  return Status::InvalidArgument(
      "reason \"" + std::string(s) +
      "\" is unknown; use receive, count, damage, expired, loss, return_to_supplier, correction, "
      "transfer_in or transfer_out");
}

const char* MovementReasonName(MovementReason r) {
  for (const auto& x : kReasons) {
    if (x.reason == r) return x.name;
  }
  return "correction";
}

void RecordMovement(Database& db, int64_t product_id, int64_t qty_milli, MovementReason reason,
                    const std::string& ref, const std::string& user_id, const std::string& note,
                    const std::string& occurred_at) {
  db.Cached("INSERT INTO stock_movements (product_id, qty_milli, reason, ref, user_id, note, occurred_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, product_id)
      .Bind(2, qty_milli)
      .Bind(3, MovementReasonName(reason))
      .Bind(4, ref.empty() ? std::optional<std::string>() : ref)
      .Bind(5, user_id.empty() ? std::optional<std::string>() : user_id)
      .Bind(6, note.empty() ? std::optional<std::string>() : note)
      .Bind(7, occurred_at)
      .Run();
  db.Cached("INSERT INTO stock_on_hand (product_id, qty_milli, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(product_id) DO UPDATE SET qty_milli = qty_milli + excluded.qty_milli, "
            "updated_at = excluded.updated_at")
      .Bind(1, product_id)
      .Bind(2, qty_milli)
      .Bind(3, occurred_at)
      .Run();
}

Result<StockLevel> AdjustStock(Database& db, const StockAdjustment& adj, const Clock& clock) {
  StockLevel level;
  Status st = Guard([&]() -> Status {
    Transaction tx(db);
    Statement p = db.Prepare(
        "SELECT p.id, p.name, p.unit, COALESCE(s.qty_milli, 0) FROM products p "
        "LEFT JOIN stock_on_hand s ON s.product_id = p.id WHERE p.sku = ?");
    p.Bind(1, adj.sku);
    if (!p.Step()) {
      return Status::NotFound("SKU \"" + adj.sku + "\" is not in the catalog; check it with `linli catalog find`");
    }
    const int64_t product_id = p.Int(0);
    const int64_t on_hand = p.Int(3);
    level.sku = adj.sku;
    level.name = p.Text(1);
    level.unit = p.Text(2);
    int64_t delta = 0;
    switch (adj.reason) {
      case MovementReason::kCount:
        if (adj.qty_milli < 0) return Status::InvalidArgument("a counted quantity cannot be negative");
        delta = adj.qty_milli - on_hand;
        break;
      case MovementReason::kDamage:
      case MovementReason::kExpired:
      case MovementReason::kLoss:
      case MovementReason::kReturnToSupplier:
      case MovementReason::kTransferOut:
      case MovementReason::kSale:
        if (adj.qty_milli <= 0) {
          return Status::InvalidArgument(std::string("quantity for ") + MovementReasonName(adj.reason) +
                                         " must be positive (the amount leaving the shelf)");
        }
        delta = -adj.qty_milli;
        break;
      case MovementReason::kReceive:
      case MovementReason::kTransferIn:
      case MovementReason::kRefund:
      case MovementReason::kVoid:
        if (adj.qty_milli <= 0) {
          return Status::InvalidArgument(std::string("quantity for ") + MovementReasonName(adj.reason) +
                                         " must be positive");
        }
        delta = adj.qty_milli;
        break;
      case MovementReason::kCorrection:
        if (adj.qty_milli == 0) return Status::InvalidArgument("a correction of zero changes nothing");
        delta = adj.qty_milli;
        break;
    }
    RecordMovement(db, product_id, delta, adj.reason, "", adj.user_id, adj.note, FormatUtc(clock.NowMs()));
    // Manual movements are business facts too: journaled in the same transaction.
    nlohmann::json payload = {{"sku", adj.sku}, {"qty_milli", delta}, {"reason", MovementReasonName(adj.reason)}};
    if (!adj.user_id.empty()) payload["user"] = adj.user_id;
    if (!adj.note.empty()) payload["note"] = adj.note;
    if (adj.reason == MovementReason::kCount) payload["counted_milli"] = adj.qty_milli;
    auto entry = AppendJournal(db, "stock_movement", 1, payload, clock);
    if (!entry.ok()) return entry.status();
    tx.Commit();
    level.movement_milli = delta;
    level.on_hand_milli = on_hand + delta;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return level;
}

Result<std::vector<StockLevel>> ShowStock(Database& db, const std::optional<std::string>& sku) {
  std::vector<StockLevel> out;
  Status st = Guard([&]() -> Status {
    Statement s = db.Prepare(
        "SELECT p.sku, p.name, p.unit, COALESCE(s.qty_milli, 0) FROM products p "
        "LEFT JOIN stock_on_hand s ON s.product_id = p.id "
        "WHERE (?1 IS NULL AND s.product_id IS NOT NULL) OR p.sku = ?1 ORDER BY p.sku");
    s.Bind(1, sku);
    while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Int(3), 0});
    if (sku && out.empty()) return Status::NotFound("SKU \"" + *sku + "\" is not in the catalog");
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
