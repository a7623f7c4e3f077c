// The WeChat Pay v2 wire format (wechat_format.h): the signature against the
// example WeChat Pay publishes with its signing rules, the XML both ways, the
// order numbers and the statement.
#include <doctest/doctest.h>

#include "linli/payments/wechat_format.h"

using namespace linli::payments::wechat;

namespace {

// The parameters and key of the published signing example (签名算法, "举例").
Params Example() {
  return {{"appid", "wxd930ea5d5a258f4f"},
          {"mch_id", "10000100"},
          {"device_info", "1000"},
          {"body", "test"},
          {"nonce_str", "ibuaiVcKdpRxkhJA"}};
}
constexpr char kExampleKey[] = "192006250b4c09247ec02edce69f6a2d";

}  // namespace

TEST_CASE("wechat format: the string to sign is sorted, without sign and empty values") {
  Params p = Example();
  p["sign"] = "ANYTHING";
  p["attach"] = "";
  CHECK(StringToSign(p) == "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA");
}

TEST_CASE("wechat format: MD5 and HMAC-SHA256 signatures match WeChat Pay's published example") {
  CHECK(Sign(Example(), kExampleKey, SignType::kMd5) == "9A0A8659F005D6984697E2CA0A9CF3B7");
  CHECK(Sign(Example(), kExampleKey, SignType::kHmacSha256) ==
        "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6");
}

TEST_CASE("wechat format: VerifySign accepts the right signature and refuses a wrong, missing or other-key one") {
  Params p = Example();
  p["sign"] = Sign(p, kExampleKey, SignType::kHmacSha256);
  CHECK(VerifySign(p, kExampleKey, SignType::kHmacSha256));
  CHECK_FALSE(VerifySign(p, kExampleKey, SignType::kMd5));
  CHECK_FALSE(VerifySign(p, "192006250b4c09247ec02edce69f6a2e", SignType::kHmacSha256));
  Params tampered = p;
  tampered["body"] = "test2";
  CHECK_FALSE(VerifySign(tampered, kExampleKey, SignType::kHmacSha256));
  Params lower = p;
  for (char& c : lower["sign"]) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK_FALSE(VerifySign(lower, kExampleKey, SignType::kHmacSha256));
  Params none = Example();
  CHECK_FALSE(VerifySign(none, kExampleKey, SignType::kMd5));
}

TEST_CASE("wechat format: sign types read as the API spells them") {
  CHECK(ParseSignType("MD5") == SignType::kMd5);
  CHECK(ParseSignType("hmac-sha256") == SignType::kHmacSha256);
  CHECK_FALSE(ParseSignType("RSA").has_value());
  CHECK(std::string(SignTypeName(SignType::kHmacSha256)) == "HMAC-SHA256");
}

TEST_CASE("wechat format: XML goes out as CDATA and comes back the same, Chinese and a CDATA end marker included") {
  const Params p = {{"body", "邻里便利店-日用品"}, {"attach", "a]]>b<c>&d"}, {"total_fee", "1"}, {"empty", ""}};
  const std::string xml = EncodeXml(p);
  CHECK(xml.rfind("<xml><attach><![CDATA[", 0) == 0);
  CHECK(xml.find("<total_fee><![CDATA[1]]></total_fee>") != std::string::npos);
  auto back = DecodeXml(xml);
  REQUIRE(back.ok());
  CHECK(*back == p);
}

TEST_CASE("wechat format: DecodeXml reads plain text and entities as WeChat Pay also sends them") {
  auto p = DecodeXml("<xml>\n  <return_code>SUCCESS</return_code>\n  <return_msg>a&amp;b</return_msg>\n</xml>");
  REQUIRE(p.ok());
  CHECK(p->at("return_code") == "SUCCESS");
  CHECK(p->at("return_msg") == "a&b");
  CHECK(p->size() == 2);
}

TEST_CASE("wechat format: DecodeXml refuses what is not a flat xml message") {
  CHECK_FALSE(DecodeXml("").ok());
  CHECK_FALSE(DecodeXml("<html><a>1</a></html>").ok());
  CHECK_FALSE(DecodeXml("<xml><a><b>1</b></a></xml>").ok());
  CHECK_FALSE(DecodeXml("<xml><a>1</a><a>2</a></xml>").ok());
  CHECK_FALSE(DecodeXml("<xml><a>1</a>").ok());
  CHECK_FALSE(DecodeXml("<!DOCTYPE xml [<!ENTITY e \"x\">]><xml><a>&e;</a></xml>").ok());
}

