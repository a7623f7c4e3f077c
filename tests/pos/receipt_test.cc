// Receipt model rendering: golden files in both paper widths, plus the
// column invariants every receipt must keep.
//
// Regenerate the goldens after an intended layout change with
//   LINLI_UPDATE_GOLDEN=1 build/tests/pos_tests -tc='*eceipt*'
// and review the diff under tests/golden/receipts/.
#include "linli/pos/receipt.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/text.h"
#include "testing.h"

namespace linli {
namespace {

constexpr const char* kHash =
    "3fa9c2e1b07d5a66c1e0f9b2d4a87e13c5b6f0a9d8e7c6b5a4f3e2d1c0b9a887";

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// A full sale: mixed Chinese/Latin names, a very long name, a weighed item,
// a promotion, a line discount, a price override, an order discount, 抹零,
// two tax rates, cash + 微信 with change, a member and the verification row.
//
//   gross: 10.50 + 4.00 + 69.90 + 15.80 + 12.00 = 112.20
//   line reductions: 1.75 + 6.99 = 8.74; order 2% of 103.46 = 2.07
//   discount 10.81 → 101.39; 抹零 to 0.1 yuan, down: 0.09 → 101.30
//   tendered 30.00 微信 + 80.00 现金 = 110.00, change 8.70
ReceiptModel SampleSale() {
  ReceiptModel r;
  r.kind = ReceiptKind::kSale;
  r.store_name = "邻里便利店 文三路店";
  r.store_code = "S001";
  r.header_lines = {"杭州市西湖区文三路 88 号", "电话 0571-8888 1234"};
  r.footer_lines = {"谢谢惠顾 欢迎再来", "退换货请凭小票 7 日内"};
  r.receipt_no = "S001-20261121-0001";
  r.cashier_id = "007";
  r.cashier_name = "王芳";
  r.time_ms = ParseUtc("2026-11-21T07:30:00.000Z");
  r.time_zone = "Asia/Shanghai";

  r.lines.push_back({"可口可乐 Coca-Cola 330ml", "6901939621271", 3000, ReceiptUnit::kPiece, 350,
                     1050, {{"第二件半价", -175}}, 875});
  r.lines.push_back({"农夫山泉 550ml", "6921168509256", 2000, ReceiptUnit::kPiece, 200, 400, {}, 400});
  r.lines.push_back({"金龙鱼 黄金比例食用植物调和油 Golden Ratio Blended Edible Oil 5L",
                     "6948195800019", 1000, ReceiptUnit::kPiece, 6990, 6990,
                     {{"折扣 10%", -699}}, 6291});
  r.lines.push_back({"红富士苹果 Fuji Apple", "2000123", 1234, ReceiptUnit::kKilogram, 1280, 1580,
                     {}, 1580});
  r.lines.push_back({"土鸡蛋 Eggs 10枚", "6900000000017", 1000, ReceiptUnit::kPiece, 1200, 1200,
                     {{"改价 原价13.50", std::nullopt}}, 1200});

  r.promotions = {{"整单 98折", -207}};
  r.subtotal_fen = 11220;
  r.discount_fen = 1081;
  r.rounding_fen = 9;
  r.total_fen = 10130;
  r.taxes = {{1300, 852}, {900, 225}};
  r.tenders = {{TenderMethod::kPaymentCode, "微信", 3000, "4200****5678"},
               {TenderMethod::kCash, "", 8000, ""}};
  r.change_fen = 870;
  r.member = ReceiptMember{"13800138000", 101, 2345};
  r.journal_hash = kHash;
  return r;
}

// Refund of the oil from the sale above: its line discount and its share of
// the order discount go back with it. 69.90 - 6.99 - 1.26 = 61.65, in cash.
ReceiptModel SampleRefund() {
  ReceiptModel r;
  r.kind = ReceiptKind::kRefund;
  r.store_name = "邻里便利店 文三路店";
  r.store_code = "S001";
  r.header_lines = {"杭州市西湖区文三路 88 号"};
  r.footer_lines = {"谢谢惠顾 欢迎再来"};
  r.receipt_no = "S001-20261122-0003";
  r.original_receipt_no = "S001-20261121-0001";
  r.cashier_id = "012";
  r.cashier_name = "李强 Li Qiang";
  r.time_ms = ParseUtc("2026-11-22T02:05:00.000Z");
  r.time_zone = "Asia/Shanghai";
  r.lines.push_back({"金龙鱼 黄金比例食用植物调和油 Golden Ratio Blended Edible Oil 5L",
                     "6948195800019", 1000, ReceiptUnit::kPiece, 6990, 6990,
                     {{"折扣 10%", -699}}, 6291});
  r.promotions = {{"整单 98折", -126}};
  r.subtotal_fen = 6990;
  r.discount_fen = 825;
  r.total_fen = 6165;
  r.taxes = {{1300, 709}};
  r.tenders = {{TenderMethod::kCash, "", 6165, ""}};
  r.member = ReceiptMember{"138****8000", -61, 2284};
  r.journal_hash = "9c04be7a11f2d3e4a5b6c7d8e9f00112233445566778899aabbccddeeff0011";
  return r;
}

std::string GoldenPath(const std::string& name) {
  return std::string(LINLI_SOURCE_DIR) + "/tests/golden/receipts/" + name;
}

// Compares `actual` with the golden file byte for byte, or rewrites the file
// when LINLI_UPDATE_GOLDEN=1.
void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  const char* update = std::getenv("LINLI_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    testing::WriteFile(path, actual);
    MESSAGE("updated golden " << path);
    return;
  }
  const std::string expected = testing::ReadFile(path);
  if (expected != actual) {
    std::cerr << "golden mismatch: " << path << "\n--- expected ---\n"
              << expected << "--- actual ---\n"
              << actual << "--- end ---\n";
  }
  CHECK_MESSAGE(expected == actual, "golden " << name << " differs (LINLI_UPDATE_GOLDEN=1 rewrites it)");
}

// Invariants every rendered receipt keeps: no line wider than the paper,
// every row ending in an amount ends exactly at the right edge, rules are
// full width, and no line has trailing spaces.
// `strict` also requires amounts to end at the edge; on very narrow paper a
// row that cannot fit its label and amount wraps, leaving the label alone.
void CheckColumns(const std::string& text, int columns, bool strict = true) {
  static const std::regex kAmountAtEnd(R"(\s-?\d+\.\d\d$)");
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  for (const std::string& line : SplitLines(text)) {
    CAPTURE(line);
    const int w = DisplayWidth(line);
    CHECK(w <= columns);
    CHECK(IsValidUtf8(line));
    if (!line.empty()) CHECK(line.back() != ' ');
    if (strict && std::regex_search(line, kAmountAtEnd)) CHECK(w == columns);
    if (!line.empty() && line.find_first_not_of('-') == std::string::npos) CHECK(w == columns);
  }
}

void CheckReceipt(const std::string& golden, const ReceiptModel& r, int columns) {
  const std::string text = RenderReceiptText(r, columns);
  CheckColumns(text, columns);
  // The golden file itself must keep the invariants too, so a hand edit
  // cannot slip a too-wide line in.
  CheckGolden(golden, text);
  CheckColumns(testing::ReadFile(GoldenPath(golden)), columns);
}

TEST_CASE("receipt: sale golden 58mm") { CheckReceipt("sale_58.txt", SampleSale(), kReceiptColumns58); }
TEST_CASE("receipt: sale golden 80mm") { CheckReceipt("sale_80.txt", SampleSale(), kReceiptColumns80); }
TEST_CASE("receipt: refund golden 58mm") {
  CheckReceipt("refund_58.txt", SampleRefund(), kReceiptColumns58);
}
TEST_CASE("receipt: refund golden 80mm") {
  CheckReceipt("refund_80.txt", SampleRefund(), kReceiptColumns80);
}
TEST_CASE("receipt: reprint golden 58mm") {
  ReceiptModel r = SampleSale();
  r.reprint = true;
  CheckReceipt("reprint_58.txt", r, kReceiptColumns58);
}
TEST_CASE("receipt: void golden 58mm") {
  ReceiptModel r = SampleSale();
  r.kind = ReceiptKind::kVoid;
  r.original_receipt_no = r.receipt_no;
  r.receipt_no = "S001-20261121-0002";
  r.tenders.clear();
  r.change_fen = 0;
  r.member.reset();
  CheckReceipt("void_58.txt", r, kReceiptColumns58);
}

TEST_CASE("receipt: item rows match the documented layout") {
  const std::string text58 = RenderReceiptText(SampleSale(), kReceiptColumns58);
  CHECK(text58.find("\n  3 x 3.50                 10.50\n") != std::string::npos);
  CHECK(text58.find("\n  1.234kg x 12.80/kg       15.80\n") != std::string::npos);
  CHECK(text58.find("\n可口可乐 Coca-Cola 330ml\n") != std::string::npos);
  CHECK(text58.find("\n  改价 原价13.50\n") != std::string::npos);
  CHECK(text58.find("验证") != std::string::npos);
  CHECK(text58.find("3fa9c2e1b07d\n") != std::string::npos);
  CHECK(text58.find("3fa9c2e1b07d5") == std::string::npos);
  CHECK(text58.find("2026-11-21 15:30\n") != std::string::npos);  // local, not UTC
  CHECK(text58.find("138****8000\n") != std::string::npos);
  CHECK(text58.find("13800138000") == std::string::npos);
  CHECK(text58.find("重打印") == std::string::npos);
}

TEST_CASE("receipt: long names are cut at a character boundary") {
  const std::string text = RenderReceiptText(SampleSale(), kReceiptColumns58);
  const std::string cut = TruncateToWidth(SampleSale().lines[2].name, kReceiptColumns58);
  CHECK(DisplayWidth(cut) <= kReceiptColumns58);
  CHECK(text.find("\n" + cut + "\n") != std::string::npos);

  // A name that would end on half of a wide character at the edge.
  ReceiptModel r = SampleSale();
  r.lines.resize(1);
  r.lines[0].name = "a" + std::string("可口可乐可口可乐可口可乐可口可乐可口可乐");  // 1 + 40 columns
  const std::vector<std::string> lines = SplitLines(RenderReceiptText(r, kReceiptColumns58));
  bool found = false;
  for (const std::string& l : lines) {
    if (l.rfind("a可口", 0) == 0) {
      found = true;
      CHECK(DisplayWidth(l) == 31);  // the 16th wide character would need column 33
      CHECK(IsValidUtf8(l));
    }
  }
  CHECK(found);
}

TEST_CASE("receipt: every width keeps every line inside the paper") {
  ReceiptModel r = SampleSale();
  r.store_name = "一个非常非常非常非常非常非常长的门店名称 Very Long Store Name Ltd.";
  r.receipt_no = "S001-20261121-0000000000000001";  // 30 columns
  r.cashier_name = "欧阳娜娜娜娜娜娜娜娜娜娜娜娜";
  r.promotions.push_back({"满一百元减五元 超长的促销活动名称 Very long promotion", -500});
  r.tenders.push_back({TenderMethod::kCard, "银联", 100, "6222 **** **** 0001 REF 0123456789012345"});
  for (int columns = 16; columns <= 64; ++columns) {
    CAPTURE(columns);
    CheckColumns(RenderReceiptText(r, columns), columns, columns >= kReceiptColumns58);
    CheckColumns(RenderReceiptText(SampleRefund(), columns), columns, columns >= kReceiptColumns58);
  }
  // The over-long receipt number is never cut: it moves to its own line.
  const std::string text = RenderReceiptText(r, kReceiptColumns58);
  CHECK(text.find("单号\n  S001-20261121-0000000000000001\n") != std::string::npos);
}

TEST_CASE("receipt: refund labels") {
  const std::string text = RenderReceiptText(SampleRefund(), kReceiptColumns58);
  CHECK(text.find("退货单") != std::string::npos);
  CHECK(text.find("原单号") != std::string::npos);
  CHECK(text.find("应退") != std::string::npos);
  CHECK(text.find("实退") != std::string::npos);
  CHECK(text.find("应收") == std::string::npos);
  CHECK(text.find("找零") == std::string::npos);
  CHECK(text.find("本次积分") != std::string::npos);
}

TEST_CASE("receipt: AlignLeftRight and padding helpers") {
  CHECK(AlignLeftRight("小计", "10.50", 16) == "小计       10.50");
  CHECK(DisplayWidth(AlignLeftRight("小计", "10.50", 16)) == 16);
  CHECK(AlignLeftRight("", "10.50", 8) == "   10.50");
  // Left is cut to leave one space before the amount.
  CHECK(AlignLeftRight("可口可乐可口可乐", "10.50", 12) == "可口可 10.50");
  CHECK(AlignLeftRight("abcdefgh", "10.50", 12) == "abcdef 10.50");
  // Right alone too wide: it wins, truncated.
  CHECK(AlignLeftRight("x", "1234567890", 8) == "12345678");
  CHECK(PadRight("可乐", 6) == "可乐  ");
  CHECK(PadRight("可口可乐", 5) == "可口 ");
  CHECK(PadLeft("可乐", 6) == "  可乐");
  CHECK(CenterText("可乐", 9) == "  可乐");
  CHECK(CenterText("谢谢惠顾", 4) == "谢谢");
}

TEST_CASE("receipt: MaskPhone") {
  CHECK(MaskPhone("13800138000") == "138****8000");
  CHECK(MaskPhone("138****8000") == "138****8000");  // idempotent
  CHECK(MaskPhone("+86 138-0013-8000") == "138****8000");
  CHECK(MaskPhone("8613800138000") == "138****8000");
  CHECK(MaskPhone("057188881234") == "057*****1234");
  CHECK(MaskPhone("1234567") == "1234567");  // 3 + 0 stars + 4
  CHECK(MaskPhone("123456") == "******");
  CHECK(MaskPhone("") == "");
  CHECK(MaskPhone("电话") == "");
}

TEST_CASE("receipt: QR payload") {
  ReceiptModel r = SampleSale();
  CHECK(ReceiptQrPayload(r) ==
        "LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d");
  r.journal_hash.clear();
  r.store_code = "S|1";
  CHECK(ReceiptQrPayload(r) == "LINLI1|S-1|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|");
  CHECK(ReceiptQrPayload(SampleRefund()) ==
        "LINLI1|S001|S001-20261122-0003|6165|2026-11-22T02:05:00.000Z|9c04be7a11f2");
}

}  // namespace
}  // namespace linli
