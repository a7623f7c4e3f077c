#include <doctest/doctest.h>

#include "linli/pos/catalog.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "testing.h"

using namespace linli;

namespace {

constexpr const char* kGood =
    "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n"
    "A001,6901234567892|06901234567892*24,可口可乐 330ml,饮料,pcs,3.50,2.10,13,\n"
    "A002,6920202888883,农夫山泉 550ml,饮料,pcs,2,1.20,13,\n"
    "K001,,散装苹果,水果,kg,12.80,8.00,9,123\n";

struct Fixture {
  linli::testing::TempDir dir;
  std::unique_ptr<Database> db;
  SystemClock clock;
  Fixture() { db = std::move(OpenStore(linli::testing::MakeStore(dir))).value(); }
  int64_t Count(const char* table) {
    Statement s = db->Prepare(std::string("SELECT count(*) FROM ") + table);
    s.Step();
    return s.Int(0);
  }
};

// Imports `rows` under the standard header and expects exactly one problem.
ImportProblem OnlyProblem(Fixture& f, const std::string& rows) {
  auto r = ImportCatalogCsv(*f.db, std::string("sku,barcode,name,unit,price,tax_rate,plu\n") + rows, {}, f.clock);
  REQUIRE(r.ok());
  CHECK_FALSE(r->written);
  REQUIRE(r->problems.size() == 1);
  return r->problems[0];
}

}  // namespace

TEST_CASE("catalog import writes products, barcodes with pack sizes, prices and pinyin") {
  Fixture f;
  auto r = ImportCatalogCsv(*f.db, kGood, {}, f.clock);
  REQUIRE(r.ok());
  CHECK(r->written);
  CHECK(r->inserted == 3);
  CHECK(r->problems.empty());
  Catalog c(*f.db);
  auto hit = c.FindByBarcode("06901234567892");
  REQUIRE(hit.ok());
  REQUIRE(hit->has_value());
  CHECK((*hit)->product.sku == "A001");
  CHECK((*hit)->pack_qty_milli == 24000);
  CHECK((*hit)->product.price_fen == 350);
  CHECK((*hit)->product.tax_rate_bp == 1300);
  auto apple = c.FindByPlu("123");
  REQUIRE(apple->has_value());
  CHECK((*apple)->unit == "kg");
  CHECK((*apple)->price_fen == 1280);
  CHECK((*apple)->tax_rate_bp == 900);
  CHECK((*apple)->pinyin_initials == "szpg");
  CHECK(f.Count("prices") == 3);
  CHECK_FALSE(c.FindByBarcode("6900000000000")->has_value());
}

TEST_CASE("catalog import accepts Chinese headers and units") {
  Fixture f;
  auto r = ImportCatalogCsv(*f.db,
                            "编码,条码,品名,分类,单位,售价,进价,税率,PLU\n"
                            "B1,6901234567892,可口可乐,饮料,件,3.5,2,13,\n"
                            "B2,,西瓜,水果,千克,3.98,,9,7\n",
                            {}, f.clock);
  REQUIRE(r.ok());
  CHECK(r->written);
  Catalog c(*f.db);
  CHECK((*c.FindBySku("B2"))->unit == "kg");
  CHECK((*c.FindBySku("B2"))->plu == "00007");
}

