#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>

#include "checkout_fixture.h"
#include "linli/pos/checkout.h"
#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "linli/pos/receipt.h"
#include "linli/pos/rounding.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"

using namespace linli;
using namespace linli::checkout_testing;

namespace {

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

const PricedLine& LineOf(const PricedCart& c, int line_no) {
  for (const PricedLine& l : c.lines) {
    if (l.line_no == line_no) return l;
  }
  FAIL("no priced line " << line_no);
  return c.lines.front();
}

// Tax included in a tax-inclusive amount, computed here independently.
int64_t ExpectedTax(int64_t net, int64_t rate) {
  const int64_t num = net * rate, den = 10000 + rate;
  return (2 * num + den) / (2 * den);  // half up, net >= 0
}

void CheckTotalsAddUp(const PricedCart& c) {
  int64_t sum = 0, tax = 0, rounding = 0, order = 0;
  for (const PricedLine& l : c.lines) {
    CHECK(l.total_fen >= 0);
    CHECK(l.total_fen == l.gross_fen - l.discount_fen - l.rounding_fen);
    CHECK(l.tax_fen == ExpectedTax(l.total_fen, l.tax_rate_bp));
    sum += l.total_fen;
    tax += l.tax_fen;
    rounding += l.rounding_fen;
    order += l.order_discount_fen;
  }
  CHECK(sum == c.total_fen);
  CHECK(tax == c.tax_fen);
  CHECK(rounding == c.rounding_fen);
  CHECK(order == c.order_discount_fen);
}

}  // namespace

TEST_CASE("checkout: the pinned clock and the store-local business date") {
  CHECK(ParseUtc("2026-11-21T07:30:00Z") == kT0);
  CHECK(BusinessDate(kT0, "Asia/Shanghai") == "2026-11-21");
  CHECK(BusinessDate(ParseUtc("2026-11-21T15:59:59Z"), "Asia/Shanghai") == "2026-11-21");
  CHECK(BusinessDate(ParseUtc("2026-11-21T16:00:00Z"), "Asia/Shanghai") == "2026-11-22");
  CHECK(BusinessDate(ParseUtc("2026-11-21T17:00:00Z"), "Asia/Shanghai") == "2026-11-22");
}

TEST_CASE("checkout: scanning product, case and payment codes") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  CHECK(co->empty());

  auto l1 = co->Scan("6901234567892");
  REQUIRE(l1.ok());
  CHECK(*l1 == 1);
  auto l2 = co->Scan("06901234567892");  // the case code: 24 per pack
  REQUIRE(l2.ok());
  CHECK(*l2 == 2);
  auto l3 = co->Scan(kBiscuitBarcode, 3);
  REQUIRE(l3.ok());
  CHECK(*l3 == 3);
  auto l4 = co->Scan("06901234567892", 2);  // two cases
  REQUIRE(l4.ok());
  REQUIRE(co->lines().size() == 4);
  CHECK(co->lines()[0].qty_milli == 1000);
  CHECK(co->lines()[0].sku == "A001");
  CHECK(co->lines()[1].qty_milli == 24000);
  CHECK(co->lines()[2].qty_milli == 3000);
  CHECK(co->lines()[2].sku == "B001");
  CHECK(co->lines()[3].qty_milli == 48000);
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(LineOf(*priced, 2).gross_fen == 350 * 24);
  CHECK(LineOf(*priced, 3).gross_fen == 1500);
  CHECK(priced->total_fen == 350 + 8400 + 1500 + 16800);

  auto bad = co->Scan("6901234567893");
  CHECK(bad.status().IsInvalidArgument());
  CHECK(Has(bad.status().message(), "check digit"));
  CHECK(Has(bad.status().message(), "expected 2"));
  auto unknown = co->Scan(Gtin13("690999999999"));
  CHECK(unknown.status().IsNotFound());
  CHECK(Has(unknown.status().message(), "unknown barcode " + Gtin13("690999999999")));
  auto pay = co->Scan(Wechat('1'));
  CHECK(pay.status().IsInvalidArgument());
  CHECK(Has(pay.status().message(), "payment code"));
  CHECK(co->Scan("6901234567892", 0).status().IsInvalidArgument());
  CHECK(co->lines().size() == 4);  // refused scans add nothing
}

TEST_CASE("checkout: price-embedded scale labels, PLU and weighed goods") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  // 15.80 printed; 12.80/kg → 1580/1280 kg = 1234.375 g → 1234 g.
  const std::string label = ScaleLabel("00123", 1580);
  auto l = co->Scan(label);
  REQUIRE(l.ok());
  REQUIRE(co->lines().size() == 1);
  CHECK(co->lines()[0].sku == "K001");
  CHECK(co->lines()[0].unit == SaleUnit::kKg);
  CHECK(co->lines()[0].qty_milli == 1234);
  CHECK(co->lines()[0].label_amount_fen == std::optional<int64_t>(1580));
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(priced->lines[0].gross_fen == 1580);  // the printed amount, not 12.80 × 1.234
  CHECK(priced->lines[0].total_fen == 1580);
  CHECK(priced->lines[0].tax_fen == ExpectedTax(1580, 900));
  CHECK(co->SetQty(*l, 2000).code() == Status::Code::kFailedPrecondition);

  std::string broken = label;
  broken.back() = broken.back() == '9' ? '0' : static_cast<char>(broken.back() + 1);
  auto b = co->Scan(broken);
  CHECK(b.status().IsInvalidArgument());
  CHECK(Has(b.status().message(), "check digit"));
  auto missing = co->Scan(ScaleLabel("00999", 500));
  CHECK(missing.status().IsNotFound());
  CHECK(Has(missing.status().message(), "PLU 00999"));

  auto plu = co->AddPlu("123", 500);  // 500 g by PLU
  REQUIRE(plu.ok());
  auto sku = co->AddSku("K001", 287);
  REQUIRE(sku.ok());
  CHECK(co->AddSku("NOPE", 1000).status().IsNotFound());
  CHECK(co->AddPlu("456", 1000).status().IsNotFound());
  CHECK(co->AddSku("A001", 0).status().IsInvalidArgument());
  priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(LineOf(*priced, 2).gross_fen == 640);  // 12.80 × 0.5
  CHECK(LineOf(*priced, 3).gross_fen == 367);  // 12.80 × 0.287 = 3.6736
  CheckTotalsAddUp(*priced);
}

