#include <doctest/doctest.h>

#include "linli/pos/money.h"
#include "linli/pos/rounding.h"

using namespace linli;

TEST_CASE("ParseYuan accepts exact yuan strings") {
  struct Case {
    const char* text;
    int64_t fen;
  };
  const Case cases[] = {
      {"3.5", 350},     {"3.50", 350},  {"¥3.50", 350},   {"￥3.50", 350}, {"12", 1200},
      {" 0.05 ", 5},    {"0", 0},       {".5", 50},       {"0.01", 1},     {"100000", 10000000},
      {"¥ 7.25", 725},  {"CNY9.9", 990}, {"007.10", 710},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto r = ParseYuan(c.text);
    REQUIRE(r.ok());
    CHECK(r->fen() == c.fen);
  }
}

TEST_CASE("ParseYuan refuses what is not an exact amount") {
  const char* bad[] = {"3.505", "abc", "", "-1", "-¥2.00", "3.5.0", "1,234.00", "3元", "+3", ".", "¥", "1e3",
                       "99999999999999999999"};
  for (const char* b : bad) {
    CAPTURE(b);
    auto r = ParseYuan(b);
    CHECK_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().find('"') != std::string::npos);  // names the value
  }
  CHECK(ParseYuan("3.505").status().message().find("more than 2 decimals") != std::string::npos);
  CHECK(ParseYuan("-1").status().message().find("negative") != std::string::npos);
}

TEST_CASE("ParseYuan with Sign::kAny allows negatives") {
  CHECK(ParseYuan("-1.20", Sign::kAny)->fen() == -120);
  CHECK(ParseYuan("-¥0.05", Sign::kAny)->fen() == -5);
  CHECK(ParseYuan("¥-0.05", Sign::kAny)->fen() == -5);
}

TEST_CASE("FormatYuan is exact and round-trips") {
  CHECK(FormatYuan(Money::Fen(350)) == "3.50");
  CHECK(FormatYuan(Money::Fen(5)) == "0.05");
  CHECK(FormatYuan(Money::Fen(-5)) == "-0.05");
  CHECK(FormatYuan(Money::Fen(123456), true) == "¥1234.56");
  CHECK(FormatYuan(Money::Fen(-100), true) == "-¥1.00");
  CHECK(FormatYuan(Money::Fen(INT64_MIN)) == "-92233720368547758.08");
  for (int64_t fen : {0LL, 1LL, 9LL, 10LL, 99LL, 100LL, 101LL, 999999LL, -1LL, -250LL}) {
    CAPTURE(fen);
    CHECK(ParseYuan(FormatYuan(Money::Fen(fen)), Sign::kAny)->fen() == fen);
  }
}

TEST_CASE("Milli-units and percents parse exactly") {
  CHECK(*ParseMilli("1.5") == 1500);
  CHECK(*ParseMilli("24") == 24000);
  CHECK(*ParseMilli("0.001") == 1);
  CHECK_FALSE(ParseMilli("0.0001").ok());
  CHECK(*ParseMilli("-2", Sign::kAny) == -2000);
  CHECK(FormatMilli(1500) == "1.5");
  CHECK(FormatMilli(3000) == "3");
  CHECK(FormatMilli(250) == "0.25");
  CHECK(*ParsePercentBp("13") == 1300);
  CHECK(*ParsePercentBp("13%") == 1300);
  CHECK(*ParsePercentBp("6.5") == 650);
  CHECK_FALSE(ParsePercentBp("101").ok());
  CHECK_FALSE(ParsePercentBp("1.234").ok());
  CHECK(FormatPercentBp(650) == "6.5");
}

TEST_CASE("Named roundings") {
  CHECK(DivRound(5, 2) == 3);                       // half up
  CHECK(DivRound(-5, 2) == -3);                     // away from zero
  CHECK(DivRound(5, 2, RoundingMode::kDown) == 2);
  CHECK(DivRound(5, 2, RoundingMode::kHalfEven) == 2);
  CHECK(DivRound(7, 2, RoundingMode::kHalfEven) == 4);
  CHECK(LineTotalFen(1280, 1234) == 1580);          // 1579.52 → 1580
  CHECK(LineTotalFen(350, 3000) == 1050);
  CHECK(LineTotalFen(999, 1) == 1);                 // 0.999 → 1
  CHECK(IncludedTaxFen(1130, 1300) == 130);
  CHECK(IncludedTaxFen(945, 1300) == 109);          // 108.7 → 109
  CHECK(IncludedTaxFen(1000, 0) == 0);
  CHECK(BasisPointsOf(350, 1000) == 35);
  CHECK(MulDivRound(INT64_MAX / 2, 3, 3) == INT64_MAX / 2);  // no overflow in between
}
