#include "linli/pos/inventory.h"

#include "linli/pos/journal.h"
#include "linli/pos/money.h"

namespace linli {
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
    // Pieces are whole; only weighed goods (kg, counted in grams) take parts.
    if (level.unit == "pcs" && adj.qty_milli % 1000 != 0) {
      return Status::InvalidArgument(
          "SKU " + adj.sku + " (" + level.name + ") is counted in whole pieces (件), so " +
          FormatMilli(adj.qty_milli) + " pieces cannot be recorded; give a whole number of pieces "
          "(--qty-milli is for weighed goods sold by the kg)");
    }
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
    // Manual movements are business facts too: journaled in the same
    // transaction, and the stock moves by the event's own rule.
    events::StockMovementEvent ev;
    ev.sku = adj.sku;
    ev.qty_milli = delta;
    ev.reason = adj.reason;
    if (!adj.user_id.empty()) ev.user = adj.user_id;
    if (!adj.note.empty()) ev.note = adj.note;
    if (adj.reason == MovementReason::kCount) ev.counted_milli = adj.qty_milli;
    const std::string at = FormatUtc(clock.NowMs());
    for (const events::StockDelta& d : ev.Effects().stock) {
      RecordMovement(db, product_id, d.qty_milli, d.reason, "", adj.user_id, adj.note, at);
    }
    auto entry = AppendEvent(db, ev, clock);
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
