// What one journal event does to the hub's projections (DESIGN §7), as data.
// Dialect-neutral: each HubStore applies the effects with its own SQL, live
// at ingest and again in Rebuild, so both give the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linli/pos/status.h"

namespace linli::hub {

struct StockDelta {
  std::string sku;
  int64_t qty_milli = 0;  // signed
};
struct SalesDelta {
  std::string business_date;
  std::string sku;
  int64_t sales_fen = 0;
  int64_t refunds_fen = 0;
  int64_t tax_fen = 0;    // signed, net
  int64_t qty_milli = 0;  // signed, net
};
struct TenderDelta {
  std::string business_date;
  std::string method;
  int64_t amount_fen = 0;  // signed
};
struct EventEffects {
  std::vector<StockDelta> stock;
  std::vector<SalesDelta> sales;
  std::vector<TenderDelta> tenders;
  std::string receipt_date;  // non-empty: one receipt on that business date
  bool refund = false;       // that receipt is a refund or void
  std::vector<std::string> skus;  // every SKU the event names (checked against the catalogue)
};

// The effects of a type@version event with the given canonical JSON payload:
//   sale@1          stock −qty per line; sales += total; tax, qty; tenders +
//   refund@1/void@1 stock +qty per line; refunds += total; tax, qty −; tenders −
//   stock_movement@1 stock += qty_milli (already signed)
//   shift_*@1, cash_movement@1: none
// InvalidArgument (the reason becomes the event's flag) when the payload
// lacks a field these rules read.
Result<EventEffects> EffectsOf(const std::string& type, int type_version,
                               const std::string& payload);

}  // namespace linli::hub
