// Catalog::Search with mixed queries (issue 12: "kk可乐", "可口kl", "ke可",
// "kkkl 330", "kekou kele" found nothing), and the pinyin_syllables column
// that backs it (migration 0009).
#include <doctest/doctest.h>

#include <string>

#include "linli/pos/catalog.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "testing.h"

using namespace linli;

namespace {

constexpr const char* kCatalog =
    "sku,barcode,name,category,unit,price,tax_rate\n"
    "A001,6901234567892,可口可乐 330ml,饮料,pcs,3.50,13\n"
    "A003,6901234519204,可口可乐 500ml,饮料,pcs,3.50,13\n"
    "A004,,零度可口可乐 330ml,饮料,pcs,3.80,13\n"
    "A005,,可可粉,冲调饮品,pcs,18,13\n"
    "A006,,百事可乐 600ml,饮料,pcs,3.50,13\n"
    "A007,,康师傅红烧牛肉面,方便食品,pcs,4.50,13\n";

struct Fixture {
  linli::testing::TempDir dir;
  std::string path = linli::testing::MakeStore(dir);
  std::unique_ptr<Database> db;
  SystemClock clock;
  Fixture() {
    db = std::move(OpenStore(path)).value();
    REQUIRE(ImportCatalogCsv(*db, kCatalog, {}, clock).ok());
  }
  std::vector<ProductHit> Find(const std::string& q, int limit = 20) {
    Catalog c(*db);
    auto r = c.Search(q, limit);
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  std::vector<std::string> Skus(const std::string& q, int limit = 20) {
    std::vector<std::string> out;
    for (const ProductHit& h : Find(q, limit)) out.push_back(h.product.sku);
    return out;
  }
  std::optional<std::string> Syllables(const std::string& sku) {
    Statement s = db->Prepare("SELECT pinyin_syllables FROM products WHERE sku = ?");
    s.Bind(1, sku);
    REQUIRE(s.Step());
    return s.OptText(0);
  }
};

using Skus = std::vector<std::string>;

}  // namespace

TEST_CASE("mixed queries find 可口可乐 330ml first, as words matches") {
  Fixture f;
  for (const char* q : {"kk可乐 330", "可口kl 330", "kkkl 330", "kekou kele 330", "kele kkkl 330ml", "可口可乐 ml"}) {
    CAPTURE(q);
    const auto hits = f.Find(q);
    REQUIRE(!hits.empty());
    CHECK(hits[0].product.sku == "A001");
    CHECK(hits[0].match == MatchKind::kWords);
    CHECK(std::string(MatchKindName(hits[0].match)) == "words");
  }
  // Found by the older keys first, as before.
  CHECK(f.Find("kkkl330")[0].match == MatchKind::kInitialsPrefix);
  CHECK(f.Find("330")[0].match == MatchKind::kNameContains);
  CHECK(f.Find("可口可乐 330ml")[0].match == MatchKind::kNamePrefix);
}

TEST_CASE("words matches rank names the query starts first, then shorter names, then by name") {
  Fixture f;
  // 可口可乐 330ml and 500ml start with kk可乐 and are as long (ordered by
  // name); 零度可口可乐 330ml holds it further in; 百事可乐 does not match.
  CHECK(f.Skus("kk可乐") == Skus{"A001", "A003", "A004"});
  CHECK(f.Skus("kk可乐", 2) == Skus{"A001", "A003"});
  // 可可粉 spells ke可 on adjacent characters; 可口可乐 only by skipping 口.
  CHECK(f.Skus("ke可") == Skus{"A005", "A001", "A003", "A004"});
  CHECK(f.Skus("kekou kele 500") == Skus{"A003"});
  CHECK(f.Skus("可乐 600") == Skus{"A006"});
  CHECK(f.Skus("ksf hs niurou") == Skus{"A007"});
}

TEST_CASE("queries the names do not spell find nothing, hostile ones too") {
  Fixture f;
  for (const std::string q : {"kx", "可乐口", "kkkl 331", "keyue", "\x1b[2J", "😀😀", "\xff\xfe\xfd"}) {
    CAPTURE(q);
    CHECK(f.Find(q).empty());
  }
  CHECK(f.Find(std::string(1000, 'k')).empty());
  std::string long_query;
  for (int i = 0; i < 100; ++i) long_query += "可口 kl ";
  CHECK(f.Skus(long_query) == Skus{"A001", "A003", "A004"});
  CHECK(f.Find("   ").empty());
  CHECK(f.Find("").empty());
  CHECK(f.Skus("ＫＫ可乐　３３０") == Skus{"A001", "A004"});  // full-width, ideographic space
}

TEST_CASE("every write of a product stores its syllables: import, the HQ feed's upsert") {
  Fixture f;
  CHECK(f.Syllables("A001") == "可ke 口kou 可ke 乐le 3 3 0 m l");
  ProductRow row;
  row.sku = "H001";
  row.name = "农夫山泉 550ml";
  row.unit = "pcs";
  row.tax_class_id = TaxClassIdFor(*f.db, 1300);
  UpsertProduct(*f.db, row, "2026-01-01T00:00:00Z");
  CHECK(f.Syllables("H001") == "农nong 夫fu 山shan 泉quan 5 5 0 m l");
  row.name = "怡宝 555ml";  // renamed by HQ
  UpsertProduct(*f.db, row, "2026-01-02T00:00:00Z");
  CHECK(f.Syllables("H001") == "怡yi 宝bao 5 5 5 m l");
}

TEST_CASE("a store from before migration 0009 gets syllables for its products at open") {
  Fixture f;
  f.db->Exec("UPDATE products SET pinyin_syllables = NULL");
  // Even before the store is reopened, a search builds the missing keys in memory.
  CHECK(f.Skus("kk可乐 500") == Skus{"A003"});
  f.db.reset();
  f.db = std::move(OpenStore(f.path)).value();
  Statement s = f.db->Prepare("SELECT count(*) FROM products WHERE pinyin_syllables IS NULL");
  REQUIRE(s.Step());
  CHECK(s.Int(0) == 0);
  s.Reset();
  CHECK(f.Syllables("A004") == "零ling 度du 可ke 口kou 可ke 乐le 3 3 0 m l");
  CHECK(f.Skus("kk可乐 500") == Skus{"A003"});
}
