#include "linli/pos/price_schedule.h"

#include "linli/pos/catalog.h"

namespace linli {

void RecordPrice(Database& db, int64_t product_id, int64_t effective_ms, int64_t price_fen,
                 const char* source, const Clock& clock) {
  const int64_t now = clock.NowMs();
  db.Cached(
        "INSERT INTO prices (product_id, effective_from, price_fen, source) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(product_id, effective_from) DO UPDATE SET price_fen = excluded.price_fen, "
        "source = excluded.source")
      .Bind(1, product_id)
      .Bind(2, FormatUtc(effective_ms))
      .Bind(3, price_fen)
      .Bind(4, source)
      .Run();
  if (effective_ms > now) {
    db.Cached(
          "INSERT INTO scheduled_prices (product_id, effective_ms, price_fen) VALUES (?, ?, ?) "
          "ON CONFLICT(product_id, effective_ms) DO UPDATE SET price_fen = excluded.price_fen")
        .Bind(1, product_id)
        .Bind(2, effective_ms)
        .Bind(3, price_fen)
        .Run();
    return;
  }
  // In force now, unless a newer dated price has already taken over: the
  // newest history row with effective_from <= now decides. ISO-8601 UTC text
  // with milliseconds sorts as time does.
  Statement& newest = db.Cached(
      "SELECT price_fen FROM prices WHERE product_id = ? AND effective_from <= ? "
      "ORDER BY effective_from DESC LIMIT 1");
  newest.Bind(1, product_id).Bind(2, FormatUtc(now));
  const int64_t in_force = newest.Step() ? newest.Int(0) : price_fen;
  newest.Reset();
  db.Cached("UPDATE products SET price_fen = ?, updated_at = ? WHERE id = ? AND price_fen <> ?")
      .Bind(1, in_force)
      .Bind(2, FormatUtc(now))
      .Bind(3, product_id)
      .Bind(4, in_force)
      .Run();
  if (db.Changes() > 0) BumpCatalogVersion(db);
}

Result<int> ApplyDuePrices(Database& db, const Clock& clock) {
  const int64_t now = clock.NowMs();
  int applied = 0;
  Status st = Guard([&] {
    {
      // The common case: nothing due, one index probe, no write lock taken.
      Statement& any = db.Cached("SELECT 1 FROM scheduled_prices WHERE effective_ms <= ? LIMIT 1");
      any.Bind(1, now);
      const bool due = any.Step();
      any.Reset();
      if (!due) return;
    }
    Transaction tx(db);
    Statement due = db.Prepare(
        "SELECT product_id, effective_ms, price_fen FROM scheduled_prices WHERE effective_ms <= ? "
        "ORDER BY effective_ms, product_id");
    due.Bind(1, now);
    // The price in force is the newest history row that has started, not
    // the scheduled row itself: a price recorded later with an earlier (but
    // still newer) date must not be overwritten by an older schedule.
    Statement newest = db.Prepare(
        "SELECT price_fen FROM prices WHERE product_id = ? AND effective_from <= ? "
        "ORDER BY effective_from DESC LIMIT 1");
    Statement set = db.Prepare("UPDATE products SET price_fen = ?, updated_at = ? WHERE id = ?");
    const std::string now_text = FormatUtc(now);
    while (due.Step()) {
      const int64_t product_id = due.Int(0);
      newest.Bind(1, product_id).Bind(2, now_text);
      const int64_t price = newest.Step() ? newest.Int(0) : due.Int(2);
      newest.Reset();
      set.Bind(1, price).Bind(2, now_text).Bind(3, product_id).Run();
      ++applied;
    }
    db.Prepare("DELETE FROM scheduled_prices WHERE effective_ms <= ?").Bind(1, now).Run();
    if (applied > 0) BumpCatalogVersion(db);
    tx.Commit();
  });
  if (!st.ok()) return st;
  return applied;
}

}  // namespace linli
