// End-to-end tests of the `linli` binary: every command named in the issues,
// run as a shopkeeper would, checking output, exit codes and messages.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>

#include "linli/pos/db.h"
#include "testing.h"

using linli::testing::ReadFile;
using linli::testing::RunLinli;
using linli::testing::TempDir;
using linli::testing::WriteFile;

namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

// A store with the demo catalog, a cashier (1001/1234), a manager (9001/9999)
// and a member.
struct Store {
  TempDir dir;
  std::string db = linli::testing::MakeDemoStoreWithCli(dir);
  std::string D = " --db " + Q(db) + " ";
  Store() {
    REQUIRE(RunLinli("member add" + D + "--phone 13800138000 --name 王阿姨").exit_code == 0);
  }
  linli::testing::RunResult Run(const std::string& cmd, const std::string& in = "") {
    // Subcommand first, then the db option, then the rest.
    const size_t sp = cmd.find(" -- ");
    return RunLinli(cmd.substr(0, sp) + D + (sp == std::string::npos ? "" : cmd.substr(sp + 4)), in);
  }
  // Runs a till script in an open shift (opened with no float when none is).
  linli::testing::RunResult Sell(const std::string& script) {
    (void)Run("shift open -- --user 1001 --pin 1234 --float 0");  // refused when one is open
    const std::string path = dir.File("script.json");
    WriteFile(path, script);
    return Run("sell -- --json --script " + Q(path));
  }
};

nlohmann::json Json(const std::string& s) { return nlohmann::json::parse(s); }

}  // namespace

TEST_CASE("cli: init refuses to overwrite and names bad input") {
  TempDir dir;
  const std::string db = dir.File("s.db");
  CHECK(RunLinli("init --db " + Q(db) + " --store-code S001 --name 店").exit_code == 0);
  auto again = RunLinli("init --db " + Q(db) + " --store-code S001 --name 店");
  CHECK(again.exit_code != 0);
  CHECK(again.err.find("already exists") != std::string::npos);
  auto bad = RunLinli("init --db " + Q(dir.File("t.db")) + " --store-code 'S 1' --name 店");
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("S 1") != std::string::npos);
  auto missing = RunLinli("stock show --db " + Q(dir.File("nope.db")));
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("linli init") != std::string::npos);
}

TEST_CASE("cli: catalog import reports every bad row and writes nothing") {
  Store s;
  const std::string csv = s.dir.File("bad.csv");
  WriteFile(csv,
            "sku,barcode,name,unit,price\n"
            "N1,6901234567893,坏条码,pcs,1\n"
            "N2,,好商品,pcs,2.50\n"
            "N3,,坏价格,pcs,3.505\n"
            "N4,,坏单位,box,1\n"
            "N5,6920202888883,重复条码,pcs,1\n");
  auto r = s.Run("catalog import -- " + Q(csv));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("line 2, barcode \"6901234567893\": has a bad check digit (expected 2)") != std::string::npos);
  CHECK(r.err.find("line 4, price \"3.505\"") != std::string::npos);
  CHECK(r.err.find("line 5, unit \"box\"") != std::string::npos);
  CHECK(r.err.find("line 6, barcode \"6920202888883\"") != std::string::npos);
  CHECK(r.err.find("nothing was imported") != std::string::npos);
  CHECK(s.Run("catalog find -- 好商品").exit_code == 4);  // not written

  auto skip = s.Run("catalog import -- --skip-bad --json " + Q(csv));
  CHECK(skip.exit_code == 3);
  auto j = Json(skip.out);
  CHECK(j["inserted"] == 1);
  CHECK(j["rejected"] == 4);
  CHECK(j["problems"].size() == 4);
  CHECK(s.Run("catalog find -- 好商品").exit_code == 0);
}

TEST_CASE("cli: catalog find by barcode, pinyin initials and name, export round-trips") {
  Store s;
  auto by_code = Json(s.Run("catalog find -- 6901234567892 --json").out);
  CHECK(by_code[0]["sku"] == "YL0001");
  CHECK(by_code[0]["match"] == "barcode");
  auto by_initials = Json(s.Run("catalog find -- kkkl --json").out);
  REQUIRE(by_initials.size() >= 1);
  CHECK(by_initials[0]["name"].get<std::string>().find("可口可乐") == 0);
  auto by_name = Json(s.Run("catalog find -- 牛奶 --json --limit 3").out);
  CHECK(by_name.size() == 3);
  for (const auto& p : by_name) CHECK(p["name"].get<std::string>().find("牛奶") != std::string::npos);

  auto exported = s.Run("catalog export");
  REQUIRE(exported.exit_code == 0);
  TempDir other;
  const std::string db2 = other.File("b.db");
  const std::string csv = other.File("c.csv");
  WriteFile(csv, exported.out);
  REQUIRE(RunLinli("init --db " + Q(db2) + " --store-code S002 --name 二店").exit_code == 0);
  REQUIRE(RunLinli("catalog import --db " + Q(db2) + " " + Q(csv)).exit_code == 0);
  CHECK(RunLinli("catalog export --db " + Q(db2)).out == exported.out);
}

