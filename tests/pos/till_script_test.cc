#include <doctest/doctest.h>

#include "checkout_fixture.h"
#include "linli/pos/journal.h"
#include "linli/pos/sales.h"
#include "linli/pos/till_script.h"

using namespace linli;
using namespace linli::checkout_testing;
using nlohmann::json;

namespace {

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TillScriptResult Run(Store& s, const json& script, int columns = 0) {
  return RunTillScript(*s.db, s.clock, &s.gateway, script, TillScriptOptions{columns});
}

// Sale 1 of every error script: one good sale that must stay committed.
json GoodSale() {
  return {{"actions", json::array({{{"sku", "A001"}, {"qty", 1}}, {{"pay", {{"method", "cash"}, {"amount_fen", 350}}}}})}};
}

json ScriptWithSecondSale(const json& actions) {
  return {{"cashier", "1001"}, {"pin", "1234"}, {"sales", json::array({GoodSale(), {{"actions", actions}}})}};
}

}  // namespace

TEST_CASE("till script: a full session runs and reports every documented field") {
  Store s;
  const json script = json::parse(R"({"cashier": "1001", "pin": "1234", "sales": [
    {"actions": [
      {"scan": "6901234567892", "qty": 2},
      {"sku": "A002", "qty_milli": 1500},
      {"plu": "123", "qty_milli": 500},
      {"set_qty": {"line": 1, "qty": 3}},
      {"void_line": 2},
      {"member": "13800138000"},
      {"discount_line": {"line": 1, "percent": 10}},
      {"discount_order": {"amount_fen": 100, "manager_pin": "9999"}},
      {"override_price": {"line": 3, "price_fen": 1000, "manager_pin": "9999", "reason": "damaged"}},
      {"round": "jiao_down"},
      {"suspend": "张阿姨的"},
      {"resume": "last"},
      {"pay": {"method": "card", "amount_fen": 500, "reference": "T123"}},
      {"pay": {"method": "payment_code", "code": "134567890123456780", "amount_fen": 300}},
      {"pay": {"method": "cash", "amount_fen": 1000}}]},
    {"actions": [{"sku": "B001"}, {"pay": {"method": "payment_code", "code": "6212345678901234568"}}]},
    {"void_last": {"manager_pin": "9999", "reason": "顾客改主意"}},
    {"refund": {"receipt_no": "$1", "lines": [{"line": 1, "qty": 1}], "manager_pin": "9999", "reason": "坏了"}}
  ]})");
  const int64_t journal = s.Count("journal");
  auto r = Run(s, script, kReceiptColumns58);
  REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  REQUIRE(r.completed.size() == 4);

  const json& sale = r.completed[0];
  CHECK(sale["receipt_no"] == "S001-20261121-0001");
  CHECK(sale["status"] == "completed");
  CHECK(sale["kind"] == "sale");
  REQUIRE(sale["lines"].size() == 2);
  const json& l1 = sale["lines"][0];
  for (const char* key : {"line", "sku", "name", "qty_milli", "unit_price_fen", "discount_fen", "total_fen", "tax_fen"}) {
    CAPTURE(key);
    CHECK(l1.contains(key));
  }
  CHECK(l1["line"] == 1);
  CHECK(l1["sku"] == "A001");
  CHECK(l1["name"] == "可口可乐 330ml");
  CHECK(l1["qty_milli"] == 3000);
  CHECK(l1["unit_price_fen"] == 350);
  const json& l3 = sale["lines"][1];
  CHECK(l3["line"] == 3);  // line 2 was voided; numbers stay, also across suspend/resume
  CHECK(l3["sku"] == "K001");
  CHECK(l3["qty_milli"] == 500);
  CHECK(l3["unit_price_fen"] == 1000);
  CHECK(l3["original_unit_price_fen"] == 1280);
  // 10.50 - 1.05 + 5.00 = 14.45; order -1.00 = 13.45; 抹零 0.05 → 13.40.
  CHECK(sale["subtotal_fen"] == 1550);
  CHECK(sale["discount_fen"] == 205);
  CHECK(sale["rounding_fen"] == 5);
  CHECK(sale["total_fen"] == 1340);
  CHECK(sale["tax_fen"] == l1["tax_fen"].get<int64_t>() + l3["tax_fen"].get<int64_t>());
  CHECK(l1["total_fen"].get<int64_t>() + l3["total_fen"].get<int64_t>() == 1340);
  REQUIRE(sale["tenders"].size() == 3);
  CHECK(sale["tenders"][0]["method"] == "card");
  CHECK(sale["tenders"][0]["reference"] == "T123");
  CHECK(sale["tenders"][1]["method"] == "payment_code");
  CHECK(sale["tenders"][1]["provider"] == "wechat");
  CHECK(sale["tenders"][2]["method"] == "cash");
  CHECK(sale["change_fen"] == 1000 - 540);
  CHECK(sale["member"] == "13800138000");
  CHECK(sale["points_earned"] == 13);
  CHECK(sale["approved_by"] == "2001");
  CHECK(Has(sale["receipt"].get<std::string>(), "S001-20261121-0001"));

  CHECK(r.completed[1]["receipt_no"] == "S001-20261121-0002");
  CHECK(r.completed[1]["tenders"][0]["provider"] == "unionpay");
  CHECK(s.gateway.pay_calls == 2);  // the timed-out UnionPay code was asked about, not paid again
  CHECK(r.completed[2]["kind"] == "void");
  CHECK(r.completed[2]["original_receipt_no"] == "S001-20261121-0002");
  CHECK(r.completed[3]["kind"] == "refund");
  CHECK(r.completed[3]["original_receipt_no"] == "S001-20261121-0001");
  CHECK(r.completed[3]["receipt_no"] == "S001-20261121-0004");
  // A third of line 1 after its share of the order discount and 抹零 (8.77).
  CHECK(l1["total_fen"] == 877);
  CHECK(r.completed[3]["total_fen"] == 292);
  CHECK(s.Count("sales") == 4);
  CHECK(s.Count("journal") == journal + 4);
  CHECK(VerifyJournal(*s.db).ok);
  CHECK(s.Count("suspended_carts") == 0);
  CHECK(s.Int("SELECT count(*) FROM audit_log WHERE action = 'price_override' AND approved_by = '2001' "
              "AND reason = 'damaged'") == 1);
}