TEST_CASE("checkout: line total rounds half up, set quantity, void keeps numbers, clear") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("C001", 1500).ok());  // 0.01 × 1.5 = 0.015 → 0.02
  REQUIRE(co->AddSku("A001", 1000).ok());
  REQUIRE(co->AddSku("B001", 1000).ok());
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(LineOf(*priced, 1).gross_fen == 2);
  CHECK(LineOf(*priced, 2).gross_fen == 350);

  REQUIRE(co->SetQty(2, 3000).ok());
  CHECK(co->Price()->total_fen == 2 + 1050 + 500);
  CHECK(co->SetQty(2, 0).IsInvalidArgument());
  CHECK(co->SetQty(9, 1000).IsNotFound());

  REQUIRE(co->VoidLine(2).ok());
  CHECK(co->VoidLine(2).IsNotFound());
  CHECK(co->SetQty(2, 1000).IsNotFound());
  auto l4 = co->AddSku("A002", 1000);
  REQUIRE(l4.ok());
  CHECK(*l4 == 4);  // numbers are never reused
  priced = co->Price();
  REQUIRE(priced.ok());
  std::vector<int> nos;
  for (const auto& l : priced->lines) nos.push_back(l.line_no);
  CHECK(nos == std::vector<int>{1, 3, 4});
  CHECK(priced->total_fen == 2 + 500 + 200);
  CHECK_FALSE(co->empty());

  REQUIRE(co->Clear().ok());
  CHECK(co->empty());
  CHECK(co->lines().empty());
  auto again = co->AddSku("A001", 1000);
  REQUIRE(again.ok());
  CHECK(*again == 1);
}

TEST_CASE("checkout: order discount is shared by largest remainder and taxes are per line") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A002", 1000).ok());  // 2.00 at 13%
  REQUIRE(co->AddSku("B001", 1000).ok());  // 5.00 at 6%
  REQUIRE(co->AddSku("D001", 1000).ok());  // 59.90 at 0%
  REQUIRE(co->DiscountOrder(Discount::AmountFen(100), std::nullopt).ok());  // 1.5%: within the cashier's limit
  auto priced = co->Price();
  REQUIRE(priced.ok());
  // 100 × (200, 500, 5990) / 6690 = 2.99, 7.47, 89.54 → floors 2, 7, 89; the
  // two spare fen go to the largest remainders (line 1, then line 3).
  CHECK(LineOf(*priced, 1).order_discount_fen == 3);
  CHECK(LineOf(*priced, 2).order_discount_fen == 7);
  CHECK(LineOf(*priced, 3).order_discount_fen == 90);
  CHECK(priced->order_discount_fen == 100);
  CHECK(priced->total_fen == 6590);
  CHECK(LineOf(*priced, 1).tax_fen == 23);  // 197 × 13/113 = 22.66
  CHECK(LineOf(*priced, 2).tax_fen == 28);  // 493 × 6/106 = 27.9
  CHECK(LineOf(*priced, 3).tax_fen == 0);
  CheckTotalsAddUp(*priced);

  // A percent order discount over several lines adds up exactly too.
  REQUIRE(co->DiscountOrder(Discount::PercentBp(777), std::nullopt).ok());
  priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(priced->order_discount_fen == BasisPointsOf(6690, 777));
  CheckTotalsAddUp(*priced);

  CHECK(co->DiscountOrder(Discount::AmountFen(0), std::nullopt).IsInvalidArgument());
  CHECK(co->DiscountOrder(Discount::AmountFen(7000), Mgr()).IsInvalidArgument());
  CHECK(co->DiscountOrder(Discount::PercentBp(10001), Mgr()).IsInvalidArgument());
}