// Issue 12: "kk可乐", "kkkl 330" and "kekou kele" found nothing; several
// words may now be given, quoted or not.
TEST_CASE("cli: catalog find takes mixed pinyin and Hanzi words, quoted or not") {
  Store s;
  for (const std::string q :
       {Q("kk可乐 330"), std::string("kk可乐 330"), Q("kekou kele 330ml"), std::string("可口kl 330"), std::string("ke可 330")}) {
    CAPTURE(q);
    auto r = s.Run("catalog find -- " + q + " --json");
    REQUIRE(r.exit_code == 0);
    auto hits = Json(r.out);
    REQUIRE(hits.size() >= 1);
    CHECK(hits[0]["sku"] == "YL0001");
    CHECK(hits[0]["name"] == "可口可乐 330ml");
    CHECK(hits[0]["match"] == "words");
  }
  auto big = Json(s.Run("catalog find -- kk可乐 500 --limit 5 --json").out);
  REQUIRE(big.size() == 1);
  CHECK(big[0]["sku"] == "YL0003");
  CHECK(Json(s.Run("catalog find -- kkx --json").out).empty());
  CHECK(Json(s.Run("catalog find -- 可乐口 --json").out).empty());
  auto text = s.Run("catalog find -- kkkl 330");
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("YL0001\t可口可乐 330ml\t¥3.50\twords") == 0);
  auto none = s.Run("catalog find -- kkx");
  CHECK(none.exit_code == 4);  // nothing found, as for any query
  CHECK(none.out == "no product matches \"kkx\"\n");
}

TEST_CASE("cli: barcode classify prints one JSON object per kind") {
  Store s;
  CHECK(Json(RunLinli("barcode classify 6901234567892").out) ==
        Json(R"({"code":"6901234567892","kind":"gtin","format":"ean13","valid":true})"));
  auto bad = Json(RunLinli("barcode classify 6901234567893").out);
  CHECK(bad["valid"] == false);
  CHECK(bad["expected_check_digit"] == "2");
  auto label = Json(s.Run("barcode classify -- 2100123015368").out);
  CHECK(label["kind"] == "price_embedded");
  CHECK(label["plu"] == "00123");
  CHECK(label["amount_fen"] == 1536);
  CHECK(label["product"]["sku"] == "SG0001");
  CHECK(label["qty_milli"] == 1200);  // ¥15.36 at ¥12.80/kg
  CHECK(Json(RunLinli("barcode classify 134567890123456780").out)["provider"] == "wechat");
  CHECK(Json(RunLinli("barcode classify 2812345678901234").out)["provider"] == "alipay");
  CHECK(Json(RunLinli("barcode classify 6212345678901234567").out)["provider"] == "unionpay");
  CHECK(Json(RunLinli("barcode classify SF1234567890123").out)["candidates"][0] == "sf");
  CHECK(Json(RunLinli("barcode classify hello").out)["kind"] == "unknown");
  auto product = Json(s.Run("barcode classify -- 6901234567892").out);
  CHECK(product["product"]["name"] == "可口可乐 330ml");
}

TEST_CASE("cli: stock adjust and show") {
  Store s;
  auto r = Json(s.Run("stock adjust -- --sku YL0001 --qty 24 --reason receive --json").out);
  CHECK(r["on_hand_milli"] == 24000);
  r = Json(s.Run("stock adjust -- --sku YL0001 --qty 20 --reason count --json").out);
  CHECK(r["movement_milli"] == -4000);
  r = Json(s.Run("stock adjust -- --sku SG0001 --qty-milli 1500 --reason receive --json").out);
  CHECK(r["on_hand_milli"] == 1500);
  auto show = Json(s.Run("stock show -- --sku YL0001 --json").out);
  CHECK(show["on_hand_milli"] == 20000);
  auto bad = s.Run("stock adjust -- --sku NOPE --qty 1 --reason receive");
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("NOPE") != std::string::npos);
  auto reason = s.Run("stock adjust -- --sku YL0001 --qty 1 --reason gift");
  CHECK(reason.exit_code != 0);
  CHECK(reason.err.find("gift") != std::string::npos);
}