TEST_CASE("catalog import: each bad row names line, column, value and reason") {
  Fixture f;
  SUBCASE("bad check digit") {
    auto p = OnlyProblem(f, "A1,6901234567893,可乐,pcs,3.50,13,\n");
    CHECK(p.line == 2);
    CHECK(p.column == "barcode");
    CHECK(p.value == "6901234567893");
    CHECK(p.reason.find("check digit") != std::string::npos);
    CHECK(p.reason.find("expected 2") != std::string::npos);
  }
  SUBCASE("not a GTIN") {
    auto p = OnlyProblem(f, "A1,12345,可乐,pcs,3.50,13,\n");
    CHECK(p.reason.find("not a GTIN") != std::string::npos);
  }
  SUBCASE("bad price") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,3.505,13,\n");
    CHECK(p.column == "price");
    CHECK(p.value == "3.505");
    CHECK(p.reason.find("decimals") != std::string::npos);
  }
  SUBCASE("negative price") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,-1,13,\n");
    CHECK(p.column == "price");
  }
  SUBCASE("unknown unit") {
    auto p = OnlyProblem(f, "A1,,可乐,box,3.50,13,\n");
    CHECK(p.column == "unit");
    CHECK(p.value == "box");
    CHECK(p.reason.find("pcs") != std::string::npos);
  }
  SUBCASE("bad tax rate") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,3.50,abc,\n");
    CHECK(p.column == "tax_rate");
  }
  SUBCASE("bad PLU") {
    auto p = OnlyProblem(f, "A1,,可乐,kg,3.50,13,1234567\n");
    CHECK(p.column == "plu");
  }
  SUBCASE("duplicate barcode within the file") {
    auto p = OnlyProblem(f, "A1,6901234567892,可乐,pcs,3.50,13,\nA2,6901234567892,雪碧,pcs,3.50,13,\n");
    CHECK(p.line == 3);
    CHECK(p.reason.find("duplicate barcode") != std::string::npos);
    CHECK(p.reason.find("line 2") != std::string::npos);
  }
  SUBCASE("duplicate barcode against the saved catalog") {
    REQUIRE(ImportCatalogCsv(*f.db, kGood, {}, f.clock)->written);
    auto p = OnlyProblem(f, "Z9,6901234567892,冒牌可乐,pcs,1,13,\n");
    CHECK(p.reason.find("A001") != std::string::npos);
  }
  SUBCASE("duplicate SKU") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,3.50,13,\nA1,,雪碧,pcs,3.50,13,\n");
    CHECK(p.column == "sku");
    CHECK(p.line == 3);
  }
  SUBCASE("duplicate PLU") {
    auto p = OnlyProblem(f, "K1,,苹果,kg,9,9,12\nK2,,梨,kg,8,9,00012\n");
    CHECK(p.column == "plu");
  }
  SUBCASE("missing name and wrong field count") {
    auto r = ImportCatalogCsv(*f.db, "sku,barcode,name,unit,price,tax_rate,plu\nA1,,,pcs,1,13,\nA2,,x,pcs\n", {},
                              f.clock);
    REQUIRE(r->problems.size() == 2);
    CHECK(r->problems[0].column == "name");
    CHECK(r->problems[1].line == 3);
    CHECK(r->problems[1].reason.find("fields") != std::string::npos);
  }
  CHECK(f.Count("products") == (f.Count("barcodes") ? 3 : 0));
}

// Issue 11: a name holding ESC p opened the drawer on every print; a NUL cut
// the name short in C strings. Both are refused, naming line and column.
TEST_CASE("catalog import refuses control characters in any cell, naming line, column and character") {
  Fixture f;
  SUBCASE("ESC p in a name") {
    auto p = OnlyProblem(f, "A1,,可乐\x1Bp\x01\x19,pcs,3.50,13,\n");
    CHECK(p.line == 2);
    CHECK(p.column == "name");
    CHECK(p.value == "可乐<U+001B>p<U+0001><U+0019>");
    CHECK(p.reason.find("U+001B (ESC) at character 3") != std::string::npos);
    CHECK(p.ToString().find('\x1B') == std::string::npos);  // not sent to the terminal either
  }
  SUBCASE("NUL in an SKU, quoted") {
    auto p = OnlyProblem(f, std::string("\"A") + '\0' + "B\",,可乐,pcs,3.50,13,\n");
    CHECK(p.column == "sku");
    CHECK(p.reason.find("U+0000 (NUL)") != std::string::npos);
  }
  SUBCASE("a newline inside a quoted name") {
    auto p = OnlyProblem(f, "A1,,\"可乐\n雪碧\",pcs,3.50,13,\n");
    CHECK(p.column == "name");
    CHECK(p.reason.find("U+000A (LF)") != std::string::npos);
  }
  SUBCASE("a C1 control (U+009B, CSI) in a category") {
    auto r = ImportCatalogCsv(*f.db, "sku,name,price,category\nA1,可乐,3.50,饮\xC2\x9B料\n", {}, f.clock);
    REQUIRE(r.ok());
    REQUIRE(r->problems.size() == 1);
    CHECK(r->problems[0].column == "category");
    CHECK(r->problems[0].reason.find("U+009B") != std::string::npos);
  }
  SUBCASE("DEL in a price") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,3.5\x7F,13,\n");
    CHECK(p.column == "price");
    CHECK(p.reason.find("U+007F (DEL)") != std::string::npos);
  }
  CHECK(f.Count("products") == 0);
  // Leading and trailing tabs are trimmed as before, not refused.
  auto ok = ImportCatalogCsv(*f.db, "sku,name,price\n\tA1\t,可乐,3.50\n", {}, f.clock);
  REQUIRE(ok.ok());
  CHECK(ok->written);
}