TEST_CASE("checkout: discounts and overrides over the limit need a manager, and are audited") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("B001", 1000).ok());  // 5.00
  REQUIRE(co->AddSku("D001", 1000).ok());  // 59.90
  REQUIRE(co->AddSku("A001", 2000).ok());  // 7.00

  // Line discounts: 10% is the cashier's own limit.
  CHECK(co->DiscountLine(1, Discount::PercentBp(1000), std::nullopt).ok());
  Status over = co->DiscountLine(1, Discount::PercentBp(1500), std::nullopt);
  CHECK(over.code() == Status::Code::kPermissionDenied);
  CHECK(Has(over.message(), "manager PIN"));
  Status wrong = co->DiscountLine(1, Discount::PercentBp(1500), Approval{"1111", "", ""});
  CHECK(wrong.code() == Status::Code::kPermissionDenied);
  CHECK(Has(wrong.message(), "PIN wrong"));
  // The cashier's own PIN is not a manager's.
  CHECK(co->DiscountLine(1, Discount::PercentBp(1500), Approval{"1234", "", ""}).code() ==
        Status::Code::kPermissionDenied);
  CHECK(co->DiscountLine(1, Discount::PercentBp(1500), Approval{"1234", "1001", ""}).code() ==
        Status::Code::kPermissionDenied);
  // Amounts are measured against the line: 0.60 of 5.00 is 12%.
  CHECK(co->DiscountLine(1, Discount::AmountFen(60), std::nullopt).code() == Status::Code::kPermissionDenied);
  CHECK(co->DiscountLine(1, Discount::AmountFen(51), std::nullopt).code() == Status::Code::kPermissionDenied);
  CHECK(co->DiscountLine(1, Discount::AmountFen(50), std::nullopt).ok());
  CHECK(co->DiscountLine(1, Discount::AmountFen(501), Mgr()).IsInvalidArgument());
  CHECK(co->DiscountLine(7, Discount::PercentBp(500), std::nullopt).IsNotFound());

  s.clock.Advance(60'000);
  const int64_t t_line = s.clock.NowMs();
  REQUIRE(co->DiscountLine(1, Discount::PercentBp(2000), Mgr("临期")).ok());
  // Managers have their own limit (50%); the owner may go further.
  CHECK(co->DiscountLine(2, Discount::PercentBp(6000), Mgr()).code() == Status::Code::kPermissionDenied);
  CHECK(co->DiscountLine(2, Discount::PercentBp(6000), Approval{"8888", "", "owner"}).ok());

  // Price override: a cashier always needs a manager.
  CHECK(co->OverridePrice(3, 300, std::nullopt).code() == Status::Code::kPermissionDenied);
  CHECK(co->OverridePrice(3, 300, Approval{"0000", "", ""}).code() == Status::Code::kPermissionDenied);
  CHECK(co->OverridePrice(3, 360, Approval{"1234", "", ""}).code() == Status::Code::kPermissionDenied);
  s.clock.Advance(60'000);
  const int64_t t_override = s.clock.NowMs();
  REQUIRE(co->OverridePrice(3, 300, Approval{"9999", "2001", "damaged"}).ok());

  // Order discount over 10% of what is left.
  CHECK(co->DiscountOrder(Discount::PercentBp(2000), std::nullopt).code() == Status::Code::kPermissionDenied);
  CHECK(co->DiscountOrder(Discount::PercentBp(2000), Approval{"4321", "", ""}).code() ==
        Status::Code::kPermissionDenied);

  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(LineOf(*priced, 1).line_discount_fen == 100);
  CHECK(LineOf(*priced, 2).line_discount_fen == BasisPointsOf(5990, 6000));
  CHECK(LineOf(*priced, 3).unit_price_fen == 300);
  CHECK(LineOf(*priced, 3).original_unit_price_fen == std::optional<int64_t>(350));
  CHECK(LineOf(*priced, 3).gross_fen == 600);
  CheckTotalsAddUp(*priced);

  const int64_t last_audit = s.Int("SELECT COALESCE(MAX(id), 0) FROM audit_log");
  CHECK(s.Int("SELECT count(*) FROM audit_log WHERE id > " + std::to_string(last_audit)) == 0);  // not before commit
  REQUIRE(co->PayCash(10000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->approved_by != "");

  // One row per successful privileged change (two line-1 discounts without a
  // manager, one with, the owner's, the override).
  Statement q = s.db->Prepare(
      "SELECT occurred_at, user_id, COALESCE(approved_by, ''), action, COALESCE(reason, ''), COALESCE(before, ''), "
      "after FROM audit_log WHERE id > ? ORDER BY id");
  q.Bind(1, last_audit);
  struct Row {
    std::string at, user, approver, action, reason, before, after;
  };
  std::vector<Row> rows;
  while (q.Step()) rows.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6)});
  REQUIRE(rows.size() == 5);
  for (const Row& r : rows) {
    CHECK(r.user == "1001");
    CHECK(nlohmann::json::parse(r.after).value("receipt_no", "") == sale->receipt_no);
  }
  const Row& managed = rows[2];
  CHECK(managed.action == "line_discount");
  CHECK(managed.approver == "2001");
  CHECK(managed.reason == "临期");
  CHECK(managed.at == FormatUtc(t_line));
  CHECK(nlohmann::json::parse(managed.before).value("value", 0) == 50);  // the 0.50 before it
  CHECK(nlohmann::json::parse(managed.after).value("percent_bp", 0) == 2000);
  CHECK(rows[0].approver == "");  // within the cashier's own limit
  CHECK(rows[3].approver == "3001");
  const Row& ov = rows[4];
  CHECK(ov.action == "price_override");
  CHECK(ov.approver == "2001");
  CHECK(ov.reason == "damaged");
  CHECK(ov.at == FormatUtc(t_override));
  CHECK(nlohmann::json::parse(ov.before).value("unit_price_fen", 0) == 350);
  CHECK(nlohmann::json::parse(ov.after).value("unit_price_fen", 0) == 300);
}

TEST_CASE("checkout: a manager at the till overrides alone but still has a discount limit") {
  Store s;
  auto co = s.NewCheckout(s.manager);
  REQUIRE(co->AddSku("A001", 1000).ok());
  CHECK(co->OverridePrice(1, 100, std::nullopt).ok());
  CHECK(co->DiscountLine(1, Discount::PercentBp(5000), std::nullopt).ok());
  CHECK(co->DiscountLine(1, Discount::PercentBp(5001), std::nullopt).code() == Status::Code::kPermissionDenied);
  CHECK(co->DiscountLine(1, Discount::PercentBp(5001), Approval{"9999", "", ""}).code() ==
        Status::Code::kPermissionDenied);
}

TEST_CASE("checkout: an amount a little over the limit is over it") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("D001", 4000).ok());  // 239.60
  // 23.96 is exactly 10%; 23.97 is 10.004%, which half-up rounding made 10.00%.
  CHECK(co->DiscountLine(1, Discount::AmountFen(2396), std::nullopt).ok());
  CHECK(co->DiscountLine(1, Discount::AmountFen(2397), std::nullopt).code() == Status::Code::kPermissionDenied);
  REQUIRE(co->DiscountLine(1, Discount::AmountFen(1), std::nullopt).ok());
  CHECK(co->DiscountOrder(Discount::AmountFen(2396), std::nullopt).code() == Status::Code::kPermissionDenied);
  CHECK(co->DiscountOrder(Discount::AmountFen(2395), std::nullopt).ok());  // 10% of 239.59
}