TEST_CASE("cli: the README's scripted till runs and prints the documented fields") {
  Store s;
  REQUIRE(s.Run("promo import -- " + Q(std::string(LINLI_SOURCE_DIR) + "/packaging/demo/promotions.json")).exit_code == 0);
  auto r = s.Sell(R"({"cashier": "1001", "pin": "1234",
 "sales": [
  {"actions": [
    {"scan": "6901234567892"}, {"scan": "6901234567892", "qty": 2}, {"scan": "2100123015368"},
    {"sku": "SG0002", "qty_milli": 850}, {"set_qty": {"line": 1, "qty": 3}}, {"void_line": 2},
    {"member": "13800138000"}, {"discount_line": {"line": 1, "percent": 10}},
    {"discount_order": {"amount_fen": 100}},
    {"override_price": {"line": 1, "price_fen": 300, "manager_pin": "9999", "reason": "damaged"}},
    {"round": "jiao_down"},
    {"pay": {"method": "card", "amount_fen": 500, "reference": "T123"}},
    {"pay": {"method": "payment_code", "code": "134567890123456780", "amount_fen": 1000}},
    {"pay": {"method": "cash", "amount_fen": 10000}}]},
  {"refund": {"receipt_no": "$1", "lines": [{"line": 1, "qty": 1}], "manager_pin": "9999"}},
  {"actions": [{"scan": "6920202888883"}, {"pay": {"method": "cash", "amount_fen": 200}}]},
  {"void_last": {"manager_pin": "9999"}}]})");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = Json(r.out);
  REQUIRE(j.size() == 4);
  const auto& sale = j[0];
  CHECK(sale["status"] == "completed");
  CHECK(sale["receipt_no"].get<std::string>().rfind("S001-", 0) == 0);
  int64_t sum = 0;
  for (const auto& l : sale["lines"]) {
    for (const char* k : {"line", "sku", "name", "qty_milli", "unit_price_fen", "discount_fen", "total_fen", "tax_fen"}) {
      CHECK(l.contains(k));
    }
    sum += l["total_fen"].get<int64_t>();
  }
  CHECK(sale["lines"].size() == 3);  // line 2 voided
  CHECK(sale["lines"][0]["qty_milli"] == 3000);
  CHECK(sale["lines"][0]["unit_price_fen"] == 300);
  CHECK(sum == sale["total_fen"].get<int64_t>());
  CHECK(sale["total_fen"].get<int64_t>() % 10 == 0);  // 抹零 to the jiao
  int64_t applied = 0;
  for (const auto& t : sale["tenders"]) applied += t.contains("applied_fen") ? t["applied_fen"].get<int64_t>() : t["amount_fen"].get<int64_t>();
  CHECK(applied == sale["total_fen"].get<int64_t>());
  CHECK(sale["change_fen"] == 10000 - (sale["total_fen"].get<int64_t>() - 1500));
  CHECK(j[1]["kind"] == "refund");
  CHECK(j[3]["kind"] == "void");
  CHECK(j[3]["original_receipt_no"] == j[2]["receipt_no"]);
  CHECK(s.Run("journal verify").exit_code == 0);
}

TEST_CASE("cli: a bad action stops the run, names it, and commits nothing of that sale") {
  Store s;
  auto r = s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"cash","amount_fen":500}}]},
    {"actions":[{"scan":"6901234567892"},{"scan":"6999999999997"},{"pay":{"method":"cash","amount_fen":500}}]}]})");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("sale 2, action 2") != std::string::npos);
  CHECK(r.err.find("6999999999997") != std::string::npos);
  CHECK(r.err.find("unknown barcode") != std::string::npos);
  auto done = Json(r.out);
  REQUIRE(done.size() == 1);  // the first sale stands
  auto z = Json(s.Run("report z -- --json").out);
  CHECK(z.dump().find("\"count\":1") != std::string::npos);

  auto pin = s.Sell(R"({"cashier":"1001","pin":"0000","sales":[]})");
  CHECK(pin.exit_code != 0);
  CHECK(pin.err.find("PIN") != std::string::npos);
  auto short_tender = s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"cash","amount_fen":100}}]}]})");
  CHECK(short_tender.exit_code != 0);
  CHECK(short_tender.err.find("tender short") != std::string::npos);
}

