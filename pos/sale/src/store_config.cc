#include "linli/pos/store_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "linli/pos/audit.h"
#include "linli/pos/barcode.h"
#include "linli/pos/checkout.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/store.h"
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

std::string OverrideReasonsProblem(std::string_view value) {
  const nlohmann::json j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  const std::string example = "; write e.g. [\"损坏\",\"临期\",\"其他\"]";
  if (!j.is_array() || j.empty() || j.size() > 30) return "must be a JSON array of 1–30 reason codes" + example;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string() || j[i].get<std::string>().empty()) return "has an entry that is not a code" + example;
    if (std::string why = ControlCharProblem(j[i].get<std::string>()); !why.empty()) return why;
    for (size_t k = 0; k < i; ++k) {
      if (j[k] == j[i]) return "lists \"" + j[i].get<std::string>() + "\" twice";
    }
  }
  return "";
}

const char* const kDefaultOverrideReasons = R"(["损坏","临期","顾客投诉","价格错误","其他"])";

const ConfigKeyInfo* FindKey(std::string_view key) {
  for (const ConfigKeyInfo& k : KnownConfigKeys()) {
    if (key == k.key) return &k;
  }
  return nullptr;
}

Status UnknownKey(std::string_view key) {
  if (IsLocalConfigKey(key)) {
    return Status::InvalidArgument("设置 \"" + ShowControlChars(key) + "\" 属于本机数据库，不能修改 / \"" +
                                   ShowControlChars(key) + "\" describes this till's own database and is not a setting");
  }
  const std::string closest = ClosestConfigKey(key);
  return Status::InvalidArgument("未知设置 / unknown setting \"" + ShowControlChars(key) + "\"" +
                                 (closest.empty() ? "" : "; did you mean \"" + closest + "\"?") +
                                 " (`linli config list` shows every setting)");
}

ConfigEntry EntryOf(Database& db, const ConfigKeyInfo& info) {
  auto stored = GetConfig(db, info.key);
  return {&info, stored.value_or(info.default_value), !stored.has_value()};
}

}  // namespace