TEST_CASE("checkout: a discount that does not fit after promotions is refused at once") {
  Store s;
  REQUIRE(ImportPromotions(*s.db,
                           R"({"promotions":[{"id":"P9","name":"饼干特价","type":"fixed_price","skus":["B001"],"price":"1.00"}]})",
                           false, s.clock)
              .ok());
  {
    // A cashier's 10% is 10% of what the customer pays for the line: 0.50 off
    // the promoted 1.00 is half of it, not a tenth of the 5.00 list price.
    auto co = s.NewCheckout(s.cashier);
    REQUIRE(co->AddSku("B001", 1000).ok());
    CHECK(co->DiscountLine(1, Discount::AmountFen(50), std::nullopt).code() == Status::Code::kPermissionDenied);
    CHECK(co->DiscountLine(1, Discount::AmountFen(10), std::nullopt).ok());
  }
  auto co = s.NewCheckout(s.owner);
  REQUIRE(co->AddSku("B001", 1000).ok());  // 5.00 → 1.00 by promotion
  // 2.00 off a line that now costs 1.00 cannot be priced.
  Status st = co->DiscountLine(1, Discount::AmountFen(200), std::nullopt);
  CHECK(st.IsInvalidArgument());
  // The cart stays usable.
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(priced->total_fen == 100);
}

TEST_CASE("checkout: promotions are their own lines, stored and printed") {
  Store s;
  REQUIRE(ImportPromotions(*s.db,
                           R"({"promotions":[{"id":"P1","name":"可乐第二件半价","type":"nth_item_percent",
                               "skus":["A001"],"nth":2,"percent":50}]})",
                           false, s.clock)
              .ok());
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->Scan("6901234567892", 2).ok());
  REQUIRE(co->AddSku("A002", 1000).ok());
  auto priced = co->Price();
  REQUIRE(priced.ok());
  REQUIRE(priced->promotions.size() == 1);
  CHECK(priced->promotions[0].promo_id == "P1");
  CHECK(priced->promotions[0].name == "可乐第二件半价");
  CHECK(priced->promotions[0].discount_fen == 175);
  CHECK(priced->promotions[0].line_nos == std::vector<int>{1});
  CHECK(priced->total_fen == 700 - 175 + 200);
  REQUIRE(co->PayCash(1000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(s.Text("SELECT name FROM sale_promotions WHERE promo_id = 'P1'") == "可乐第二件半价");
  CHECK(s.Int("SELECT discount_fen FROM sale_promotions WHERE promo_id = 'P1'") == 175);
  CHECK(s.Text("SELECT promo_ids FROM sale_lines WHERE line_no = 1") == "P1");
  auto j = sale->ToJson();
  REQUIRE(j["promotions"].size() == 1);
  CHECK(j["promotions"][0]["name"] == "可乐第二件半价");
  auto model = BuildReceipt(*s.db, sale->receipt_no);
  REQUIRE(model.ok());
  const std::string text = RenderReceiptText(*model, kReceiptColumns58);
  CHECK(Has(text, "可乐第二件半价"));
  CHECK(Has(text, "-1.75"));
}

TEST_CASE("checkout: cash rounding rules, caps and allocation") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A001", 1000).ok());  // 350
  REQUIRE(co->AddSku("B001", 1000).ok());  // 500
  REQUIRE(co->AddSku("K001", 287).ok());   // 367
  CHECK(co->Price()->total_fen == 1217);
  CHECK(CashRoundingFen(1217, CashRounding::kJiaoDown) == 7);
  CHECK(CashRoundingFen(1217, CashRounding::kYuanDown) == 17);
  CHECK(CashRoundingFen(1217, CashRounding::kJiaoNearest) == -3);

  REQUIRE(co->SetCashRounding(CashRounding::kJiaoDown, std::nullopt).ok());
  CHECK(co->Price()->rounding_fen == 7);
  CHECK(co->Price()->total_fen == 1210);
  REQUIRE(co->SetCashRounding(CashRounding::kJiaoNearest, std::nullopt).ok());
  CHECK(co->Price()->rounding_fen == -3);
  CHECK(co->Price()->total_fen == 1220);
  // 0.17 is over the cashier's 0.09 cap.
  Status st = co->SetCashRounding(CashRounding::kYuanDown, std::nullopt);
  CHECK(st.code() == Status::Code::kPermissionDenied);
  CHECK(co->SetCashRounding(CashRounding::kYuanDown, Approval{"1212", "", ""}).code() ==
        Status::Code::kPermissionDenied);
  CHECK(co->Price()->rounding_fen == -3);  // the refused rule did not stick
  REQUIRE(co->SetCashRounding(CashRounding::kYuanDown, Mgr("抹零")).ok());
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(priced->rounding_fen == 17);
  CHECK(priced->total_fen == 1200);
  CheckTotalsAddUp(*priced);
  REQUIRE(co->PayCash(1200).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->change_fen == 0);
  CHECK(s.Int("SELECT rounding_fen FROM sales WHERE id = " + std::to_string(sale->sale_id)) == 17);
  CHECK(s.Int("SELECT SUM(rounding_fen) FROM sale_lines WHERE sale_id = " + std::to_string(sale->sale_id)) == 17);
  CHECK(s.Int("SELECT SUM(total_fen) FROM sale_lines WHERE sale_id = " + std::to_string(sale->sale_id)) == 1200);
  CHECK(s.Text("SELECT approved_by FROM audit_log WHERE action = 'cash_rounding' ORDER BY id DESC LIMIT 1") ==
        "2001");

  SUBCASE("store caps come from store_config") {
    SetConfig(*s.db, "rounding_cap_fen", R"({"cashier":5,"manager":10})");
    SetConfig(*s.db, "cash_rounding", "jiao_nearest");
    auto c2 = s.NewCheckout(s.cashier);
    REQUIRE(c2->AddSku("A001", 1000).ok());
    REQUIRE(c2->AddSku("B001", 1000).ok());
    REQUIRE(c2->AddSku("K001", 287).ok());
    CHECK(c2->Price()->rounding_fen == -3);  // the store's default rule
    CHECK(c2->SetCashRounding(CashRounding::kJiaoDown, std::nullopt).code() == Status::Code::kPermissionDenied);
    CHECK(c2->SetCashRounding(CashRounding::kJiaoDown, Mgr()).ok());
    CHECK(c2->SetCashRounding(CashRounding::kYuanDown, Mgr()).code() == Status::Code::kPermissionDenied);
    CHECK(c2->SetCashRounding(CashRounding::kNone, std::nullopt).ok());
    CHECK(c2->Price()->rounding_fen == 0);
  }
}