TEST_CASE("cli: refunds cannot exceed what was sold, sale show prints the receipt") {
  Store s;
  auto r = s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892","qty":2},{"pay":{"method":"cash","amount_fen":1000}}]}]})");
  REQUIRE(r.exit_code == 0);
  const std::string no = Json(r.out)[0]["receipt_no"];
  auto shown = s.Run("sale show -- " + no);
  CHECK(shown.out.find("可口可乐 330ml") != std::string::npos);
  CHECK(shown.out.find(no) != std::string::npos);
  auto one = s.Run("refund -- --receipt-no " + no + " --cashier 1001 --pin 1234 --line 1:1 --manager-pin 9999 --json");
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  auto too_many = s.Run("refund -- --receipt-no " + no + " --cashier 1001 --pin 1234 --line 1:2 --manager-pin 9999");
  CHECK(too_many.exit_code != 0);
  CHECK(too_many.err.find("already refunded 1") != std::string::npos);
  auto no_pin = s.Run("refund -- --receipt-no " + no + " --cashier 1001 --pin 1234 --line 1:1");
  CHECK(no_pin.exit_code != 0);
  CHECK(no_pin.err.find("manager PIN") != std::string::npos);
}

// Issue 11: `linli sell` committed sales with no open shift; they counted in
// the day's Z but in no shift's expected cash.
TEST_CASE("cli: sell without an open shift is refused with the command to open one, and sells nothing") {
  Store s;
  const std::string path = s.dir.File("script.json");
  WriteFile(path, R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"cash","amount_fen":500}}]}]})");
  auto r = s.Run("sell -- --script " + Q(path));
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("no shift is open") != std::string::npos);
  CHECK(r.err.find("linli shift open --db " + s.db + " --user 1001") != std::string::npos);
  auto db = linli::Database::Open(s.db, {});
  REQUIRE(db.ok());
  linli::Statement n = (*db)->Prepare("SELECT count(*) FROM sales");
  n.Step();
  CHECK(n.Int(0) == 0);
  // With a shift open the same script sells.
  REQUIRE(s.Run("shift open -- --user 1001 --pin 1234 --float 200").exit_code == 0);
  CHECK(s.Run("sell -- --script " + Q(path)).exit_code == 0);
}

// Issue 11: `catalog export --out FILE` on a full disk overwrote the last good
// export with a truncated one. The disk is made "full" for the child alone by
// a file-size limit (RLIMIT_FSIZE, `ulimit -f`): a write past it fails with
// EFBIG as one past the end of a full disk fails with ENOSPC, no root needed.
TEST_CASE("cli: catalog export on a full disk keeps the previous export whole") {
  Store s;
  // About 3 MB of CSV, more than the limit below; the store itself and its
  // -wal/-shm stay under it while they are only read.
  std::string csv = "sku,name,price\n";
  for (int i = 0; i < 24000; ++i) csv += "X" + std::to_string(i) + "," + std::string(40 * 3, 'a') + ",1\n";
  WriteFile(s.dir.File("big.csv"), csv);
  REQUIRE(s.Run("catalog import -- " + Q(s.dir.File("big.csv"))).exit_code == 0);
  const std::string out = s.dir.File("export.csv");
  REQUIRE(s.Run("catalog export -- --out " + Q(out)).exit_code == 0);
  const std::string good = ReadFile(out);
  REQUIRE(good.size() > 2'500'000);

  const std::string cmd = "trap '' XFSZ; ulimit -f 2048; '" + std::string(LINLI_BIN) + "' catalog export --db " +
                          Q(s.db) + " --out " + Q(out) + " 2>" + Q(s.dir.File("err"));
  WriteFile(s.dir.File("full.sh"), cmd);
  const int rc = std::system(("sh " + Q(s.dir.File("full.sh"))).c_str());
  CHECK(rc != 0);
  CHECK(ReadFile(out) == good);
  CHECK(ReadFile(s.dir.File("err")).find("could not write " + out) != std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(s.dir.path())) {
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);  // no temp file left
  }
}

TEST_CASE("cli: journal verify names the first bad seq after tampering") {
  Store s;
  REQUIRE(s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"cash","amount_fen":500}}]},
    {"actions":[{"scan":"6920202888883"},{"pay":{"method":"cash","amount_fen":500}}]}]})").exit_code == 0);
  CHECK(s.Run("journal verify").exit_code == 0);
  {
    auto db = linli::Database::Open(s.db, {});
    REQUIRE(db.ok());
    (*db)->Exec("DROP TRIGGER journal_no_update");
    (*db)->Exec("UPDATE journal SET payload = replace(payload, '\"total_fen\":200', '\"total_fen\":1') WHERE seq = 3");
  }
  auto r = s.Run("journal verify");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("seq 3") != std::string::npos);  // seq 1 opened the shift, 2 and 3 are the sales
}

