#include "linli/pos/barcode.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "linli/pos/store.h"
#include "testing.h"

namespace linli {
namespace {

using nlohmann::json;

// Check digits below were computed independently of GtinCheckDigit (by hand
// and with a separate script), so the tests do not grade the code with itself.

struct ClassCase {
  std::string code;
  std::string want;  // the whole ToJson() result
};

void CheckCases(const std::vector<ClassCase>& cases, const std::vector<ScaleLayout>& layouts) {
  for (const ClassCase& c : cases) {
    CAPTURE(c.code);
    const json got = ClassifyBarcode(c.code, layouts).ToJson();
    CHECK(got == json::parse(c.want));
  }
}

bool SameField(const DigitField& a, const DigitField& b) {
  return a.pos == b.pos && a.len == b.len;
}

bool SameField(const std::optional<DigitField>& a, const std::optional<DigitField>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || SameField(*a, *b);
}

void CheckSameLayouts(const std::vector<ScaleLayout>& got, const std::vector<ScaleLayout>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i].name == want[i].name);
    CHECK(got[i].length == want[i].length);
    CHECK(got[i].prefixes == want[i].prefixes);
    CHECK(SameField(got[i].plu, want[i].plu));
    CHECK(SameField(got[i].amount, want[i].amount));
    CHECK(SameField(got[i].weight, want[i].weight));
  }
}

TEST_CASE("barcode: GTIN check digits for every length") {
  struct Case {
    const char* code;
    const char* format;
    bool valid;
    char expected;
  };
  const Case cases[] = {
      {"69012341", "ean8", true, '1'},
      {"69012345", "ean8", false, '1'},
      {"036000291452", "upca", true, '2'},
      {"036000291453", "upca", false, '2'},
      {"6901234567892", "ean13", true, '2'},
      {"6901234567893", "ean13", false, '2'},
      {"4006381333931", "ean13", true, '1'},
      {"4006381333930", "ean13", false, '1'},
      {"12345678901231", "gtin14", true, '1'},
      {"12345678901232", "gtin14", false, '1'},
      // A check digit of 0 exercises the (10 - sum % 10) % 10 wrap.
      {"1100123456780", "ean13", true, '0'},
      {"1100123456789", "ean13", false, '0'},
  };
  for (const Case& c : cases) {
    CAPTURE(c.code);
    std::optional<GtinCheck> g = CheckGtin(c.code);
    REQUIRE(g.has_value());
    CHECK(g->format == c.format);
    CHECK(g->valid == c.valid);
    CHECK(g->expected == c.expected);
  }
}

TEST_CASE("barcode: CheckGtin refuses other lengths and non-digits") {
  for (const char* code : {"", "6901234", "690123456", "69012345678", "690123456789012",
                           "690123456789A", " 6901234567892", "6901234567892\n", "６９０１２３４５"}) {
    CAPTURE(code);
    CHECK_FALSE(CheckGtin(code).has_value());
  }
}

TEST_CASE("barcode: GtinCheckDigit") {
  CHECK(GtinCheckDigit("690123456789") == '2');
  CHECK(GtinCheckDigit("6901234") == '1');
  CHECK(GtinCheckDigit("03600029145") == '2');
  CHECK(GtinCheckDigit("1234567890123") == '1');
  CHECK(GtinCheckDigit("24001230123400250") == '7');  // an 18-digit scale label body
}

TEST_CASE("barcode: Chinese 690-699 products classify as valid EAN-13") {
  const char* codes[] = {"6901234567892", "6911234567891", "6921234567890", "6931234567899",
                         "6941234567898", "6951234567897", "6961234567896", "6971234567895",
                         "6981234567894", "6991234567893"};
  for (const char* code : codes) {
    CAPTURE(code);
    BarcodeClass c = ClassifyBarcode(code, DefaultScaleLayouts());
    CHECK(c.kind == BarcodeKind::kGtin);
    REQUIRE(c.gtin.has_value());
    CHECK(c.gtin->valid);
    CHECK(c.ToJson() ==
          json{{"kind", "gtin"}, {"code", code}, {"format", "ean13"}, {"valid", true}});
  }
}

