// X and Z reports. To rewrite the golden files after a deliberate change:
//   LINLI_UPDATE_GOLDEN=1 build/tests/pos_tests -tc='*eport*'
// and review the diff under tests/golden/reports/.
#include "linli/pos/reports.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "linli/pos/crypto.h"
#include "linli/pos/inventory.h"
#include "linli/pos/journal.h"
#include "linli/pos/shifts.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "linli/pos/users.h"
#include "testing.h"

using namespace linli;

namespace {

// 2026-11-21T01:00:00Z, 09:00 in Shanghai, business date 2026-11-21.
constexpr int64_t kT0 = 1'795'222'800'000;
constexpr int64_t kHour = 3'600'000;

struct TLine {
  int64_t rate_bp = 1300;
  int64_t gross_fen = 0;
  int64_t discount_fen = 0;
  int64_t tax_fen = 0;
  int64_t rounding_fen = 0;
};
struct TTender {
  std::string method{};
  std::string provider{};
  int64_t amount_fen = 0;
};
struct TSale {
  std::string kind = "sale";
  std::optional<int64_t> original{};
  std::string date = "2026-11-21";
  std::string at = "2026-11-21T02:00:00.000Z";
  std::string cashier = "1001";
  std::optional<int64_t> shift{};
  std::vector<TLine> lines{};
  std::vector<TTender> tenders{};
  std::optional<std::string> approved_by{};
};

int64_t Count(Database& db, const std::string& sql) {
  Statement s = db.Prepare(sql);
  s.Step();
  return s.Int(0);
}

// Inserts a sales row with its lines and tenders the way the checkout
// records them: amounts positive, kind gives the direction; line totals are
// gross - discount - rounding and add up to the sale's total. As the
// checkout does, in one transaction with its journal event and its stock
// movement, so the reports' table check finds the rows to be the journal's.
int64_t InsertSale(Database& db, const TSale& s) {
  Transaction tx(db);
  if (Count(db, "SELECT COUNT(*) FROM products") == 0) {
    db.Exec("INSERT INTO products (sku, name, unit, tax_class_id, price_fen, updated_at) "
            "VALUES ('P1', '测试商品', 'pcs', 1, 100, '2026-11-01T00:00:00.000Z')");
  }
  const int64_t n = Count(db, "SELECT COUNT(*) FROM sales") + 1;
  int64_t subtotal = 0, discount = 0, rounding = 0, tax = 0;
  for (const TLine& l : s.lines) {
    subtotal += l.gross_fen;
    discount += l.discount_fen;
    rounding += l.rounding_fen;
    tax += l.tax_fen;
  }
  db.Prepare("INSERT INTO sales (sale_uuid, receipt_no, kind, original_sale_id, business_date, occurred_at,"
             " cashier_id, approved_by, shift_id, subtotal_fen, discount_fen, rounding_fen, total_fen,"
             " tax_fen, journal_seq, journal_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '')")
      .Bind(1, "uuid-" + std::to_string(n))
      .Bind(2, "S001-R" + std::to_string(n))
      .Bind(3, s.kind)
      .Bind(4, s.original)
      .Bind(5, s.date)
      .Bind(6, s.at)
      .Bind(7, s.cashier)
      .Bind(8, s.approved_by)
      .Bind(9, s.shift)
      .Bind(10, subtotal)
      .Bind(11, discount)
      .Bind(12, rounding)
      .Bind(13, subtotal - discount - rounding)
      .Bind(14, tax)
      .Run();
  const int64_t id = db.LastInsertRowId();
  int no = 1;
  for (const TLine& l : s.lines) {
    db.Prepare("INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, unit, qty_milli,"
               " unit_price_fen, gross_fen, promo_discount_fen, line_discount_fen, order_discount_fen,"
               " rounding_fen, discount_fen, total_fen, tax_rate_bp, tax_fen)"
               " VALUES (?, ?, 1, 'P1', '测试商品', 'pcs', 1000, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?)")
        .Bind(1, id)
        .Bind(2, no++)
        .Bind(3, l.gross_fen)
        .Bind(4, l.gross_fen)
        .Bind(5, l.discount_fen)
        .Bind(6, l.rounding_fen)
        .Bind(7, l.discount_fen)
        .Bind(8, l.gross_fen - l.discount_fen - l.rounding_fen)
        .Bind(9, l.rate_bp)
        .Bind(10, l.tax_fen)
        .Run();
  }
  int seq = 1;
  for (const TTender& t : s.tenders) {
    db.Prepare("INSERT INTO sale_tenders (sale_id, seq, method, provider, amount_fen) VALUES (?, ?, ?, ?, ?)")
        .Bind(1, id)
        .Bind(2, seq++)
        .Bind(3, t.method)
        .Bind(4, t.provider.empty() ? std::optional<std::string>() : t.provider)
        .Bind(5, t.amount_fen)
        .Run();
  }
  // The sale's event, from the same figures.
  events::ReceiptEvent ev;
  ev.sale_uuid = "uuid-" + std::to_string(n);
  ev.receipt_no = "S001-R" + std::to_string(n);
  ev.business_date = s.date;
  ev.cashier = s.cashier;
  int64_t line_no = 0;
  for (const TLine& l : s.lines) {
    ev.lines.push_back({++line_no, "P1", 1000, l.gross_fen, l.gross_fen, l.discount_fen, l.rounding_fen,
                        l.gross_fen - l.discount_fen - l.rounding_fen, l.rate_bp, l.tax_fen, std::nullopt});
  }
  ev.subtotal_fen = subtotal;
  ev.discount_fen = discount;
  ev.rounding_fen = rounding;
  ev.total_fen = subtotal - discount - rounding;
  ev.tax_fen = tax;
  for (const TTender& t : s.tenders) {
    ev.tenders.push_back({t.method, t.amount_fen,
                          t.provider.empty() ? std::optional<std::string>() : t.provider, std::nullopt});
  }
  ev.approved_by = s.approved_by;
  if (s.original) {
    Statement o = db.Prepare("SELECT receipt_no FROM sales WHERE id = ?");
    REQUIRE(o.Bind(1, *s.original).Step());
    ev.original_receipt_no = o.Text(0);
  }
  ev.shift = s.shift;
  FakeClock at(ParseUtc(s.at));
  auto kind = events::ParseReceiptKind(s.kind);
  REQUIRE(kind.ok());
  auto entry = AppendJournal(db, s.kind, 1, ev.ToJson(), at);
  REQUIRE(entry.ok());
  db.Prepare("UPDATE sales SET journal_seq = ?, journal_hash = ? WHERE id = ?")
      .Bind(1, entry->seq).Bind(2, HexEncode(entry->hash)).Bind(3, id).Run();
  for (const events::StockDelta& d : ev.EffectsAs(*kind).stock) {
    RecordMovement(db, 1, d.qty_milli, d.reason, ev.receipt_no, s.cashier, "", s.at);
  }
  tx.Commit();
  return id;
}

void Audit(Database& db, const std::string& at, const std::string& user, const std::string& action,
           const std::optional<std::string>& approved_by = std::nullopt) {
  db.Prepare("INSERT INTO audit_log (occurred_at, user_id, approved_by, action, reason, before, after)"
             " VALUES (?, ?, ?, ?, NULL, '{}', '{}')")
      .Bind(1, at)
      .Bind(2, user)
      .Bind(3, approved_by)
      .Bind(4, action)
      .Run();
}

struct Fixture {
  linli::testing::TempDir dir;
  std::unique_ptr<Database> db;
  FakeClock clock{kT0};

