// Products added or changed at the till by a manager (issue 12 "Goods without
// a barcode, and the manager's jobs at the till").
//
// The unknown-barcode flow (新增商品) and the product edit both end here: the
// product is written, its price recorded as the store's own price
// (price_schedule.h), an audit row kept, and a product_edit@1 event appended
// to the journal, all in ONE transaction. The sync agent then carries the
// event to the hub, which keeps the store's product (proj_store_products) so
// the store's sales of a till-made SKU are projected too.
//
// It lives in sale, not catalog, because it needs the users and the manager
// approval (shift, CheckApproval) besides the catalogue.
//
// Thread safety: as Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "linli/pos/checkout.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/pos/users.h"

namespace linli {

struct TillProductEdit {
  // add: the code that was scanned (required); the SKU defaults to
  // "N" + barcode. edit: the SKU of the product to change (required).
  std::string sku;
  std::string barcode;
  std::optional<std::string> name;    // add: required; edit: nullopt keeps it
  std::optional<int64_t> price_fen;   // add: required; edit: nullopt keeps it
  std::string unit = "pcs";           // add only: "pcs" | "kg" (件/个/千克 accepted)
};

struct TillProductResult {
  std::string sku;
  bool added = false;
  int64_t price_fen = 0;            // the price in force now, after the edit
  bool price_applies = true;        // false: HQ's price in force wins (price_authority=hq)
  std::string approved_by;          // "" when the actor is a manager
  int64_t journal_seq = 0;
};

// The most a till may price one piece or kilo at: ¥100,000.00.
inline constexpr int64_t kTillMaxPriceFen = 10'000'000;

// Adds (edit.sku empty: a new product for edit.barcode) or edits a product.
// `actor` is the signed-in user; a cashier needs `approval` by a manager.
// Errors, each keyed for the counter (pos.product.*): InvalidArgument naming
// the field (empty name, price ≤ 0 or over the bound, unknown unit, a barcode
// that belongs to another product), NotFound for an edit of an unknown SKU,
// AlreadyExists for an add whose SKU exists, PermissionDenied without a
// manager's approval. Nothing is written on any error.
Result<TillProductResult> SaveTillProduct(Database& db, const TillProductEdit& edit, const User& actor,
                                          const std::optional<Approval>& approval, const Clock& clock);

}  // namespace linli
