// The till's payment settings end to end: `linli` in live mode, set up with
// `linli config set` for the fake WeChat Pay, takes and refunds a real
// payment code, `linli payments test` says whether the keys are right, and a
// network the store has not set up is refused before anything is sent.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "fake_wechat.h"
#include "testing.h"

namespace linli::testing {
namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

struct LiveTill {
  TempDir dir;
  FakeWechatPay fake;
  std::string db = MakeDemoStoreWithCli(dir);
  std::string D = " --db " + Q(db) + " ";

  LiveTill() {
    WriteFile(dir.File("ca.pem"), fake.pki().ca_cert);
    WriteFile(dir.File("apiclient_cert.pem"), fake.pki().client_cert);
    Secret("apiclient_key.pem", fake.pki().client_key);
    Secret("api_key", fake.options().api_key);
    Set("payment.mode", "live");
    Set("payment.wechat.appid", fake.options().appid);
    Set("payment.wechat.mch_id", fake.options().mch_id);
    Set("payment.wechat.api_key_file", dir.File("api_key"));
    Set("payment.wechat.cert_file", dir.File("apiclient_cert.pem"));
    Set("payment.wechat.key_file", dir.File("apiclient_key.pem"));
    Set("payment.wechat.ca_file", dir.File("ca.pem"));
    Set("payment.wechat.base_url", fake.base_url());
    REQUIRE(RunLinli("shift open" + D + "--user 1001 --pin 1234 --float 0").exit_code == 0);
  }
  void Secret(const std::string& name, const std::string& text) {
    WriteFile(dir.File(name), text);
    REQUIRE(::chmod(dir.File(name).c_str(), 0600) == 0);
  }
  void Set(const std::string& key, const std::string& value) {
    auto r = RunLinli("config set" + D + Q(key) + " " + Q(value) + " --user 9001 --pin 9999");
    REQUIRE_MESSAGE(r.exit_code == 0, key << ": " << r.err);
  }
  RunResult Sell(const std::string& code) {
    const nlohmann::json script = {
        {"cashier", "1001"},
        {"pin", "1234"},
        {"sales", {{{"actions", {{{"scan", "6901234567892"}},
                                 {{"pay", {{"method", "payment_code"}, {"code", code}, {"amount_fen", 350}}}}}}}}}};
    WriteFile(dir.File("sale.json"), script.dump());
    return RunLinli("sell" + D + "--json --script " + Q(dir.File("sale.json")));
  }
};

}  // namespace

TEST_CASE("payments cli: a live till takes a WeChat payment code through the network and refunds it") {
  LiveTill t;
  auto probe = RunLinli("payments test" + t.D + "--json");
  REQUIRE_MESSAGE(probe.exit_code == 0, probe.out << probe.err);
  const auto p = nlohmann::json::parse(probe.out);
  CHECK(p["mode"] == "live");
  REQUIRE(p["networks"].size() == 1);
  CHECK(p["networks"][0]["network"] == "wechat");
  CHECK(p["networks"][0]["verdict"] == "cli.payments.ok");

  auto sold = t.Sell("134567890123456700");
  REQUIRE_MESSAGE(sold.exit_code == 0, sold.err);
  const auto sale = nlohmann::json::parse(sold.out)[0];
  CHECK(sale["tenders"][0]["method"] == "payment_code");
  CHECK(sale["tenders"][0]["provider"] == "wechat");
  // The fake holds one paid micropay, correctly signed, never resent differently.
  REQUIRE(t.fake.requests("/pay/micropay").size() == 1);
  CHECK(t.fake.requests("/pay/micropay")[0].signature_ok);
  const std::string order = t.fake.requests("/pay/micropay")[0].out_trade_no;
  CHECK(t.fake.order(order).trade_state == "SUCCESS");
  CHECK(t.fake.bad_signatures() == 0);
  CHECK(t.fake.violations().empty());

  // `linli refund`, in another process, refunds through the network over mutual TLS.
  auto refunded = RunLinli("refund" + t.D + "--receipt-no " + sale["receipt_no"].get<std::string>() +
                           " --cashier 1001 --pin 1234 --manager-pin 9999 --json");
  REQUIRE_MESSAGE(refunded.exit_code == 0, refunded.err);
  CHECK(t.fake.order(order).refunded_fen == 350);
  CHECK(t.fake.order(order).refunds == 1);
  CHECK(t.fake.refused_without_cert() == 0);
}

TEST_CASE("payments cli: a wrong API key is named by payments test, and an Alipay code is refused without Alipay") {
  LiveTill t;
  // Alipay is not set up: refused at once, the fake never hears of it.
  auto alipay = t.Sell("280012345678901230");
  CHECK(alipay.exit_code != 0);
  CHECK(alipay.err.find("not set up") != std::string::npos);
  CHECK(t.fake.requests().empty());
  // A key of the right shape but not the merchant's.
  t.Secret("api_key", "00000000000000000000000000000000");
  auto probe = RunLinli("payments test" + t.D + "--json");
  CHECK(probe.exit_code == 1);
  const auto p = nlohmann::json::parse(probe.out);
  CHECK(p["networks"][0]["verdict"] == "cli.payments.bad_key");
  CHECK(t.fake.bad_signatures() >= 1);
  // Sandbox mode calls nothing.
  t.Set("payment.mode", "sandbox");
  auto sandbox = RunLinli("payments test" + t.D + "--json");
  CHECK(sandbox.exit_code == 0);
  CHECK(nlohmann::json::parse(sandbox.out)["mode"] == "sandbox");
}

}  // namespace linli::testing

namespace linli::testing {

TEST_CASE("payments cli: live settings that do not hold turn payment codes off, and cash still sells") {
  LiveTill t;
  // The API key file readable by others: the gateway refuses to use it.
  REQUIRE(::chmod(t.dir.File("api_key").c_str(), 0644) == 0);
  auto code = t.Sell("134567890123456700");
  CHECK(code.exit_code != 0);
  CHECK(code.err.find("payment codes are off") != std::string::npos);
  CHECK(code.err.find("chmod 600") != std::string::npos);
  CHECK(t.fake.requests().empty());
  const nlohmann::json cash = {
      {"cashier", "1001"},
      {"pin", "1234"},
      {"sales", {{{"actions", {{{"scan", "6901234567892"}}, {{"pay", {{"method", "cash"}, {"amount_fen", 500}}}}}}}}}};
  WriteFile(t.dir.File("cash.json"), cash.dump());
  auto sold = RunLinli("sell" + t.D + "--json --script " + Q(t.dir.File("cash.json")));
  CHECK_MESSAGE(sold.exit_code == 0, sold.err);
}

}  // namespace linli::testing