  Fixture() {
    auto opened = OpenStore(linli::testing::MakeStore(dir));
    REQUIRE(opened.ok());
    db = std::move(*opened);
    REQUIRE(AddUser(*db, {"1001", "张三", Role::kCashier}, "1234", clock).ok());
    REQUIRE(AddUser(*db, {"1002", "李四", Role::kCashier}, "1234", clock).ok());
    REQUIRE(AddUser(*db, {"2001", "王经理", Role::kManager}, "5678", clock).ok());
  }
};

// The day the Z tests read: two cashiers, a shift with a pay-in and a
// pay-out, sales at 13% and 9%, split tenders, cash rounding, a refund, a
// void, overrides in the audit log, and rows just outside the day.
// Returns the shift id (left open).
int64_t SeedDay(Fixture& f) {
  Database& db = *f.db;
  auto shift = OpenShift(db, "1001", 50000, f.clock);  // 09:00 local
  REQUIRE(shift.ok());
  const int64_t sid = shift->id;
  f.clock.Advance(kHour);
  REQUIRE(PayIn(db, "1001", 5000, "换零钱", f.clock).ok());
  f.clock.Advance(kHour);
  REQUIRE(PayOut(db, "1002", 1000, "买胶带", f.clock).ok());
  REQUIRE(RecordNoSale(db, "1002", "顾客换零钱", f.clock).ok());

  // S1 by 1001: 113.00 at 13% and 109.00 at 9% less 9.00; 100.00 cash + 113.00 WeChat.
  const int64_t s1 = InsertSale(db, {.shift = sid,
                                     .lines = {{1300, 11300, 0, 1300}, {900, 10900, 900, 826}},
                                     .tenders = {{"cash", "", 10000}, {"payment_code", "wechat", 11300}}});
  // S2 by 1002: 56.50 rounded down by 0.50, paid 56.00 cash.
  InsertSale(db, {.at = "2026-11-21T03:00:00.000Z", .cashier = "1002", .shift = sid,
                  .lines = {{1300, 5650, 0, 644, 50}},
                  .tenders = {{"cash", "", 5600}}});
  // S3 by 1002 on a card, then voided (the void carries its own rows).
  const int64_t s3 = InsertSale(db, {.at = "2026-11-21T04:00:00.000Z", .cashier = "1002", .shift = sid,
                                     .lines = {{1300, 2260, 0, 260}},
                                     .tenders = {{"card", "", 2260}}});
  InsertSale(db, {.kind = "void", .original = s3, .at = "2026-11-21T04:05:00.000Z", .cashier = "1002",
                  .shift = sid, .lines = {{1300, 2260, 0, 260}}, .tenders = {{"card", "", 2260}},
                  .approved_by = "2001"});
  // R1 by 1001: the 13% item of S1 back, in cash.
  InsertSale(db, {.kind = "refund", .original = s1, .at = "2026-11-21T05:00:00.000Z", .shift = sid,
                  .lines = {{1300, 11300, 0, 1300}}, .tenders = {{"cash", "", 11300}},
                  .approved_by = "2001"});
  // Next business day: not in the 2026-11-21 report.
  InsertSale(db, {.date = "2026-11-22", .at = "2026-11-21T17:00:00.000Z", .cashier = "1002",
                  .lines = {{600, 10600, 0, 600}}, .tenders = {{"payment_code", "alipay", 10600}}});

  Audit(db, "2026-11-21T02:00:00.000Z", "1001", "price_override", "2001");
  Audit(db, "2026-11-21T02:00:01.000Z", "1001", "line_discount");
  Audit(db, "2026-11-21T03:00:00.000Z", "1002", "order_discount", "2001");
  Audit(db, "2026-11-21T03:00:01.000Z", "1002", "cash_rounding");
  Audit(db, "2026-11-20T15:59:59.999Z", "1001", "price_override");  // 2026-11-20 local
  Audit(db, "2026-11-21T16:00:00.000Z", "1002", "price_override");  // 2026-11-22 local
  f.clock.Set(kT0 + 12 * kHour);  // 21:00 local
  return sid;
}

void CheckWidth(const std::string& text, int columns) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    CHECK_MESSAGE(DisplayWidth(line) <= columns, "too wide: [" << line << "]");
    ++n;
  }
  CHECK(n > 10);
  CHECK(text.back() == '\n');
}