TEST_CASE("checkout: members earn points per yuan, unknown phones are refused") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("D001", 1000).ok());
  REQUIRE(co->AddSku("A001", 1000).ok());
  Status unknown = co->AttachMember("13900000000");
  CHECK(unknown.IsNotFound());
  CHECK(Has(unknown.message(), "no member with phone 13900000000"));
  REQUIRE(co->AttachMember("13800138000").ok());
  REQUIRE(co->PayCash(10000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->priced.total_fen == 6340);
  CHECK(sale->points_earned == 63);
  CHECK(sale->member_phone == "13800138000");
  CHECK(s.Points("13800138000") == 63);
  auto j = sale->ToJson();
  CHECK(j["points_earned"] == 63);
  auto model = BuildReceipt(*s.db, sale->receipt_no);
  REQUIRE(model.ok());
  REQUIRE(model->member.has_value());
  CHECK(model->member->points_earned == 63);
  CHECK(model->member->points_balance == 63);
  const std::string text = RenderReceiptText(*model, kReceiptColumns80);
  CHECK(Has(text, "138****8000"));
  CHECK(Has(text, "63"));

  SetConfig(*s.db, "points_per_yuan", "2");
  auto c2 = s.NewCheckout(s.cashier);
  REQUIRE(c2->AddSku("A001", 1000).ok());
  REQUIRE(c2->AttachMember("13800138000").ok());
  REQUIRE(c2->PayCash(350).ok());
  auto second = c2->Commit();
  REQUIRE(second.ok());
  CHECK(second->points_earned == 6);
  CHECK(s.Points("13800138000") == 69);
  CHECK(AddMember(*s.db, "1380013800", "短号", s.clock).IsInvalidArgument());
}

TEST_CASE("checkout: suspended carts survive a restart and resume as they were") {
  Store s;
  int64_t id_a = 0, id_b = 0, total_a = 0;
  {
    auto co = s.NewCheckout(s.cashier);
    REQUIRE(co->AddSku("A001", 2000).ok());
    REQUIRE(co->AddSku("A002", 1000).ok());
    REQUIRE(co->AddSku("K001", 500).ok());
    REQUIRE(co->VoidLine(2).ok());
    REQUIRE(co->DiscountLine(3, Discount::PercentBp(2000), Mgr("熟客")).ok());
    REQUIRE(co->OverridePrice(1, 300, Mgr("damaged")).ok());
    REQUIRE(co->AttachMember("13800138000").ok());
    total_a = co->Price()->total_fen;
    auto a = co->Suspend("张阿姨的");
    REQUIRE(a.ok());
    id_a = *a;
    CHECK(co->empty());
    CHECK(co->Suspend("").status().code() == Status::Code::kFailedPrecondition);  // nothing to put aside
    REQUIRE(co->AddSku("B001", 3000).ok());
    auto b = co->Suspend("李叔");
    REQUIRE(b.ok());
    id_b = *b;
    CHECK(id_b != id_a);
  }
  auto list = ListSuspended(*s.db);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].label == "张阿姨的");
  CHECK((*list)[0].lines == 2);
  CHECK((*list)[0].cashier_id == "1001");
  CHECK((*list)[1].label == "李叔");

  s.Reopen();  // the till restarts
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A002", 1000).ok());
  CHECK(co->Resume(id_a).code() == Status::Code::kFailedPrecondition);  // a sale is in progress
  REQUIRE(co->Clear().ok());
  CHECK(co->Resume(999).IsNotFound());
  REQUIRE(co->Resume(id_a).ok());
  REQUIRE(co->lines().size() == 2);
  // Line numbers are the ones the cashier saw before suspending.
  CHECK(co->lines()[0].line_no == 1);
  CHECK(co->lines()[1].line_no == 3);
  CHECK(co->lines()[0].override_price_fen == std::optional<int64_t>(300));
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(priced->total_fen == total_a);
  CHECK(co->DiscountLine(3, Discount::PercentBp(500), std::nullopt).ok());  // line 3 is still line 3
  CHECK(co->Resume(id_b).code() == Status::Code::kFailedPrecondition);
  const int64_t audits = s.Count("audit_log");
  REQUIRE(co->PayCash(10000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->member_phone == "13800138000");
  // The approvals given before the suspension are still in the audit log.
  CHECK(s.Count("audit_log") - audits == 4);
  CHECK(s.Int("SELECT count(*) FROM audit_log WHERE action = 'price_override' AND approved_by = '2001' "
              "AND reason = 'damaged'") == 1);
  CHECK(ListSuspended(*s.db)->size() == 1);

  REQUIRE(co->Resume(id_b).ok());
  CHECK(co->Price()->total_fen == 1500);
  REQUIRE(co->PayCash(1500).ok());
  REQUIRE(co->Commit().ok());
  CHECK(ListSuspended(*s.db)->empty());
  CHECK(co->Resume(id_b).IsNotFound());  // taken once only
}