// Issue 11: a tax_rate of 12.5 made a new tax class; an error about a
// full-width digit printed a broken byte.
TEST_CASE("catalog import: tax_rate must be a tax class of the store, a full-width digit is shown whole") {
  Fixture f;
  SUBCASE("12.5 is no tax class") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,3.50,12.5,\n");
    CHECK(p.column == "tax_rate");
    CHECK(p.value == "12.5");
    CHECK(p.reason.find("13, 9, 6, 0") != std::string::npos);
    CHECK(f.Count("tax_classes") == 4);
  }
  SUBCASE("full-width three in a price") {
    auto p = OnlyProblem(f, "A1,,可乐,pcs,３.50,13,\n");
    CHECK(p.column == "price");
    CHECK(p.reason.find("unexpected '３'") != std::string::npos);
    CHECK(p.reason.find("half-width") != std::string::npos);
    CHECK(IsValidUtf8(p.ToString()));
  }
  SUBCASE("a classed rate is taken, written 9 or 9%") {
    auto r = ImportCatalogCsv(*f.db, "sku,name,price,tax_rate\nA1,苹果,3,9\nA2,梨,3,9%\n", {}, f.clock);
    REQUIRE(r.ok());
    CHECK(r->written);
  }
}

TEST_CASE("catalog import: an unknown column warns once, however many rows") {
  Fixture f;
  auto r = ImportCatalogCsv(*f.db, "sku,name,price,colour\nA1,a,1,red\nA2,b,2,blue\nA3,c,3,green\n", {}, f.clock);
  REQUIRE(r.ok());
  CHECK(r->written);
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0].find("colour") != std::string::npos);
}

TEST_CASE("catalog import is all-or-nothing unless --skip-bad") {
  Fixture f;
  const std::string csv = std::string(kGood) + "BAD,6901234567893,坏条码,pcs,1,13,\n";
  auto r = ImportCatalogCsv(*f.db, csv, {}, f.clock);
  REQUIRE(r.ok());
  CHECK_FALSE(r->written);
  CHECK(r->rejected == 1);
  CHECK(r->problems[0].line == 5);
  CHECK(f.Count("products") == 0);
  CHECK(f.Count("barcodes") == 0);

  auto s = ImportCatalogCsv(*f.db, csv, {.skip_bad = true}, f.clock);
  CHECK(s->written);
  CHECK(s->inserted == 3);
  CHECK(s->rejected == 1);
  CHECK(f.Count("products") == 3);
}