TEST_CASE("cli: shift open, pay-out, close with variance, X and Z reports") {
  Store s;
  CHECK(s.Run("shift open -- --user 1001 --pin 1234 --float 200").exit_code == 0);
  auto second = s.Run("shift open -- --user 1001 --pin 1234 --float 200");
  CHECK(second.exit_code != 0);
  // A person reads the store's clock and the cashier's name, not a UTC instant (issue 12).
  auto status = s.Run("shift status");
  CHECK(status.out.find("by 张三 (1001)") != std::string::npos);
  CHECK(status.out.find('T') == std::string::npos);
  CHECK(status.out.find('Z') == std::string::npos);
  REQUIRE(s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"cash","amount_fen":1000}}]}]})").exit_code == 0);
  CHECK(s.Run("shift pay-out -- --user 1001 --pin 1234 --amount 10 --reason 买菜").exit_code == 0);
  auto x = Json(s.Run("report x -- --json").out);
  CHECK(x.dump().find("350") != std::string::npos);
  auto close = s.Run("shift close -- --user 1001 --pin 1234 --counted 193.50 --json");
  INFO(close.err);
  REQUIRE(close.exit_code == 0);
  auto c = Json(close.out);
  CHECK(c["expected_cash_fen"] == 20000 + 350 - 1000);
  CHECK(c["variance_fen"] == 19350 - 19350);
  auto ztext = s.Run("report z");
  CHECK(ztext.out.find("Z报表") != std::string::npos);
}

// Issue 11: a 付款码 sale could not be voided or refunded from another
// process; the sandbox gateway's state lived in the process that took it.
TEST_CASE("cli: a payment-code sale is refunded and voided by later processes; void --to-cash pays cash") {
  Store s;
  auto sold = s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892","qty":2},{"pay":{"method":"payment_code","code":"134567890123456780"}}]},
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"payment_code","code":"134567890123456781"}}]}]})");
  INFO(sold.err);
  REQUIRE(sold.exit_code == 0);
  const std::string first = Json(sold.out)[0]["receipt_no"];
  CHECK(std::filesystem::exists(s.db + ".sandbox-pay.json"));
  const std::string state = ReadFile(s.db + ".sandbox-pay.json");
  CHECK(state.find("134567890123456780") == std::string::npos);  // the code itself is never kept
  CHECK((std::filesystem::status(s.db + ".sandbox-pay.json").permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);

  // A refund in a new process goes back to the code through the gateway.
  auto refund = s.Run("refund -- --receipt-no " + first + " --cashier 1001 --pin 1234 --line 1:1 --manager-pin 9999 --json");
  INFO(refund.err);
  REQUIRE(refund.exit_code == 0);
  auto rj = Json(refund.out);
  REQUIRE(rj["tenders"].size() == 1);
  CHECK(rj["tenders"][0]["method"] == "payment_code");
  // The gateway remembers across processes: a second refund cannot take more than was paid.
  auto again = s.Run("refund -- --receipt-no " + first + " --cashier 1001 --pin 1234 --manager-pin 9999 --json");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(Json(again.out)["tenders"][0]["method"] == "payment_code");

  // The last sale voided in another process: back to the code…
  auto voided = s.Run("void -- --cashier 1001 --pin 1234 --manager-pin 9999 --reason wrong --json");
  INFO(voided.err);
  REQUIRE(voided.exit_code == 0);
  CHECK(Json(voided.out)["tenders"][0]["method"] == "payment_code");

  // …or, with --to-cash, in cash from the drawer, the gateway not asked.
  auto third = s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"payment_code","code":"134567890123456782"}}]}]})");
  REQUIRE(third.exit_code == 0);
  std::filesystem::remove(s.db + ".sandbox-pay.json");  // a gateway that forgot: only cash can pay it back
  auto refused = s.Run("void -- --cashier 1001 --pin 1234 --manager-pin 9999 --reason wrong");
  CHECK(refused.exit_code != 0);
  auto cash = s.Run("void -- --cashier 1001 --pin 1234 --manager-pin 9999 --reason wrong --to-cash --json");
  INFO(cash.err);
  REQUIRE(cash.exit_code == 0);
  auto cj = Json(cash.out);
  CHECK(cj["kind"] == "void");
  REQUIRE(cj["tenders"].size() == 1);
  CHECK(cj["tenders"][0]["method"] == "cash");
  CHECK(s.Run("journal verify").exit_code == 0);
}

