// Shifts and the cash drawer: open, pay-in/out, no-sale, close with variance.
#include "linli/pos/shifts.h"

#include <doctest/doctest.h>

#include <optional>
#include <sstream>

#include "linli/pos/journal.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "linli/pos/users.h"
#include "testing.h"

using namespace linli;

namespace {

// 2026-11-21T01:00:00Z, 09:00 in Shanghai.
constexpr int64_t kT0 = 1'795'222'800'000;

struct TLine {
  int64_t rate_bp = 1300;
  int64_t gross_fen = 0;
  int64_t discount_fen = 0;
  int64_t tax_fen = 0;
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
};

int64_t Count(Database& db, const std::string& sql) {
  Statement s = db.Prepare(sql);
  s.Step();
  return s.Int(0);
}

// Inserts a sales row with its lines and tenders the way the checkout
// records them (amounts positive, kind gives the direction).
int64_t InsertSale(Database& db, const TSale& s) {
  if (Count(db, "SELECT COUNT(*) FROM products") == 0) {
    db.Exec("INSERT INTO products (sku, name, unit, tax_class_id, price_fen, updated_at) "
            "VALUES ('P1', '测试商品', 'pcs', 1, 100, '2026-11-01T00:00:00.000Z')");
  }
  const int64_t n = Count(db, "SELECT COUNT(*) FROM sales") + 1;
  int64_t subtotal = 0, discount = 0, tax = 0;
  for (const TLine& l : s.lines) {
    subtotal += l.gross_fen;
    discount += l.discount_fen;
    tax += l.tax_fen;
  }
  db.Prepare("INSERT INTO sales (sale_uuid, receipt_no, kind, original_sale_id, business_date, occurred_at,"
             " cashier_id, shift_id, subtotal_fen, discount_fen, rounding_fen, total_fen, tax_fen,"
             " journal_seq, journal_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, '')")
      .Bind(1, "uuid-" + std::to_string(n))
      .Bind(2, "S001-R" + std::to_string(n))
      .Bind(3, s.kind)
      .Bind(4, s.original)
      .Bind(5, s.date)
      .Bind(6, s.at)
      .Bind(7, s.cashier)
      .Bind(8, s.shift)
      .Bind(9, subtotal)
      .Bind(10, discount)
      .Bind(11, subtotal - discount)
      .Bind(12, tax)
      .Run();
  const int64_t id = db.LastInsertRowId();
  int no = 1;
  for (const TLine& l : s.lines) {
    db.Prepare("INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, unit, qty_milli,"
               " unit_price_fen, gross_fen, promo_discount_fen, line_discount_fen, order_discount_fen,"
               " rounding_fen, discount_fen, total_fen, tax_rate_bp, tax_fen)"
               " VALUES (?, ?, 1, 'P1', '测试商品', 'pcs', 1000, ?, ?, 0, ?, 0, 0, ?, ?, ?, ?)")
        .Bind(1, id)
        .Bind(2, no++)
        .Bind(3, l.gross_fen)
        .Bind(4, l.gross_fen)
        .Bind(5, l.discount_fen)
        .Bind(6, l.discount_fen)
        .Bind(7, l.gross_fen - l.discount_fen)
        .Bind(8, l.rate_bp)
        .Bind(9, l.tax_fen)
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
  return id;
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
    REQUIRE(AddUser(*db, {"2001", "王经理", Role::kManager}, "5678", clock).ok());
  }
  int64_t Journal() { return Count(*db, "SELECT COUNT(*) FROM journal"); }
  int64_t Audit(const std::string& action) {
    return Count(*db, "SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }
};

void CheckWidth(const std::string& text, int columns) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    CHECK_MESSAGE(DisplayWidth(line) <= columns, "too wide: [" << line << "]");
    ++n;
  }
  CHECK(n > 5);
  CHECK(text.back() == '\n');
}

}  // namespace

