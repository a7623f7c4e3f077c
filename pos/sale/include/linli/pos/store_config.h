// The rules of store_config values: what the till accepts for each key it
// reads. One validator, used by the hub before it stores an HQ edit
// (sync/hub, POST /v1/hq/store-config) and by the till before it applies one
// from the change feed (sync/agent/src/apply_changes.cc), so a value that
// would stop the till from selling (scale_layouts that is not JSON, an
// unknown cash_rounding) is refused at HQ and never replaces a good one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/pos/users.h"

namespace linli {

// The reason codes a price override may give: a JSON array of strings.
inline constexpr const char* kOverrideReasonsKey = "override_reasons";

// Quick keys (快捷键) for goods without a barcode, set per store: a JSON array
// of {"category": "面包", "sku": "B001", "label": "吐司"} (label optional: the
// product's name), shown as tiles by category on the counter.
inline constexpr const char* kQuickKeysKey = "quick_keys";
inline constexpr size_t kMaxQuickKeys = 200;
struct QuickKey {
  std::string category;
  std::string sku;
  std::string label;  // "" : the product's name
};
// "" → no keys. InvalidArgument naming the key's position and field.
Result<std::vector<QuickKey>> ParseQuickKeys(std::string_view text);

// True for keys that describe this database itself (store_code,
// catalog_version, device*, schema*, sync*): only the till sets them, never
// HQ.
bool IsLocalConfigKey(std::string_view key);

// "" when `value` may be stored under `key`, else why not and what to write,
// phrased to follow "store_config \"KEY\" ": "is not valid JSON; …".
//   scale_layouts      a JSON list of layouts (ParseScaleLayouts, barcode.h)
//   cash_rounding      none | jiao_down | yuan_down | jiao_nearest
//   timezone           an IANA zone ICU knows ("Asia/Shanghai")
//   rounding_cap_fen, discount_limit_bp
//                      a JSON object of role → integer >= 0
//                      ({"cashier": 9, "manager": 99})
//   points_per_yuan    an integer >= 0
//   override_reasons   a JSON array of 1–30 distinct non-empty strings
//   quick_keys         ParseQuickKeys below
//   counter.merge_rescan  1 | 0
//   counter.idle_lock_s, counter.confirm_*
//                      a whole number > 0
//   price_authority    hq | store: whose price applies (price_schedule.h);
//                      HQ sends it to every store ("store":"*")
//   price_authority_override
//                      hq | store | org or "" (follow the org): one store's exception
//   any other key      text without control characters (it may be printed:
//                      store_name, receipt_header, receipt_footer)
// A local key (IsLocalConfigKey) is refused whatever its value.
std::string StoreConfigProblem(std::string_view key, std::string_view value);

// ---- Settings a shopkeeper changes (`linli config`)

// One setting the till reads.
struct ConfigKeyInfo {
  const char* key;
  const char* default_value;  // what the till uses when the key is not set
  const char* description;    // one line, Chinese then English
  bool from_hq;               // HQ sends it in the store_config feed
};

// Every setting `linli config` knows, in the order it lists them.
const std::vector<ConfigKeyInfo>& KnownConfigKeys();

// The known key nearest to `key` by edit distance ("" when none is close).
std::string ClosestConfigKey(std::string_view key);

struct ConfigEntry {
  const ConfigKeyInfo* info = nullptr;
  std::string value;        // stored, or the default
  bool is_default = false;  // no stored value
};

// Each known key with its value. InvalidArgument for an unknown key (naming
// the closest known one).
Result<std::vector<ConfigEntry>> ListConfig(Database& db);
Result<ConfigEntry> GetConfigEntry(Database& db, std::string_view key);

struct ConfigChange {
  ConfigEntry entry;                  // after the change
  std::optional<std::string> before;  // the stored value before (nullopt: default)
};

// Stores `value` under the known `key` after StoreConfigProblem accepts it,
// and records who did it ("config_set", before/after) in the same
// transaction. PermissionDenied unless `by` is a manager or owner;
// InvalidArgument for an unknown key (naming the closest) or a bad value
// (naming key, value and what is allowed). A key HQ sends is set all the
// same; the next value from HQ replaces it (entry.info->from_hq says so).
Result<ConfigChange> ChangeConfig(Database& db, const User& by, std::string_view key, std::string_view value,
                                  const Clock& clock);

// The store's override reason codes (override_reasons, or the default
// ["损坏","临期","顾客投诉","价格错误","其他"]).
std::vector<std::string> LoadOverrideReasons(Database& db);  // throws DbError

// OK when `reason` is one of the store's codes, or an English alias of one
// (damaged 损坏, expiring 临期, complaint 顾客投诉, wrong_price 价格错误,
// other 其他) that the list holds. InvalidArgument naming the allowed codes
// otherwise (also when empty).
Status CheckOverrideReason(Database& db, std::string_view reason);

}  // namespace linli