// Issue 11: edited sales, sale_lines and sale_tenders of two sales in the
// SQLite file: `journal verify` said ok and the reports and reprints printed
// the edited money.
TEST_CASE("cli: journal verify names table rows that disagree with the journal; reports and reprints warn") {
  Store s;
  auto sold = s.Sell(R"({"cashier":"1001","pin":"1234","sales":[
    {"actions":[{"scan":"6901234567892","qty":2},{"pay":{"method":"cash","amount_fen":1000}}]},
    {"actions":[{"scan":"6901234567892"},{"pay":{"method":"cash","amount_fen":500}}]}]})");
  REQUIRE(sold.exit_code == 0);
  const std::string one = Json(sold.out)[0]["receipt_no"];
  const std::string two = Json(sold.out)[1]["receipt_no"];
  REQUIRE(s.Run("journal verify").exit_code == 0);
  {
    auto db = std::move(linli::Database::Open(s.db, {})).value();
    db->Exec("UPDATE sales SET total_fen = 1 WHERE receipt_no = '" + one + "'");
    db->Exec("UPDATE sale_lines SET total_fen = 1 WHERE sale_id = (SELECT id FROM sales WHERE receipt_no = '" + one + "')");
    db->Exec("UPDATE sale_tenders SET amount_fen = 2 WHERE sale_id = (SELECT id FROM sales WHERE receipt_no = '" + two + "')");
  }
  auto v = s.Run("journal verify");
  CHECK(v.exit_code != 0);
  CHECK(v.out.find("journal ok") != std::string::npos);  // the chain is fine…
  CHECK(v.err.find("3 table rows disagree with the journal") != std::string::npos);  // …the tables are not
  CHECK(v.err.find(one + ": sales.total_fen is 1 in the table but") != std::string::npos);
  CHECK(v.err.find(two + ": sale_tenders.tender 1 amount_fen is 2 in the table") != std::string::npos);
  auto vj = Json(s.Run("journal verify -- --json").out);
  CHECK(vj["ok"] == false);
  CHECK(vj["tables"]["mismatch_count"] == 3);

  auto z = s.Run("report z");
  CHECK(z.exit_code == 0);
  CHECK(z.out.find("!! 账表与日志不符 !!") != std::string::npos);
  CHECK(z.err.find("disagree with the journal") != std::string::npos);
  auto reprint = s.Run("sale show -- " + one + " --reprint");
  CHECK(reprint.exit_code != 0);
  CHECK(reprint.out.find("!! 与日志不符 !!") != std::string::npos);
  auto tender_edited = s.Run("sale show -- " + two + " --reprint");  // its sales row and lines are intact, its tender is not
  CHECK(tender_edited.out.find("!! 与日志不符 !!") != std::string::npos);
}

// Issue 12: usage errors carry the program prefix, name the closest command,
// and exit 2, as linli-hub's do.
TEST_CASE("cli: usage errors name the closest command and exit 2; --version") {
  auto v = RunLinli("--version");
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("linli ") == 0);
  auto typo = RunLinli("catalgo find --db x.db");
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("linli: ") == 0);
  CHECK(typo.err.find("did you mean \"catalog\"?") != std::string::npos);
  auto deep = RunLinli("catalog fnd --db x.db");
  CHECK(deep.exit_code == 2);
  CHECK(deep.err.find("unknown command \"fnd\" for `linli catalog`; did you mean \"find\"?") != std::string::npos);
  CHECK(deep.err.find("Run `linli catalog --help`") != std::string::npos);
  auto missing = RunLinli("journal verify");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--db") != std::string::npos);
  // A command that runs and fails still exits 1, with its own message.
  auto failed = RunLinli("journal verify --db /nonexistent/dir/store.db");
  CHECK(failed.exit_code == 1);
}

// ---- Issue 12: settings, the audit log, sale list and staff without SQL

