#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "checkout_fixture.h"
#include "linli/pos/checkout.h"
#include "linli/pos/journal.h"
#include "linli/pos/receipt.h"
#include "linli/pos/restore_guard.h"
#include "linli/pos/sales.h"

using namespace linli;
using namespace linli::checkout_testing;

namespace {

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// Sells: 3 × A001 (10.50), 1 × B001 (5.00), 250 g K001 (3.20) = 18.70.
CommittedSale SellBasic(Store& s, int64_t cash = 2000) {
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A001", 3000).ok());
  REQUIRE(co->AddSku("B001", 1000).ok());
  REQUIRE(co->AddSku("K001", 250).ok());
  REQUIRE(co->PayCash(cash).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  REQUIRE(sale->priced.total_fen == 1870);
  return *sale;
}

RefundRequest Refund(const std::string& receipt, std::vector<RefundLineRequest> lines = {}) {
  RefundRequest r;
  r.receipt_no = receipt;
  r.lines = std::move(lines);
  r.approval = Mgr("退货");
  return r;
}

// The original sale as stored, to prove refunds never edit it.
std::string Snapshot(Store& s, int64_t sale_id) {
  const std::string id = std::to_string(sale_id);
  std::string out;
  Statement a = s.db->Prepare("SELECT total_fen, discount_fen, rounding_fen, kind, receipt_no FROM sales WHERE id = " + id);
  while (a.Step()) out += std::to_string(a.Int(0)) + "," + std::to_string(a.Int(1)) + "," + std::to_string(a.Int(2)) + "," + a.Text(3) + a.Text(4) + ";";
  Statement b = s.db->Prepare("SELECT line_no, qty_milli, total_fen FROM sale_lines WHERE sale_id = " + id + " ORDER BY line_no");
  while (b.Step()) out += std::to_string(b.Int(0)) + ":" + std::to_string(b.Int(1)) + ":" + std::to_string(b.Int(2)) + ";";
  Statement c = s.db->Prepare("SELECT method, amount_fen FROM sale_tenders WHERE sale_id = " + id);
  while (c.Step()) out += c.Text(0) + std::to_string(c.Int(1)) + ";";
  return out;
}

}  // namespace

TEST_CASE("sales: LoadSale and BuildReceipt read back what was committed") {
  Store s;
  CommittedSale sale = SellBasic(s);
  auto loaded = LoadSale(*s.db, sale.receipt_no);
  REQUIRE(loaded.ok());
  CHECK(loaded->receipt_no == sale.receipt_no);
  CHECK(loaded->priced.total_fen == 1870);
  CHECK(loaded->priced.lines.size() == 3);
  CHECK(loaded->change_fen == 130);
  CHECK(loaded->journal_seq == sale.journal_seq);
  CHECK(loaded->ToJson()["lines"] == sale.ToJson()["lines"]);
  auto missing = LoadSale(*s.db, "S001-20261121-9999");
  CHECK(missing.status().IsNotFound());
  CHECK(Has(missing.status().message(), "S001-20261121-9999"));
  auto model = BuildReceipt(*s.db, sale.receipt_no, true);
  REQUIRE(model.ok());
  CHECK(model->total_fen == 1870);
  CHECK(model->reprint);
  CHECK(model->lines.size() == 3);
  CHECK(model->lines[2].unit == ReceiptUnit::kKilogram);
  CHECK(model->tenders[0].amount_fen == 2000);
  CHECK(model->change_fen == 130);
  CHECK(model->cashier_name == "张三");
}

TEST_CASE("sales: ListSales gives a business day's receipts with local time, cashier and total") {
  Store s;
  CommittedSale sale = SellBasic(s);
  s.clock.Advance(3600'000);
  REQUIRE(RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no), &s.gateway).ok());
  s.clock.Advance(24 * 3600'000);
  CommittedSale next_day = SellBasic(s);

  auto day = ListSales(*s.db, "2026-11-21");
  REQUIRE_MESSAGE(day.ok(), day.status().ToString());
  REQUIRE(day->size() == 2);
  const SaleSummary& first = day->at(0);
  CHECK(first.receipt_no == sale.receipt_no);
  CHECK(first.kind == "sale");
  CHECK(first.occurred_at == FormatUtc(kT0));
  CHECK(first.local_time == FormatLocal(kT0, "Asia/Shanghai"));
  CHECK(first.local_time.substr(0, 10) == "2026-11-21");
  CHECK(first.cashier_id == "1001");
  CHECK(first.cashier_name == "张三");
  CHECK(first.total_fen == 1870);
  CHECK(day->at(1).kind == "refund");
  CHECK(day->at(1).receipt_no == "S001-20261121-0002");

  auto later = ListSales(*s.db, "2026-11-22");
  REQUIRE(later.ok());
  REQUIRE(later->size() == 1);
  CHECK(later->at(0).receipt_no == next_day.receipt_no);
  CHECK(ListSales(*s.db, "2026-11-20")->empty());
  auto bad = ListSales(*s.db, "2026-02-30");
  CHECK(bad.status().IsInvalidArgument());
  CHECK(Has(bad.status().message(), "--date"));
}

TEST_CASE("sales: a whole refund is its own row, journal event and stock movement") {
  Store s;
  CommittedSale sale = SellBasic(s);
  const std::string before = Snapshot(s, sale.sale_id);
  const int64_t stock_a = s.Stock("A001"), stock_k = s.Stock("K001"), journal = s.Count("journal");

  // A cashier needs a manager for a refund; a wrong PIN is refused.
  RefundRequest no_pin = Refund(sale.receipt_no);
  no_pin.approval.reset();
  CHECK(RefundSale(*s.db, s.clock, s.cashier, no_pin, &s.gateway).status().code() == Status::Code::kPermissionDenied);
  RefundRequest bad_pin = Refund(sale.receipt_no);
  bad_pin.approval = Approval{"0000", "", ""};
  CHECK(RefundSale(*s.db, s.clock, s.cashier, bad_pin, &s.gateway).status().code() ==
        Status::Code::kPermissionDenied);
  CHECK(s.Count("sales") == 1);

  s.clock.Advance(3600'000);
  auto refund = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no), &s.gateway);
  REQUIRE(refund.ok());
  CHECK(refund->kind == "refund");
  CHECK(refund->receipt_no == "S001-20261121-0002");
  CHECK(refund->original_receipt_no == sale.receipt_no);
  CHECK(refund->approved_by == "2001");
  CHECK(refund->priced.total_fen == 1870);
  CHECK(refund->priced.tax_fen == sale.priced.tax_fen);
  REQUIRE(refund->tenders.size() == 1);
  CHECK(refund->tenders[0].method == "cash");
  CHECK(refund->tenders[0].amount_fen == 1870);
  CHECK(s.Stock("A001") == stock_a + 3000);
  CHECK(s.Stock("K001") == stock_k + 250);
  CHECK(s.Count("journal") == journal + 1);
  CHECK(JournalHead(*s.db)->type == "refund");
  CHECK(VerifyJournal(*s.db).ok);
  CHECK(s.Count("sales") == 2);
  CHECK(s.Text("SELECT kind FROM sales WHERE id = " + std::to_string(refund->sale_id)) == "refund");
  CHECK(s.Int("SELECT original_sale_id FROM sales WHERE id = " + std::to_string(refund->sale_id)) == sale.sale_id);
  CHECK(s.Int("SELECT count(*) FROM stock_movements WHERE reason = 'refund' AND ref = '" + refund->receipt_no + "'") == 3);
  CHECK(Snapshot(s, sale.sale_id) == before);
  CHECK(s.Int("SELECT count(*) FROM audit_log WHERE action = 'refund' AND approved_by = '2001' AND reason = '退货'") == 1);

