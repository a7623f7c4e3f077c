// The rules of store_config values: what the till accepts for each key it
// reads. One validator, used by the hub before it stores an HQ edit
// (sync/hub, POST /v1/hq/store-config) and by the till before it applies one
// from the change feed (sync/agent/src/apply_changes.cc), so a value that
// would stop the till from selling (scale_layouts that is not JSON, an
// unknown cash_rounding) is refused at HQ and never replaces a good one.
#pragma once

#include <string>
#include <string_view>

namespace linli {

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
//   price_authority    hq | store: whose price applies (price_schedule.h);
//                      HQ sends it to every store ("store":"*")
//   price_authority_override
//                      hq | store | org or "" (follow the org): one store's exception
//   any other key      text without control characters (it may be printed:
//                      store_name, receipt_header, receipt_footer)
// A local key (IsLocalConfigKey) is refused whatever its value.
std::string StoreConfigProblem(std::string_view key, std::string_view value);

}  // namespace linli