TEST_CASE("cli: config list, get and set validate like the till and are audited") {
  Store s;
  auto list = s.Run("config list -- --json");
  REQUIRE(list.exit_code == 0);
  bool saw_reasons = false;
  for (const auto& e : Json(list.out)) {
    CHECK(e.contains("description"));
    if (e["key"] == "override_reasons") saw_reasons = e["default"] == true;
  }
  CHECK(saw_reasons);
  CHECK(s.Run("config get -- cash_rounding").out == "none\n");

  // A cashier may not; an unknown key names the closest; a bad value names key, value and what is allowed.
  auto cashier = s.Run("config set -- cash_rounding jiao_down --user 1001 --pin 1234");
  CHECK(cashier.exit_code != 0);
  CHECK(cashier.err.find("manager or owner") != std::string::npos);
  auto typo = s.Run("config set -- cash_roundng jiao_down --user 9001 --pin 9999");
  CHECK(typo.exit_code != 0);
  CHECK(typo.err.find("未知设置") != std::string::npos);
  CHECK(typo.err.find("did you mean \"cash_rounding\"") != std::string::npos);
  auto bad = s.Run("config set -- cash_rounding jiao_up --user 9001 --pin 9999");
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("设置值无效 / setting \"cash_rounding\" = \"jiao_up\"") != std::string::npos);
  CHECK(bad.err.find("jiao_nearest") != std::string::npos);
  auto wrong_pin = s.Run("config set -- cash_rounding jiao_down --user 9001 --pin 0000");
  CHECK(wrong_pin.exit_code != 0);

  auto ok = s.Run("config set -- cash_rounding jiao_down --user 9001", "9999\n");
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out == "cash_rounding: none → jiao_down\n");
  CHECK(ok.err.find("HQ") != std::string::npos);  // HQ's next value replaces it
  CHECK(s.Run("config get -- cash_rounding").out == "jiao_down\n");
  auto local = s.Run("config set -- counter.printer_uri tcp://192.168.1.50:9100 --user 9001 --pin 9999");
  REQUIRE(local.exit_code == 0);
  CHECK(local.err.find("HQ") == std::string::npos);

  auto audit = s.Run("audit list -- --manager 9001 --pin 9999 --action config_set --json");
  INFO(audit.err);
  REQUIRE(audit.exit_code == 0);
  auto rows = Json(audit.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["after"] == R"({"counter.printer_uri":"tcp://192.168.1.50:9100"})");
  CHECK(rows[1]["before"] == R"({"cash_rounding":"none"})");
  CHECK(rows[0]["before"] == R"({"counter.printer_uri":null})");
  CHECK(rows[1]["after"] == R"({"cash_rounding":"jiao_down"})");
  CHECK(rows[1]["user"] == "9001");
  CHECK(rows[1]["occurred_at"].get<std::string>().back() == 'Z');
  CHECK(rows[1]["local_time"].get<std::string>().size() == 19);
}

TEST_CASE("cli: audit list shows who, approver, reason and before/after, filtered, for managers only") {
  Store s;
  auto sold = s.Sell(R"({"cashier": "1001", "pin": "1234", "sales": [{"actions": [
    {"scan": "6901234567892"},
    {"override_price": {"line": 1, "price_fen": 100, "manager_pin": "9999", "reason": "临期"}},
    {"pay": {"method": "cash", "amount_fen": 100}}]}]})");
  INFO(sold.err);
  REQUIRE(sold.exit_code == 0);
  auto text = s.Run("audit list -- --manager 9001 --pin 9999 --action price_override");
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("price_override  by 1001, approved by 9001, reason 临期") != std::string::npos);
  CHECK(text.out.find("\"unit_price_fen\":100") != std::string::npos);
  auto by_cashier = Json(s.Run("audit list -- --manager 9001 --pin 9999 --user 1001 --json").out);
  REQUIRE_FALSE(by_cashier.empty());
  for (const auto& r : by_cashier) CHECK((r["user"] == "1001" || r["approved_by"] == "1001"));
  CHECK(Json(s.Run("audit list -- --manager 9001 --pin 9999 --to 2000-01-01 --json").out).empty());
  auto bad_date = s.Run("audit list -- --manager 9001 --pin 9999 --from 2026-13-01");
  CHECK(bad_date.exit_code != 0);
  CHECK(bad_date.err.find("--from") != std::string::npos);
  auto cashier = s.Run("audit list -- --manager 1001 --pin 1234");
  CHECK(cashier.exit_code != 0);
  CHECK(cashier.err.find("manager or owner") != std::string::npos);

  // An override whose reason is not on the store's list is refused, naming the codes.
  auto refused = s.Sell(R"({"cashier": "1001", "pin": "1234", "sales": [{"actions": [
    {"scan": "6901234567892"},
    {"override_price": {"line": 1, "price_fen": 100, "manager_pin": "9999", "reason": "便宜点"}}]}]})");
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("损坏, 临期, 顾客投诉, 价格错误, 其他") != std::string::npos);
}

TEST_CASE("cli: sale list finds today's receipt numbers") {
  Store s;
  auto sold = s.Sell(R"({"cashier": "1001", "pin": "1234", "sales": [{"actions": [
    {"scan": "6901234567892"}, {"pay": {"method": "cash", "amount_fen": 1000}}]}]})");
  REQUIRE(sold.exit_code == 0);
  const std::string receipt = Json(sold.out)[0]["receipt_no"];
  auto list = s.Run("sale list -- --json");
  INFO(list.err);
  REQUIRE(list.exit_code == 0);
  auto rows = Json(list.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["receipt_no"] == receipt);
  CHECK(rows[0]["kind"] == "sale");
  CHECK(rows[0]["cashier"] == "1001");
  CHECK(rows[0]["cashier_name"] == "张三");
  CHECK(rows[0]["total_fen"] == Json(sold.out)[0]["total_fen"]);
  auto text = s.Run("sale list");
  CHECK(text.out.rfind(receipt + "\tsale\t", 0) == 0);
  CHECK(s.Run("sale list -- --date 2000-01-01").out == "no receipts on 2000-01-01\n");
  auto bad = s.Run("sale list -- --date 01/01/2000");
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("--date") != std::string::npos);
}