TEST_CASE("checkout: cash with change and quick-cash suggestions") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  CHECK(co->PayCash(100).code() == Status::Code::kFailedPrecondition);  // empty cart
  REQUIRE(co->AddSku("D001", 1000).ok());
  REQUIRE(co->AddSku("A001", 1000).ok());
  CHECK(QuickCashSuggestions(6340) == std::vector<int64_t>{6340, 7000, 10000});
  CHECK(QuickCashSuggestions(5000) == std::vector<int64_t>{5000, 6000, 10000});
  CHECK(QuickCashSuggestions(0).empty());
  CHECK(co->PayCash(0).IsInvalidArgument());
  REQUIRE(co->PayCash(5000).ok());
  CHECK(*co->RemainingFen() == 1340);
  CHECK(co->AddSku("A002", 1000).status().code() == Status::Code::kFailedPrecondition);  // locked once paying
  REQUIRE(co->PayCash(5000).ok());
  CHECK(*co->RemainingFen() == 0);
  REQUIRE(co->tenders().size() == 1);
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->change_fen == 3660);
  REQUIRE(sale->tenders.size() == 1);
  CHECK(sale->tenders[0].amount_fen == 6340);
  CHECK(sale->tenders[0].tendered_fen == 10000);
  CHECK(s.Int("SELECT amount_fen FROM sale_tenders") == 6340);
  CHECK(s.Int("SELECT tendered_fen FROM sale_tenders") == 10000);
  CHECK(s.Int("SELECT change_fen FROM sales") == 3660);
  auto j = sale->ToJson();
  CHECK(j["change_fen"] == 3660);
  CHECK(j["tenders"][0]["applied_fen"] == 6340);
  CHECK(co->empty());
  CHECK(co->tenders().empty());
}

TEST_CASE("checkout: payment codes approve, decline and go offline") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("D001", 1000).ok());

  SUBCASE("approved") {
    auto r = co->PayByCode(Wechat('1'), std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kApproved);
    CHECK(r->amount_fen == 5990);
    CHECK(s.gateway.pay_calls == 1);
    REQUIRE(co->tenders().size() == 1);
    CHECK(co->tenders()[0].reference == "SBX000001");
    auto sale = co->Commit();
    REQUIRE(sale.ok());
    CHECK(sale->change_fen == 0);
    CHECK(s.Text("SELECT method FROM sale_tenders") == "payment_code");
    CHECK(s.Text("SELECT provider FROM sale_tenders") == "wechat");
    CHECK(s.Text("SELECT reference FROM sale_tenders") == "SBX000001");
    CHECK(s.Int("SELECT count(*) FROM sale_tenders t JOIN payment_attempts a ON a.id = t.payment_attempt_id "
                "WHERE a.state = 'approved'") == 1);
  }
  SUBCASE("declined, then cash") {
    auto r = co->PayByCode(Alipay('6'), std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kDeclined);
    CHECK(Has(r->message, "余额不足"));
    CHECK(co->tenders().empty());
    REQUIRE(co->PayCash(6000).ok());
    auto sale = co->Commit();
    REQUIRE(sale.ok());
    CHECK(sale->change_fen == 10);
  }
  SUBCASE("offline answers at once and the cart takes cash") {
    s.sandbox.SetOffline(true);
    // The request reached the gateway, so it is an outcome (PayByCode's
    // contract in checkout.h), not a refusal: offline, nothing taken.
    auto r = co->PayByCode(Wechat('1'), std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kOffline);
    CHECK(s.gateway.pay_calls == 1);
    CHECK(co->tenders().empty());
    REQUIRE(co->AddSku("A001", 1000).ok());  // nothing was taken: still editable
    REQUIRE(co->PayCash(7000).ok());
    auto sale = co->Commit();
    REQUIRE(sale.ok());
    CHECK(sale->change_fen == 7000 - 6340);
  }
  SUBCASE("more than is due is refused before the gateway") {
    auto r = co->PayByCode(Wechat('1'), 6000);
    CHECK(r.status().IsInvalidArgument());
    CHECK(s.gateway.pay_calls == 0);
  }
  SUBCASE("no payment service") {
    Checkout bare(*s.db, s.clock, s.cashier, nullptr);
    REQUIRE(bare.Init().ok());
    REQUIRE(bare.AddSku("A001", 1000).ok());
    CHECK(bare.PayByCode(Wechat('1'), std::nullopt).status().code() == Status::Code::kUnavailable);
  }
}

TEST_CASE("checkout: a payment-code timeout is resolved by inquiry with exactly one Pay") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("D001", 1000).ok());
  SUBCASE("money was taken") {
    auto r = co->PayByCode(UnionPay('8'), std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kApproved);
    CHECK(s.gateway.pay_calls == 1);
    CHECK(s.gateway.query_calls >= 1);
    REQUIRE(co->tenders().size() == 1);
    CHECK(co->tenders()[0].provider == "unionpay");
    auto sale = co->Commit();
    REQUIRE(sale.ok());
    CHECK(s.gateway.pay_calls == 1);
    CHECK(s.Text("SELECT state FROM payment_attempts") == "approved");
  }
  SUBCASE("the request was lost") {
    auto r = co->PayByCode(Wechat('9'), std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kDeclined);
    CHECK(s.gateway.pay_calls == 1);
    CHECK(co->tenders().empty());
    REQUIRE(co->PayCash(5990).ok());
    REQUIRE(co->Commit().ok());
    CHECK(s.gateway.pay_calls == 1);
  }
}

