// Issue 11: prices that do what HQ and the shopkeeper expect — store-local
// effective dates, whose price wins, and why (price_schedule.h).
#include <doctest/doctest.h>

#include "linli/pos/catalog.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/store.h"
#include "linli/pos/store_config.h"
#include "testing.h"

using namespace linli;

namespace {

// 2026-12-03 00:30 in Asia/Shanghai = 2026-12-02T16:30:00Z.
constexpr int64_t kShanghaiHalfPastMidnight = 1'796'229'000'000;

struct Fixture {
  testing::TempDir dir;
  FakeClock clock{kShanghaiHalfPastMidnight - 3 * 86'400'000LL};  // three days before
  std::unique_ptr<Database> db;
  Fixture() {
    db = std::move(OpenStore(testing::MakeStore(dir))).value();
    REQUIRE(Guard([&] { SetConfig(*db, "timezone", "Asia/Shanghai"); }).ok());
    auto r = ImportCatalogCsv(*db, "sku,barcode,name,price\nA1,6901234567892,可口可乐,3.50\n", {}, clock);
    REQUIRE(r.ok());
    REQUIRE(r->written);
  }
  int64_t Id(const std::string& sku) {
    Statement s = db->Prepare("SELECT id FROM products WHERE sku = ?");
    s.Bind(1, sku);
    REQUIRE(s.Step());
    return s.Int(0);
  }
  int64_t Price(const std::string& sku) {
    Statement s = db->Prepare("SELECT price_fen FROM products WHERE sku = ?");
    s.Bind(1, sku);
    REQUIRE(s.Step());
    return s.Int(0);
  }
  // HQ's price as the feed delivers it (apply_changes.cc does exactly this).
  void HqPrice(const std::string& sku, const std::string& from, int64_t fen, int64_t seq,
               const std::string& scope = "") {
    auto norm = NormalizeEffectiveFrom(from);
    REQUIRE(norm.ok());
    auto ms = ResolveEffectiveFrom(*norm, "Asia/Shanghai");
    REQUIRE(ms.ok());
    REQUIRE(Guard([&] {
              Transaction tx(*db);
              RecordPrice(*db, {Id(sku), PriceOrigin::kHq, scope, *norm, *ms, fen, "hub", seq}, clock);
              tx.Commit();
            }).ok());
  }
  void Config(const char* key, const std::string& value) {
    REQUIRE(Guard([&] {
              Transaction tx(*db);
              SetConfig(*db, key, value);
              RefreshAllPricesInForce(*db, clock);
              tx.Commit();
            }).ok());
  }
};

}  // namespace

TEST_CASE("issue 11: a bare effective date is 00:00 in the store's zone, not UTC midnight") {
  // The bug: "2026-12-03" was read as 2026-12-03T00:00Z, 08:00 in Shanghai.
  auto sh = ResolveEffectiveFrom("2026-12-03", "Asia/Shanghai");
  REQUIRE(sh.ok());
  CHECK(FormatUtc(*sh) == "2026-12-02T16:00:00.000Z");
  auto utc = ResolveEffectiveFrom("2026-12-03", "UTC");
  REQUIRE(utc.ok());
  CHECK(FormatUtc(*utc) == "2026-12-03T00:00:00.000Z");
  // Across a DST change: New York is UTC-4 in July, UTC-5 in December.
  CHECK(FormatUtc(*ResolveEffectiveFrom("2026-07-01", "America/New_York")) == "2026-07-01T04:00:00.000Z");
  CHECK(FormatUtc(*ResolveEffectiveFrom("2026-12-03", "America/New_York")) == "2026-12-03T05:00:00.000Z");
  // An instant with an offset is taken as given, whatever the zone.
  CHECK(FormatUtc(*ResolveEffectiveFrom("2026-12-03T00:00:00+08:00", "UTC")) == "2026-12-02T16:00:00.000Z");
  CHECK(FormatUtc(*ResolveEffectiveFrom("2026-12-02T16:30:00.5Z", "Asia/Shanghai")) == "2026-12-02T16:30:00.500Z");
  CHECK_FALSE(ResolveEffectiveFrom("2026-12-03", "Mars/Olympus").ok());
}

TEST_CASE("issue 11: effective dates without a zone, or not on the calendar, are refused naming the field") {
  CHECK(*NormalizeEffectiveFrom("2026-12-03") == "2026-12-03");
  CHECK(*NormalizeEffectiveFrom("2026-12-03T08:00+08:00") == "2026-12-03T00:00:00.000Z");
  CHECK(*NormalizeEffectiveFrom("2026-12-03T08:00:00+0800") == "2026-12-03T00:00:00.000Z");
  for (const char* bad : {"2026-12-03T00:00:00", "2026-11-31", "2026-02-29", "2026-12-3", "2026/12/03",
                          "2026-12-03 00:00:00Z", "2026-12-03T25:00:00Z", "2026-12-03T00:00:00+08", "明天",
                          "2026-12-03Z", ""}) {
    CAPTURE(bad);
    auto r = NormalizeEffectiveFrom(bad, "effective_from");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("effective_from \"") == 0);
    CHECK(r.status().message().find("2026-12-03T00:00:00+08:00") != std::string::npos);  // what to write
  }
  CHECK(NormalizeEffectiveFrom("2026-12-03T00:00:00").status().message().find("没有时区") != std::string::npos);
  CHECK(NormalizeEffectiveFrom("2028-02-29").ok());  // a leap day
}