TEST_CASE("barcode: classify GTINs, including ones a waybill rule also fits") {
  CheckCases(
      {
          {"6901234567892", R"({"kind":"gtin","code":"6901234567892","format":"ean13","valid":true})"},
          // Invalid, and no waybill rule starts 69: still a GTIN, with the digit it wanted.
          {"6901234567893", R"({"kind":"gtin","code":"6901234567893","format":"ean13","valid":false,
                               "expected_check_digit":"2"})"},
          {"69012341", R"({"kind":"gtin","code":"69012341","format":"ean8","valid":true})"},
          {"69012345", R"({"kind":"gtin","code":"69012345","format":"ean8","valid":false,
                          "expected_check_digit":"1"})"},
          {"036000291452", R"({"kind":"gtin","code":"036000291452","format":"upca","valid":true})"},
          {"12345678901231", R"({"kind":"gtin","code":"12345678901231","format":"gtin14","valid":true})"},
          {"12345678901232", R"({"kind":"gtin","code":"12345678901232","format":"gtin14","valid":false,
                                "expected_check_digit":"1"})"},
          // Valid GTINs that STO, EMS, Yunda and ZTO rules also fit stay GTINs.
          {"7720123456784", R"({"kind":"gtin","code":"7720123456784","format":"ean13","valid":true})"},
          {"1100123456780", R"({"kind":"gtin","code":"1100123456780","format":"ean13","valid":true})"},
          {"1012345678904", R"({"kind":"gtin","code":"1012345678904","format":"ean13","valid":true})"},
          {"73100123456787", R"({"kind":"gtin","code":"73100123456787","format":"gtin14","valid":true})"},
          {"268123456788", R"({"kind":"gtin","code":"268123456788","format":"upca","valid":true})"},
          // Scanner suffixes are trimmed; "code" is the trimmed input.
          {"  6901234567892\r\n", R"({"kind":"gtin","code":"6901234567892","format":"ean13","valid":true})"},
          {"6901234567892\t", R"({"kind":"gtin","code":"6901234567892","format":"ean13","valid":true})"},
      },
      DefaultScaleLayouts());
}

TEST_CASE("barcode: default scale labels, 13 and 18 digits") {
  CheckCases(
      {
          // 2 1 | 00123 | 01234 | 3 : PLU 00123, 12.34 yuan.
          {"2100123012343", R"({"kind":"price_embedded","code":"2100123012343","layout":"13-amount",
                               "plu":"00123","amount_fen":1234,"valid":true})"},
          // Same label with a wrong check digit: still a label, flagged.
          {"2100123012340", R"({"kind":"price_embedded","code":"2100123012340","layout":"13-amount",
                               "plu":"00123","amount_fen":1234,"valid":false,
                               "expected_check_digit":"3"})"},
          // 2 4 | 00123 | 01234 | 00250 | 7 : 12.34 yuan, 250 g.
          {"240012301234002507",
           R"({"kind":"price_embedded","code":"240012301234002507","layout":"18-amount-weight",
               "plu":"00123","amount_fen":1234,"weight_g":250,"valid":true})"},
          {"240012301234002508",
           R"({"kind":"price_embedded","code":"240012301234002508","layout":"18-amount-weight",
               "plu":"00123","amount_fen":1234,"weight_g":250,"valid":false,
               "expected_check_digit":"7"})"},
          // Prefix 20 and the largest 5-digit values.
          {"2099999999990", R"({"kind":"price_embedded","code":"2099999999990","layout":"13-amount",
                               "plu":"99999","amount_fen":99999,"valid":false,
                               "expected_check_digit":"8"})"},
      },
      DefaultScaleLayouts());

  BarcodeClass c = ClassifyBarcode("240012301234002507", DefaultScaleLayouts());
  CHECK(c.kind == BarcodeKind::kPriceEmbedded);
  CHECK(c.plu == "00123");
  CHECK(c.amount_fen == 1234);
  CHECK(c.weight_g == 250);
  CHECK(c.label_check_ok);
  CHECK_FALSE(ClassifyBarcode("2100123012340", DefaultScaleLayouts()).label_check_ok);
}