TEST_CASE("wechat format: out_trade_no from an attempt key is its UUID without dashes, or a hash of 32 hex") {
  CHECK(MerchantNo("0192f1c2-7a3b-7c4d-8e5f-0a1b2c3d4e5f") == "0192f1c27a3b7c4d8e5f0a1b2c3d4e5f");
  const std::string long_key(40, 'k');
  CHECK(MerchantNo(long_key).size() == 32);
  CHECK(MerchantNo(long_key) == MerchantNo(long_key));
  CHECK(MerchantNo("key with spaces") != "keywithspaces");
  CHECK(MerchantNo("key with spaces").size() == 32);
  CHECK(MerchantNo("refund-1") == "refund1");
}

TEST_CASE("wechat format: yuan amounts read as exact fen") {
  CHECK(ParseYuan("0.01") == 1);
  CHECK(ParseYuan("12.3") == 1230);
  CHECK(ParseYuan("5") == 500);
  CHECK(ParseYuan("1234567.89") == 123456789);
  CHECK_FALSE(ParseYuan("0.001").has_value());
  CHECK_FALSE(ParseYuan("-1.00").has_value());
  CHECK_FALSE(ParseYuan("1e3").has_value());
  CHECK_FALSE(ParseYuan("1.").has_value());
  CHECK_FALSE(ParseYuan("").has_value());
  CHECK(FormatYuan(1230) == "12.30");
  CHECK(FormatYuan(5) == "0.05");
  CHECK(FormatYuan(-5) == "-0.05");
}

namespace {

std::string Line(const std::vector<std::string>& f, bool quote) {
  std::string s;
  for (size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + std::string(quote ? "`" : "") + f[i];
  return s + "\r\n";
}

std::string SampleBill(const std::string& count) {
  std::string t = "\xEF\xBB\xBF" + Line(kBillColumns, false);
  t += Line({"2026-12-04 10:00:01", "wx2421b1c4370ec43b", "10000100", "", "", "4200000001", "0192aa", "oUp",
             "MICROPAY", "SUCCESS", "OTHERS", "CNY", "12.30", "0.00", "0", "0", "0.00", "0.00", "", "", "邻里",
             "", "0.07380", "0.60%", "12.30", "0.00", ""},
            true);
  t += Line({"2026-12-04 11:00:00", "wx2421b1c4370ec43b", "10000100", "", "", "4200000001", "0192aa", "oUp",
             "MICROPAY", "REFUND", "OTHERS", "CNY", "12.30", "0.00", "5000001", "r1", "2.00", "0.00", "ORIGINAL",
             "SUCCESS", "邻里", "", "0.00000", "0.60%", "12.30", "2.00", ""},
            true);
  t += Line(kBillSummaryColumns, false);
  t += Line({count, "12.30", "2.00", "0.00", "0.07380", "12.30", "2.00"}, true);
  return t;
}

}  // namespace

TEST_CASE("wechat format: a statement reads row by row with exact amounts") {
  auto bill = ParseBill(SampleBill("2"));
  REQUIRE(bill.ok());
  REQUIRE(bill->rows.size() == 2);
  CHECK(bill->rows[0].trade_time == "2026-12-04 10:00:01");
  CHECK(bill->rows[0].out_trade_no == "0192aa");
  CHECK(bill->rows[0].trade_state == "SUCCESS");
  CHECK(bill->rows[0].settlement_fen == 1230);
  CHECK(bill->rows[0].fee_yuan == "0.07380");
  CHECK(bill->rows[1].trade_state == "REFUND");
  CHECK(bill->rows[1].out_refund_no == "r1");
  CHECK(bill->rows[1].refund_fen == 200);
  CHECK(bill->summary.count == 2);
  CHECK(bill->summary.settlement_total_fen == 1230);
  CHECK(bill->summary.refund_total_fen == 200);
}

TEST_CASE("wechat format: a statement cut short or with a bad amount is refused, not half-read") {
  CHECK(ParseBill(SampleBill("3")).status().code() == linli::Status::Code::kCorruption);
  std::string no_summary = SampleBill("2");
  no_summary = no_summary.substr(0, no_summary.find("总交易单数"));
  CHECK_FALSE(ParseBill(no_summary).ok());
  std::string bad = SampleBill("2");
  bad.replace(bad.find("`12.30"), 6, "`12.3x");
  CHECK_FALSE(ParseBill(bad).ok());
  CHECK_FALSE(ParseBill("").ok());
  CHECK_FALSE(ParseBill("a,b,c\r\n").ok());
}