  auto again = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no), &s.gateway);
  CHECK(again.status().code() == Status::Code::kFailedPrecondition);
  auto line_again = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 1000}}), &s.gateway);
  CHECK(line_again.status().IsInvalidArgument());
  CHECK(s.Count("sales") == 2);
  // A refund receipt cannot itself be refunded.
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(refund->receipt_no), &s.gateway).status().IsInvalidArgument());
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund("S001-20990101-0001"), &s.gateway).status().IsNotFound());

  auto model = BuildReceipt(*s.db, refund->receipt_no);
  REQUIRE(model.ok());
  CHECK(model->kind == ReceiptKind::kRefund);
  CHECK(model->original_receipt_no == sale.receipt_no);
  CHECK(model->total_fen == 1870);
}

TEST_CASE("sales: refunds never exceed what was sold, in one go or in parts") {
  Store s;
  CommittedSale sale = SellBasic(s);
  const int64_t sales = s.Count("sales");

  auto too_much = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 4000}}), &s.gateway);
  CHECK(too_much.status().IsInvalidArgument());
  CHECK(Has(too_much.status().message(), "line 1"));
  CHECK(Has(too_much.status().message(), "sold 3"));
  // The same line twice in one request counts together.
  auto twice = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 2000}, {1, 2000}}), &s.gateway);
  CHECK(twice.status().IsInvalidArgument());
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{9, 1000}}), &s.gateway).status().IsInvalidArgument());
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 0}}), &s.gateway).status().IsInvalidArgument());
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, -1000}}), &s.gateway).status().IsInvalidArgument());
  CHECK(s.Count("sales") == sales);

  auto r1 = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 2000}, {3, 100}}), &s.gateway);
  REQUIRE(r1.ok());
  auto r2 = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 2000}}), &s.gateway);
  CHECK(r2.status().IsInvalidArgument());
  CHECK(Has(r2.status().message(), "already refunded 2"));
  CHECK(Has(r2.status().message(), "at most 1"));
  auto r3 = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 1000}}), &s.gateway);
  REQUIRE(r3.ok());
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no, {{1, 1}}), &s.gateway).status().IsInvalidArgument());
  // The rest (everything not yet refunded): B001 and the remaining 150 g.
  auto rest = RefundSale(*s.db, s.clock, s.cashier, Refund(sale.receipt_no), &s.gateway);
  REQUIRE(rest.ok());
  CHECK(rest->priced.lines.size() == 2);
  CHECK(rest->priced.lines[1].qty_milli == 150);
  CHECK(r1->priced.total_fen + r3->priced.total_fen + rest->priced.total_fen == 1870);
  CHECK(s.Int("SELECT SUM(l.total_fen) FROM sale_lines l JOIN sales x ON x.id = l.sale_id "
              "WHERE x.kind = 'refund' AND l.original_line_no = 1") == 1050);
  CHECK(s.Int("SELECT SUM(l.total_fen) FROM sale_lines l JOIN sales x ON x.id = l.sale_id "
              "WHERE x.kind = 'refund' AND l.original_line_no = 3") == 320);
  CHECK(s.Int("SELECT SUM(l.tax_fen) FROM sale_lines l JOIN sales x ON x.id = l.sale_id WHERE x.kind = 'refund'") ==
        sale.priced.tax_fen);
  CHECK(s.Int("SELECT SUM(qty_milli) FROM stock_movements m JOIN products p ON p.id = m.product_id "
              "WHERE p.sku = 'A001' AND m.reason = 'refund'") == 3000);
  CHECK(VerifyJournal(*s.db).ok);
}