TEST_CASE("barcode: 13-digit codes starting 25-29 are not default scale labels") {
  // GS1 in-store range, but the defaults only claim 20-24.
  BarcodeClass c = ClassifyBarcode("2500123012345", DefaultScaleLayouts());
  CHECK(c.kind != BarcodeKind::kPriceEmbedded);
}

TEST_CASE("barcode: custom weight-only layout from JSON") {
  Result<std::vector<ScaleLayout>> layouts = ParseScaleLayouts(json::parse(R"([
      {"name":"27-weight","length":13,"prefixes":["27"],"plu":[2,5],"weight":[7,5]}
  ])"));
  REQUIRE(layouts.ok());
  REQUIRE(layouts->size() == 1);
  CHECK_FALSE((*layouts)[0].amount.has_value());
  CheckCases(
      {
          // 2 7 | 00042 | 01500 | 7 : 1.5 kg, no amount printed.
          {"2700042015007", R"({"kind":"price_embedded","code":"2700042015007","layout":"27-weight",
                               "plu":"00042","weight_g":1500,"valid":true})"},
          // Without the default layouts a 21… code is a plain EAN-13 again.
          {"2100123012343", R"({"kind":"gtin","code":"2100123012343","format":"ean13","valid":true})"},
      },
      *layouts);
}

TEST_CASE("barcode: an empty layout list turns scale labels off") {
  Result<std::vector<ScaleLayout>> layouts = ParseScaleLayouts(json::array());
  REQUIRE(layouts.ok());
  CHECK(layouts->empty());
  CHECK(ClassifyBarcode("2100123012343", *layouts).kind == BarcodeKind::kGtin);
}

TEST_CASE("barcode: the first matching layout wins") {
  Result<std::vector<ScaleLayout>> layouts = ParseScaleLayouts(json::parse(R"([
      {"name":"narrow","length":13,"prefixes":["210"],"plu":[3,4],"weight":[7,5]},
      {"name":"broad","length":13,"prefixes":["21"],"plu":[2,5],"amount":[7,5]}
  ])"));
  REQUIRE(layouts.ok());
  CHECK(ClassifyBarcode("2100123012343", *layouts).layout == "narrow");
  CHECK(ClassifyBarcode("2110123012342", *layouts).layout == "broad");
}

