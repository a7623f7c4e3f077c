// What one journal event does to the hub's projections (DESIGN §7), as data.
//
// The rules are the events' own (pos/journal/include/linli/pos/events.h):
// each type's Effects() says what it does to stock, sales and tenders, and
// the store applies the same Effects() to its own stock. Here they are only
// named for the hub. Dialect-neutral: each HubStore applies the effects with
// its own SQL, live at ingest and again in Rebuild, so both give the same rows.
#pragma once

#include <string_view>

#include "linli/pos/events.h"
#include "linli/pos/status.h"

namespace linli::hub {

using events::EventEffects;
using events::SalesDelta;
using events::StockDelta;
using events::TenderDelta;

// The effects of a type@version event with the given canonical JSON payload
// (events::EffectsOf):
//   sale@1           stock −qty per line; sales += total; tax, qty; tenders +
//   refund@1/void@1  stock +qty per line; refunds += total; tax, qty −; tenders −
//   stock_movement@1 stock += qty_milli (already signed)
//   shift_*@1, cash_movement@1: nothing the hub projects today
// InvalidArgument, naming the field, when the payload is not a valid event of
// that type (the reason becomes the event's flag; the event is kept).
inline Result<EventEffects> EffectsOf(std::string_view type, int type_version, std::string_view payload) {
  return events::EffectsOf(type, type_version, payload);
}

}  // namespace linli::hub