const std::vector<ConfigKeyInfo>& KnownConfigKeys() {
  static const std::vector<ConfigKeyInfo> keys = {
      {"store_name", "", "店名，印在小票上 / store name printed on receipts", true},
      {"timezone", "Asia/Shanghai", "时区（IANA） / the store's time zone (IANA)", true},
      {"receipt_header", "", "小票抬头 / receipt header line", true},
      {"receipt_footer", "", "小票结尾 / receipt footer line", true},
      {"cash_rounding", "none", "现金抹零规则 / cash rounding: none|jiao_down|yuan_down|jiao_nearest", true},
      {"rounding_cap_fen", R"({"cashier":9,"manager":99,"owner":99})",
       "各角色最大抹零（分） / largest 抹零 per role, in fen", true},
      {"discount_limit_bp", R"({"cashier":1000,"manager":5000,"owner":10000})",
       "各角色最大折扣（基点） / largest discount per role, in basis points", true},
      {"points_per_yuan", "1", "会员每元积分 / member points per yuan paid", true},
      {kOverrideReasonsKey, kDefaultOverrideReasons, "改价原因代码 / reason codes a price override may give", true},
      {"scale_layouts", "", "电子秤条码格式（JSON） / price-embedded scale label layouts (JSON)", true},
      {kPriceAuthorityKey, "hq", "谁定价：hq|store / whose price applies: hq|store", true},
      {kPriceAuthorityOverrideKey, "", "本店例外：hq|store|org / this store's exception to the price rule", true},
      {"counter.printer_uri", "", "小票打印机 / receipt printer, e.g. tcp://192.168.1.50:9100", false},
      {"counter.printer_profile", "generic58", "打印机型号 / printer profile, e.g. generic58", false},
      {"counter.scale_port", "", "电子秤串口 / scale serial port, e.g. /dev/ttyUSB0", false},
      {"counter.scale_protocol", "continuous-st", "电子秤协议 / scale protocol", false},
      {"counter.language", "zh_CN", "收银界面语言 / counter language: zh_CN|en", false},
      {"counter.idle_lock_s", "300", "无操作锁屏（秒） / lock the counter after this many idle seconds", false},
      {"counter.confirm_cash_over_fen", "500000", "现金超过此数（分）需确认 / confirm cash amounts over this (fen)",
       false},
      {"counter.confirm_qty_over", "99", "数量超过此数需确认 / confirm quantities over this", false},
      {"counter.confirm_weight_over_g", "30000", "重量超过此数（克）需确认 / confirm weights over this (g)", false},
      {"printer.profiles", "", "本店打印机型号（JSON，见 README） / the store's own printer profiles (JSON; README)",
       false},
      {"counter.merge_rescan", "1", "再次扫码加到同一行（1 是，0 否） / a rescan adds to the item's line: 1|0", false},
      {kQuickKeysKey, "", "快捷键（JSON，见 README） / quick keys for goods without a barcode (JSON; README)", false},
      // Payment codes (docs/payments.md): sandbox for training and the demo, live for the networks.
      {"payment.mode", "sandbox", "付款码：sandbox 练习，live 真实收款 / payment codes: sandbox (training) or live", false},
      {"payment.wechat.appid", "", "微信支付 公众账号ID / WeChat Pay APPID", false},
      {"payment.wechat.mch_id", "", "微信支付 商户号 / WeChat Pay merchant id", false},
      {"payment.wechat.sub_mch_id", "", "微信支付 特约商户号（服务商模式） / sub-merchant id (service provider)", false},
      {"payment.wechat.sub_appid", "", "微信支付 子商户APPID（可选） / sub-merchant APPID (optional)", false},
      {"payment.wechat.api_key_file", "", "微信支付 API密钥文件（0600） / file holding the API key (mode 0600)", false},
      {"payment.wechat.cert_file", "", "微信支付 商户证书 apiclient_cert.pem（退款用） / merchant certificate", false},
      {"payment.wechat.key_file", "", "微信支付 商户私钥 apiclient_key.pem（0600） / merchant key (mode 0600)", false},
      {"payment.wechat.ca_file", "", "微信支付 只信任此CA（测试或代理用，可选） / trust only this CA (tests, a proxy)", false},
      {"payment.wechat.sign_type", "hmac-sha256", "微信支付 签名方式 / signature: hmac-sha256|md5", false},
      {"payment.wechat.base_url", "https://api.mch.weixin.qq.com", "微信支付 网关地址 / WeChat Pay gateway URL", false},
      {"payment.alipay.app_id", "", "支付宝 应用APPID / Alipay app id", false},
      {"payment.alipay.app_private_key_file", "", "支付宝 应用私钥文件（0600） / the app's private key file (mode 0600)",
       false},
      {"payment.alipay.alipay_public_key_file", "", "支付宝公钥文件 / Alipay's public key file", false},
      {"payment.alipay.app_auth_token", "", "支付宝 服务商授权令牌（可选） / ISV app_auth_token (optional)", false},
      {"payment.alipay.seller_id", "", "支付宝 收款账号PID（可选） / seller PID (optional)", false},
      {"payment.alipay.base_url", "https://openapi.alipay.com/gateway.do", "支付宝 网关地址 / Alipay gateway URL",
       false},
  };
  return keys;
}

std::string ClosestConfigKey(std::string_view key) {
  std::string best;
  size_t best_d = std::max<size_t>(3, key.size() / 2) + 1;  // farther than this is no suggestion
  for (const ConfigKeyInfo& k : KnownConfigKeys()) {
    const std::string_view name = k.key;
    size_t d = EditDistance(key, name);
    // "printer" finds counter.printer_uri: a key that contains what was typed is close.
    if (key.size() >= 4 && name.find(key) != std::string_view::npos) d = std::min<size_t>(d, 1);
    if (d < best_d) {
      best_d = d;
      best = k.key;
    }
  }
  return best;
}

