// Stock: the sum of movements, with a cached on-hand figure updated in the
// same transaction as each movement (DESIGN §5). Negative stock is allowed
// and reported, never a reason to refuse.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/events.h"
#include "linli/pos/status.h"

namespace linli {

// Why stock moved. For kCount the quantity is the counted on-hand figure and
// the movement is the difference; kDamage, kExpired, kLoss and kReturnToSupplier
// take a positive quantity that leaves the shelf; kReceive adds; kCorrection is
// signed. The reasons are the journal's vocabulary (events.h).
using events::MovementReason;
using events::MovementReasonName;
using events::ParseMovementReason;

struct StockAdjustment {
  std::string sku;
  int64_t qty_milli = 0;
  MovementReason reason = MovementReason::kReceive;
  std::string user_id;  // may be empty for admin tools
  std::string note;
};

struct StockLevel {
  std::string sku;
  std::string name;
  std::string unit;         // "pcs" | "kg"
  int64_t on_hand_milli = 0;
  int64_t movement_milli = 0;  // for an adjustment: what this movement changed
};

// Records one movement and returns the new level. NotFound for an unknown SKU;
// InvalidArgument for a part of a piece (qty_milli not a multiple of 1000 for
// a "pcs" product: pieces are whole, grams are for "kg" goods).
Result<StockLevel> AdjustStock(Database& db, const StockAdjustment& adj, const Clock& clock);

// Levels for one SKU or, without one, every product that has stock or movements.
Result<std::vector<StockLevel>> ShowStock(Database& db, const std::optional<std::string>& sku);

// For use inside a caller's transaction (sales, refunds, receiving): appends
// the movement and updates the cache. Throws DbError.
void RecordMovement(Database& db, int64_t product_id, int64_t qty_milli, MovementReason reason,
                    const std::string& ref, const std::string& user_id, const std::string& note,
                    const std::string& occurred_at);

}  // namespace linli