TEST_CASE("sales: piece-by-piece refunds of a discounted line add up and never go negative") {
  Store s;
  // 5 × 0.01 with 0.02 off = 0.03 for five pieces: 0.6 fen each.
  auto co = s.NewCheckout(s.manager);
  REQUIRE(co->AddSku("C001", 5000).ok());
  REQUIRE(co->DiscountLine(1, Discount::AmountFen(2), std::nullopt).ok());
  REQUIRE(co->AddSku("A001", 3000).ok());
  REQUIRE(co->SetCashRounding(CashRounding::kJiaoDown, std::nullopt).ok());  // 10.53 → 10.50
  REQUIRE(co->PayCash(2000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  REQUIRE(sale->priced.total_fen == 1050);
  int64_t line1_total = 0, line2_total = 0, grand = 0;
  for (const PricedLine& l : sale->priced.lines) (l.line_no == 1 ? line1_total : line2_total) = l.total_fen;
  int64_t refunded1 = 0, refunded2 = 0;
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    std::vector<RefundLineRequest> lines = {{1, 1000}};
    if (i < 3) lines.push_back({2, 1000});
    auto r = RefundSale(*s.db, s.clock, s.manager, Refund(sale->receipt_no, lines), &s.gateway);
    REQUIRE(r.ok());
    for (const PricedLine& l : r->priced.lines) {
      CHECK(l.total_fen >= 0);
      CHECK(l.gross_fen >= 0);
      CHECK(l.discount_fen >= 0);
      CHECK(l.total_fen == l.gross_fen - l.discount_fen - l.rounding_fen);
      (l.sku == "C001" ? refunded1 : refunded2) += l.total_fen;
    }
    CHECK(r->priced.total_fen >= 0);
    grand += r->priced.total_fen;
    CHECK(refunded1 <= line1_total);
    CHECK(refunded2 <= line2_total);
  }
  CHECK(refunded1 == line1_total);
  CHECK(refunded2 == line2_total);
  CHECK(grand == 1050);
}

TEST_CASE("sales: refunds go back to the original tenders, cash instead needs a manager") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("D001", 1000).ok());  // 59.90
  REQUIRE(co->AttachMember("13800138000").ok());
  REQUIRE(co->PayCard(2000, "T77").ok());
  auto code = co->PayByCode(Wechat('3'), 3000);
  REQUIRE(code.ok());
  REQUIRE(code->outcome == PaymentOutcome::kApproved);
  REQUIRE(co->PayCash(1000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  CHECK(sale->points_earned == 59);
  CHECK(s.Points("13800138000") == 59);

  SUBCASE("whole refund: card, code through the gateway, then cash") {
    auto r = RefundSale(*s.db, s.clock, s.cashier, Refund(sale->receipt_no), &s.gateway);
    REQUIRE(r.ok());
    REQUIRE(r->tenders.size() == 3);
    CHECK(r->tenders[0].method == "card");
    CHECK(r->tenders[0].amount_fen == 2000);
    CHECK(r->tenders[0].reference == "T77");
    CHECK(r->tenders[1].method == "payment_code");
    CHECK(r->tenders[1].amount_fen == 3000);
    CHECK(r->tenders[2].method == "cash");
    CHECK(r->tenders[2].amount_fen == 990);
    CHECK(s.gateway.refund_calls == 1);
    CHECK(s.gateway.refunded_fen == 3000);
    CHECK(r->points_earned == -59);
    CHECK(s.Points("13800138000") == 0);
  }
  SUBCASE("to cash with a manager PIN: no gateway call") {
    RefundRequest req = Refund(sale->receipt_no);
    req.to_cash = true;
    req.approval.reset();
    CHECK(RefundSale(*s.db, s.clock, s.cashier, req, &s.gateway).status().code() == Status::Code::kPermissionDenied);
    req.approval = Mgr("customer has no card");
    auto r = RefundSale(*s.db, s.clock, s.cashier, req, &s.gateway);
    REQUIRE(r.ok());
    REQUIRE(r->tenders.size() == 1);
    CHECK(r->tenders[0].method == "cash");
    CHECK(r->tenders[0].amount_fen == 5990);
    CHECK(s.gateway.refund_calls == 0);
    CHECK(s.Int("SELECT count(*) FROM audit_log WHERE action = 'refund_to_cash' AND approved_by = '2001'") == 1);
  }
  SUBCASE("partial refunds fill the card and the code before cash, and points come back in full") {
    // Two refunds of 29.95 each: 20.00 card + 9.95 code, then 20.05 code + 9.90 cash.
    auto r1 = RefundSale(*s.db, s.clock, s.cashier, Refund(sale->receipt_no, {{1, 500}}), &s.gateway);
    REQUIRE(r1.ok());
    CHECK(r1->priced.total_fen == 2995);
    REQUIRE(r1->tenders.size() == 2);
    CHECK(r1->tenders[0].amount_fen == 2000);
    CHECK(r1->tenders[1].amount_fen == 995);
    auto r2 = RefundSale(*s.db, s.clock, s.cashier, Refund(sale->receipt_no), &s.gateway);
    REQUIRE(r2.ok());
    REQUIRE(r2->tenders.size() == 2);
    CHECK(r2->tenders[0].method == "payment_code");
    CHECK(r2->tenders[0].amount_fen == 2005);
    CHECK(r2->tenders[1].method == "cash");
    CHECK(r2->tenders[1].amount_fen == 990);
    CHECK(s.gateway.refunded_fen == 3000);
    CHECK(s.Points("13800138000") == 0);  // all 59 points went back over the two refunds
  }
  SUBCASE("gateway offline: nothing is refunded or written") {
    const int64_t sales = s.Count("sales");
    s.sandbox.SetOffline(true);
    auto r = RefundSale(*s.db, s.clock, s.cashier, Refund(sale->receipt_no), &s.gateway);
    CHECK(r.status().code() == Status::Code::kUnavailable);
    CHECK(s.Count("sales") == sales);
    CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(sale->receipt_no), nullptr).status().code() ==
          Status::Code::kUnavailable);
  }
}

