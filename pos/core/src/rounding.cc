#include "linli/pos/rounding.h"

namespace linli {

int64_t DivRound(__int128 n, __int128 d, RoundingMode mode) {
  const bool negative = n < 0;
  const __int128 a = negative ? -n : n;
  __int128 q = a / d;
  const __int128 r = a % d;
  switch (mode) {
    case RoundingMode::kDown:
      break;
    case RoundingMode::kHalfUp:
      if (r * 2 >= d) ++q;
      break;
    case RoundingMode::kHalfEven:
      if (r * 2 > d || (r * 2 == d && (q % 2) == 1)) ++q;
      break;
  }
  return static_cast<int64_t>(negative ? -q : q);
}

int64_t MulDivRound(int64_t a, int64_t b, int64_t c, RoundingMode mode) {
  return DivRound(static_cast<__int128>(a) * b, c, mode);
}

int64_t LineTotalFen(int64_t unit_price_fen, int64_t qty_milli) {
  return MulDivRound(unit_price_fen, qty_milli, 1000);
}

int64_t IncludedTaxFen(int64_t gross_fen, int64_t rate_bp) {
  if (rate_bp <= 0) return 0;
  return MulDivRound(gross_fen, rate_bp, 10000 + rate_bp);
}

int64_t BasisPointsOf(int64_t amount_fen, int64_t bp) {
  return MulDivRound(amount_fen, bp, 10000);
}

}  // namespace linli