TEST_CASE("checkout: card with reference and split tenders") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("D001", 1000).ok());
  REQUIRE(co->AddSku("A001", 1000).ok());  // 63.40
  CHECK(co->PayCard(1000, "").IsInvalidArgument());
  CHECK(co->PayCard(7000, "T1").IsInvalidArgument());
  REQUIRE(co->PayCard(2000, "T123").ok());
  auto code = co->PayByCode(Alipay('2'), 1500);
  REQUIRE(code.ok());
  REQUIRE(code->outcome == PaymentOutcome::kApproved);
  CHECK(*co->RemainingFen() == 2840);
  REQUIRE(co->PayCash(3000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->change_fen == 160);
  int64_t applied = 0;
  for (const Tender& t : sale->tenders) applied += t.amount_fen;
  CHECK(applied == sale->priced.total_fen);
  CHECK(s.Int("SELECT SUM(amount_fen) FROM sale_tenders") == 6340);
  CHECK(s.Text("SELECT reference FROM sale_tenders WHERE method = 'card'") == "T123");
  auto loaded = LoadSale(*s.db, sale->receipt_no);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->tenders.size() == 3);
  CHECK(loaded->tenders[0].method == "card");
  CHECK(loaded->tenders[1].method == "payment_code");
  CHECK(loaded->tenders[2].method == "cash");
  CHECK(loaded->tenders[2].tendered_fen == 3000);
}

TEST_CASE("checkout: a short tender is refused naming what is due, and nothing is written") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  CHECK(co->Commit().status().code() == Status::Code::kFailedPrecondition);  // empty cart
  REQUIRE(co->AddSku("D001", 1000).ok());
  REQUIRE(co->AddSku("A001", 1000).ok());
  const int64_t sales = s.Count("sales"), journal = s.Count("journal"), moves = s.Count("stock_movements");
  auto none = co->Commit();
  CHECK(none.status().code() == Status::Code::kFailedPrecondition);
  CHECK(Has(none.status().message(), "63.40"));
  REQUIRE(co->PayCard(1000, "T9").ok());
  REQUIRE(co->PayCash(5000).ok());
  auto short_ = co->Commit();
  CHECK(short_.status().code() == Status::Code::kFailedPrecondition);
  CHECK(Has(short_.status().message(), "3.40"));
  CHECK(Has(short_.status().message(), "due"));
  CHECK(s.Count("sales") == sales);
  CHECK(s.Count("journal") == journal);
  CHECK(s.Count("stock_movements") == moves);
  CHECK(s.Count("receipt_counters") == 0);
  REQUIRE(co->PayCash(340).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->receipt_no == "S001-20261121-0001");  // no number was burnt by the refused commit
}

TEST_CASE("checkout: commit writes sale, lines, tenders, stock and journal together") {
  Store s;
  const int64_t journal0 = s.Count("journal");
  const int64_t stock_a = s.Stock("A001"), stock_k = s.Stock("K001");
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->Scan("6901234567892", 3).ok());
  REQUIRE(co->Scan(ScaleLabel("00123", 1580)).ok());
  REQUIRE(co->PayCash(5000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->receipt_no == "S001-20261121-0001");
  CHECK(sale->business_date == "2026-11-21");
  CHECK(sale->occurred_at == FormatUtc(kT0));
  CHECK(sale->kind == "sale");
  CHECK(s.Stock("A001") == stock_a - 3000);
  CHECK(s.Stock("K001") == stock_k - 1234);
  CHECK(s.Count("journal") == journal0 + 1);
  CHECK(s.Count("sale_lines") == 2);
  CHECK(s.Count("sale_tenders") == 1);
  auto head = JournalHead(*s.db);
  REQUIRE(head.ok());
  CHECK(head->type == "sale");
  CHECK(sale->journal_seq == head->seq);
  CHECK(s.Int("SELECT journal_seq FROM sales") == head->seq);
  CHECK(s.Text("SELECT journal_hash FROM sales") == HexEncode(head->hash));
  auto payload = nlohmann::json::parse(head->payload);
  CHECK(payload["receipt_no"] == sale->receipt_no);
  CHECK(payload["total_fen"] == sale->priced.total_fen);
  CHECK(payload["lines"].size() == 2);
  CHECK(VerifyJournal(*s.db).ok);
  CHECK(s.Text("SELECT reason FROM stock_movements ORDER BY id DESC LIMIT 1") == "sale");
  CHECK(s.Text("SELECT ref FROM stock_movements ORDER BY id DESC LIMIT 1") == sale->receipt_no);

  // Sequential per business date.
  REQUIRE(co->AddSku("A002", 1000).ok());
  REQUIRE(co->PayCash(200).ok());
  auto second = co->Commit();
  REQUIRE(second.ok());
  CHECK(second->receipt_no == "S001-20261121-0002");
  CHECK(second->sale_uuid != sale->sale_uuid);
  // 17:00Z is 01:00 the next day in Shanghai: a new business date, from 0001.
  s.clock.Set(ParseUtc("2026-11-21T17:00:00Z"));
  REQUIRE(co->AddSku("A002", 1000).ok());
  REQUIRE(co->PayCash(200).ok());
  auto third = co->Commit();
  REQUIRE(third.ok());
  CHECK(third->receipt_no == "S001-20261122-0001");
  CHECK(third->business_date == "2026-11-22");
  REQUIRE(co->AddSku("A002", 1000).ok());
  REQUIRE(co->PayCash(200).ok());
  CHECK(co->Commit()->receipt_no == "S001-20261122-0002");
  CHECK(s.Int("SELECT count(DISTINCT receipt_no) FROM sales") == 4);
  CHECK(VerifyJournal(*s.db).ok);
  CHECK(VerifyJournal(*s.db).head_seq == journal0 + 4);
}

