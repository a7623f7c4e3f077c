// The checkout pricing engine: a pure function from a cart and the store's
// promotions to priced lines and totals. No database, no I/O, no clock (the
// sale time is an input), no floating point; the same input always gives the
// same output, byte for byte.
//
// Order of operations (every step in integer fen, DESIGN §4):
//   1. gross      = LineTotalFen(unit price, qty) half-up, or the scale label's
//                   fixed amount; the unit price is the override when present.
//   2. promotions = the assignment of promotions to units with the largest
//                   total discount (see "Promotion assignment" below).
//   3. line discount (percent of the post-promotion net, or an amount).
//   4. order discount (percent of the post-line-discount total, or an amount),
//                   shared out over the lines by the largest remainder method.
//   5. cash rounding 抹零, shared out the same way.
//   6. tax per line = IncludedTaxFen(line total, rate) (prices include tax).
// The line totals always add up exactly to the cart total and no line total is
// ever negative.
//
// Promotion assignment
// --------------------
// A unit (one piece of a pcs line; the whole line for weighed goods, scale
// labels and fractional piece quantities) gets at most one promotion. Per-unit
// promotions (percent_off, fixed_price, member_price and the product's own
// member price when a member is attached) never interact, so every remaining
// unit simply takes the largest one (tie: smallest promotion id; the product
// member price has the id kProductMemberPriceId). Multi-unit promotions
// (nth_item_percent, bundle_price, buy_x_get_y) are searched exhaustively over
// how many times each is applied — the total is the multi-unit discounts plus
// the best per-unit discounts of what they leave over — and the largest total
// wins; among equal totals, the one applying the smallest-id promotion more
// often wins (then the next id, and so on). The search is exhaustive while the
// product over multi-unit promotions of (maximum applications + 1) is at most
// kMaxPromotionSearchLeaves; above that a greedy fallback repeatedly applies
// the promotion whose next application gains the most over the per-unit
// discounts it displaces (tie: smallest id) until none gains.
// Each application of a multi-unit promotion takes the remaining eligible
// pieces that are worth most to it (unit price minus their best per-unit
// discount, highest first; tie: lower line number); within that group the
// discounted pieces are the cheapest (第二件半价 discounts the cheaper of the
// pair; for buy_x_get_y the buy pieces are taken first, preferring pieces not
// in the get target). A bundle's discount is shared over its pieces in
// proportion to their prices (largest remainder). Lines with a price override
// take no promotion: the manager has set their price.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/promotions.h"
#include "linli/pos/status.h"

namespace linli {

// The promotion id reported for a product's own member price.
inline constexpr char kProductMemberPriceId[] = "member_price";
inline constexpr char kProductMemberPriceName[] = "会员价";

// Above this many combinations the promotion search turns greedy (see above).
inline constexpr int64_t kMaxPromotionSearchLeaves = 20000;

enum class SaleUnit { kPiece, kKg };

// The unit's name as products.unit and sale_lines.unit hold it: "kg" or "pcs".
const char* SaleUnitName(SaleUnit unit);
// The unit a stored name stands for: "kg" is kKg, anything else kPiece.
SaleUnit ParseSaleUnit(std::string_view name);

// A manual discount: a percent (basis points, 0–10000) or an amount in fen.
struct Discount {
  enum class Kind { kPercent, kAmount };
  Kind kind = Kind::kAmount;
  int64_t value = 0;