TEST_CASE("barcode: bad layout JSON names the layout and field") {
  const std::string ok_layout =
      R"({"name":"a","length":13,"prefixes":["20"],"plu":[2,5],"amount":[7,5]})";
  struct Case {
    std::string json_text;
    std::string where;  // must appear in the message
  };
  const std::vector<Case> cases = {
      {R"({"name":"a"})", "scale_layouts"},
      {R"([42])", "scale_layouts[0]"},
      {R"([{"name":"","length":13,"prefixes":["20"],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].name"},
      {R"([{"name":"a","length":"13","prefixes":["20"],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].length"},
      {R"([{"name":"a","length":13.5,"prefixes":["20"],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].length"},
      {R"([{"name":"a","length":4,"prefixes":["20"],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].length"},
      {R"([{"name":"a","prefixes":["20"],"plu":[2,5],"amount":[7,5]}])", "scale_layouts[0].length"},
      {R"([{"name":"a","length":13,"prefixes":[],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].prefixes"},
      {R"([{"name":"a","length":13,"prefixes":["2a"],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].prefixes[0]"},
      {R"([{"name":"a","length":13,"prefixes":["20",21],"plu":[2,5],"amount":[7,5]}])",
       "scale_layouts[0].prefixes[1]"},
      {R"([{"name":"a","length":13,"prefixes":["20"],"amount":[7,5]}])", "scale_layouts[0].plu"},
      {R"([{"name":"a","length":13,"prefixes":["20"],"plu":[2],"amount":[7,5]}])",
       "scale_layouts[0].plu"},
      {R"([{"name":"a","length":13,"prefixes":["20"],"plu":[2,5]}])", "scale_layouts[0].amount"},
      // Amount digits 8..12 would swallow the check digit at 12.
      {R"([{"name":"a","length":13,"prefixes":["20"],"plu":[2,5],"amount":[8,5]}])",
       "scale_layouts[0].amount"},
      {R"([{"name":"a","length":13,"prefixes":["20"],"plu":[2,5],"amount":[-1,5]}])",
       "scale_layouts[0].amount[0] (position)"},
      {R"([{"name":"a","length":13,"prefixes":["20"],"plu":[2,5],"amount":[7,0]}])",
       "scale_layouts[0].amount[1] (length)"},
      {R"([{"name":"a","length":13,"prefixes":["20"],"plu":[2,5],"amount":[5,5]}])",
       "scale_layouts[0].amount: overlaps \"plu\""},
      {"[" + ok_layout +
           R"(,{"name":"b","length":18,"prefixes":["20"],"plu":[2,5],"amount":[7,5],"weight":[10,5]}])",
       "scale_layouts[1].weight: overlaps \"amount\""},
      // A misspelt field is an error, not a silently dropped weight.
      {"[" + ok_layout +
           R"(,{"name":"b","length":13,"prefixes":["27"],"plu":[2,5],"wieght":[7,5]}])",
       "scale_layouts[1].wieght"},
      {"[" + ok_layout + "," + ok_layout + "]", "scale_layouts[1].name"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json_text);
    Result<std::vector<ScaleLayout>> r = ParseScaleLayouts(json::parse(c.json_text));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CAPTURE(r.status().message());
    CHECK(r.status().message().find(c.where) != std::string::npos);
  }
}

TEST_CASE("barcode: payment codes and near misses") {
  CheckCases(
      {
          {"134567890123456789", R"({"kind":"payment_code","code":"134567890123456789","provider":"wechat"})"},
          {"101234567890123456", R"({"kind":"payment_code","code":"101234567890123456","provider":"wechat"})"},
          {"151234567890123456", R"({"kind":"payment_code","code":"151234567890123456","provider":"wechat"})"},
          {"2501234567890123", R"({"kind":"payment_code","code":"2501234567890123","provider":"alipay"})"},
          {"280012345678901234", R"({"kind":"payment_code","code":"280012345678901234","provider":"alipay"})"},
          {"300012345678901234567890",
           R"({"kind":"payment_code","code":"300012345678901234567890","provider":"alipay"})"},
          {"6212345678901234567", R"({"kind":"payment_code","code":"6212345678901234567","provider":"unionpay"})"},
          // Near misses.
          {"13456789012345678", R"({"kind":"unknown","code":"13456789012345678"})"},    // 17 digits
          {"1345678901234567890", R"({"kind":"unknown","code":"1345678901234567890"})"},  // 19 digits
          {"161234567890123456", R"({"kind":"unknown","code":"161234567890123456"})"},  // starts 16
          {"091234567890123456", R"({"kind":"unknown","code":"091234567890123456"})"},  // starts 09
          {"311234567890123456", R"({"kind":"unknown","code":"311234567890123456"})"},  // starts 31
          {"2500123456789012345678901", R"({"kind":"unknown","code":"2500123456789012345678901"})"},  // 25
          {"6112345678901234567", R"({"kind":"unknown","code":"6112345678901234567"})"},  // starts 61
          {"621234567890123456", R"({"kind":"unknown","code":"621234567890123456"})"},    // 18 digits
          // 18 digits starting 20-24 is a scale label, never a wallet.
          {"240012301234002507",
           R"({"kind":"price_embedded","code":"240012301234002507","layout":"18-amount-weight",
               "plu":"00123","amount_fen":1234,"weight_g":250,"valid":true})"},
      },
      DefaultScaleLayouts());
}