TEST_CASE("catalog import refuses unreadable files as a whole") {
  Fixture f;
  CHECK(ImportCatalogCsv(*f.db, "", {}, f.clock).status().IsInvalidArgument());
  auto no_price = ImportCatalogCsv(*f.db, "sku,name\nA,b\n", {}, f.clock);
  CHECK(no_price.status().message().find("price") != std::string::npos);
  auto latin1 = ImportCatalogCsv(*f.db, "sku,name,price\nA,\xbf\xc9\xc0\xd6,1\n", {}, f.clock);
  CHECK(latin1.status().message().find("UTF-8") != std::string::npos);
  auto twice = ImportCatalogCsv(*f.db, "sku,name,price,售价\nA,b,1,1\n", {}, f.clock);
  CHECK(twice.status().message().find("twice") != std::string::npos);
  auto warn = ImportCatalogCsv(*f.db, "sku,name,price,colour\nA,b,1,red\n", {}, f.clock);
  REQUIRE(warn.ok());
  CHECK(warn->warnings.size() == 1);
}

TEST_CASE("re-import updates by SKU and moves barcodes, export round-trips") {
  Fixture f;
  REQUIRE(ImportCatalogCsv(*f.db, kGood, {}, f.clock)->written);
  // A002 takes over A001's single code; A001 keeps only its case code.
  auto r = ImportCatalogCsv(*f.db,
                            "sku,barcode,name,price\n"
                            "A001,06901234567892*24,可口可乐 330ml,3.80\n"
                            "A002,6920202888883|6901234567892,农夫山泉 550ml,2\n",
                            {}, f.clock);
  REQUIRE(r.ok());
  CHECK(r->written);
  CHECK(r->updated == 2);
  Catalog c(*f.db);
  CHECK((*c.FindByBarcode("6901234567892"))->product.sku == "A002");
  CHECK((*c.FindBySku("A001"))->price_fen == 380);
  CHECK(f.Count("products") == 3);

  auto csv = ExportCatalogCsv(*f.db);
  REQUIRE(csv.ok());
  CHECK(csv->find("A001,06901234567892*24,可口可乐 330ml,,pcs,3.80") != std::string::npos);
  linli::testing::TempDir other;
  auto db2 = OpenStore(linli::testing::MakeStore(other));
  REQUIRE(ImportCatalogCsv(**db2, *csv, {}, f.clock)->written);
  CHECK(*ExportCatalogCsv(**db2) == *csv);
}

TEST_CASE("catalog search by barcode, SKU, PLU, name and pinyin initials") {
  Fixture f;
  REQUIRE(ImportCatalogCsv(*f.db, kGood, {}, f.clock)->written);
  Catalog c(*f.db);
  auto first = [&](const char* q) {
    auto hits = c.Search(q);
    REQUIRE(hits.ok());
    REQUIRE_FALSE(hits->empty());
    return (*hits)[0];
  };
  CHECK(first("kkkl").product.sku == "A001");
  CHECK(first("kkkl").match == MatchKind::kInitialsPrefix);
  CHECK(first("KKKL").product.sku == "A001");
  CHECK(first("kekou").product.sku == "A001");
  CHECK(first("可乐").product.sku == "A001");
  CHECK(first("可乐").match == MatchKind::kNameContains);
  CHECK(first("农夫").match == MatchKind::kNamePrefix);
  CHECK(first("6920202888883").match == MatchKind::kBarcode);
  CHECK(first("A002").match == MatchKind::kSku);
  CHECK(first("123").product.sku == "K001");
  CHECK(first("330ml").product.sku == "A001");
  CHECK(c.Search("不存在的东西")->empty());
  CHECK(c.Search("")->empty());
  CHECK(c.Search("a", 1)->size() == 1);  // SKU prefix, case-insensitive
  CHECK(c.Search("k", 5)->size() == 2);  // kkkl… and K001
}

TEST_CASE("pinyin initials come from ICU with context") {
  PinyinIndexer ix;
  CHECK(ix.Index("可口可乐").initials == "kkkl");
  CHECK(ix.Index("可口可乐").full == "kekoukele");
  CHECK(ix.Index("农夫山泉 550ml").initials == "nfsq550ml");
  CHECK(ix.Index("ＡＢＣ饼干").initials == "abcbg");
  CHECK(DisplayWidth("可乐ab") == 6);
  CHECK(TruncateToWidth("可口可乐", 5) == "可口");
  CHECK(NormalizeQuery(" ＫＫkl ") == "kkkl");
}