std::string GoldenPath(const std::string& name) {
  return std::string(LINLI_SOURCE_DIR) + "/tests/golden/reports/" + name;
}

// Compares `actual` with the golden file byte for byte, or rewrites the file
// when LINLI_UPDATE_GOLDEN=1.
void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  const char* update = std::getenv("LINLI_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    linli::testing::WriteFile(path, actual);
    MESSAGE("updated golden " << path);
    return;
  }
  const std::string expected = linli::testing::ReadFile(path);
  if (expected != actual) {
    std::cerr << "golden mismatch: " << path << "\n--- expected ---\n"
              << expected << "--- actual ---\n"
              << actual << "---\n";
  }
  CHECK_MESSAGE(expected == actual, "golden " << name << " differs (LINLI_UPDATE_GOLDEN=1 rewrites it)");
}

const TenderTotal* FindTender(const Report& r, const std::string& method, const std::string& provider) {
  for (const TenderTotal& t : r.tenders) {
    if (t.method == method && t.provider == provider) return &t;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("local business day range in the store's zone") {
  auto sh = LocalDay("2026-11-21", "Asia/Shanghai");
  REQUIRE(sh.ok());
  CHECK(FormatUtc(sh->start_ms) == "2026-11-20T16:00:00.000Z");
  CHECK(FormatUtc(sh->end_ms) == "2026-11-21T16:00:00.000Z");
  // A DST change makes the day 23 hours long.
  auto ny = LocalDay("2026-03-08", "America/New_York");
  REQUIRE(ny.ok());
  CHECK(FormatUtc(ny->start_ms) == "2026-03-08T05:00:00.000Z");
  CHECK(ny->end_ms - ny->start_ms == 23 * kHour);
  for (const char* bad : {"2026-02-30", "2026-1-01", "21/11/2026", "", "2026-13-01", "abcd-ef-gh"}) {
    CHECK_MESSAGE(LocalDay(bad, "Asia/Shanghai").status().IsInvalidArgument(), bad);
  }
}

TEST_CASE("Z report totals a day: sales, refunds, voids, two tax rates, split tenders, two cashiers") {
  Fixture f;
  SeedDay(f);
  auto z = BuildZReport(*f.db, "2026-11-21", f.clock);
  REQUIRE(z.ok());
  const Report& r = *z;
  CHECK(r.kind == ReportKind::kZ);
  CHECK(r.store_code == "S001");
  CHECK(r.store_name == "测试店");
  CHECK(r.business_date == "2026-11-21");
  CHECK(r.period_start == "2026-11-20T16:00:00.000Z");
  CHECK(r.period_end == "2026-11-21T16:00:00.000Z");

  CHECK(r.sales.count == 3);
  CHECK(r.sales.total_fen == 21300 + 5600 + 2260);
  CHECK(r.refunds.count == 1);
  CHECK(r.refunds.total_fen == 11300);
  CHECK(r.voids.count == 1);
  CHECK(r.voids.total_fen == 2260);
  CHECK(r.gross_fen == 16550);
  CHECK(r.discount_fen == 900);
  CHECK(r.rounding_fen == 50);
  CHECK(r.net_fen == 15600);
  CHECK(r.net_fen == r.gross_fen - r.discount_fen - r.rounding_fen);

  REQUIRE(r.taxes.size() == 2);
  CHECK(r.taxes[0].rate_bp == 1300);
  CHECK(r.taxes[0].net_fen == 5600);
  CHECK(r.taxes[0].tax_fen == 644);
  CHECK(r.taxes[1].rate_bp == 900);
  CHECK(r.taxes[1].net_fen == 10000);
  CHECK(r.taxes[1].tax_fen == 826);
  CHECK(r.tax_fen == 1470);

  REQUIRE(r.tenders.size() == 3);
  CHECK(r.tenders[0].method == "cash");
  CHECK(r.tenders[0].amount_fen == 10000 + 5600 - 11300);
  CHECK(FindTender(r, "payment_code", "wechat")->amount_fen == 11300);
  CHECK(FindTender(r, "card", "")->amount_fen == 0);
  CHECK(FindTender(r, "payment_code", "alipay") == nullptr);  // next day's sale
  int64_t tender_sum = 0;
  for (const TenderTotal& t : r.tenders) tender_sum += t.amount_fen;
  CHECK(tender_sum == r.net_fen);

  CHECK(r.price_overrides == 1);
  CHECK(r.discounts == 2);
  CHECK(r.no_sales == 1);
  CHECK(r.pay_in_fen == 5000);
  CHECK(r.pay_out_fen == 1000);

  REQUIRE(r.cashiers.size() == 2);
  const CashierTotals& a = r.cashiers[0];
  CHECK(a.user_id == "1001");
  CHECK(a.name == "张三");
  CHECK(a.sales.count == 1);
  CHECK(a.sales.total_fen == 21300);
  CHECK(a.refunds.count == 1);
  CHECK(a.refunds.total_fen == 11300);
  CHECK(a.voids.count == 0);
  CHECK(a.net_fen == 10000);
  CHECK(a.discount_fen == 900);
  CHECK(a.price_overrides == 1);
  CHECK(a.discounts == 1);
  CHECK(a.pay_in_fen == 5000);
  CHECK(a.pay_out_fen == 0);
  const CashierTotals& b = r.cashiers[1];
  CHECK(b.user_id == "1002");
  CHECK(b.name == "李四");
  CHECK(b.sales.count == 2);
  CHECK(b.sales.total_fen == 7860);
  CHECK(b.voids.count == 1);
  CHECK(b.voids.total_fen == 2260);
  CHECK(b.net_fen == 5600);
  CHECK(b.price_overrides == 0);
  CHECK(b.discounts == 1);
  CHECK(b.no_sales == 1);
  CHECK(b.pay_out_fen == 1000);

  REQUIRE(r.shifts.size() == 1);
  CHECK(r.shifts[0].shift.open);
  CHECK(r.shifts[0].drawer.expected_cash_fen == 50000 + 4300 + 5000 - 1000);
  CHECK(!r.shifts[0].variance_fen);

  CHECK(r.journal_seq == 9);  // shift open, pay-in, pay-out and the six receipts
  CHECK(r.table_check.ok);
  CHECK(r.table_check.receipts_checked == 5);  // the day's five; the next day's is not in it
  CHECK(r.journal_hash.size() == 64);

  nlohmann::json j = r.ToJson();
  CHECK(j["kind"] == "z");
  CHECK(j["net_fen"] == 15600);
  CHECK(j["sales"]["count"] == 3);
  CHECK(j["taxes"][1]["rate_bp"] == 900);
  CHECK(j["tenders"][1]["label"] == "微信");
  CHECK(j["cashiers"][1]["voids"]["total_fen"] == 2260);
  CHECK(j["journal"]["seq"] == 9);
  CHECK(j["generated_at_local"] == "2026-11-21 21:00:00");
  CHECK(j["shifts"][0]["variance_fen"].is_null());
  // Integers only, as everywhere money is stored or sent.
  std::function<void(const nlohmann::json&)> no_floats = [&](const nlohmann::json& v) {
    CHECK(!v.is_number_float());
    if (v.is_structured()) {
      for (const auto& x : v) no_floats(x);
    }
  };
  no_floats(j);

  // The next day holds the one Alipay sale and the late override.
  auto next = BuildZReport(*f.db, "2026-11-22", f.clock);
  REQUIRE(next.ok());
  CHECK(next->sales.count == 1);
  CHECK(next->net_fen == 10600);
  CHECK(next->price_overrides == 1);
  CHECK(next->shifts.empty());
}

TEST_CASE("Z report after the shift closed shows its variance, and is repeatable") {
  Fixture f;
  SeedDay(f);
  auto closed = CloseShift(*f.db, "1001", 58000, std::nullopt, f.clock);
  REQUIRE(closed.ok());
  CHECK(closed->expected_cash_fen == 58300);
  auto z1 = BuildZReport(*f.db, "2026-11-21", f.clock);
  REQUIRE(z1.ok());
  REQUIRE(z1->shifts.size() == 1);
  CHECK(z1->shifts[0].variance_fen == std::optional<int64_t>(-300));
  CHECK(z1->shifts[0].shift.closed_by == std::optional<std::string>("1001"));
  CHECK(z1->journal_seq == 10);

  f.clock.Advance(5 * 60'000);
  auto z2 = BuildZReport(*f.db, "2026-11-21", f.clock);
  REQUIRE(z2.ok());
  nlohmann::json a = z1->ToJson(), b = z2->ToJson();
  CHECK(a["generated_at"] != b["generated_at"]);
  for (auto* j : {&a, &b}) {
    j->erase("generated_at");
    j->erase("generated_at_local");
  }
  CHECK(a == b);
  // Nothing was written or locked by reading.
  CHECK(Count(*f.db, "SELECT COUNT(*) FROM journal") == 10);
  CHECK(PayIn(*f.db, "1001", 100, "测试", f.clock).status().code() == Status::Code::kFailedPrecondition);
  CHECK(OpenShift(*f.db, "1002", 0, f.clock).ok());
  for (int cols : {32, 48}) {
    const std::string text = z2->RenderText(cols);
    CheckWidth(text, cols);
    CHECK(text.find("长短款 短款") != std::string::npos);
  }
}

TEST_CASE("Z report for a day without sales is valid, with zeros") {
  Fixture f;
  auto z = BuildZReport(*f.db, "2026-01-01", f.clock);
  REQUIRE(z.ok());
  CHECK(z->sales.count == 0);
  CHECK(z->net_fen == 0);
  CHECK(z->taxes.empty());
  REQUIRE(z->tenders.size() == 1);
  CHECK(z->tenders[0].method == "cash");
  CHECK(z->tenders[0].amount_fen == 0);
  CHECK(z->cashiers.empty());
  CHECK(z->journal_seq == 0);
  CHECK(z->journal_hash == std::string(64, '0'));
  CHECK(z->ToJson()["net_fen"] == 0);
  for (int cols : {32, 48}) CheckWidth(z->RenderText(cols), cols);
  CHECK(BuildZReport(*f.db, "2026-02-30", f.clock).status().IsInvalidArgument());
}

TEST_CASE("X report mid-shift covers the shift, without one, today") {
  Fixture f;
  Database& db = *f.db;
  // A sale this morning before any shift: in today's figures, not the shift's.
  InsertSale(db, {.at = "2026-11-21T00:30:00.000Z", .lines = {{1300, 1000, 0, 115}},
                  .tenders = {{"cash", "", 1000}}});
  Audit(db, "2026-11-21T00:30:00.000Z", "1001", "price_override");
  auto shift = OpenShift(db, "1002", 30000, f.clock);
  REQUIRE(shift.ok());
  f.clock.Advance(kHour);
  InsertSale(db, {.at = "2026-11-21T01:30:00.000Z", .cashier = "1002", .shift = shift->id,
                  .lines = {{1300, 3390, 0, 390}},
                  .tenders = {{"cash", "", 2000}, {"payment_code", "alipay", 1390}}});
  Audit(db, "2026-11-21T01:30:00.000Z", "1002", "price_override");
  REQUIRE(PayIn(db, "1002", 2000, "备用零钱", f.clock).ok());

  auto x = BuildXReport(db, f.clock);
  REQUIRE(x.ok());
  CHECK(x->kind == ReportKind::kX);
  CHECK(x->shift_id == std::optional<int64_t>(shift->id));
  CHECK(x->period_start == "2026-11-21T01:00:00.000Z");
  CHECK(x->sales.count == 1);
  CHECK(x->net_fen == 3390);
  CHECK(x->price_overrides == 1);
  CHECK(x->pay_in_fen == 2000);
  REQUIRE(x->shifts.size() == 1);
  CHECK(x->shifts[0].drawer.expected_cash_fen == 30000 + 2000 + 2000);
  CHECK(FindTender(*x, "payment_code", "alipay")->amount_fen == 1390);
  CHECK(x->ToJson()["kind"] == "x");
  CHECK(x->ToJson()["shift_id"] == shift->id);
  for (int cols : {32, 48}) {
    const std::string text = x->RenderText(cols);
    CheckWidth(text, cols);
    CHECK(text.find("X报表") != std::string::npos);
    CHECK(text.find("未交班") != std::string::npos);
  }

  // After the close, an X report reads the whole day so far.
  REQUIRE(CloseShift(db, "1002", 34000, std::nullopt, f.clock).ok());
  auto day = BuildXReport(db, f.clock);
  REQUIRE(day.ok());
  CHECK(!day->shift_id);
  CHECK(day->business_date == "2026-11-21");
  CHECK(day->sales.count == 2);
  CHECK(day->net_fen == 4390);
  CHECK(day->price_overrides == 2);
  REQUIRE(day->shifts.size() == 1);
  CHECK(day->shifts[0].variance_fen == std::optional<int64_t>(0));
}

TEST_CASE("Z report golden text in 32 and 48 columns") {
  Fixture f;
  SeedDay(f);
  REQUIRE(CloseShift(*f.db, "2001", 58350, std::nullopt, f.clock).ok());
  f.clock.Set(kT0 + 14 * kHour);  // 23:00 local
  auto z = BuildZReport(*f.db, "2026-11-21", f.clock);
  REQUIRE(z.ok());
  Report r = *z;
  // The journal hash depends on the device key made at init: pin it.
  CHECK(r.journal_seq == 10);
  r.journal_hash = "3fa9c2e1b07d5a6f00112233445566778899aabbccddeeff0011223344556677";
  for (int cols : {32, 48}) {
    const std::string text = r.RenderText(cols);
    CheckWidth(text, cols);
    CheckGolden("z_" + std::to_string(cols) + ".txt", text);
  }
  CheckGolden("z.json", r.ToJson().dump(2) + "\n");
}