  static Discount PercentBp(int64_t bp) { return {Kind::kPercent, bp}; }
  static Discount AmountFen(int64_t fen) { return {Kind::kAmount, fen}; }
};

struct CartLine {
  int line_no = 0;  // from 1, in the order added; unique within the cart
  int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::string category;
  SaleUnit unit = SaleUnit::kPiece;
  int64_t unit_price_fen = 0;                 // per piece, or per kg
  std::optional<int64_t> member_price_fen;    // the product's member price
  int64_t qty_milli = 0;                      // > 0; grams for kg goods
  int64_t tax_rate_bp = 0;                    // 0–10000
  std::optional<int64_t> label_amount_fen;    // price-embedded scale label
  std::optional<int64_t> override_price_fen;  // new unit price; no promotions
  std::optional<Discount> line_discount;
  bool voided = false;  // voided lines are left out
};

enum class CashRounding {
  kNone,
  kJiaoDown,     // down to 0.1 yuan
  kYuanDown,     // down to 1 yuan
  kJiaoNearest,  // to the nearest 0.1 yuan, half up
};

struct Cart {
  std::vector<CartLine> lines;
  std::optional<Discount> order_discount;
  bool member = false;  // a member is attached to the sale
  CashRounding cash_rounding = CashRounding::kNone;
  int64_t rounding_cap_fen = 0;             // the cashier's role cap for 抹零
  int64_t sale_time_ms = 0;                 // unix ms, for promotion windows
  std::string time_zone = "Asia/Shanghai";  // the store's zone
};

struct PricedLine {
  int line_no = 0;
  int64_t product_id = 0;
  std::string sku;
  std::string name;
  SaleUnit unit = SaleUnit::kPiece;  // the cart line's; written to sale_lines.unit
  int64_t qty_milli = 0;
  int64_t unit_price_fen = 0;                      // after override
  std::optional<int64_t> original_unit_price_fen;  // set when overridden (audit)
  int64_t gross_fen = 0;
  int64_t promo_discount_fen = 0;
  int64_t line_discount_fen = 0;
  int64_t order_discount_fen = 0;  // this line's share
  int64_t rounding_fen = 0;        // this line's share of 抹零
  int64_t discount_fen = 0;        // promo + line + order share
  int64_t total_fen = 0;           // gross - discount - rounding, >= 0
  int64_t tax_rate_bp = 0;
  int64_t tax_fen = 0;
  std::vector<std::string> promo_ids;  // promotions on this line, sorted
};

// One promotion as applied to the cart: a line on the screen and receipt.
struct PromotionApplication {
  std::string promo_id;
  std::string name;
  int64_t discount_fen = 0;
  int64_t times = 0;          // groups for multi-unit types; lines for per-unit
  std::vector<int> line_nos;  // lines whose units it took, ascending
};

struct TaxByRate {
  int64_t rate_bp = 0;
  int64_t total_fen = 0;  // sum of the line totals at this rate (tax included)
  int64_t tax_fen = 0;    // sum of the line taxes
};

struct PricedCart {
  std::vector<PricedLine> lines;                 // non-voided lines, in line_no order
  std::vector<PromotionApplication> promotions;  // by first line, then id
  int64_t subtotal_fen = 0;                      // sum of gross
  int64_t promo_discount_fen = 0;
  int64_t line_discount_fen = 0;
  int64_t order_discount_fen = 0;
  int64_t discount_fen = 0;  // promo + line + order (not rounding)
  int64_t rounding_fen = 0;  // taken off by 抹零; negative if rounded up
  int64_t total_fen = 0;     // what the customer pays = sum of line totals
  int64_t tax_fen = 0;
  std::vector<TaxByRate> tax_by_rate;  // ascending rate
};

// Prices the cart. Promotions that are inactive at the sale time (dates,
// window, members only) or target nothing in the cart are ignored.
// Errors (InvalidArgument, message names the line and value):
//   - a line with qty <= 0, a negative price, a rate outside 0–10000, a
//     percent outside 0–10000 or a negative amount, a duplicate line_no;
//   - a line discount larger than the line's net after promotions;
//   - an order discount larger than the total after line discounts;
//   - an unknown time zone when a promotion has dates or a window;
// and PermissionDenied when the 抹零 amount is over rounding_cap_fen (the
// message says the cap and the amount).
// The sale time matters only when some promotion PromotionDependsOnTime, and
// then only to the minute: one cart prices the same at every instant of one
// minute (every time zone in use has a whole-minute offset), so a caller may
// keep the result until the cart or the minute changes.
Result<PricedCart> PriceCart(const Cart& cart, const std::vector<Promotion>& promotions);

// True when whether `p` applies depends on the sale time: it has dates
// (starts, ends) or a daily window.
bool PromotionDependsOnTime(const Promotion& p);

// The amount 抹零 takes off `total_fen` under `rule` (before any cap):
// jiao_down 12.34 → 0.04, yuan_down → 0.34, jiao_nearest 12.35 → -0.05.
int64_t CashRoundingFen(int64_t total_fen, CashRounding rule);

// Splits `amount` (may be negative) over `weights` (each >= 0, not all zero
// unless amount is 0) in proportion, by the largest remainder method: the
// shares add up exactly to amount; ties go to the lower index. Exposed for the
// refund path and tests.
std::vector<int64_t> AllocateLargestRemainder(int64_t amount, const std::vector<int64_t>& weights);

// Cash buttons for the tender screen: the exact total, then the next multiple
// of 10, 50 and 100 yuan strictly above it; ascending, no duplicates. Empty
// when total_fen <= 0.
std::vector<int64_t> QuickCashSuggestions(int64_t total_fen);

// Change due: tendered - total. Tendering less than the total is an
// InvalidArgument error saying how much more to collect.
Result<int64_t> ChangeFen(int64_t tendered_fen, int64_t total_fen);

}  // namespace linli
