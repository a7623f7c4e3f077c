// The data path of a sale, walked once (issue 10): the cart is priced once
// per change and that pricing is what commits; each line carries its unit
// from the cart to sale_lines, and refunds and voids take it from the line.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "checkout_fixture.h"
#include "linli/pos/checkout.h"
#include "linli/pos/sales.h"

using namespace linli;
using namespace linli::checkout_testing;

namespace {

TEST_CASE("checkout data path: the cart is priced once per change, and commit uses that pricing") {
  Store s;
  auto co = s.NewCheckout(s.manager);
  const int64_t start = co->TEST_PricingRuns();
  REQUIRE(co->AddSku("A001", 2000).ok());
  REQUIRE(co->AddSku("K001", 500).ok());
  CHECK(co->TEST_PricingRuns() == start);  // nothing is priced until asked

  // The counter's refresh, then the amount still due: one pricing.
  auto priced = co->Price();
  REQUIRE(priced.ok());
  CHECK(priced->total_fen == 700 + 640);
  REQUIRE(co->RemainingFen().ok());
  CHECK(*co->RemainingFen() == 1340);
  CHECK(co->Price()->total_fen == 1340);
  CHECK(co->TEST_PricingRuns() == start + 1);

  // Every kind of change prices again, once.
  int64_t runs = co->TEST_PricingRuns();
  auto changed = [&](const Status& st) {
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    REQUIRE(co->Price().ok());
    REQUIRE(co->RemainingFen().ok());
    CHECK(co->TEST_PricingRuns() == ++runs);
  };
  changed(co->SetQty(1, 3000));
  CHECK(co->Price()->total_fen == 1050 + 640);
  changed(co->AddSku("B001", 1000).status());
  changed(co->DiscountLine(3, Discount::AmountFen(50), std::nullopt));
  changed(co->OverridePrice(1, 300, std::nullopt));
  changed(co->DiscountOrder(Discount::AmountFen(10), std::nullopt));
  changed(co->SetCashRounding(CashRounding::kJiaoDown, std::nullopt));
  changed(co->AttachMember("13800138000"));
  changed(co->VoidLine(3));
  const PricedCart before_pay = *co->Price();
  CHECK(co->TEST_PricingRuns() == runs);

  // Tenders do not change the pricing; the clock does not either when no
  // promotion has dates or a window.
  REQUIRE(co->PayCash(*co->RemainingFen() + 100).ok());
  s.clock.Advance(3600'000);
  CHECK(*co->RemainingFen() == 0);
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(co->TEST_PricingRuns() == runs);  // commit priced nothing again
  CHECK(sale->priced.total_fen == before_pay.total_fen);
  CHECK(sale->priced.rounding_fen == before_pay.rounding_fen);
  CHECK(s.Int("SELECT total_fen FROM sales WHERE receipt_no = '" + sale->receipt_no + "'") == before_pay.total_fen);

  // The next sale starts with nothing priced.
  REQUIRE(co->AddSku("A002", 1000).ok());
  CHECK(co->Price()->total_fen == 200);
  CHECK(co->TEST_PricingRuns() == runs + 1);
}

TEST_CASE("checkout data path: with a timed promotion the cart is priced again at each new minute") {
  Store s;
  // 17:00–19:00 every day; the fixture's clock is 15:30 in Shanghai.
  REQUIRE(ImportPromotions(*s.db,
                           R"({"promotions":[{"id":"HH","name":"欢乐时光","type":"percent_off","skus":["A002"],
                               "percent":50,"window":{"days":[1,2,3,4,5,6,7],"from":"17:00","to":"19:00"}}]})",
                           false, s.clock)
              .ok());
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A002", 1000).ok());
  s.clock.Set(kT0 + (89 * 60 + 30) * 1000);  // 16:59:30
  const int64_t runs = co->TEST_PricingRuns();
  CHECK(co->Price()->total_fen == 200);
  s.clock.Advance(20'000);  // 16:59:50, the same minute: kept
  CHECK(*co->RemainingFen() == 200);
  CHECK(co->TEST_PricingRuns() == runs + 1);
  s.clock.Advance(10'000);  // 17:00:00: the window opens
  CHECK(*co->RemainingFen() == 100);
  CHECK(co->TEST_PricingRuns() == runs + 2);
  REQUIRE(co->PayCash(100).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->priced.total_fen == 100);
  CHECK(co->TEST_PricingRuns() == runs + 2);
}

TEST_CASE("checkout data path: a line's unit goes with it to the sale, the refund and the void") {
  Store s;
  auto co = s.NewCheckout(s.manager);
  REQUIRE(co->AddSku("A001", 1000).ok());
  REQUIRE(co->AddPlu("123", 750).ok());  // K001, weighed
  const std::vector<PricedLine> lines = co->Price()->lines;
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].unit == SaleUnit::kPiece);
  CHECK(lines[1].unit == SaleUnit::kKg);
  REQUIRE(co->PayCash(10000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  auto units = [&](const std::string& receipt_no) {
    std::string out;
    Statement q = s.db->Prepare(
        "SELECT l.unit FROM sale_lines l JOIN sales x ON x.id = l.sale_id WHERE x.receipt_no = ? ORDER BY l.line_no");
    q.Bind(1, receipt_no);
    while (q.Step()) out += q.Text(0) + ";";
    return out;
  };
  CHECK(units(sale->receipt_no) == "pcs;kg;");
  auto loaded = LoadSale(*s.db, sale->receipt_no);
  REQUIRE(loaded.ok());
  CHECK(loaded->priced.lines[1].unit == SaleUnit::kKg);

  RefundRequest req;
  req.receipt_no = sale->receipt_no;
  req.lines = {{2, 250}};
  auto refund = RefundSale(*s.db, s.clock, s.manager, req, &s.gateway);
  REQUIRE_MESSAGE(refund.ok(), refund.status().ToString());
  CHECK(units(refund->receipt_no) == "kg;");
  CHECK(refund->priced.lines[0].unit == SaleUnit::kKg);

  REQUIRE(co->AddSku("K001", 400).ok());
  REQUIRE(co->AddSku("A002", 1000).ok());
  REQUIRE(co->PayCash(10000).ok());
  auto last = co->Commit();
  REQUIRE(last.ok());
  auto voided = VoidLastSale(*s.db, s.clock, s.manager, Approval{}, &s.gateway);
  REQUIRE_MESSAGE(voided.ok(), voided.status().ToString());
  CHECK(units(voided->receipt_no) == "kg;pcs;");
}

}  // namespace
