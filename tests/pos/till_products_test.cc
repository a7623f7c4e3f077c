// Products added and changed at the till (till_products.h), the product_edit
// event, members' history, quick keys and merging a rescan into its line.
#include <doctest/doctest.h>

#include "checkout_fixture.h"
#include "linli/pos/audit.h"
#include "linli/pos/events.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/sales.h"
#include "linli/pos/store_config.h"
#include "linli/pos/till_products.h"

using namespace linli;
using namespace linli::checkout_testing;

namespace {

const std::string kNewCode = "6970000000017";

TillProductEdit NewProduct(const std::string& name = "手工馒头", int64_t fen = 150) {
  TillProductEdit e;
  e.barcode = kNewCode;
  e.name = name;
  e.price_fen = fen;
  return e;
}

// The last journal row's type and payload.
std::pair<std::string, std::string> LastEvent(Store& s) {
  Statement q = s.db->Prepare("SELECT type, payload FROM journal ORDER BY seq DESC LIMIT 1");
  REQUIRE(q.Step());
  return {q.Text(0), q.Blob(1)};
}

}  // namespace

TEST_CASE("till products: a manager adds a product for an unknown barcode; it is saved, audited and journaled") {
  Store s;
  const int64_t journal_before = s.Count("journal");
  auto r = SaveTillProduct(*s.db, NewProduct(), s.manager, std::nullopt, s.clock);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->added);
  CHECK(r->sku == "N" + kNewCode);
  CHECK(r->price_fen == 150);
  CHECK(r->price_applies);
  // The next scan finds it.
  auto co = s.NewCheckout(s.cashier);
  auto line = co->Scan(kNewCode);
  REQUIRE(line.ok());
  CHECK(co->lines().back().name == "手工馒头");
  CHECK(co->lines().back().unit_price_fen == 150);
  // One event, of the new type, that decodes strictly and says what was done.
  CHECK(s.Count("journal") == journal_before + 1);
  auto [type, payload] = LastEvent(s);
  CHECK(type == "product_edit");
  auto ev = events::ProductEditEvent::FromPayload(payload);
  REQUIRE_MESSAGE(ev.ok(), ev.status().ToString());
  CHECK(ev->action == "add");
  CHECK(ev->sku == "N" + kNewCode);
  CHECK(ev->barcode == kNewCode);
  CHECK(ev->user == "2001");
  CHECK_FALSE(ev->approved_by.has_value());
  CHECK(ev->ToPayload().value() == payload);
  CHECK(ev->Effects().products.size() == 1);
  CHECK(ev->Effects().skus.empty());
  CHECK(VerifyJournal(*s.db).ok);
  CHECK(s.Text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "product_add");
}

TEST_CASE("till products: a cashier needs a manager's PIN, and nothing is written without it") {
  Store s;
  const int64_t journal_before = s.Count("journal");
  const int64_t products_before = s.Count("products");
  auto refused = SaveTillProduct(*s.db, NewProduct(), s.cashier, std::nullopt, s.clock);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kPermissionDenied);
  auto wrong = SaveTillProduct(*s.db, NewProduct(), s.cashier, Approval{"0000", "", ""}, s.clock);
  CHECK(wrong.status().code() == Status::Code::kPermissionDenied);
  CHECK(s.Count("journal") == journal_before);
  CHECK(s.Count("products") == products_before);
  auto ok = SaveTillProduct(*s.db, NewProduct(), s.cashier, Mgr(), s.clock);
  REQUIRE(ok.ok());
  CHECK(ok->approved_by == "2001");
  auto ev = events::ProductEditEvent::FromPayload(LastEvent(s).second);
  REQUIRE(ev.ok());
  CHECK(ev->user == "1001");
  CHECK(ev->approved_by == "2001");
}

