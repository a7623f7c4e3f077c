#include "linli/pos/store_config.h"

#include <nlohmann/json.hpp>

#include "linli/pos/barcode.h"
#include "linli/pos/checkout.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/text.h"
#include "linli/pos/users.h"

namespace linli {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool AllDigits(std::string_view s) {
  return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string RoleLimitsProblem(std::string_view value) {
  const nlohmann::json j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  const std::string example = "; write e.g. {\"cashier\": 9, \"manager\": 99}";
  if (!j.is_object()) return "must be a JSON object of role to integer" + example;
  for (const auto& item : j.items()) {
    if (!ParseRole(item.key()).ok()) {
      return "names role \"" + ShowControlChars(item.key()) + "\"; use cashier, manager or owner" + example;
    }
    if (!item.value().is_number_integer() || item.value().get<int64_t>() < 0) {
      return "gives role " + item.key() + " " + item.value().dump() + "; it must be an integer >= 0" + example;
    }
  }
  return "";
}

}  // namespace

bool IsLocalConfigKey(std::string_view key) {
  return key == "store_code" || key == "catalog_version" || StartsWith(key, "sync") ||
         StartsWith(key, "device") || StartsWith(key, "schema");
}

std::string StoreConfigProblem(std::string_view key, std::string_view value) {
  if (key.empty()) return "has no key; name the setting";
  if (IsLocalConfigKey(key)) return "describes this till's own database and is not set from HQ";
  if (key == "scale_layouts") {
    const nlohmann::json j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return "is not valid JSON; write a list of layouts, e.g. [{\"name\":\"13-amount\",\"length\":13,"
             "\"prefixes\":[\"20\"],\"plu\":[2,5],\"amount\":[7,5]}]";
    }
    auto layouts = ParseScaleLayouts(j);
    return layouts.ok() ? "" : layouts.status().message();
  }
  if (key == "cash_rounding") {
    auto r = ParseCashRounding(value);
    return r.ok() ? "" : r.status().message();
  }
  if (key == "timezone") {
    auto t = ToZonedTime(0, std::string(value));
    return t.ok() ? "" : t.status().message();
  }
  if (key == kPriceAuthorityKey || key == kPriceAuthorityOverrideKey) {
    auto a = ParsePriceAuthority(value, /*allow_empty=*/key == kPriceAuthorityOverrideKey);
    return a.ok() ? "" : a.status().message();
  }
  if (key == "rounding_cap_fen" || key == "discount_limit_bp") return RoleLimitsProblem(value);
  if (key == "points_per_yuan") {
    return AllDigits(value) ? "" : "must be a whole number >= 0 (points per yuan spent), e.g. 1";
  }
  return ControlCharProblem(value);
}

}  // namespace linli