TEST_CASE("checkout: clearing a cart undoes an approved payment code") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A001", 1000).ok());
  auto r = co->PayByCode(Wechat('1'), std::nullopt);
  REQUIRE(r.ok());
  REQUIRE(r->outcome == PaymentOutcome::kApproved);
  CHECK(co->Suspend("x").status().code() == Status::Code::kFailedPrecondition);
  REQUIRE(co->Clear().ok());
  CHECK(s.gateway.cancel_calls == 1);
  CHECK(s.Text("SELECT state FROM payment_attempts") == "cancelled");
  CHECK(co->empty());
  CHECK(co->tenders().empty());
}

TEST_CASE("checkout: property loop over random carts, discounts, rounding and tenders") {
  Store s;
  SetConfig(*s.db, "rounding_cap_fen", R"({"cashier":99,"manager":99,"owner":99})");
  REQUIRE(ImportPromotions(*s.db,
                           R"({"promotions":[{"id":"P1","name":"可乐第二件半价","type":"nth_item_percent",
                               "skus":["A001"],"nth":2,"percent":50},
                              {"id":"P2","name":"饼干九折","type":"percent_off","skus":["B001"],"percent":10}]})",
                           false, s.clock)
              .ok());
  std::mt19937_64 rng(20261121);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  const std::vector<std::string> skus = {"A001", "A002", "K001", "B001", "C001", "D001"};
  std::map<std::string, int64_t> sold;
  std::map<std::string, int64_t> stock0;
  for (const auto& k : skus) stock0[k] = s.MovementSum(k);
  const int64_t journal0 = s.Count("journal");
  auto co = s.NewCheckout(s.owner);  // no PINs needed: keep the loop fast
  int committed = 0;
  for (int iter = 0; iter < 200; ++iter) {
    CAPTURE(iter);
    const int n = static_cast<int>(pick(1, 5));
    for (int i = 0; i < n; ++i) {
      const std::string& sku = skus[pick(0, skus.size() - 1)];
      const int64_t qty = sku == "K001" ? pick(1, 3000) : pick(1, 6) * 1000;
      REQUIRE(co->AddSku(sku, qty).ok());
    }
    if (n > 1 && pick(0, 3) == 0) REQUIRE(co->VoidLine(static_cast<int>(pick(1, n))).ok());
    if (co->empty()) {
      REQUIRE(co->Clear().ok());
      continue;
    }
    for (const CartLine& l : co->lines()) {
      if (l.voided) continue;
      const int r = static_cast<int>(pick(0, 5));
      if (r == 0) (void)co->DiscountLine(l.line_no, Discount::PercentBp(pick(1, 3000)), std::nullopt);
      if (r == 1) (void)co->DiscountLine(l.line_no, Discount::AmountFen(pick(1, 200)), std::nullopt);
      if (r == 2) REQUIRE(co->OverridePrice(l.line_no, pick(0, 2000), std::nullopt).ok());
    }
    if (pick(0, 2) == 0) (void)co->DiscountOrder(Discount::PercentBp(pick(1, 2000)), std::nullopt);
    if (pick(0, 3) == 0) (void)co->DiscountOrder(Discount::AmountFen(pick(1, 500)), std::nullopt);
    const CashRounding rules[] = {CashRounding::kNone, CashRounding::kJiaoDown, CashRounding::kYuanDown,
                                  CashRounding::kJiaoNearest};
    REQUIRE(co->SetCashRounding(rules[pick(0, 3)], std::nullopt).ok());
    auto priced = co->Price();
    REQUIRE(priced.ok());
    CheckTotalsAddUp(*priced);
    const int64_t total = priced->total_fen;
    // Tenders: maybe a card, maybe a code, cash for the rest (with change).
    int64_t left = total;
    if (left > 0 && pick(0, 2) == 0) {
      const int64_t card = pick(1, left);
      REQUIRE(co->PayCard(card, "T" + std::to_string(iter)).ok());
      left -= card;
    }
    if (left > 0 && pick(0, 2) == 0) {
      const int64_t amount = pick(1, left);
      auto r = co->PayByCode(Wechat(static_cast<char>('0' + pick(0, 5))), amount);
      REQUIRE(r.ok());
      REQUIRE(r->outcome == PaymentOutcome::kApproved);
      left -= amount;
    }
    if (left > 0 || co->tenders().empty()) REQUIRE(co->PayCash(left + pick(0, 10000)).ok());
    auto sale = co->Commit();
    REQUIRE(sale.ok());
    ++committed;
    int64_t lines = 0, applied = 0;
    for (const PricedLine& l : sale->priced.lines) {
      lines += l.total_fen;
      sold[l.sku] += l.qty_milli;
    }
    for (const Tender& t : sale->tenders) applied += t.amount_fen;
    CHECK(lines == sale->priced.total_fen);
    CHECK(applied == sale->priced.total_fen);
    CHECK(sale->change_fen >= 0);
    const std::string id = std::to_string(sale->sale_id);
    CHECK(s.Int("SELECT SUM(total_fen) FROM sale_lines WHERE sale_id = " + id) == sale->priced.total_fen);
    CHECK(s.Int("SELECT SUM(amount_fen) FROM sale_tenders WHERE sale_id = " + id) == sale->priced.total_fen);
  }
  CHECK(committed > 150);
  CHECK(s.Count("sales") == committed);
  CHECK(s.Count("journal") == journal0 + committed);
  auto report = VerifyJournal(*s.db);
  CHECK(report.ok);
  CHECK(report.reason == "");
  for (const auto& k : skus) {
    CAPTURE(k);
    CHECK(s.MovementSum(k) - stock0[k] == -sold[k]);
    CHECK(s.Stock(k) == s.MovementSum(k));
  }
}