TEST_CASE("barcode: payment codes win over a layout only when no layout claims them") {
  // With labels off, an 18-digit 24… code is still not a payment code.
  CHECK(ClassifyBarcode("240012301234002507", {}).kind == BarcodeKind::kUnknown);
  // A store layout on 13… 18-digit codes takes them from WeChat: config wins.
  Result<std::vector<ScaleLayout>> layouts = ParseScaleLayouts(json::parse(R"([
      {"name":"odd","length":18,"prefixes":["13"],"plu":[2,5],"amount":[7,5]}
  ])"));
  REQUIRE(layouts.ok());
  CHECK(ClassifyBarcode("134567890123456789", *layouts).kind == BarcodeKind::kPriceEmbedded);
}

TEST_CASE("barcode: waybills for each courier") {
  struct Case {
    const char* code;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"SF1234567890123", {"sf"}},
      {"SF123456789012", {"sf"}},
      {"sf1234567890123", {"sf"}},   // lower case from a phone keyboard
      {"123456789011", {"sf"}},      // 12 digits, invalid as UPC-A: SF's old numbers
      {"YT1234567890123", {"yto"}},
      {"YT123456789012", {"yto"}},
      {"JT5123456789012", {"jt"}},
      {"JDV123456789012", {"jd"}},
      {"JDX0012345678901", {"jd"}},
      {"JD0012345678901", {"jd"}},
      {"JDVA0012345678", {"jd"}},
      {"EA123456785CN", {"ems"}},    // UPU S10, check digit 5
      {"RR000000005CN", {"ems"}},
      {"ea123456785cn", {"ems"}},
      {"9812345678901", {"ems"}},    // invalid as EAN-13
      {"1100123456781", {"ems"}},
      {"773123456789012", {"sto", "zto", "yunda"}},
      {"9681234567812", {"sto"}},
      {"968123456781", {"sto", "sf"}},
      {"881234567891", {"sto", "sf"}},
      {"73100123456789", {"zto"}},   // invalid as GTIN-14
      {"731001234567890", {"zto", "yunda"}},
      {"512345678901", {"zto", "sf"}},
      {"4312345678901", {"yunda"}},
      {"3123456789011", {"yunda"}},
      {"312345678901234", {"yunda"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.code);
    BarcodeClass got = ClassifyBarcode(c.code, DefaultScaleLayouts());
    CHECK(got.kind == BarcodeKind::kWaybill);
    CHECK(got.candidates == c.want);
  }
}

TEST_CASE("barcode: overlapping waybill rules are ranked by specificity") {
  CheckCases(
      {
          // STO 268 (3 fixed digits) > ZTO 2 (1 digit) > SF's prefix-free 12 digits.
          {"268123456789", R"({"kind":"waybill","code":"268123456789","candidates":["sto","zto","sf"]})"},
          // STO 77 > ZTO 7 > SF.
          {"771234567891", R"({"kind":"waybill","code":"771234567891","candidates":["sto","zto","sf"]})"},
          // Yunda 10 > EMS 1.
          {"1012345678901", R"({"kind":"waybill","code":"1012345678901","candidates":["yunda","ems"]})"},
          // A 13-digit STO-shaped code that is a valid EAN-13 stays a product.
          {"7720123456784", R"({"kind":"gtin","code":"7720123456784","format":"ean13","valid":true})"},
          {"7720123456785", R"({"kind":"waybill","code":"7720123456785","candidates":["sto"]})"},
          // A verified S10 beats the loose JD series it also fits.
          {"JD123456785CN", R"({"kind":"waybill","code":"JD123456785CN","candidates":["ems","jd"]})"},
      },
      DefaultScaleLayouts());
}