TEST_CASE("shift lifecycle: open, second open refused, pay-in/out, close short") {
  Fixture f;
  Database& db = *f.db;
  CHECK(!CurrentShift(db)->has_value());

  auto shift = OpenShift(db, "1001", 50000, f.clock);
  REQUIRE(shift.ok());
  CHECK(shift->open);
  CHECK(shift->float_fen == 50000);
  CHECK(shift->user_name == "张三");
  auto cur = CurrentShift(db);
  REQUIRE(cur->has_value());
  CHECK((*cur)->id == shift->id);
  CHECK((*cur)->opened_at == "2026-11-21T01:00:00.000Z");

  // A second open is refused, naming the open shift, its opener and time.
  f.clock.Advance(60'000);
  auto again = OpenShift(db, "2001", 1000, f.clock);
  REQUIRE(!again.ok());
  CHECK(again.status().code() == Status::Code::kFailedPrecondition);
  CHECK(again.status().message().find("1001") != std::string::npos);
  CHECK(again.status().message().find("张三") != std::string::npos);
  CHECK(again.status().message().find("2026-11-21 09:00") != std::string::npos);

  auto in = PayIn(db, "2001", 10000, "  银行换零钱 ", f.clock);
  REQUIRE(in.ok());
  CHECK(in->reason == "银行换零钱");
  CHECK(in->shift_id == shift->id);
  CHECK(SummarizeDrawer(db, shift->id)->expected_cash_fen == 60000);
  auto out = PayOut(db, "1001", 3000, "买垃圾袋", f.clock);
  REQUIRE(out.ok());
  CHECK(SummarizeDrawer(db, shift->id)->expected_cash_fen == 57000);

  // A cash sale of 20.00 and a card sale in the shift.
  InsertSale(db, {.shift = shift->id,
                  .lines = {{1300, 2000, 0, 230}},
                  .tenders = {{"cash", "", 2000}}});
  InsertSale(db, {.shift = shift->id,
                  .lines = {{1300, 5000, 0, 575}},
                  .tenders = {{"card", "", 5000}}});
  // A sale outside any shift does not touch the drawer.
  InsertSale(db, {.lines = {{1300, 900, 0, 104}}, .tenders = {{"cash", "", 900}}});
  auto d = SummarizeDrawer(db, shift->id);
  REQUIRE(d.ok());
  CHECK(d->cash_sales_fen == 2000);
  CHECK(d->pay_in_fen == 10000);
  CHECK(d->pay_out_fen == 3000);
  CHECK(d->expected_cash_fen == 59000);

  f.clock.Advance(8 * 3'600'000);
  auto closed = CloseShift(db, "1001", 58900, std::nullopt, f.clock);
  REQUIRE(closed.ok());
  CHECK(closed->expected_cash_fen == 59000);
  CHECK(closed->counted_cash_fen == 58900);
  CHECK(closed->variance_fen == -100);
  REQUIRE(closed->tenders.size() == 2);
  CHECK(closed->tenders[0].method == "cash");
  CHECK(closed->tenders[0].variance_fen == -100);
  CHECK(closed->tenders[1].method == "card");
  CHECK(closed->tenders[1].expected_fen == 5000);
  CHECK(closed->tenders[1].counted_fen == 5000);
  CHECK(closed->tenders[1].variance_fen == 0);
  CHECK(!closed->shift.open);
  CHECK(closed->shift.closed_by == std::optional<std::string>("1001"));
  CHECK(closed->shift.expected_cash_fen == std::optional<int64_t>(59000));
  CHECK(closed->shift.counted_cash_fen == std::optional<int64_t>(58900));
  CHECK(closed->journal_seq == 4);
  CHECK(!CurrentShift(db)->has_value());

  // One journal event each for open, pay-in, pay-out and close; the chain verifies.
  CHECK(f.Journal() == 4);
  Statement types = db.Prepare("SELECT group_concat(type, ',') FROM (SELECT type FROM journal ORDER BY seq)");
  types.Step();
  CHECK(types.Text(0) == "shift_open,cash_movement,cash_movement,shift_close");
  JournalVerifyReport v = VerifyJournal(db);
  CHECK_MESSAGE(v.ok, v.reason);
  CHECK(v.count == 4);
  auto head = ReadJournal(db, 3, 1);
  REQUIRE(head->size() == 1);
  auto payload = nlohmann::json::parse((*head)[0].payload);
  CHECK(payload["variance_fen"] == -100);
  CHECK(payload["expected_cash_fen"] == 59000);
  CHECK(payload["closed_by"] == "1001");

  CHECK(f.Audit("shift_open") == 1);
  CHECK(f.Audit("pay_in") == 1);
  CHECK(f.Audit("pay_out") == 1);
  CHECK(f.Audit("shift_close") == 1);
  CHECK(Count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'pay_out' AND reason = '买垃圾袋'") == 1);

  // JSON and the slip.
  nlohmann::json j = closed->ToJson();
  CHECK(j["variance_fen"] == -100);
  CHECK(j["tenders"][0]["label"] == "现金");
  for (int cols : {32, 48}) {
    const std::string text = closed->RenderText(cols);
    CheckWidth(text, cols);
    CHECK(text.find("长短款 短款") != std::string::npos);
    CHECK(text.find("-1.00") != std::string::npos);
  }

  // A new shift can open after the close.
  CHECK(OpenShift(db, "2001", 0, f.clock).ok());
}

TEST_CASE("shift close over, with refunds, voids, payment codes and denominations") {
  Fixture f;
  Database& db = *f.db;
  auto shift = OpenShift(db, "1001", 20000, f.clock);
  REQUIRE(shift.ok());
  // Split tender sale: 10.00 cash + 30.00 WeChat.
  const int64_t s1 = InsertSale(db, {.shift = shift->id,
                                     .lines = {{1300, 4000, 0, 460}},
                                     .tenders = {{"cash", "", 1000}, {"payment_code", "wechat", 3000}}});
  // 15.00 cash sale, later voided; the void row has no tenders of its own
  // and so reverses the original's.
  const int64_t s2 = InsertSale(db, {.shift = shift->id,
                                     .lines = {{900, 1500, 0, 124}},
                                     .tenders = {{"cash", "", 1500}}});
  InsertSale(db, {.kind = "void", .original = s2, .shift = shift->id, .lines = {}, .tenders = {}});
  // Refund of 5.00 in cash and 2.00 to Alipay (of a sale paid elsewhere).
  InsertSale(db, {.kind = "refund", .original = s1, .shift = shift->id,
                  .lines = {{1300, 500, 0, 58}},
                  .tenders = {{"cash", "", 500}}});
  InsertSale(db, {.kind = "refund", .original = s1, .shift = shift->id,
                  .lines = {{1300, 200, 0, 23}},
                  .tenders = {{"payment_code", "alipay", 200}}});

  auto d = SummarizeDrawer(db, shift->id);
  REQUIRE(d.ok());
  CHECK(d->cash_sales_fen == 1000 + 1500 - 1500 - 500);
  CHECK(d->expected_cash_fen == 20500);
  REQUIRE(d->tenders.size() == 3);
  CHECK(d->tenders[0].method == "cash");
  CHECK(d->tenders[1].provider == "wechat");
  CHECK(d->tenders[1].amount_fen == 3000);
  CHECK(d->tenders[2].provider == "alipay");
  CHECK(d->tenders[2].amount_fen == -200);

  // Denominations that do not add up are refused, and nothing is written.
  const int64_t journal_before = f.Journal();
  auto bad = CloseShift(db, "1001", 20600, std::vector<Denomination>{{10000, 2}, {500, 1}}, f.clock);
  REQUIRE(!bad.ok());
  CHECK(bad.status().IsInvalidArgument());
  CHECK(bad.status().message().find("205.00") != std::string::npos);
  CHECK(CloseShift(db, "1001", 20600, std::vector<Denomination>{{0, 2}}, f.clock).status().IsInvalidArgument());
  CHECK(CloseShift(db, "1001", 20600, std::vector<Denomination>{{100, -1}}, f.clock).status().IsInvalidArgument());
  CHECK(f.Journal() == journal_before);
  CHECK(CurrentShift(db)->has_value());

  auto closed = CloseShift(db, "2001", 20600,
                           std::vector<Denomination>{{100, 1}, {10000, 2}, {500, 1}}, f.clock);
  REQUIRE(closed.ok());
  CHECK(closed->variance_fen == 100);  // over: 长款
  CHECK(closed->tenders[0].expected_fen == 20500);
  CHECK(closed->tenders[0].counted_fen == 20600);
  REQUIRE(closed->denominations.size() == 3);
  CHECK(closed->denominations[0].value_fen == 10000);  // sorted high to low
  CHECK(closed->denominations[2].value_fen == 100);
  CHECK(closed->ToJson()["denominations"].size() == 3);
  for (int cols : {32, 48}) {
    const std::string text = closed->RenderText(cols);
    CheckWidth(text, cols);
    CHECK(text.find("长款") != std::string::npos);
    CHECK(text.find("+1.00") != std::string::npos);
    CHECK(text.find("微信") != std::string::npos);
    CHECK(text.find("支付宝") != std::string::npos);
    CHECK(text.find("点钞") != std::string::npos);
  }
  CHECK(VerifyJournal(db).ok);
}

TEST_CASE("shift operations refuse what makes no sense and write nothing") {
  Fixture f;
  Database& db = *f.db;
  // No shift open.
  CHECK(PayIn(db, "1001", 100, "零钱", f.clock).status().code() == Status::Code::kFailedPrecondition);
  CHECK(PayOut(db, "1001", 100, "零钱", f.clock).status().code() == Status::Code::kFailedPrecondition);
  CHECK(CloseShift(db, "1001", 0, std::nullopt, f.clock).status().code() ==
        Status::Code::kFailedPrecondition);
  // Bad input.
  CHECK(OpenShift(db, "1001", -1, f.clock).status().IsInvalidArgument());
  CHECK(OpenShift(db, "9999", 100, f.clock).status().IsNotFound());
  CHECK(f.Journal() == 0);

  auto shift = OpenShift(db, "1001", 1000, f.clock);
  REQUIRE(shift.ok());
  CHECK(PayIn(db, "1001", 0, "零钱", f.clock).status().IsInvalidArgument());
  CHECK(PayIn(db, "1001", -5, "零钱", f.clock).status().IsInvalidArgument());
  CHECK(PayIn(db, "1001", 100, "   ", f.clock).status().IsInvalidArgument());
  CHECK(PayOut(db, "1001", 100, "", f.clock).status().IsInvalidArgument());
  CHECK(PayIn(db, "nobody", 100, "零钱", f.clock).status().IsNotFound());
  CHECK(CloseShift(db, "1001", -1, std::nullopt, f.clock).status().IsInvalidArgument());
  // A pay-out larger than the drawer holds.
  auto too_much = PayOut(db, "1001", 1001, "进货", f.clock);
  CHECK(too_much.status().code() == Status::Code::kFailedPrecondition);
  CHECK(too_much.status().message().find("10.00") != std::string::npos);
  CHECK(PayOut(db, "1001", 1000, "进货", f.clock).ok());
  CHECK(f.Journal() == 2);
  CHECK(Count(db, "SELECT COUNT(*) FROM cash_movements") == 1);
  CHECK(VerifyJournal(db).ok);
}

TEST_CASE("no-sale drawer opens are audited, against the shift when one is open") {
  Fixture f;
  Database& db = *f.db;
  CHECK(RecordNoSale(db, "1001", "", f.clock).IsInvalidArgument());
  CHECK(RecordNoSale(db, "1001", "顾客换零钱", f.clock).ok());  // no shift: audit only
  CHECK(f.Audit("no_sale") == 1);
  CHECK(Count(db, "SELECT COUNT(*) FROM cash_movements") == 0);

  auto shift = OpenShift(db, "1001", 1000, f.clock);
  REQUIRE(shift.ok());
  CHECK(RecordNoSale(db, "1001", "顾客换零钱", f.clock).ok());
  CHECK(f.Audit("no_sale") == 2);
  CHECK(Count(db, "SELECT COUNT(*) FROM cash_movements WHERE kind = 'no_sale' AND amount_fen = 0") == 1);
  auto d = SummarizeDrawer(db, shift->id);
  CHECK(d->no_sale_count == 1);
  CHECK(d->expected_cash_fen == 1000);  // no money moved
  CHECK(f.Journal() == 1);              // only the shift open
  CHECK(SummarizeDrawer(db, 999).status().IsNotFound());
  CHECK(GetShift(db, 999).status().IsNotFound());
}

TEST_CASE("tender labels") {
  CHECK(TenderLabel("cash", "") == "现金");
  CHECK(TenderLabel("payment_code", "wechat") == "微信");
  CHECK(TenderLabel("payment_code", "alipay") == "支付宝");
  CHECK(TenderLabel("payment_code", "unionpay") == "银联");
  CHECK(TenderLabel("card", "") == "刷卡");
  CHECK(TenderLabel("voucher", "") == "voucher");
}