TEST_CASE("issue 11: an HQ price effective today takes effect at 00:30 local, and beats the store's later import") {
  Fixture f;
  f.HqPrice("A1", "2026-12-03", 300, 1);
  CHECK(f.Price("A1") == 350);  // three days early: scheduled
  f.clock.Set(kShanghaiHalfPastMidnight - 3'600'000);  // 2026-12-02 23:30 local
  CHECK(*ApplyDuePrices(*f.db, f.clock) == 0);
  CHECK(f.Price("A1") == 350);
  f.clock.Set(kShanghaiHalfPastMidnight);  // 2026-12-03 00:30 local
  CHECK(*ApplyDuePrices(*f.db, f.clock) == 1);
  CHECK(f.Price("A1") == 300);
  // The store re-imports its catalogue later that day with its old price: a
  // newer row, but HQ sets prices here (the default rule), so HQ's applies.
  f.clock.Advance(3'600'000);
  auto r = ImportCatalogCsv(*f.db, "sku,barcode,name,price\nA1,6901234567892,可口可乐,3.80\n", {}, f.clock);
  REQUIRE(r.ok());
  REQUIRE(r->written);
  CHECK(r->price_not_applied == 1);
  CHECK(f.Price("A1") == 300);
  auto why = ExplainPrice(*f.db, f.Id("A1"), f.clock);
  REQUIRE(why.ok());
  CHECK(why->reason == "hq_rule");
  CHECK(why->rule.from == "default");
  REQUIRE(why->other_fen.has_value());
  CHECK(*why->other_fen == 380);
  CHECK(why->Text("Asia/Shanghai") == "HQ价 ¥3.00（总部统一定价，自 2026-12-03 起；本店价 ¥3.80 未采用）");
}

TEST_CASE("issue 11: among prices in effect the latest effective time wins, not the row recorded last") {
  Fixture f;
  f.clock.Set(kShanghaiHalfPastMidnight);
  f.HqPrice("A1", "2026-12-02", 320, 1);
  f.HqPrice("A1", "2026-12-01", 330, 2);  // recorded later, starts earlier
  CHECK(f.Price("A1") == 320);
  f.HqPrice("A1", "2026-12-04", 310, 3);  // the future: not yet
  CHECK(f.Price("A1") == 320);
  // Ties at one instant: HQ's price for this store over its org-wide price,
  // then the one recorded later (higher feed seq).
  f.HqPrice("A1", "2026-12-03", 290, 10, "S001");
  f.HqPrice("A1", "2026-12-02T16:00:00Z", 280, 11);  // the same instant, org-wide
  CHECK(f.Price("A1") == 290);
  f.HqPrice("A1", "2026-12-03T00:00:00+08:00", 270, 12);  // same instant, org-wide, later still
  CHECK(f.Price("A1") == 290);
  f.HqPrice("A1", "2026-12-02T16:00:00.000Z", 260, 13, "S001");  // same instant, for this store, later
  CHECK(f.Price("A1") == 260);
  // Forgetting it brings back the next in line.
  REQUIRE(Guard([&] {
            Transaction tx(*f.db);
            ForgetPrice(*f.db, f.Id("A1"), PriceOrigin::kHq, "S001", "2026-12-02T16:00:00.000Z",
                        *ResolveEffectiveFrom("2026-12-02T16:00:00Z", "UTC"), f.clock);
            tx.Commit();
          }).ok());
  CHECK(f.Price("A1") == 290);
}

TEST_CASE("issue 11: the org's price rule and a store's override decide between HQ's and the store's price") {
  Fixture f;
  f.clock.Set(kShanghaiHalfPastMidnight);
  f.HqPrice("A1", "2026-12-01", 300, 1);
  CHECK(f.Price("A1") == 300);  // default: hq
  REQUIRE(ImportCatalogCsv(*f.db, "sku,barcode,name,price\nA1,6901234567892,可口可乐,3.80\n", {}, f.clock)->written);
  CHECK(f.Price("A1") == 300);
  f.Config(kPriceAuthorityKey, "store");  // a co-op: the store's own price
  CHECK(f.Price("A1") == 380);
  auto why = ExplainPrice(*f.db, f.Id("A1"), f.clock);
  REQUIRE(why.ok());
  CHECK(why->reason == "store_rule");
  CHECK(why->rule.from == "org");
  CHECK(why->Text("Asia/Shanghai").find("本店价 ¥3.80（本店自主定价，自 2026-12-03 ") == 0);
  CHECK(why->Text("Asia/Shanghai").find("HQ价 ¥3.00 未采用") != std::string::npos);
  f.Config(kPriceAuthorityOverrideKey, "hq");  // HQ's exception for this store
  CHECK(f.Price("A1") == 300);
  CHECK(ExplainPrice(*f.db, f.Id("A1"), f.clock)->rule.from == "store_override");
  f.Config(kPriceAuthorityOverrideKey, "org");  // follow the org again
  CHECK(f.Price("A1") == 380);
  // A product HQ has no price for keeps the store's price under the hq rule.
  f.Config(kPriceAuthorityKey, "hq");
  REQUIRE(ImportCatalogCsv(*f.db, "sku,name,price\nB1,本店自制豆浆,2.50\n", {}, f.clock)->written);
  CHECK(f.Price("B1") == 250);
  auto own = ExplainPrice(*f.db, f.Id("B1"), f.clock);
  CHECK(own->reason == "no_hq_price");
  CHECK(own->Text("Asia/Shanghai").find("本店价 ¥2.50（总部统一定价，但总部未给此商品定价") == 0);
  // The till's own check of the setting, which HQ uses too.
  CHECK(StoreConfigProblem(kPriceAuthorityKey, "hq").empty());
  CHECK(StoreConfigProblem(kPriceAuthorityKey, "").find("hq") != std::string::npos);
  CHECK(StoreConfigProblem(kPriceAuthorityKey, "newest").find("不是定价规则") != std::string::npos);
  CHECK(StoreConfigProblem(kPriceAuthorityOverrideKey, "").empty());
}