TEST_CASE("barcode: near-miss waybills are unknown") {
  for (const char* code : {"EA123456789CN",  // S10 check digit should be 5
                           "EA123456785US",  // not a Chinese S10
                           "SF12345678901",  // SF + 11 digits
                           "SF12345678901A", "YT12345678901234", "JT512345678901", "ABC",
                           "13456789012"}) {
    CAPTURE(code);
    BarcodeClass c = ClassifyBarcode(code, DefaultScaleLayouts());
    CHECK(c.kind == BarcodeKind::kUnknown);
    CHECK(c.candidates.empty());
  }
}

TEST_CASE("barcode: unknown inputs") {
  const std::string long_digits(200, '1');
  const std::string long_letters = "SF" + std::string(70, '1');
  CheckCases(
      {
          {"", R"({"kind":"unknown","code":""})"},
          {" \r\n", R"({"kind":"unknown","code":""})"},
          {"abc!", R"({"kind":"unknown","code":"abc!"})"},
          {"6901234567892-1", R"({"kind":"unknown","code":"6901234567892-1"})"},
          {"690 1234567892", R"({"kind":"unknown","code":"690 1234567892"})"},
          {"12345", R"({"kind":"unknown","code":"12345"})"},
          {"扫码", R"({"kind":"unknown","code":"扫码"})"},
          {long_digits, R"({"kind":"unknown","code":")" + long_digits + "\"}"},
          {long_letters, R"({"kind":"unknown","code":")" + long_letters + "\"}"},
      },
      DefaultScaleLayouts());
}

TEST_CASE("barcode: LoadScaleLayouts reads the store, falling back to defaults") {
  testing::TempDir dir;
  const std::string path = testing::MakeStore(dir);
  Result<std::unique_ptr<Database>> db = OpenStore(path);
  REQUIRE(db.ok());

  SUBCASE("the migration's seed equals DefaultScaleLayouts") {
    Result<std::vector<ScaleLayout>> got = LoadScaleLayouts(**db);
    REQUIRE(got.ok());
    CheckSameLayouts(*got, DefaultScaleLayouts());
  }

  SUBCASE("a store's own layouts") {
    SetConfig(**db, "scale_layouts",
              R"([{"name":"27-weight","length":13,"prefixes":["27"],"plu":[2,5],"weight":[7,5]}])");
    Result<std::vector<ScaleLayout>> got = LoadScaleLayouts(**db);
    REQUIRE(got.ok());
    REQUIRE(got->size() == 1);
    CHECK((*got)[0].name == "27-weight");
    CHECK(ClassifyBarcode("2700042015007", *got).weight_g == 1500);
  }

  SUBCASE("absent key means the defaults") {
    (*db)->Exec("DELETE FROM store_config WHERE key = 'scale_layouts'");
    Result<std::vector<ScaleLayout>> got = LoadScaleLayouts(**db);
    REQUIRE(got.ok());
    CheckSameLayouts(*got, DefaultScaleLayouts());
  }

  SUBCASE("broken JSON is reported, not replaced by defaults") {
    SetConfig(**db, "scale_layouts", "[{\"name\":");
    Result<std::vector<ScaleLayout>> got = LoadScaleLayouts(**db);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().IsInvalidArgument());
    CHECK(got.status().message().find("scale_layouts") != std::string::npos);
  }

  SUBCASE("a bad layout names the field") {
    SetConfig(**db, "scale_layouts",
              R"([{"name":"x","length":13,"prefixes":["27"],"plu":[2,5]}])");
    Result<std::vector<ScaleLayout>> got = LoadScaleLayouts(**db);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().message().find("scale_layouts[0].amount") != std::string::npos);
  }
}

}  // namespace
}  // namespace linli