TEST_CASE("sales: post-void of the last sale puts stock and money back") {
  Store s;
  CommittedSale first = SellBasic(s);
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku("A001", 2000).ok());
  REQUIRE(co->AttachMember("13800138000").ok());
  auto code = co->PayByCode(Alipay('1'), std::nullopt);
  REQUIRE(code.ok());
  auto last = co->Commit();
  REQUIRE(last.ok());
  CHECK(s.Points("13800138000") == 7);
  const int64_t stock_a = s.Stock("A001"), journal = s.Count("journal");

  CHECK(VoidLastSale(*s.db, s.clock, s.cashier, Approval{"1234", "", ""}, &s.gateway).status().code() ==
        Status::Code::kPermissionDenied);
  CHECK(VoidLastSale(*s.db, s.clock, s.cashier, Approval{}, &s.gateway).status().code() ==
        Status::Code::kPermissionDenied);
  CHECK(s.Stock("A001") == stock_a);
  auto v = VoidLastSale(*s.db, s.clock, s.cashier, Mgr("顾客改主意"), &s.gateway);
  REQUIRE(v.ok());
  CHECK(v->kind == "void");
  CHECK(v->original_receipt_no == last->receipt_no);
  CHECK(v->approved_by == "2001");
  CHECK(v->priced.total_fen == 700);
  CHECK(s.Stock("A001") == stock_a + 2000);
  CHECK(s.Count("journal") == journal + 1);
  CHECK(JournalHead(*s.db)->type == "void");
  CHECK(s.gateway.refund_calls == 1);
  CHECK(s.gateway.refunded_fen == 700);
  CHECK(s.Points("13800138000") == 0);
  CHECK(VerifyJournal(*s.db).ok);

  // The last receipt is now the void: nothing more can be voided.
  auto again = VoidLastSale(*s.db, s.clock, s.cashier, Mgr(), &s.gateway);
  CHECK(again.status().code() == Status::Code::kFailedPrecondition);
  // A voided sale cannot be refunded.
  CHECK(RefundSale(*s.db, s.clock, s.cashier, Refund(last->receipt_no), &s.gateway).status().code() ==
        Status::Code::kFailedPrecondition);
  // The first sale is not the last: refund it, then the last receipt is a refund.
  auto r = RefundSale(*s.db, s.clock, s.cashier, Refund(first.receipt_no, {{2, 1000}}), &s.gateway);
  REQUIRE(r.ok());
  auto not_last = VoidLastSale(*s.db, s.clock, s.cashier, Mgr(), &s.gateway);
  CHECK(not_last.status().code() == Status::Code::kFailedPrecondition);
  CHECK(Has(not_last.status().message(), "refund"));
}

