// Promotions: the store-configured (later HQ-pushed) price rules the checkout
// applies, and the JSON format `linli promo import --db FILE PROMOS.json` reads.
// The pricing engine that applies them lives in pricing.h.
//
// JSON format (prose spec with examples: docs/promotions.md)
// ----------------------------------------------------------
//   {"promotions": [ PROMOTION, ... ]}          (a bare array is accepted too)
//
// Every PROMOTION is an object with these fields; unknown fields are refused so
// that a typo ("precent") is reported instead of silently ignored.
//
//   id            string, required, unique in the file: "P1", "2026-W47-cola"
//   name          string shown on the screen and receipt ("可乐第二件半价");
//                 defaults to the id
//   type          required, one of:
//     percent_off       `percent` off every targeted unit (pcs or kg)
//     fixed_price       targeted units cost `price` (per piece, or per kg for
//                       weighed goods)
//     member_price      like fixed_price, for members only
//     nth_item_percent  every `nth` targeted piece is `percent` off (第二件半价:
//                       nth 2, percent 50)
//     bundle_price      `qty` targeted pieces for `price` together (3 for ¥10)
//     buy_x_get_y       buy `buy_qty` pieces of the buy target, get `get_qty`
//                       pieces of the get target `get_percent` off (default 100,
//                       i.e. free)
//   skus, categories   arrays of strings: the target. A unit is targeted when
//                      its SKU is listed OR its category is listed. At least one
//                      must be non-empty (all types except buy_x_get_y).
//   buy_skus, buy_categories, get_skus, get_categories
//                      buy_x_get_y targets; the get target defaults to the buy
//                      target ("buy 2 get 1 free" of the same goods).
//   percent, get_percent   integer 0–100, or a string with up to two decimals
//                      ("12.5"); stored as basis points. Must be above 0.
//   price         money as a yuan string with at most two decimals ("2.50",
//                 "10"); JSON numbers are refused so no float ever touches money.
//   nth, qty, buy_qty, get_qty   JSON integers: nth >= 2, qty >= 2,
//                 buy_qty >= 1, get_qty >= 1.
//   members_only  boolean, default false (member_price is always members only)
//   window        optional {"days": [1..7], "from": "HH:MM", "to": "HH:MM"}
//                 in the store's time zone. days are ISO weekdays (1 = Monday,
//                 7 = Sunday) of the sale's local date; omitted = every day.
//                 from is inclusive, to exclusive; from defaults to "00:00", to
//                 to "24:00"; from later than to wraps past midnight
//                 ("22:00"–"02:00").
//   starts, ends  optional local dates "YYYY-MM-DD", both inclusive.
//
// Multi-unit types (nth_item_percent, bundle_price, buy_x_get_y) count whole
// pieces only: weighed (kg) lines, scale-label lines and fractional piece
// quantities never take part in them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

enum class PromotionType {
  kPercentOff,
  kFixedPrice,
  kMemberPrice,
  kNthItemPercent,
  kBundlePrice,
  kBuyXGetY,
};

// "percent_off", "fixed_price", ... as in the JSON format.
const char* PromotionTypeName(PromotionType type);
Result<PromotionType> ParsePromotionType(std::string_view text);

// True for the types that work per unit (percent_off, fixed_price,
// member_price); false for the multi-unit ones.
bool IsPerUnitPromotion(PromotionType type);

// Which units a promotion looks at: a unit matches when its SKU is in `skus`
// or its category is in `categories`.
struct PromotionTarget {
  std::vector<std::string> skus;
  std::vector<std::string> categories;

  bool empty() const { return skus.empty() && categories.empty(); }
  bool Matches(std::string_view sku, std::string_view category) const;
};

// A time-of-day range on some weekdays, in the store's zone.
struct TimeWindow {
  std::vector<int> days;    // ISO weekdays 1 (Mon) .. 7 (Sun); empty = all
  int from_minute = 0;      // minutes after local midnight, inclusive
  int to_minute = 24 * 60;  // exclusive; < from_minute wraps past midnight
};

struct Promotion {
  std::string id;
  std::string name;
  PromotionType type = PromotionType::kPercentOff;

  PromotionTarget target;      // all types; for buy_x_get_y the buy target
  PromotionTarget get_target;  // buy_x_get_y only; never empty after parsing

  int64_t percent_bp = 0;  // percent_off, nth_item_percent; buy_x_get_y: get_percent
  int64_t price_fen = 0;   // fixed_price, member_price (per piece / per kg),
                           // bundle_price (for `qty` pieces together)
  int64_t nth = 0;         // nth_item_percent
  int64_t qty = 0;         // bundle_price
  int64_t buy_qty = 0;     // buy_x_get_y
  int64_t get_qty = 0;     // buy_x_get_y

  bool members_only = false;
  std::optional<TimeWindow> window;
  std::string starts;  // "YYYY-MM-DD" local, inclusive; empty = no start
  std::string ends;    // "YYYY-MM-DD" local, inclusive; empty = no end
};

// The local wall time of a sale in the store's zone.
struct LocalTime {
  std::string date;     // "YYYY-MM-DD"
  int iso_weekday = 0;  // 1 = Monday .. 7 = Sunday
  int minute_of_day = 0;
};

// Converts unix milliseconds to local time in an IANA zone ("Asia/Shanghai")
// (text.h's ToZonedTime). An unknown zone is an InvalidArgument error naming it.
Result<LocalTime> ToLocalTime(int64_t unix_ms, const std::string& time_zone);

// True when the promotion's dates and window include `when` and, if it is
// members only, a member is attached. Targets are not checked here.
bool PromotionActive(const Promotion& promo, const LocalTime& when, bool member);

// Parses the file format above. On error the status names the promotion
// (1-based index and id), the field, the offending value and what to write
// instead; nothing is returned partially.
Result<std::vector<Promotion>> ParsePromotions(std::string_view json_text);

// One promotion object (already parsed JSON); `index` is 1-based, for messages.
Result<Promotion> ParsePromotion(const nlohmann::json& object, size_t index);

// A promotion as HQ writes it and the hub's change feed carries it
// (PROTOCOL.md §7): the object above with "code" naming it unless "id" does,
// and an optional boolean "active" (default true). Used by the hub to refuse
// a bad one before it is stored, and by the till to apply it: one rule.
struct FeedPromotion {
  Promotion promotion;
  bool active = true;
};
Result<FeedPromotion> ParseFeedPromotion(const nlohmann::json& data, const std::string& key);

// The inverse of ParsePromotion: ParsePromotion(PromotionToJson(p)) == p.
// Suitable for storing a promotion in the database.
nlohmann::json PromotionToJson(const Promotion& promo);

// The one writer of the promotions table: upserts `promo` by id with its
// canonical body (PromotionToJson), `active` and `updated_at` (ISO-8601 UTC).
// Used by the promotions file import and the hub's change feed
// (sync/agent/src/apply_changes.cc). Call it inside the caller's
// transaction; throws DbError.
void SavePromotion(Database& db, const Promotion& promo, bool active, const std::string& updated_at);

}  // namespace linli
