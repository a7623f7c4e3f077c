// The word matcher behind mixed counter searches (issue 12: "kk可乐", "可口kl",
// "ke可", "kkkl 330", "kekou kele" found nothing).
#include <doctest/doctest.h>

#include <string>

#include "linli/pos/name_match.h"
#include "linli/pos/text.h"

using namespace linli;

namespace {

// PinyinIndexer's syllables for 可口可乐 330ml (checked against ICU below).
constexpr const char* kCola = "可ke 口kou 可ke 乐le 3 3 0 m l";

bool Matches(const std::string& query, const char* syllables = kCola) {
  return NameQuery(query).Match(syllables).has_value();
}

}  // namespace

TEST_CASE("the syllables string has one token per character, from ICU in context") {
  PinyinIndexer ix;
  CHECK(ix.Index("可口可乐 330ml").syllables == kCola);
  CHECK(ix.Index("ＡＢＣ饼干").syllables == "a b c 饼bing 干gan");
  CHECK(ix.Index("张三·（特价）!").syllables == "张zhang 三san 特te 价jia");
  CHECK(ix.Index("😀").syllables.empty());
  CHECK(ix.Index("").syllables.empty());
}

TEST_CASE("mixed queries of Hanzi, initials and full pinyin match 可口可乐 330ml") {
  const char* matching[] = {
      "kk可乐", "可口kl",  "ke可",     "kkkl 330", "kekou kele", "可口可乐 330ml", "kkkl330", "330",
      "kkkl",   "kekoukele", "可口可乐", "KKKL",    "kekouk",     "koukele",        "kl3",     "ml",
      "kele kekou", "ｋｋ可乐", "可口　kl", "330-ml", "k", "可", "乐 3", "kkoukl", "kkkl\t330",
  };
  for (const char* q : matching) {
    CAPTURE(q);
    CHECK(Matches(q));
  }
}

TEST_CASE("queries the name does not spell do not match 可口可乐 330ml") {
  const char* refused[] = {
      "kx",     "可乐口", "keyue",     "kkkl 331",  "kkkll", "ek",  "oukele", "可口可乐可",
      "kekou x", "330mll", "lekou",   "口可可",    "kkk可", "kz",  "3300",
  };
  for (const char* q : refused) {
    CAPTURE(q);
    CHECK_FALSE(Matches(q));
  }
}

TEST_CASE("words on adjacent characters rank before skip-ahead, the first word's start is reported") {
  auto m = NameQuery("kk可乐").Match(kCola);
  REQUIRE(m);
  CHECK(m->adjacent);
  CHECK(m->at_start);
  m = NameQuery("ke可").Match(kCola);
  REQUIRE(m);
  CHECK_FALSE(m->adjacent);
  CHECK(m->at_start);
  m = NameQuery("kele 330").Match(kCola);
  REQUIRE(m);
  CHECK(m->adjacent);
  CHECK_FALSE(m->at_start);  // kele starts at the second 可
  m = NameQuery("330 kkkl").Match(kCola);
  REQUIRE(m);
  CHECK_FALSE(m->at_start);  // the first word typed decides
}

TEST_CASE("a syllable matches by any prefix from its first letter, also zh ch sh") {
  const char* name = "张zhang 三san";
  for (const char* q : {"zs", "zhs", "zhangs", "zhangsan", "zhas", "张s", "z三"}) {
    CAPTURE(q);
    CHECK(Matches(q, name));
  }
  for (const char* q : {"hs", "zhangx", "zhangsann", "三张"}) {
    CAPTURE(q);
    CHECK_FALSE(Matches(q, name));
  }
  // A Hanzi without a reading matches only itself.
  CHECK(Matches("𠀀a", "𠀀 a"));
  CHECK_FALSE(Matches("xa", "𠀀 a"));
}

TEST_CASE("hostile queries are safe and match nothing they do not spell") {
  CHECK(NameQuery("").empty());
  CHECK(NameQuery("   ").empty());
  CHECK(NameQuery("\t\n\x1b").empty());
  CHECK(NameQuery("!!! ---").empty());
  CHECK_FALSE(Matches(""));
  CHECK_FALSE(Matches("    "));
  CHECK_FALSE(Matches(std::string(1000, 'k')));
  CHECK_FALSE(Matches(std::string(1000, ' ')));
  std::string long_words;
  for (int i = 0; i < 200; ++i) long_words += "kk ";
  CHECK(Matches(long_words));  // one distinct word, repeated
  std::string many;
  for (int i = 0; i < 250; ++i) many += "可口";
  CHECK_FALSE(Matches(many));  // 1,000 characters of Hanzi
  CHECK_FALSE(Matches("kk\x1b[2J"));  // ESC splits words; "[2j" is "2j"
  CHECK(Matches("kk\x1b" "330"));
  CHECK_FALSE(Matches("😀"));
  CHECK_FALSE(Matches("kk😀"));
  CHECK_FALSE(Matches("\xC2\x9B" "kk"));  // C1 control CSI
  CHECK_FALSE(Matches("\xff\xfe"));  // not UTF-8
  CHECK_FALSE(Matches("\xe5\x8f"));  // a cut-off 可
  CHECK(Matches("ＫＫＫＬ３３０"));     // full-width letters and digits
  CHECK_FALSE(Matches("kk", ""));
  CHECK_FALSE(Matches("kk", "   "));
  CHECK_FALSE(Matches("kk", "\xe5"));  // a damaged syllables string
}