TEST_CASE("sales: a manager voids without a second PIN, an empty store has nothing to void") {
  Store s;
  CHECK(VoidLastSale(*s.db, s.clock, s.manager, Approval{}, nullptr).status().IsNotFound());
  CommittedSale sale = SellBasic(s);
  const int64_t stock_b = s.Stock("B001");
  auto v = VoidLastSale(*s.db, s.clock, s.manager, Approval{}, nullptr);
  REQUIRE(v.ok());
  CHECK(v->tenders.size() == 1);
  CHECK(v->tenders[0].amount_fen == 1870);
  CHECK(s.Stock("B001") == stock_b + 1000);
}

TEST_CASE("sales: random partial refunds add up to each line exactly and never over") {
  Store s;
  std::mt19937_64 rng(7);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  const std::vector<std::string> skus = {"A001", "A002", "K001", "B001", "C001", "D001"};
  auto co = s.NewCheckout(s.owner);
  for (int iter = 0; iter < 25; ++iter) {
    CAPTURE(iter);
    const int n = static_cast<int>(pick(1, 4));
    for (int i = 0; i < n; ++i) {
      const std::string& sku = skus[pick(0, skus.size() - 1)];
      REQUIRE(co->AddSku(sku, sku == "K001" ? pick(1, 2000) : pick(1, 12) * 1000).ok());
      if (pick(0, 1)) (void)co->DiscountLine(i + 1, Discount::PercentBp(pick(1, 6000)), std::nullopt);
    }
    if (pick(0, 1)) (void)co->DiscountOrder(Discount::PercentBp(pick(1, 3000)), std::nullopt);
    REQUIRE(co->SetCashRounding(pick(0, 1) ? CashRounding::kJiaoNearest : CashRounding::kYuanDown, std::nullopt).ok());
    if (pick(0, 1) && *co->RemainingFen() >= 2) {
      REQUIRE(co->PayCard(*co->RemainingFen() / 2, "T").ok());
    }
    REQUIRE(co->PayCash(*co->RemainingFen() + 100).ok());
    auto sale = co->Commit();
    REQUIRE(sale.ok());
    std::map<int, int64_t> left_qty, refunded_fen;
    for (const PricedLine& l : sale->priced.lines) left_qty[l.line_no] = l.qty_milli;
    int64_t refunded_total = 0;
    while (true) {
      std::vector<RefundLineRequest> req;
      for (auto& [line, left] : left_qty) {
        if (left == 0 || pick(0, 2) == 0) continue;
        const int64_t q = pick(1, 3) == 1 ? left : pick(1, left);
        req.push_back({line, q});
      }
      bool any_left = false;
      for (auto& [line, left] : left_qty) any_left |= left > 0;
      if (!any_left) break;
      if (req.empty()) continue;
      auto r = RefundSale(*s.db, s.clock, s.owner, Refund(sale->receipt_no, req), &s.gateway);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      int64_t applied = 0;
      for (const Tender& t : r->tenders) applied += t.amount_fen;
      CHECK(applied == r->priced.total_fen);
      for (size_t i = 0; i < r->priced.lines.size(); ++i) {
        const PricedLine& l = r->priced.lines[i];
        CHECK(l.total_fen >= 0);
        CHECK(l.gross_fen >= 0);
        CHECK(l.total_fen == l.gross_fen - l.discount_fen - l.rounding_fen);
        refunded_fen[req[i].line_no] += l.total_fen;
        left_qty[req[i].line_no] -= l.qty_milli;
      }
      refunded_total += r->priced.total_fen;
      for (const PricedLine& o : sale->priced.lines) CHECK(refunded_fen[o.line_no] <= o.total_fen);
    }
    for (const PricedLine& o : sale->priced.lines) CHECK(refunded_fen[o.line_no] == o.total_fen);
    CHECK(refunded_total == sale->priced.total_fen);
    CHECK(RefundSale(*s.db, s.clock, s.owner, Refund(sale->receipt_no), &s.gateway).status().code() ==
          Status::Code::kFailedPrecondition);
  }
  CHECK(VerifyJournal(*s.db).ok);
  for (const auto& k : skus) CHECK(s.MovementSum(k) == 0);  // everything sold came back
}

