// `linli catalog find` with mixed queries (issue 12: "kk可乐", "kkkl 330" and
// "kekou kele" found nothing; several words may be given unquoted).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "testing.h"

using linli::testing::RunLinli;
using linli::testing::TempDir;
using linli::testing::WriteFile;

namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

struct Store {
  TempDir dir;
  std::string D = " --db " + Q(dir.File("store.db")) + " ";
  Store() {
    REQUIRE(RunLinli("init" + D + "--store-code S001 --name 邻里便利店").exit_code == 0);
    REQUIRE(RunLinli("catalog import" + D + Q(std::string(LINLI_SOURCE_DIR) + "/packaging/demo/catalog.csv"))
                .exit_code == 0);
  }
  nlohmann::json Find(const std::string& args) {
    auto r = RunLinli("catalog find" + D + args + " --json");
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }
};

}  // namespace

TEST_CASE("cli: catalog find takes mixed pinyin and Hanzi words, quoted or not") {
  Store s;
  for (const std::string q : {Q("kk可乐 330"), "kk可乐 330", Q("kekou kele 330ml"), "可口kl 330", "ke可 330"}) {
    CAPTURE(q);
    auto hits = s.Find(q);
    REQUIRE(hits.size() >= 1);
    CHECK(hits[0]["sku"] == "YL0001");
    CHECK(hits[0]["name"] == "可口可乐 330ml");
    CHECK(hits[0]["match"] == "words");
  }
  auto big = s.Find("kk可乐 500 --limit 5");
  REQUIRE(big.size() == 1);
  CHECK(big[0]["sku"] == "YL0003");
  CHECK(s.Find(Q("kx")).empty());
  CHECK(s.Find(Q("可乐口")).empty());
  auto text = RunLinli("catalog find" + s.D + "kkkl 330");
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("YL0001\t可口可乐 330ml\t¥3.50\twords") == 0);
  auto none = RunLinli("catalog find" + s.D + Q("kx"));
  CHECK(none.exit_code == 0);
  CHECK(none.out == "no product matches \"kx\"\n");
}
