// `linli config` in pos: the known keys, ChangeConfig's checks and audit
// row, and the override reason codes (issue 12).
#include <doctest/doctest.h>

#include "checkout_fixture.h"
#include "linli/pos/audit.h"
#include "linli/pos/store.h"
#include "linli/pos/store_config.h"

using namespace linli;
using namespace linli::checkout_testing;

namespace {

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("store config: every known key lists with its value or its default") {
  Store s;
  auto all = ListConfig(*s.db);
  REQUIRE(all.ok());
  REQUIRE(all->size() == KnownConfigKeys().size());
  std::map<std::string, ConfigEntry> by_key;
  for (const ConfigEntry& e : *all) by_key[e.info->key] = e;
  CHECK(by_key.at("store_name").value == "测试店");  // MakeStore names it
  CHECK_FALSE(by_key.at("store_name").is_default);
  CHECK(by_key.at("cash_rounding").value == "none");  // stored by schema 0004
  CHECK_FALSE(by_key.at("cash_rounding").is_default);
  CHECK(by_key.at("receipt_footer").value == "");
  CHECK(by_key.at("receipt_footer").is_default);
  CHECK(by_key.at("override_reasons").is_default);
  CHECK(by_key.at("override_reasons").value == R"(["损坏","临期","顾客投诉","价格错误","其他"])");
  CHECK_FALSE(by_key.at("counter.printer_uri").info->from_hq);
  CHECK(by_key.at("rounding_cap_fen").info->from_hq);
  // Every default is a value the validator accepts (or empty text).
  for (const ConfigKeyInfo& k : KnownConfigKeys()) {
    CAPTURE(k.key);
    if (std::string(k.default_value).empty()) continue;
    CHECK(StoreConfigProblem(k.key, k.default_value) == "");
  }
}

TEST_CASE("store config: set validates by the till's rules and records before and after") {
  Store s;
  const int64_t audits = s.Count("audit_log");
  auto ch = ChangeConfig(*s.db, s.manager, "cash_rounding", "jiao_down", s.clock);
  REQUIRE_MESSAGE(ch.ok(), ch.status().ToString());
  CHECK(ch->before == "none");
  CHECK(ch->entry.value == "jiao_down");
  CHECK(LoadCheckoutSettings(*s.db)->cash_rounding == CashRounding::kJiaoDown);
  CHECK(s.Count("audit_log") == audits + 1);
  CHECK(s.Text("SELECT user_id || ' ' || before || ' ' || after FROM audit_log WHERE action = 'config_set'") ==
        R"(2001 {"cash_rounding":"none"} {"cash_rounding":"jiao_down"})");
  CHECK(s.Text("SELECT occurred_at FROM audit_log WHERE action = 'config_set'") == FormatUtc(kT0));

  ch = ChangeConfig(*s.db, s.owner, "cash_rounding", "yuan_down", s.clock);
  REQUIRE(ch.ok());
  CHECK(ch->before == "jiao_down");
  // A key never stored before: before is null (the default was in force).
  ch = ChangeConfig(*s.db, s.owner, "receipt_footer", "谢谢惠顾", s.clock);
  REQUIRE(ch.ok());
  CHECK_FALSE(ch->before.has_value());
  CHECK(s.Text("SELECT before FROM audit_log WHERE action = 'config_set' ORDER BY id DESC LIMIT 1") ==
        R"({"receipt_footer":null})");

  // A bad value: refused, naming key, value and what is allowed; nothing changes.
  auto bad = ChangeConfig(*s.db, s.manager, "cash_rounding", "jiao_up", s.clock);
  CHECK(bad.status().IsInvalidArgument());
  for (const char* w : {"设置值无效", "cash_rounding", "jiao_up", "jiao_nearest"}) {
    CAPTURE(w);
    CHECK(Has(bad.status().message(), w));
  }
  bad = ChangeConfig(*s.db, s.manager, "rounding_cap_fen", R"({"cashier": -1})", s.clock);
  CHECK(Has(bad.status().message(), "integer >= 0"));
  bad = ChangeConfig(*s.db, s.manager, "override_reasons", "[]", s.clock);
  CHECK(Has(bad.status().message(), "1–30 reason codes"));
  bad = ChangeConfig(*s.db, s.manager, "counter.idle_lock_s", "0", s.clock);
  CHECK(Has(bad.status().message(), "above 0"));
  CHECK(GetConfig(*s.db, "cash_rounding") == "yuan_down");
  CHECK(s.Count("audit_log") == audits + 3);
}

TEST_CASE("store config: unknown and local keys are refused, the closest known key named") {
  Store s;
  auto typo = ChangeConfig(*s.db, s.manager, "cash_roundng", "none", s.clock);
  CHECK(typo.status().IsInvalidArgument());
  CHECK(Has(typo.status().message(), "did you mean \"cash_rounding\""));
  CHECK(Has(GetConfigEntry(*s.db, "printer").status().message(), "\"counter.printer_uri\""));
  CHECK(ClosestConfigKey("zzzzzzzzzzzzzzzzzzzzzzzzz") == "");
  auto local = ChangeConfig(*s.db, s.owner, "store_code", "S999", s.clock);
  CHECK(Has(local.status().message(), "this till's own database"));
  CHECK(GetConfig(*s.db, "store_code") == "S001");
}

TEST_CASE("store config: a cashier cannot change a setting") {
  Store s;
  auto r = ChangeConfig(*s.db, s.cashier, "cash_rounding", "jiao_down", s.clock);
  CHECK(r.status().code() == Status::Code::kPermissionDenied);
  CHECK(GetConfig(*s.db, "cash_rounding") == "none");
  CHECK(s.Int("SELECT count(*) FROM audit_log WHERE action = 'config_set'") == 0);
}

TEST_CASE("store config: override reasons are the store's list; English aliases of its codes count") {
  Store s;
  CHECK(CheckOverrideReason(*s.db, "损坏").ok());
  CHECK(CheckOverrideReason(*s.db, "damaged").ok());  // the scripts' code before issue 12
  CHECK(CheckOverrideReason(*s.db, "other").ok());
  Status none = CheckOverrideReason(*s.db, "");
  CHECK(none.IsInvalidArgument());
  CHECK(Has(none.message(), "损坏, 临期, 顾客投诉, 价格错误, 其他"));
  CHECK(CheckOverrideReason(*s.db, "cheaper").IsInvalidArgument());

  REQUIRE(ChangeConfig(*s.db, s.owner, "override_reasons", R"(["临期","试吃"])", s.clock).ok());
  CHECK(LoadOverrideReasons(*s.db) == std::vector<std::string>{"临期", "试吃"});
  CHECK(CheckOverrideReason(*s.db, "试吃").ok());
  CHECK(CheckOverrideReason(*s.db, "expiring").ok());
  Status gone = CheckOverrideReason(*s.db, "damaged");  // 损坏 is no longer on the list
  CHECK(gone.IsInvalidArgument());
  CHECK(Has(gone.message(), "临期, 试吃"));
  // A list edited by hand into nonsense falls back to the default, not to "anything goes".
  SetConfig(*s.db, "override_reasons", "not json");
  CHECK(CheckOverrideReason(*s.db, "损坏").ok());
  CHECK_FALSE(CheckOverrideReason(*s.db, "试吃").ok());
}

TEST_CASE("store config: payment settings take ids, absolute key-file paths and https gateways, never secrets inline") {
  CHECK(StoreConfigProblem("payment.mode", "live").empty());
  CHECK(StoreConfigProblem("payment.mode", "prod") == "must be sandbox or live");
  CHECK(StoreConfigProblem("payment.wechat.mch_id", "1900000109").empty());
  CHECK_FALSE(StoreConfigProblem("payment.wechat.mch_id", "1900 000109").empty());
  CHECK(StoreConfigProblem("payment.wechat.api_key_file", "/etc/linli/wechat.key").empty());
  CHECK(StoreConfigProblem("payment.wechat.api_key_file", "wechat.key").find("absolute path") != std::string::npos);
  CHECK(StoreConfigProblem("payment.wechat.sign_type", "sha1") == "must be hmac-sha256 or md5");
  CHECK(StoreConfigProblem("payment.alipay.base_url", "https://openapi.alipay.com/gateway.do").empty());
  CHECK(StoreConfigProblem("payment.alipay.base_url", "http://127.0.0.1:8080/gateway.do").empty());
  CHECK(StoreConfigProblem("payment.alipay.base_url", "http://openapi.alipay.com/gateway.do").find("https://") !=
        std::string::npos);
  CHECK(StoreConfigProblem("payment.wechat.sub_mch_id", "").empty());  // unset: not a sub-merchant
  bool listed = false;
  for (const ConfigKeyInfo& k : KnownConfigKeys()) listed |= std::string(k.key) == "payment.alipay.app_private_key_file";
  CHECK(listed);
}