// The receipt printed right after a commit comes from the sale in hand
// (BuildReceipt(db, CommittedSale)); a reprint reads it back by number. Both
// must print the same bytes, for every kind of receipt.
TEST_CASE("sales: the receipt of the sale in hand is the receipt read back, for a sale, a refund and a void") {
  Store s;
  REQUIRE(ImportPromotions(*s.db,
                           R"({"promotions":[{"id":"P1","name":"可乐第二件半价","type":"nth_item_percent",
                               "skus":["A001"],"nth":2,"percent":50}]})",
                           false, s.clock)
              .ok());
  auto same = [&](const CommittedSale& c) {
    auto in_hand = BuildReceipt(*s.db, c);
    auto read_back = BuildReceipt(*s.db, c.receipt_no);
    REQUIRE(in_hand.ok());
    REQUIRE(read_back.ok());
    const std::string text = RenderReceiptText(*in_hand, kReceiptColumns58);
    CHECK(text == RenderReceiptText(*read_back, kReceiptColumns58));
    return text;
  };

  // Promotion, a line discount, three tax rates, a weighed line, a member,
  // and two tenders (payment code, then cash with change).
  auto co = s.NewCheckout(s.owner);
  REQUIRE(co->Scan("6901234567892", 2).ok());
  REQUIRE(co->AddSku("B001", 1000).ok());
  REQUIRE(co->AddSku("K001", 250).ok());
  REQUIRE(co->DiscountLine(2, Discount::AmountFen(50), std::nullopt).ok());
  REQUIRE(co->AttachMember("13800138000").ok());
  REQUIRE(co->PayByCode(Wechat('1'), 500).ok());
  REQUIRE(co->PayCash(2000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  const std::string sale_text = same(*sale);
  CHECK(Has(sale_text, "可乐第二件半价"));
  CHECK(Has(sale_text, "138****8000"));

  s.clock.Advance(60'000);
  auto refund = RefundSale(*s.db, s.clock, s.cashier, Refund(sale->receipt_no, {{1, 1000}}), &s.gateway);
  REQUIRE(refund.ok());
  CHECK(Has(same(*refund), "可乐第二件半价"));  // the original sale's promotion, named

  s.clock.Advance(60'000);
  auto co2 = s.NewCheckout(s.cashier);
  REQUIRE(co2->AddSku("B001", 2000).ok());
  REQUIRE(co2->PayCash(1000).ok());
  auto second = co2->Commit();
  REQUIRE(second.ok());
  auto voided = VoidLastSale(*s.db, s.clock, s.cashier, Mgr("作废"), &s.gateway);
  REQUIRE(voided.ok());
  CHECK(voided->original_receipt_no == second->receipt_no);
  same(*voided);
}

// PROTOCOL.md §6.6: after a restore (a new epoch) the daily counter counts
// again from the copy's value, so the epoch goes into the number.
TEST_CASE("sales: from epoch 2 on the epoch is in the receipt number, so a restored file never repeats one") {
  Store s;
  CommittedSale first = SellBasic(s);
  CHECK(first.receipt_no == "S001-20261121-0001");
  REQUIRE(TakeEpoch(*s.db, 2).ok());
  s.db->Exec("UPDATE receipt_counters SET last_seq = 0");  // as an older copy of the file would hold
  CommittedSale again = SellBasic(s);
  CHECK(again.receipt_no == "S001-20261121-E2-0001");
  CHECK(again.receipt_no != first.receipt_no);
  CHECK(LoadSale(*s.db, again.receipt_no)->sale_id == again.sale_id);
}