Result<std::vector<ConfigEntry>> ListConfig(Database& db) {
  std::vector<ConfigEntry> out;
  Status st = Guard([&] {
    for (const ConfigKeyInfo& k : KnownConfigKeys()) out.push_back(EntryOf(db, k));
  });
  if (!st.ok()) return st;
  return out;
}

Result<ConfigEntry> GetConfigEntry(Database& db, std::string_view key) {
  const ConfigKeyInfo* info = FindKey(key);
  if (!info) return UnknownKey(key);
  ConfigEntry e;
  Status st = Guard([&] { e = EntryOf(db, *info); });
  if (!st.ok()) return st;
  return e;
}

Result<ConfigChange> ChangeConfig(Database& db, const User& by, std::string_view key, std::string_view value,
                                  const Clock& clock) {
  const ConfigKeyInfo* info = FindKey(key);
  if (!info) return UnknownKey(key);
  if (by.role < Role::kManager) {
    return Status::PermissionDenied("只有店长或店主可以修改设置 / only a manager or owner may change settings; user " +
                                    by.id + " is a cashier");
  }
  if (std::string why = StoreConfigProblem(key, value); !why.empty()) {
    return Status::InvalidArgument("设置值无效 / setting \"" + std::string(key) + "\" = \"" +
                                   ShowControlChars(value) + "\": " + why);
  }
  ConfigChange change;
  Status st = Guard([&] {
    Transaction tx(db);
    change.before = GetConfig(db, info->key);
    SetConfig(db, info->key, std::string(value));
    // before/after name the key: {"cash_rounding": "none"} → {"cash_rounding": "jiao_down"} (null: the default).
    const auto side = [&](const std::optional<std::string>& v) {
      return nlohmann::json{{info->key, v ? nlohmann::json(*v) : nlohmann::json(nullptr)}}.dump();
    };
    RecordAudit(db, {"config_set", by.id, "", std::nullopt, side(change.before), side(std::string(value))},
                FormatUtc(clock.NowMs()));
    change.entry = EntryOf(db, *info);
    tx.Commit();
  });
  if (!st.ok()) return st;
  return change;
}

std::vector<std::string> LoadOverrideReasons(Database& db) {
  const std::string text = GetConfig(db, kOverrideReasonsKey).value_or(kDefaultOverrideReasons);
  // A stored list the validator would refuse (edited by hand) falls back to the default.
  const nlohmann::json j = nlohmann::json::parse(
      OverrideReasonsProblem(text).empty() ? text : std::string(kDefaultOverrideReasons));
  return j.get<std::vector<std::string>>();
}

Status CheckOverrideReason(Database& db, std::string_view reason) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"damaged", "损坏"}, {"expiring", "临期"}, {"complaint", "顾客投诉"}, {"wrong_price", "价格错误"},
      {"other", "其他"}};
  std::vector<std::string> codes;
  Status st = Guard([&] { codes = LoadOverrideReasons(db); });
  if (!st.ok()) return st;
  std::string code(reason);
  for (const auto& [alias, zh] : kAliases) {
    if (reason == alias) code = zh;
  }
  if (!reason.empty() && std::find(codes.begin(), codes.end(), code) != codes.end()) return Status::Ok();
  std::string allowed;
  for (const std::string& c : codes) allowed += (allowed.empty() ? "" : ", ") + c;
  return Status::InvalidArgument(
             "改价需要原因代码 / a price override needs a reason code; \"" + ShowControlChars(reason) +
             "\" is not one of: " + allowed);
}

