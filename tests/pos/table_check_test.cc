// The tables are checked against the journal (table_check.h): issue 11's
// reproduction edits sales, sale_lines and sale_tenders in the SQLite file;
// `journal verify` said ok and the X/Z reports and reprints printed the
// edited money.
#include <doctest/doctest.h>

#include "checkout_fixture.h"
#include "linli/pos/checkout.h"
#include "linli/pos/inventory.h"
#include "linli/pos/journal.h"
#include "linli/pos/receipt.h"
#include "linli/pos/reports.h"
#include "linli/pos/sales.h"
#include "linli/pos/shifts.h"
#include "linli/pos/table_check.h"

using namespace linli;
using namespace linli::checkout_testing;

namespace {

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

CommittedSale Sell(Store& s, const std::string& sku, int64_t qty_milli, int64_t cash) {
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->AddSku(sku, qty_milli).ok());
  REQUIRE(co->PayCash(cash).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  return *sale;
}

// A day of trade: a shift with a pay-in, three sales, a refund, a stock count.
struct Day {
  Store s;
  CommittedSale a, b, c;
  std::string business_date;
  int64_t shift_id = 0;
  Day() {
    auto sh = OpenShift(*s.db, s.cashier.id, 20000, s.clock);
    REQUIRE(sh.ok());
    shift_id = sh->id;
    REQUIRE(PayIn(*s.db, s.cashier.id, 5000, "找零备用", s.clock).ok());
    a = Sell(s, "A001", 2000, 2100);
    b = Sell(s, "B001", 1000, 1000);
    c = Sell(s, "A001", 1000, 2000);
    RefundRequest r;
    r.receipt_no = b.receipt_no;
    r.approval = Mgr("退货");
    REQUIRE(RefundSale(*s.db, s.clock, s.manager, r, &s.gateway).ok());
    StockAdjustment adj;
    adj.sku = "B001";
    adj.qty_milli = 40000;
    adj.reason = MovementReason::kReceive;
    REQUIRE(AdjustStock(*s.db, adj, s.clock).ok());
    business_date = a.business_date;
  }
  bool Lists(const TableCheckReport& r, const std::string& subject, const std::string& table,
             const std::string& field) {
    for (const TableMismatch& m : r.mismatches) {
      if (m.subject == subject && m.table == table && m.field == field) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("table check: an untouched store matches its journal, whole and in every scope") {
  Day d;
  TableCheckReport whole = CheckTables(*d.s.db);
  INFO(whole.Summary());
  CHECK(whole.ok);
  CHECK(whole.mismatch_count == 0);
  CHECK(whole.receipts_checked == 4);  // three sales and the refund
  CHECK(whole.events_checked >= 7);    // + shift open, pay-in, stock movement

  TableCheckScope day;
  day.business_date = d.business_date;
  CHECK(CheckTables(*d.s.db, day).ok);
  CHECK(CheckTables(*d.s.db, day).receipts_checked == 4);
  TableCheckScope shift;
  shift.shift_id = d.shift_id;
  CHECK(CheckTables(*d.s.db, shift).ok);
  TableCheckScope one;
  one.receipt_no = d.a.receipt_no;
  CHECK(CheckTables(*d.s.db, one).ok);
  CHECK(CheckTables(*d.s.db, one).receipts_checked == 1);

  // A shift that closed checks too.
  REQUIRE(CloseShift(*d.s.db, d.s.cashier.id, 30000, std::nullopt, d.s.clock).ok());
  CHECK(CheckTables(*d.s.db).ok);
}

TEST_CASE("table check: edited sales, lines and tenders of two sales are named; the chain alone says ok") {
  Day d;
  Database& db = *d.s.db;
  db.Exec("UPDATE sales SET total_fen = total_fen - 1000 WHERE receipt_no = '" + d.a.receipt_no + "'");
  db.Exec("UPDATE sale_lines SET total_fen = 1, qty_milli = 1000 WHERE sale_id = " + std::to_string(d.a.sale_id));
  db.Exec("UPDATE sale_tenders SET amount_fen = 99 WHERE sale_id = " + std::to_string(d.c.sale_id));

  // What the reproduction saw: the chain is intact.
  CHECK(VerifyJournal(db).ok);

  TableCheckReport r = CheckTables(db);
  INFO(r.Summary());
  CHECK_FALSE(r.ok);
  CHECK(d.Lists(r, d.a.receipt_no, "sales", "total_fen"));
  CHECK(d.Lists(r, d.a.receipt_no, "sale_lines", "line 1 total_fen"));
  CHECK(d.Lists(r, d.a.receipt_no, "sale_lines", "line 1 qty_milli"));
  CHECK(d.Lists(r, d.c.receipt_no, "sale_tenders", "tender 1 amount_fen"));
  CHECK_FALSE(d.Lists(r, d.b.receipt_no, "sales", "total_fen"));
  CHECK(r.mismatch_count == 4);
  for (const TableMismatch& m : r.mismatches) {
    if (m.table == "sales") {
      CHECK(m.journal == std::to_string(d.a.priced.total_fen));
      CHECK(m.found == std::to_string(d.a.priced.total_fen - 1000));
      CHECK(Has(m.Sentence(), d.a.receipt_no + ": sales.total_fen is " + m.found + " in the table but " + m.journal));
    }
  }
  // The JSON carries every row, with its sentence.
  nlohmann::json j = r.ToJson();
  CHECK(j["ok"] == false);
  CHECK(j["mismatch_count"] == 4);
  CHECK(j["mismatches"].size() == 4);

  SUBCASE("the Z and X reports say so before any figure, and list the rows") {
    auto z = BuildZReport(db, d.business_date, d.s.clock);
    REQUIRE(z.ok());
    CHECK_FALSE(z->table_check.ok);
    const std::string text = z->RenderText(32);
    CHECK(Has(text, "!! 账表与日志不符 !!"));
    CHECK(text.find("!! 账表与日志不符 !!") < text.find("净销售额"));
    CHECK(Has(text, d.a.receipt_no));
    CHECK(Has(text, "账表核对"));
    CHECK(Has(text, "不符 4处"));
    CHECK(z->ToJson()["table_check"]["ok"] == false);
    auto x = BuildXReport(db, d.s.clock);  // the shift is open: its rows
    REQUIRE(x.ok());
    CHECK(x->shift_id == d.shift_id);
    CHECK_FALSE(x->table_check.ok);
    CHECK(Has(x->RenderText(48), "!! 账表与日志不符 !!"));
  }
  SUBCASE("a reprint of an edited sale carries the warning; an untouched one does not") {
    auto bad = BuildReceipt(db, d.a.receipt_no, /*reprint=*/true);
    REQUIRE(bad.ok());
    REQUIRE(bad->disagreements.size() == 3);
    const std::string text = RenderReceiptText(*bad, kReceiptColumns58);
    CHECK(Has(text, "!! 与日志不符 !!"));
    CHECK(Has(text, "sales.total_fen"));
    CHECK(Has(text, "不可作为凭证"));
    auto good = BuildReceipt(db, d.b.receipt_no, /*reprint=*/true);
    REQUIRE(good.ok());
    CHECK(good->disagreements.empty());
    CHECK_FALSE(Has(RenderReceiptText(*good, kReceiptColumns58), "与日志不符"));
  }
}

TEST_CASE("table check: a deleted sale, an invented sale and a moved sale are reported") {
  Day d;
  Database& db = *d.s.db;
  const std::string a_id = std::to_string(d.a.sale_id);
  db.Exec("DELETE FROM sale_tenders WHERE sale_id = " + a_id);
  db.Exec("DELETE FROM sale_lines WHERE sale_id = " + a_id);
  db.Exec("DELETE FROM sales WHERE id = " + a_id);
  db.Exec("INSERT INTO sales (sale_uuid, receipt_no, kind, business_date, occurred_at, cashier_id, subtotal_fen, "
          "discount_fen, rounding_fen, total_fen, tax_fen, journal_seq, journal_hash) VALUES ('fake', 'S001-FAKE', "
          "'sale', '" + d.business_date + "', '2026-11-21T07:30:00.000Z', '1001', 100000, 0, 0, 100000, 0, 1, 'x')");
  db.Exec("UPDATE sales SET business_date = '2020-01-01' WHERE id = " + std::to_string(d.c.sale_id));

  TableCheckReport r = CheckTables(db);
  INFO(r.Summary());
  CHECK(d.Lists(r, d.a.receipt_no, "sales", ""));
  CHECK(d.Lists(r, "S001-FAKE", "sales", ""));
  CHECK(d.Lists(r, d.c.receipt_no, "sales", "business_date"));
  bool missing = false, extra = false;
  for (const TableMismatch& m : r.mismatches) {
    if (m.subject == d.a.receipt_no && m.table == "sales") missing = Has(m.Sentence(), "missing from the table");
    if (m.subject == "S001-FAKE") extra = Has(m.Sentence(), "in no journal event");
  }
  CHECK(missing);
  CHECK(extra);

  // The day's scope finds all three: the moved sale by its journal event.
  TableCheckScope day;
  day.business_date = d.business_date;
  TableCheckReport z = CheckTables(db, day);
  CHECK(d.Lists(z, d.a.receipt_no, "sales", ""));
  CHECK(d.Lists(z, "S001-FAKE", "sales", ""));
  CHECK(d.Lists(z, d.c.receipt_no, "sales", "business_date"));
}

TEST_CASE("table check: stock, the shift and its cash movements are checked against their events") {
  Day d;
  Database& db = *d.s.db;
  SUBCASE("stock on hand") {
    db.Exec("UPDATE stock_on_hand SET qty_milli = qty_milli + 5000 WHERE product_id = "
            "(SELECT id FROM products WHERE sku = 'B001')");
    TableCheckReport r = CheckTables(db);
    CHECK(d.Lists(r, "SKU B001", "stock_on_hand", "qty_milli"));
    CHECK(r.mismatch_count == 1);
  }
  SUBCASE("a receipt's stock movement") {
    db.Exec("UPDATE stock_movements SET qty_milli = -1000 WHERE ref = '" + d.a.receipt_no + "'");
    TableCheckReport r = CheckTables(db);
    CHECK(d.Lists(r, d.a.receipt_no, "stock_movements", "SKU A001 sale qty_milli"));
  }
  SUBCASE("a hand-made stock movement") {
    db.Exec("UPDATE stock_movements SET qty_milli = 4000 WHERE reason = 'receive'");
    TableCheckReport r = CheckTables(db);
    CHECK(d.Lists(r, "stock", "stock_movements", "SKU B001 receive qty_milli"));
  }
  SUBCASE("the float, a pay-in, an invented pay-out") {
    db.Exec("UPDATE shifts SET float_fen = 10000");
    db.Exec("UPDATE cash_movements SET amount_fen = 500 WHERE kind = 'pay_in'");
    db.Exec("INSERT INTO cash_movements (shift_id, kind, amount_fen, reason, user_id, occurred_at) VALUES (" +
            std::to_string(d.shift_id) + ", 'pay_out', 3000, 'x', '1001', '2026-11-21T07:30:00.000Z')");
    TableCheckScope shift;
    shift.shift_id = d.shift_id;
    for (const TableCheckReport& r : {CheckTables(db), CheckTables(db, shift)}) {
      INFO(r.Summary());
      CHECK(d.Lists(r, "shift " + std::to_string(d.shift_id), "shifts", "float_fen"));
      CHECK(d.Lists(r, "cash movement 1", "cash_movements", "amount_fen"));
      CHECK(d.Lists(r, "cash movement 2", "cash_movements", ""));
      CHECK(r.mismatch_count == 3);
    }
  }
  SUBCASE("an edited journal payload is caught by its hash, not believed") {
    db.Exec("DROP TRIGGER journal_no_update");
    db.Exec("UPDATE journal SET payload = CAST(replace(CAST(payload AS TEXT), '\"total_fen\":" +
            std::to_string(d.a.priced.total_fen) + "', '\"total_fen\":1') AS BLOB) WHERE seq = (SELECT journal_seq "
            "FROM sales WHERE receipt_no = '" + d.a.receipt_no + "')");
    TableCheckReport r = CheckTables(db);
    CHECK_FALSE(r.ok);
    bool journal_row = false;
    for (const TableMismatch& m : r.mismatches) journal_row |= m.table == "journal";
    CHECK(journal_row);
  }
}

TEST_CASE("Z report: prints the hub's signed checkpoint and the table check's result") {
  Day d;
  Database& db = *d.s.db;
  auto z = BuildZReport(db, d.business_date, d.s.clock);
  REQUIRE(z.ok());
  CHECK_FALSE(z->hub_checkpoint);
  std::string text = z->RenderText(32);
  CHECK(Has(text, "总部签收"));
  CHECK(Has(text, "尚未同步"));
  CHECK(Has(text, "与日志一致 4单"));
  CHECK_FALSE(Has(text, "!!"));

  db.Exec("UPDATE sync_state SET checkpoint_epoch = 1, checkpoint_seq = 5, checkpoint_hash = "
          "x'3fa9c2e1b07d00000000000000000000000000000000000000000000000000ff', "
          "checkpoint_at = '2026-11-21T12:05:00.000Z'");
  z = BuildZReport(db, d.business_date, d.s.clock);
  REQUIRE(z.ok());
  REQUIRE(z->hub_checkpoint);
  CHECK(z->hub_checkpoint->seq == 5);
  text = z->RenderText(32);
  CHECK(Has(text, "#5 3fa9c2e1b07d"));
  CHECK(Has(text, "2026-11-21 20:05"));  // the hub's UTC time, shown in the store's zone
  CHECK(z->ToJson()["hub_checkpoint"]["seq"] == 5);
}
