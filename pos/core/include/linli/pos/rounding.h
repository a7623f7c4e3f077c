// Every rounding Linli performs has a name and lives here (DESIGN §4).
//
// All arithmetic is on integers. Intermediate products use 128-bit integers so
// that fen × milli-units × basis points cannot overflow.
#pragma once

#include <cstdint>

namespace linli {

enum class RoundingMode {
  kHalfUp,    // 四舍五入: halves go away from zero (2.5 → 3, -2.5 → -3)
  kDown,      // toward zero (抹零 "down")
  kHalfEven,  // banker's rounding, for reports that ask for it
};

// Rounds numerator / denominator to an integer. denominator must be > 0.
int64_t DivRound(__int128 numerator, __int128 denominator,
                 RoundingMode mode = RoundingMode::kHalfUp);

// round(a * b / c) without overflow; c must be > 0.
int64_t MulDivRound(int64_t a, int64_t b, int64_t c,
                    RoundingMode mode = RoundingMode::kHalfUp);

// Line total: round(unit price in fen × quantity in milli-units / 1000).
int64_t LineTotalFen(int64_t unit_price_fen, int64_t qty_milli);

// Tax contained in a tax-inclusive amount: round(gross × rate / (10000 + rate)).
int64_t IncludedTaxFen(int64_t gross_fen, int64_t rate_bp);

// Percent-of amount: round(amount × bp / 10000), e.g. a 10% discount is 1000 bp.
int64_t BasisPointsOf(int64_t amount_fen, int64_t bp);

}  // namespace linli
