// Money, quantities and rates as exact integers (DESIGN §4).
//
// Money is int64 fen (分); Quantity is int64 milli-units (1 piece = 1000, weighed
// goods in grams); rates are basis points (13% = 1300). Parsing and formatting
// never go through floating point.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "linli/pos/status.h"

namespace linli {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Fen(int64_t fen) { return Money(fen); }
  constexpr int64_t fen() const { return fen_; }

  constexpr Money operator+(Money o) const { return Money(fen_ + o.fen_); }
  constexpr Money operator-(Money o) const { return Money(fen_ - o.fen_); }
  constexpr Money operator-() const { return Money(-fen_); }
  constexpr Money& operator+=(Money o) { fen_ += o.fen_; return *this; }
  constexpr Money& operator-=(Money o) { fen_ -= o.fen_; return *this; }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

enum class Sign { kNonNegative, kAny };

// Parses a yuan amount exactly: "3.5", "3.50", "¥3.50", "￥12", "12", " 0.05 ".
// At most two decimals ("3.505" is refused, not rounded). With kNonNegative a
// leading '-' is refused. The message says what was wrong with the value.
Result<Money> ParseYuan(std::string_view text, Sign sign = Sign::kNonNegative);

// "3.50", "-0.05", "1234.00". With symbol: "¥3.50".
std::string FormatYuan(Money m, bool with_symbol = false);

// Parses a quantity with up to three decimals into milli-units: "1.5" → 1500.
Result<int64_t> ParseMilli(std::string_view text, Sign sign = Sign::kNonNegative);

// 1500 → "1.5", 3000 → "3", 250 → "0.25".
std::string FormatMilli(int64_t milli);

// Parses a percent with up to two decimals into basis points: "13" → 1300,
// "13%" → 1300, "6.5" → 650. Range 0–100.
Result<int64_t> ParsePercentBp(std::string_view text);

// 1300 → "13", 650 → "6.5".
std::string FormatPercentBp(int64_t bp);

}  // namespace linli