TEST_CASE("till script: a bad action stops the run naming sale, action, value and reason") {
  struct Case {
    const char* name;
    json actions;
    Status::Code code;
    std::vector<std::string> words;
  };
  const std::string unknown = Gtin13("690999999999");
  const std::vector<Case> cases = {
      {"unknown barcode",
       json::array({{{"sku", "A001"}}, {{"scan", unknown}}, {{"pay", {{"method", "cash"}, {"amount_fen", 1000}}}}}),
       Status::Code::kNotFound,
       {"sale 2", "action 2", unknown, "unknown barcode"}},
      {"pieces beyond what fits in milli-units (fuzz: qty × 1000 overflowed)",
       json::array({{{"sku", "A002"}, {"qty", int64_t{999999999999999991}}}}),
       Status::Code::kInvalidArgument,
       {"sale 2", "action 1", "qty 999999999999999991 is out of range"}},
      {"wrong manager PIN",
       json::array({{{"sku", "A001"}},
                    {{"discount_line", {{"line", 1}, {"percent", 50}, {"manager_pin", "0000"}}}},
                    {{"pay", {{"method", "cash"}, {"amount_fen", 1000}}}}}),
       Status::Code::kPermissionDenied,
       {"sale 2", "action 2", "0000", "PIN wrong"}},
      {"tender short",
       json::array({{{"sku", "A001"}, {"qty", 2}}, {{"pay", {{"method", "cash"}, {"amount_fen", 500}}}}}),
       Status::Code::kFailedPrecondition,
       {"sale 2", "tender short", "2.00"}},
      {"bad field type",
       json::array({{{"sku", "A001"}}, {{"sku", "A002"}, {"qty", "two"}}}),
       Status::Code::kInvalidArgument,
       {"sale 2", "action 2", "\"two\"", "whole number"}},
      {"unknown action",
       json::array({{{"sku", "A001"}}, {{"sacn", "6901234567892"}}}),
       Status::Code::kInvalidArgument,
       {"sale 2", "action 2", "sacn", "unknown action"}},
      {"declined payment code",
       json::array({{{"sku", "A001"}}, {{"pay", {{"method", "payment_code"}, {"code", Alipay('6')}}}}}),
       Status::Code::kFailedPrecondition,
       {"sale 2", "action 2", "余额不足"}},
      {"unknown member",
       json::array({{{"sku", "A001"}}, {{"member", "13912345678"}}}),
       Status::Code::kNotFound,
       {"sale 2", "action 2", "13912345678", "no member"}},
      {"price override without a reason",
       json::array({{{"sku", "A001"}},
                    {{"override_price", {{"line", 1}, {"price_fen", 100}, {"manager_pin", "9999"}}}}}),
       Status::Code::kInvalidArgument,
       {"sale 2", "action 2", "reason code", "损坏, 临期, 顾客投诉, 价格错误, 其他"}},
      {"price override with a reason not on the store's list",
       json::array({{{"sku", "A001"}},
                    {{"override_price", {{"line", 1}, {"price_fen", 100}, {"manager_pin", "9999"},
                                         {"reason", "想便宜点"}}}}}),
       Status::Code::kInvalidArgument,
       {"sale 2", "action 2", "\"想便宜点\" is not one of", "其他"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Store s;
    auto r = Run(s, ScriptWithSecondSale(c.actions));
    CHECK_FALSE(r.status.ok());
    CHECK(r.status.code() == c.code);
    for (const std::string& w : c.words) {
      CAPTURE(w);
      CHECK(Has(r.status.message(), w));
    }
    CHECK(r.completed.size() == 1);  // the first sale went through
    CHECK(s.Count("sales") == 1);    // the second did not
    CHECK(s.Int("SELECT count(*) FROM sale_lines") == 1);
    CHECK(VerifyJournal(*s.db).ok);
  }
}

TEST_CASE("till script: an abandoned sale gives back a payment already taken") {
  Store s;
  auto r = Run(s, ScriptWithSecondSale(json::array(
                      {{{"sku", "D001"}}, {{"pay", {{"method", "payment_code"}, {"code", Wechat('2')}, {"amount_fen", 1000}}}}})));
  CHECK(r.status.code() == Status::Code::kFailedPrecondition);
  CHECK(Has(r.status.message(), "at the end"));
  CHECK(Has(r.status.message(), "49.90"));
  CHECK(s.Count("sales") == 1);
  CHECK(s.gateway.cancel_calls == 1);
  CHECK(s.Text("SELECT state FROM payment_attempts") == "cancelled");
}

TEST_CASE("till script: refunds, voids and the script's own problems") {
  SUBCASE("to_cash of the wrong type is an error, not a crash") {
    Store s;
    json script = {{"cashier", "1001"}, {"pin", "1234"},
                   {"sales", json::array({GoodSale(), {{"refund", {{"receipt_no", "$1"}, {"to_cash", "yes"},
                                                                    {"manager_pin", "9999"}}}}})}};
    TillScriptResult r;
    CHECK_NOTHROW(r = Run(s, script));
    CHECK(r.status.IsInvalidArgument());
    CHECK(Has(r.status.message(), "sale 2"));
    CHECK(Has(r.status.message(), "to_cash"));
    CHECK(s.Count("sales") == 1);
  }
  SUBCASE("a refund over what was sold") {
    Store s;
    json script = {{"cashier", "1001"}, {"pin", "1234"},
                   {"sales", json::array({GoodSale(),
                                          {{"refund", {{"receipt_no", "$last"}, {"lines", json::array({{{"line", 1}, {"qty", 2}}})},
                                                       {"manager_pin", "9999"}}}}})}};
    auto r = Run(s, script);
    CHECK(r.status.IsInvalidArgument());
    CHECK(Has(r.status.message(), "sale 2 (refund"));
    CHECK(Has(r.status.message(), "at most 1"));
    CHECK(s.Count("sales") == 1);
  }
  SUBCASE("a receipt reference the script has not produced") {
    Store s;
    json script = {{"cashier", "1001"}, {"pin", "1234"},
                   {"sales", json::array({GoodSale(), {{"refund", {{"receipt_no", "$5"}, {"manager_pin", "9999"}}}}})}};
    auto r = Run(s, script);
    CHECK(r.status.IsInvalidArgument());
    CHECK(Has(r.status.message(), "$5"));
  }
  SUBCASE("void_last without a PIN") {
    Store s;
    json script = {{"cashier", "1001"}, {"pin", "1234"}, {"sales", json::array({GoodSale(), {{"void_last", json::object()}}})}};
    auto r = Run(s, script);
    CHECK(r.status.code() == Status::Code::kPermissionDenied);
    CHECK(Has(r.status.message(), "sale 2 (void_last)"));
    CHECK(s.Count("sales") == 1);
  }
  SUBCASE("a wrong cashier PIN runs nothing") {
    Store s;
    json script = {{"cashier", "1001"}, {"pin", "0000"}, {"sales", json::array({GoodSale()})}};
    auto r = Run(s, script);
    CHECK(r.status.code() == Status::Code::kPermissionDenied);
    CHECK(r.completed.empty());
    CHECK(s.Count("sales") == 0);
  }
  SUBCASE("not an object, not a list, an unknown entry") {
    Store s;
    CHECK(Run(s, json::array()).status.IsInvalidArgument());
    CHECK(Run(s, {{"cashier", "1001"}, {"pin", "1234"}, {"sales", 3}}).status.IsInvalidArgument());
    auto r = Run(s, {{"cashier", "1001"}, {"pin", "1234"}, {"sales", json::array({{{"sell", 1}}})}});
    CHECK(r.status.IsInvalidArgument());
    CHECK(Has(r.status.message(), "sale 1"));
  }
}

TEST_CASE("till script: ParseTillScript reports where the JSON breaks") {
  auto ok = ParseTillScript(R"({"cashier": "1001"})");
  REQUIRE(ok.ok());
  CHECK((*ok)["cashier"] == "1001");
  auto bad = ParseTillScript("{\"cashier\": \"1001\",, }");
  CHECK(bad.status().IsInvalidArgument());
  CHECK(Has(bad.status().message(), "byte 20"));
}

TEST_CASE("till script: a number too large for JSON is an error, not a crash") {
  auto bad = ParseTillScript(R"({"pay": {"amount_fen": 9E999}})");
  CHECK(bad.status().IsInvalidArgument());
  CHECK(Has(bad.status().message(), "out of range"));
}