TEST_CASE("till products: an edit changes the name and price, and the event keeps what it was") {
  Store s;
  TillProductEdit e;
  e.sku = "A001";
  e.name = "可口可乐 330ml 罐";
  e.price_fen = 380;
  auto r = SaveTillProduct(*s.db, e, s.owner, std::nullopt, s.clock);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK_FALSE(r->added);
  CHECK(s.Int("SELECT price_fen FROM products WHERE sku = 'A001'") == 380);
  CHECK(s.Text("SELECT name FROM products WHERE sku = 'A001'") == "可口可乐 330ml 罐");
  auto ev = events::ProductEditEvent::FromPayload(LastEvent(s).second);
  REQUIRE(ev.ok());
  CHECK(ev->action == "edit");
  CHECK(ev->before_name == "可口可乐 330ml");
  CHECK(ev->before_price_fen == 350);
  // The search keys follow the new name.
  Catalog catalog(*s.db);
  auto hits = catalog.Search("罐");
  REQUIRE(hits.ok());
  REQUIRE_FALSE(hits->empty());
  CHECK(hits->front().product.sku == "A001");
}

TEST_CASE("till products: under price_authority=hq, HQ's price in force wins and the result says so") {
  Store s;
  REQUIRE(Guard([&] {
            Transaction tx(*s.db);
            Statement q = s.db->Prepare("SELECT id FROM products WHERE sku = 'A002'");
            q.Step();
            RecordPrice(*s.db, {q.Int(0), PriceOrigin::kHq, "", "2026-11-01", 0, 210, "hub", 1}, s.clock);
            tx.Commit();
          }).ok());
  REQUIRE(s.Int("SELECT price_fen FROM products WHERE sku = 'A002'") == 210);
  TillProductEdit e;
  e.sku = "A002";
  e.price_fen = 250;
  auto r = SaveTillProduct(*s.db, e, s.manager, std::nullopt, s.clock);
  REQUIRE(r.ok());
  CHECK_FALSE(r->price_applies);
  CHECK(r->price_fen == 210);
}

TEST_CASE("till products: bad input is refused with the field named, and nothing is written") {
  Store s;
  const int64_t journal_before = s.Count("journal");
  auto zero = SaveTillProduct(*s.db, NewProduct("馒头", 0), s.manager, std::nullopt, s.clock);
  CHECK(zero.status().code() == Status::Code::kInvalidArgument);
  CHECK(zero.status().message_key() == "pos.product.bad_price");
  auto huge = SaveTillProduct(*s.db, NewProduct("馒头", kTillMaxPriceFen + 1), s.manager, std::nullopt, s.clock);
  CHECK(huge.status().message_key() == "pos.product.bad_price");
  auto empty_name = SaveTillProduct(*s.db, NewProduct(""), s.manager, std::nullopt, s.clock);
  CHECK(empty_name.status().message_key() == "pos.product.bad_name");
  TillProductEdit taken = NewProduct();
  taken.barcode = "6920202888883";  // 农夫山泉's
  auto t = SaveTillProduct(*s.db, taken, s.manager, std::nullopt, s.clock);
  CHECK(t.status().message_key() == "pos.product.barcode_taken");
  CHECK(t.status().message().find("A002") != std::string::npos);
  TillProductEdit bad_code = NewProduct();
  bad_code.barcode = "69 01";
  CHECK(SaveTillProduct(*s.db, bad_code, s.manager, std::nullopt, s.clock).status().message_key() == "pos.product.bad_barcode");
  TillProductEdit unknown;
  unknown.sku = "ZZZ";
  unknown.price_fen = 100;
  CHECK(SaveTillProduct(*s.db, unknown, s.manager, std::nullopt, s.clock).status().code() == Status::Code::kNotFound);
  TillProductEdit unit = NewProduct();
  unit.unit = "box";
  CHECK(SaveTillProduct(*s.db, unit, s.manager, std::nullopt, s.clock).status().message_key() == "pos.product.bad_unit");
  CHECK(s.Count("journal") == journal_before);
  REQUIRE(SaveTillProduct(*s.db, NewProduct(), s.manager, std::nullopt, s.clock).ok());
  auto again = SaveTillProduct(*s.db, NewProduct(), s.manager, std::nullopt, s.clock);
  CHECK(again.status().code() == Status::Code::kAlreadyExists);
}

TEST_CASE("events: product_edit@1 is strict about its fields") {
  events::ProductEditEvent e;
  e.action = "add";
  e.sku = "N1";
  e.name = "馒头";
  e.unit = "pcs";
  e.price_fen = 150;
  e.user = "2001";
  e.occurred_at = "2026-12-04T01:00:00.000Z";
  const std::string p = e.ToPayload().value();
  CHECK(events::ProductEditEvent::FromPayload(p).ok());
  auto with_extra = nlohmann::json::parse(p);
  with_extra["colour"] = "red";
  auto r = events::ProductEditEvent::FromPayload(with_extra.dump());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("$.colour") != std::string::npos);
  auto bad_action = nlohmann::json::parse(p);
  bad_action["action"] = "delete";
  CHECK_FALSE(events::ProductEditEvent::FromPayload(bad_action.dump()).ok());
  CHECK(events::IsKnownType("product_edit", 1));
}

