// Effective-dated prices at the till (DESIGN §6, issue 5 "Pull").
//
// `products.price_fen` is the price in force; `prices` keeps the history.
// A price that HQ sets for a future date is written to `prices` and to the
// `scheduled_prices` to-do list (schema/store/0006_sync.sql). When its date
// arrives ApplyDuePrices makes it the price in force, whether or not the hub
// is reachable: the till needs only its own clock.
//
// Thread safety: as Database.
#pragma once

#include <cstdint>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

// Records price_fen for product_id from effective_ms (Unix ms, UTC).
//
// MUST be called inside the caller's open Transaction (it does not begin or
// commit one). Writes the `prices` history row (source `source`). When
// effective_ms <= now it becomes products.price_fen at once, unless a later
// price is already in force; otherwise it is scheduled. Re-recording the same
// (product, time) replaces the price, so applying a change twice is harmless.
// Bumps the catalog version when products.price_fen changes.
// Throws DbError (callers inside pos services wrap it with Guard).
void RecordPrice(Database& db, int64_t product_id, int64_t effective_ms, int64_t price_fen,
                 const char* source, const Clock& clock);

// Makes every scheduled price whose time has come (effective_ms <= now) the
// price in force, in effective order, in one transaction, and returns how
// many were applied. Cost is one indexed lookup when nothing is due, so the
// checkout calls it at the start of each sale. Returns a Status for database
// failures (nothing applied). Must NOT be called inside an open transaction.
Result<int> ApplyDuePrices(Database& db, const Clock& clock);

}  // namespace linli
