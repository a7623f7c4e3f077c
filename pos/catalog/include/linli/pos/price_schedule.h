// Effective-dated prices at the till, and whose price applies (DESIGN §6,
// issue 5 "Pull", issue 11 "Prices that do what HQ and the shopkeeper expect").
//
// `prices` keeps every price the till knows, HQ's (from the hub's feed) and
// the store's own (catalog import), each with the moment it takes effect;
// `products.price_fen` caches the price in force now. A price that starts in
// the future is also put on the `scheduled_prices` to-do list; when its time
// comes ApplyDuePrices re-chooses that product's price, hub or no hub: the
// till needs only its own clock.
//
// Effective dates. HQ writes either a bare date, "2026-12-03", meaning 00:00
// of that day in the store's zone (store_config `timezone`), or an instant
// with an explicit offset ("2026-12-03T00:00:00+08:00", "…Z"), taken as
// given. Anything else (no offset, a bad day) is refused with the field named.
// The feed carries a bare date as it was written, so every store resolves it
// in its own zone.
//
// Whose price applies (PriceInForce). The rule is `price_authority`:
//   hq     (the default: a chain) HQ's price in effect applies; the store's
//          own price applies only to products HQ has no price in effect for.
//   store  (a co-op, or a franchise allowed its own prices) the store's own
//          price in effect applies; HQ's price only where the store has none.
// HQ sets the org's rule as store_config `price_authority` for every store
// and may override it for one store with `price_authority_override` (hq |
// store; "org", empty or absent: follow the org). Within the side that applies, the
// price with the latest effective time that has started wins — not the row
// recorded last. Ties (two prices starting at the same instant): HQ's price
// for this store alone over its org-wide price, then the one recorded later
// (a higher feed seq for HQ, a later import for the store).
//
// Thread safety: as Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

// ---- Effective dates.

// The text a valid effective date is stored and sent as: a bare date stays
// "YYYY-MM-DD"; an instant with an offset becomes UTC "YYYY-MM-DDTHH:MM:SS.mmmZ".
// InvalidArgument naming `field` and the value otherwise (no offset, a
// 31 November, trailing text …), Chinese first.
Result<std::string> NormalizeEffectiveFrom(std::string_view text, std::string_view field = "effective_from");

// The instant (Unix ms, UTC) an effective date starts at in `time_zone`: a
// bare date at 00:00 there, an instant as given. Errors as above, or for an
// unknown zone.
Result<int64_t> ResolveEffectiveFrom(std::string_view text, const std::string& time_zone,
                                     std::string_view field = "effective_from");

// ---- Whose price applies.

enum class PriceOrigin { kHq, kStore };
const char* PriceOriginName(PriceOrigin o);  // "hq" | "store"

inline constexpr const char* kPriceAuthorityKey = "price_authority";
inline constexpr const char* kPriceAuthorityOverrideKey = "price_authority_override";

// "hq" | "store"; InvalidArgument otherwise (what to write). With
// allow_empty, "" or "org" is nullopt: the override key's "follow the org".
Result<std::optional<PriceOrigin>> ParsePriceAuthority(std::string_view value, bool allow_empty = false);

struct PriceRule {
  PriceOrigin authority = PriceOrigin::kHq;
  // Where it came from: "store_override" | "org" | "default".
  std::string from = "default";
};
// The store's rule from store_config (an unreadable value counts as absent:
// the till's own checks keep bad values out). Throws DbError.
PriceRule LoadPriceRule(Database& db);

// ---- Recording and choosing.

struct PriceEntry {
  int64_t product_id = 0;
  PriceOrigin origin = PriceOrigin::kStore;
  std::string scope;           // "": every store; a store code: HQ's price for that store only
  std::string effective_from;  // normalised (NormalizeEffectiveFrom)
  int64_t effective_ms = 0;    // resolved in the store's zone
  int64_t price_fen = 0;
  std::string source = "import";  // "hub" | "import"
  int64_t rev = 0;             // order of recording within the origin (feed seq; clock)
};

// Records `e` and re-chooses the product's price in force. MUST be called
// inside the caller's open Transaction. Re-recording the same (product,
// origin, scope, effective_from) replaces the price, so applying a change
// twice is harmless. A future price is also scheduled. Bumps the catalog
// version when products.price_fen changes. Throws DbError.
void RecordPrice(Database& db, const PriceEntry& e, const Clock& clock);

// Forgets one price (an HQ delete) and re-chooses. Inside a transaction;
// throws DbError.
void ForgetPrice(Database& db, int64_t product_id, PriceOrigin origin, const std::string& scope,
                 const std::string& effective_from, int64_t effective_ms, const Clock& clock);

// The chosen price for one product at `now_ms` under `rule`, or nullopt when
// it has no price in effect yet (products.price_fen then stays as it is).
struct ChosenPrice {
  int64_t price_fen = 0;
  PriceOrigin origin = PriceOrigin::kStore;
  std::string scope;
  std::string effective_from;
  int64_t effective_ms = 0;
};
std::optional<ChosenPrice> PriceInForce(Database& db, int64_t product_id, int64_t now_ms, const PriceRule& rule);

// Writes PriceInForce into products.price_fen for one product; true when it
// changed (then the catalog version is bumped). Inside a transaction.
bool RefreshPriceInForce(Database& db, int64_t product_id, const Clock& clock);
// The same for every product (after the rule changed); returns how many
// changed. Inside a transaction.
int RefreshAllPricesInForce(Database& db, const Clock& clock);

// Makes every scheduled price whose time has come (effective_ms <= now) take
// effect — each due product's price is chosen again — in one transaction,
// and returns how many schedule entries were due. Cost is one indexed lookup
// when nothing is due, so the checkout calls it at the start of each sale.
// Returns a Status for database failures (nothing applied). Must NOT be
// called inside an open transaction.
Result<int> ApplyDuePrices(Database& db, const Clock& clock);

// Which price applies to a product now and why, for `linli catalog find`.
struct PriceExplanation {
  int64_t price_fen = 0;           // products.price_fen
  std::optional<ChosenPrice> chosen;
  PriceRule rule;
  std::optional<int64_t> other_fen;  // the other side's price in effect, when it lost
  std::string reason;  // "hq_rule" | "store_rule" | "no_hq_price" | "no_store_price" | "no_price"
  // "HQ价 ¥3.50（总部统一定价，自 2026-12-03 起）", "本店价 ¥3.80（本店自主定价，…）"; dates in `time_zone`.
  std::string Text(const std::string& time_zone) const;
};
Result<PriceExplanation> ExplainPrice(Database& db, int64_t product_id, const Clock& clock);

}  // namespace linli