TEST_CASE("members: the history counts sales less refunds and lists the latest receipts newest first") {
  Store s;
  auto co = s.NewCheckout(s.cashier);
  REQUIRE(co->Scan("6901234567892").ok());
  REQUIRE(co->Scan("6901234567892").ok());
  REQUIRE(co->AttachMember("13800138000").ok());
  REQUIRE(co->PayCash(1000).ok());
  auto sale = co->Commit();
  REQUIRE(sale.ok());
  s.clock.Advance(60'000);
  RefundRequest req;
  req.receipt_no = sale->receipt_no;
  req.lines.push_back({1, 1000});
  req.approval = Mgr();
  auto refund = RefundSale(*s.db, s.clock, s.cashier, req, nullptr);
  REQUIRE_MESSAGE(refund.ok(), refund.status().ToString());
  auto h = LoadMemberHistory(*s.db, "13800138000");
  REQUIRE(h.ok());
  REQUIRE(h->has_value());
  CHECK((*h)->member.name == "张阿姨");
  CHECK((*h)->visits == 1);
  CHECK((*h)->spent_fen == 700 - 350);
  REQUIRE((*h)->recent.size() == 2);
  CHECK((*h)->recent[0].kind == "refund");
  CHECK((*h)->recent[1].receipt_no == sale->receipt_no);
  auto none = LoadMemberHistory(*s.db, "13900000000");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("checkout: with merging on, a rescan adds to its line; weighed, overridden and discounted lines do not merge") {
  Store s;
  auto co = s.NewCheckout(s.manager);
  co->SetMergeRescans(true);
  auto a = co->Scan("6901234567892");
  auto b = co->Scan("6901234567892");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK(co->lines().size() == 1);
  CHECK(co->lines()[0].qty_milli == 2000);
  // A case barcode of the same product adds 24 to the same line.
  REQUIRE(co->Scan("06901234567892").ok());
  CHECK(co->lines()[0].qty_milli == 26000);
  // After a price override the line is its own: a new scan starts a new line.
  REQUIRE(co->OverridePrice(*a, 300, Approval{"", "", "损坏"}).ok());
  auto c = co->Scan("6901234567892");
  REQUIRE(c.ok());
  CHECK(*c != *a);
  CHECK(co->lines().size() == 2);
  // Weighed goods always get a line of their own.
  REQUIRE(co->AddSku("K001", 500).ok());
  REQUIRE(co->AddSku("K001", 500).ok());
  CHECK(co->lines().size() == 4);
  // Off (the CLI's and the script's default): a line per scan.
  auto plain = s.NewCheckout(s.cashier);
  REQUIRE(plain->Scan("6901234567892").ok());
  REQUIRE(plain->Scan("6901234567892").ok());
  CHECK(plain->lines().size() == 2);
}

TEST_CASE("store config: quick keys and merge_rescan are checked as the till reads them") {
  auto keys = ParseQuickKeys(R"([{"category":"面包","sku":"B001","label":"吐司"},{"category":"蔬菜","sku":"K001"}])");
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 2);
  CHECK((*keys)[1].label.empty());
  CHECK(ParseQuickKeys("").value().empty());
  CHECK(StoreConfigProblem(kQuickKeysKey, "{").find("JSON array") != std::string::npos);
  CHECK(StoreConfigProblem(kQuickKeysKey, R"([{"category":"面包"}])").find("quick key 1: sku") != std::string::npos);
  CHECK(StoreConfigProblem(kQuickKeysKey, R"([{"category":"面包","sku":"B001","price":3}])").find("\"price\"") !=
        std::string::npos);
  CHECK(StoreConfigProblem(kQuickKeysKey, R"([{"category":"","sku":"B001"}])").find("category") != std::string::npos);
  CHECK(StoreConfigProblem("counter.merge_rescan", "0").empty());
  CHECK_FALSE(StoreConfigProblem("counter.merge_rescan", "yes").empty());
}