TEST_CASE("cli: user disable, enable and set-pin by a manager, audited") {
  Store s;
  REQUIRE(s.Run("user add -- --id 8001 --name 王老板 --role owner --pin 8888").exit_code == 0);
  auto off = s.Run("user disable -- --id 1001 --user 9001 --pin 9999");
  INFO(off.err);
  REQUIRE(off.exit_code == 0);
  CHECK(s.Run("shift open -- --user 1001 --pin 1234 --float 0").exit_code != 0);  // cannot sign in
  CHECK(s.Run("user list").out.find("1001") == std::string::npos);
  auto self = s.Run("user disable -- --id 9001 --user 9001 --pin 9999");
  CHECK(self.exit_code != 0);
  CHECK(self.err.find("yourself") != std::string::npos);
  CHECK(s.Run("user disable -- --id 8001 --user 9001 --pin 9999").exit_code != 0);  // a manager, an owner
  REQUIRE(s.Run("user enable -- --id 1001 --user 8001 --pin 8888").exit_code == 0);

  // set-pin: the manager's PIN then the new one from stdin; a bad PIN is refused as add refuses it.
  auto bad = s.Run("user set-pin -- --id 1001 --user 9001 --pin 9999 --new-pin 12");
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("PIN must be 4–8 digits") != std::string::npos);
  auto pin = s.Run("user set-pin -- --id 1001 --user 9001", "9999\n4321\n");
  INFO(pin.err);
  REQUIRE(pin.exit_code == 0);
  CHECK(s.Run("shift open -- --user 1001 --pin 1234 --float 0").exit_code != 0);
  CHECK(s.Run("shift open -- --user 1001 --pin 4321 --float 0").exit_code == 0);
  auto rows = Json(s.Run("audit list -- --manager 8001 --pin 8888 --json").out);
  std::vector<std::string> actions;
  for (const auto& r : rows) {
    if (r["action"].get<std::string>().rfind("user_", 0) == 0) actions.push_back(r["action"]);
  }
  CHECK(actions == std::vector<std::string>{"user_set_pin", "user_enable", "user_disable"});
}

TEST_CASE("cli: product add and edit save a product as the till does, journaled and audited") {
  Store s;
  auto added = s.Run("product add -- --barcode 6970000000017 --name 手工馒头 --price 1.50 --user 9001 --pin 9999 --json");
  REQUIRE_MESSAGE(added.exit_code == 0, added.err);
  auto j = Json(added.out);
  CHECK(j["sku"] == "N6970000000017");
  CHECK(j["added"] == true);
  CHECK(j["price_fen"] == 150);
  auto found = s.Run("catalog find -- --json 6970000000017");
  REQUIRE(found.exit_code == 0);
  CHECK(found.out.find("手工馒头") != std::string::npos);
  auto edited = s.Run("product edit -- --sku N6970000000017 --price 1.80 --user 9001 --pin 9999");
  REQUIRE_MESSAGE(edited.exit_code == 0, edited.err);
  CHECK(edited.out.find("saved N6970000000017") != std::string::npos);
  CHECK(edited.out.find("¥1.80") != std::string::npos);
  // A cashier may not; a bad price names itself; nothing to change is a usage error.
  auto cashier = s.Run("product edit -- --sku N6970000000017 --price 2 --user 1001 --pin 1234");
  CHECK(cashier.exit_code == 1);
  CHECK(cashier.err.find("manager") != std::string::npos);
  auto bad = s.Run("product edit -- --sku N6970000000017 --price 1.234 --user 9001 --pin 9999");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("--price 1.234") != std::string::npos);
  CHECK(s.Run("product edit -- --sku N6970000000017 --user 9001 --pin 9999").exit_code == 2);
  auto audit = s.Run("audit list -- --json --action product_edit --manager 9001 --pin 9999");
  REQUIRE_MESSAGE(audit.exit_code == 0, audit.err);
  CHECK(Json(audit.out).size() == 1);
  auto verify = s.Run("journal verify -- --json");
  CHECK(verify.exit_code == 0);
}