namespace {

// The payment.* settings: ids, file paths and gateway URLs (secrets live in
// the files, never in store_config).
std::string PaymentConfigProblem(std::string_view key, std::string_view value) {
  if (key == "payment.mode") return value == "sandbox" || value == "live" ? "" : "must be sandbox or live";
  if (value.empty()) return "";  // unset: that network is not used
  if (key == "payment.wechat.sign_type") {
    return value == "hmac-sha256" || value == "md5" ? "" : "must be hmac-sha256 or md5";
  }
  if (key.ends_with("_file")) {
    if (value.front() != '/' || !ControlCharProblem(value).empty()) {
      return "must be the absolute path of a file, e.g. /etc/linli/wechat-api.key (mode 0600)";
    }
    return "";
  }
  if (key.ends_with(".base_url")) {
    const bool https = StartsWith(value, "https://") && value.size() > 8;
    const bool loopback = StartsWith(value, "http://127.") || StartsWith(value, "http://localhost");
    return https || loopback ? "" : "must be an https:// URL (plain http only to this machine, for tests)";
  }
  // Ids and tokens: letters, digits, '_', '-' and '.', at most 128.
  const bool ok = value.size() <= 128 && std::all_of(value.begin(), value.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                  });
  return ok ? "" : "must be the id as the network issued it: letters and digits (at most 128)";
}

}  // namespace

Result<std::vector<QuickKey>> ParseQuickKeys(std::string_view text) {
  std::vector<QuickKey> out;
  if (text.empty()) return out;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string example = R"(, e.g. [{"category":"面包","sku":"B001","label":"吐司"}])";
  if (!j.is_array()) return Status::InvalidArgument("must be a JSON array of quick keys" + example);
  if (j.size() > kMaxQuickKeys) {
    return Status::InvalidArgument("has " + std::to_string(j.size()) + " quick keys; at most " +
                                   std::to_string(kMaxQuickKeys) + " fit the counter");
  }
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& e = j[i];
    const std::string at = "quick key " + std::to_string(i + 1);
    if (!e.is_object()) return Status::InvalidArgument(at + " is not an object" + example);
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (it.key() != "category" && it.key() != "sku" && it.key() != "label") {
        return Status::InvalidArgument(at + ": \"" + it.key() + "\" is not a field; use category, sku and label");
      }
      if (!it->is_string()) return Status::InvalidArgument(at + ": " + it.key() + " must be a string");
    }
    QuickKey k;
    k.sku = e.value("sku", "");
    k.category = e.value("category", "");
    k.label = e.value("label", "");
    if (std::string why = SkuProblem(k.sku); !why.empty()) return Status::InvalidArgument(at + ": sku " + why);
    if (k.category.empty() || DisplayWidth(k.category) > 16 || !ControlCharProblem(k.category).empty()) {
      return Status::InvalidArgument(at + ": category must be 1-16 columns of text (e.g. 面包)");
    }
    if (DisplayWidth(k.label) > 16 || !ControlCharProblem(k.label).empty()) {
      return Status::InvalidArgument(at + ": label must be at most 16 columns of text (empty: the product's name)");
    }
    out.push_back(std::move(k));
  }
  return out;
}

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
  if (key == kOverrideReasonsKey) return OverrideReasonsProblem(value);
  if (key == "printer.profiles") {
    // The shape here; each profile's fields are checked where profiles are
    // read (drivers: ParseStoreProfiles), and `linli printer profiles` names them.
    const nlohmann::json j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (value.empty()) return "";
    if (!j.is_array() || std::any_of(j.begin(), j.end(), [](const nlohmann::json& e) { return !e.is_object(); })) {
      return "must be a JSON array of printer profiles, e.g. [{\"name\":\"shop58\",\"base\":\"generic58\"}]";
    }
    return "";
  }
  if (key == kQuickKeysKey) {
    auto keys = ParseQuickKeys(value);
    return keys.ok() ? "" : keys.status().message();
  }
  if (StartsWith(key, "payment.")) return PaymentConfigProblem(key, value);
  if (key == "counter.merge_rescan") return value == "0" || value == "1" ? "" : "must be 1 (add to the line) or 0 (a new line)";
  if (key == "counter.idle_lock_s" || StartsWith(key, "counter.confirm_")) {
    return AllDigits(value) && value.find_first_not_of('0') != std::string_view::npos
               ? ""
               : "must be a whole number above 0, e.g. 300";
  }
  return ControlCharProblem(value);
}

}  // namespace linli
