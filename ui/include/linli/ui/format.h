// Formatting for the counter's screens. Display only: nothing here changes a
// stored value, and money never passes through floating point.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "linli/pos/pricing.h"

namespace linli::ui {

// "¥12.30", "-¥0.05".
std::string Yuan(int64_t fen);
// "12.30" (no symbol), for keypad fields and tables.
std::string YuanPlain(int64_t fen);

// A cart quantity: pieces "3", "1.5"; weighed goods "1.234 kg".
std::string QtyText(int64_t qty_milli, SaleUnit unit);

// An age for the status bar: "45 s", "12 min", "3 h 5 min", "2 d 4 h"
// (the unit words come from the string tables: "time.s" …).
std::string AgeText(int64_t ms);

// A stored UTC instant ("2026-12-03T11:25:49.711Z") as the store's clock
// shows it: "2026-12-03 19:25" in `time_zone`. Unreadable text is returned
// as it is.
std::string LocalTime(const std::string& utc, const std::string& time_zone);

// Digits typed on a cash keypad as fen: "50" → 5000, "12.5" → 1250,
// "0.05" → 5. Empty or malformed → -1. At most two decimals, no float.
int64_t KeypadToFen(std::string_view typed);

// Grams from what was typed: "350" → 350, "1.2kg"/"1.2 kg" → 1200. -1 when
// malformed or not positive.
int64_t ParseGrams(std::string_view typed);

// The receipt number inside what a receipt's QR or barcode carries: the
// QR payload "LINLI1|S001|S001-20261121-0001|…" (read by ParseReceiptQr;
// "" when it does not parse) or the number itself.
std::string ReceiptNoFromScan(std::string_view scanned);

}  // namespace linli::ui
