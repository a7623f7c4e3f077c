// ESC/POS encoder: exact bytes per command, GB18030 through ICU, profiles,
// whole receipts against golden byte dumps, and receipts rendered back.
#include "linli/drivers/escpos.h"

#include <doctest/doctest.h>
#include <unicode/ucnv.h>

#include <cstdlib>
#include <string>

#include "linli/drivers/codes.h"
#include "linli/drivers/escpos_render.h"
#include "linli/drivers/printer.h"
#include "linli/pos/clock.h"
#include "linli/pos/text.h"
#include "testing.h"

namespace linli {
namespace {

std::string B(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(static_cast<uint8_t>(b));
  return s;
}

// What ICU itself makes of `utf8` in `charset`: the reference the encoder
// must match (no hand-made table, not even in the tests).
std::string IcuConvert(const char* charset, const std::string& utf8) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 8, '\0');
  const int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                 utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  REQUIRE(U_SUCCESS(err));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Printable dump of a byte stream for golden files: ASCII as is, every other
// byte (and '<') as <XX>, a line break after each LF.
std::string Dump(std::string_view bytes) {
  std::string out;
  char buf[8];
  for (char c : bytes) {
    const auto u = static_cast<uint8_t>(c);
    if (u >= 0x20 && u < 0x7F && c != '<') {
      out += c;
    } else {
      std::snprintf(buf, sizeof buf, "<%02X>", u);
      out += buf;
      if (u == 0x0A) out += '\n';
    }
  }
  return out;
}

void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(LINLI_SOURCE_DIR) + "/tests/golden/escpos/" + name;
  const char* update = std::getenv("LINLI_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    testing::WriteFile(path, actual);
    MESSAGE("updated golden " << path);
    return;
  }
  REQUIRE_MESSAGE(std::filesystem::exists(path), "missing golden " << path << "; run with LINLI_UPDATE_GOLDEN=1");
  CHECK(testing::ReadFile(path) == actual);
}

ReceiptModel SampleSale() {
  ReceiptModel r;
  r.store_name = "邻里便利店";
  r.store_code = "S001";
  r.header_lines = {"杭州市西湖区文三路 88 号"};
  r.footer_lines = {"谢谢惠顾 欢迎再来"};
  r.receipt_no = "S001-20261121-0001";
  r.cashier_id = "1001";
  r.cashier_name = "张三";
  r.time_ms = ParseUtc("2026-11-21T07:30:00.000Z");
  r.lines.push_back({"可口可乐 330ml", "A001", 3000, ReceiptUnit::kPiece, 350, 1050, {{"第二件半价", -175}}, 875});
  r.lines.push_back({"散装苹果", "K001", 1234, ReceiptUnit::kKilogram, 1280, 1580, {}, 1580});
  r.subtotal_fen = 2630;
  r.discount_fen = 175;
  r.total_fen = 2455;
  r.taxes = {{1300, 101}, {900, 130}};
  r.tenders = {{TenderMethod::kCash, "", 2455, ""}};
  r.change_fen = 45;
  r.journal_hash = "3fa9c2e1b07d5566778899aabbccddeeff00112233445566778899aabbccddee";
  return r;
}

PrinterProfile Profile(const char* name) {
  auto p = FindProfile(name);
  REQUIRE(p.ok());
  return *p;
}

}  // namespace

TEST_CASE("escpos: each command's exact bytes") {
  using namespace escpos;
  CHECK(Initialize() == B({0x1B, 0x40}));
  CHECK(ChineseModeOn() == B({0x1C, 0x26}));
  CHECK(ChineseModeOff() == B({0x1C, 0x2E}));
  CHECK(SelectCodePage(0) == B({0x1B, 0x74, 0x00}));
  CHECK(Bold(true) == B({0x1B, 0x45, 0x01}));
  CHECK(Bold(false) == B({0x1B, 0x45, 0x00}));
  CHECK(CharacterSize(1, 1) == B({0x1D, 0x21, 0x00}));
  CHECK(CharacterSize(2, 2) == B({0x1D, 0x21, 0x11}));
  CHECK(CharacterSize(1, 2) == B({0x1D, 0x21, 0x01}));
  CHECK(CharacterSize(9, 0) == B({0x1D, 0x21, 0x70}));  // clamped to 8 × 1
  CHECK(SetAlign(Align::kLeft) == B({0x1B, 0x61, 0x00}));
  CHECK(SetAlign(Align::kCenter) == B({0x1B, 0x61, 0x01}));
  CHECK(SetAlign(Align::kRight) == B({0x1B, 0x61, 0x02}));
  CHECK(Feed(4) == B({0x1B, 0x64, 0x04}));
  CHECK(Cut() == B({0x1D, 0x56, 0x42, 0x00}));
  CHECK(DrawerKick(0, 100, 500) == B({0x1B, 0x70, 0x00, 50, 250}));
  CHECK(DrawerKick(1, 2, 9999) == B({0x1B, 0x70, 0x01, 1, 255}));
  CHECK(StatusRequest(1) == B({0x10, 0x04, 0x01}));
  CHECK(StatusRequest(4) == B({0x10, 0x04, 0x04}));
}

TEST_CASE("escpos: GS v 0 raster packs rows MSB first, dark pixels black") {
  GrayImage img(10, 2, 255);
  img.at(0, 0) = 0;    // first bit of row 0
  img.at(9, 0) = 10;   // second byte, bit 6
  img.at(7, 1) = 127;  // just darker than the threshold
  img.at(6, 1) = 128;  // not darker: white
  CHECK(escpos::RasterImage(img) ==
        B({0x1D, 0x76, 0x30, 0x00, 2, 0, 2, 0, 0x80, 0x40, 0x01, 0x00}));
  CHECK(escpos::RasterImage(GrayImage()).empty());

  // Tall images go in bands of kRasterBandRows rows.
  GrayImage tall(8, escpos::kRasterBandRows + 3, 0);
  const std::string r = escpos::RasterImage(tall);
  CHECK(r.size() == 8 + escpos::kRasterBandRows + 8 + 3);
  CHECK(r.substr(0, 8) == B({0x1D, 0x76, 0x30, 0, 1, 0, 0, 1}));
  CHECK(r.substr(8 + escpos::kRasterBandRows, 8) == B({0x1D, 0x76, 0x30, 0, 1, 0, 3, 0}));
}

TEST_CASE("escpos: GS k CODE128 uses code set C for digit runs") {
  auto plan = escpos::PlanCode128("S001-20261121-0001");
  REQUIRE(plan);
  CHECK(plan->data == "{BS001-{C" + B({20, 26, 11, 21}) + "{B-{C" + B({0, 1}));
  // start + 5 + C + 4 + B + 1 + C + 2 = 16 symbols, + check → 17 × 11, + stop 13.
  CHECK(plan->modules == 17 * 11 + 13);

  auto digits = escpos::PlanCode128("123456");
  REQUIRE(digits);
  CHECK(digits->data == "{C" + B({12, 34, 56}));
  auto odd = escpos::PlanCode128("12345");
  REQUIRE(odd);
  CHECK(odd->data == "{B1{C" + B({23, 45}));
  CHECK(escpos::PlanCode128("a{b")->data == "{Ba{{b");
  CHECK(!escpos::PlanCode128(""));
  CHECK(!escpos::PlanCode128("中"));

  auto cmd = escpos::Code128("123456", 60, 2, true);
  REQUIRE(cmd);
  CHECK(*cmd == B({0x1D, 0x68, 60, 0x1D, 0x77, 2, 0x1D, 0x48, 2, 0x1D, 0x6B, 73, 5, '{', 'C', 12, 34, 56}));
}

TEST_CASE("escpos: GS ( k QR model 2 store and print") {
  const std::string q = escpos::QrCode("AB", 5, escpos::QrErrorCorrection::kM);
  CHECK(q == B({0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,     // model 2
                0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x05,           // module 5 dots
                0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,           // EC level M
                0x1D, 0x28, 0x6B, 0x05, 0x00, 0x31, 0x50, 0x30, 'A', 'B', // store
                0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30}));        // print
  // The length bytes are little-endian data length + 3.
  const std::string big = escpos::QrCode(std::string(300, 'x'), 6, escpos::QrErrorCorrection::kL);
  CHECK(big.substr(17 + 8, 5) == B({0x1D, 0x28, 0x6B, (303 & 0xFF), (303 >> 8)}));
}

TEST_CASE("escpos: text in GB18030 and GBK comes from ICU's converters") {
  const std::string cola = "可口可乐";
  const std::string gb = EncodeText(cola, TextEncoding::kGb18030);
  CHECK(gb == IcuConvert("GB18030", cola));
  CHECK(gb == B({0xBF, 0xC9, 0xBF, 0xDA, 0xBF, 0xC9, 0xC0, 0xD6}));  // 可 = BF C9
  CHECK(EncodeText(cola, TextEncoding::kGbk) == gb);
  CHECK(EncodeText(cola, TextEncoding::kUtf8) == cola);
  CHECK(EncodeText("Coca-Cola 330ml 3.50", TextEncoding::kGb18030) == "Coca-Cola 330ml 3.50");

  // Outside GBK: GB18030 has four-byte codes, GBK prints '?'.
  const std::string smile = "\xF0\x9F\x98\x80";  // U+1F600
  CHECK(EncodeText(smile, TextEncoding::kGb18030) == IcuConvert("GB18030", smile));
  CHECK(EncodeText(smile, TextEncoding::kGb18030).size() == 4);
  CHECK(EncodeText("a" + smile + "b", TextEncoding::kGbk) == "a?b");
  CHECK(EncodeText("x\xFFy", TextEncoding::kGb18030) == "x?y");  // invalid UTF-8
  CHECK(EncodeText("", TextEncoding::kGb18030).empty());
}

TEST_CASE("escpos: printer profiles for 58 mm and 80 mm") {
  const PrinterProfile p58 = Profile("generic58");
  CHECK(p58.columns == 32);
  CHECK(p58.dots == 384);
  CHECK(p58.encoding == TextEncoding::kGb18030);
  CHECK(p58.supports_qr);
  CHECK(p58.supports_cut);
  const PrinterProfile p80 = Profile("generic80");
  CHECK(p80.columns == 48);
  CHECK(p80.dots == 576);
  auto bad = FindProfile("epson-tm-t88");
  REQUIRE(!bad.ok());
  CHECK(bad.status().IsNotFound());
  CHECK(bad.status().message().find("generic58") != std::string::npos);
}

TEST_CASE("escpos: receipt job bytes match the golden dumps") {
  const ReceiptModel r = SampleSale();
  for (const char* name : {"generic58", "generic80"}) {
    CAPTURE(name);
    const PrinterProfile p = Profile(name);
    auto bytes = EncodeReceipt(r, p);
    REQUIRE(bytes.ok());
    CheckGolden(std::string("sale_") + name + ".txt", Dump(*bytes));

    // Starts ESC @, FS &; ends with feed and cut; carries the QR payload.
    CHECK(bytes->substr(0, 4) == B({0x1B, 0x40, 0x1C, 0x26}));
    CHECK(bytes->substr(bytes->size() - 7) == B({0x1B, 0x64, 4, 0x1D, 0x56, 0x42, 0}));
    CHECK(bytes->find(ReceiptQrPayload(r)) != std::string::npos);
    CHECK(bytes->find(EncodeText("可口可乐 330ml", TextEncoding::kGb18030)) != std::string::npos);
    CHECK(bytes->find(escpos::DrawerKick()) == std::string::npos);  // never in a receipt job

    // Every text line of the receipt fits the profile's columns.
    const std::string text = RenderReceiptText(r, p.columns);
    for (size_t start = 0; start < text.size();) {
      const size_t nl = text.find('\n', start);
      CHECK(DisplayWidth(std::string_view(text).substr(start, nl - start)) <= p.columns);
      start = nl + 1;
    }
  }
  // The receipt number barcode fits 80 mm paper but not 58 mm at 2 dots.
  CHECK(EncodeReceipt(r, Profile("generic80"))->find(B({0x1D, 0x6B, 73})) != std::string::npos);
  CHECK(EncodeReceipt(r, Profile("generic58"))->find(B({0x1D, 0x6B, 73})) == std::string::npos);
}

TEST_CASE("escpos: profiles without QR or cut get a raster QR and a tear-off feed") {
  PrinterProfile p = Profile("generic58");
  p.supports_qr = false;
  p.supports_cut = false;
  auto bytes = EncodeReceipt(SampleSale(), p);
  REQUIRE(bytes.ok());
  CHECK(bytes->find(B({0x1D, 0x28, 0x6B})) == std::string::npos);
  CHECK(bytes->find(B({0x1D, 0x76, 0x30, 0x00})) != std::string::npos);
  CHECK(bytes->find(B({0x1D, 0x56})) == std::string::npos);

  RenderOptions ro;
  ro.paper_width = p.dots;
  RenderResult rr = RenderEscPos(*bytes, ro);
  CHECK(rr.issues.empty());
  CHECK(rr.cuts == 0);
  bool found = false;
  for (const DecodedCode& c : DecodeImage(rr.image)) {
    if (c.format == CodeFormat::kQrCode && c.text == ReceiptQrPayload(SampleSale())) found = true;
  }
  CHECK(found);
}

TEST_CASE("escpos: a receipt renders back to its text and a decodable QR") {
  for (const char* name : {"generic58", "generic80"}) {
    CAPTURE(name);
    const PrinterProfile p = Profile(name);
    auto bytes = EncodeReceipt(SampleSale(), p);
    REQUIRE(bytes.ok());
    RenderOptions ro;
    ro.paper_width = p.dots;
    RenderResult rr = RenderEscPos(*bytes, ro);
    CHECK(rr.issues.empty());
    CHECK(rr.cuts == 1);
    CHECK(rr.drawer_kicks == 0);
    CHECK(rr.text.find("可口可乐 330ml") != std::string::npos);
    CHECK(rr.text.find("S001-20261121-0001") != std::string::npos);
    bool found = false;
    for (const DecodedCode& c : DecodeImage(rr.image)) {
      if (c.format == CodeFormat::kQrCode && c.text == ReceiptQrPayload(SampleSale())) found = true;
    }
    CHECK(found);
  }
}

TEST_CASE("escpos: the logo prints centred above the text, too wide is refused") {
  const PrinterProfile p = Profile("generic58");
  ReceiptJobOptions opts;
  opts.logo = GrayImage(64, 16, 0);
  auto bytes = EncodeReceipt(SampleSale(), p, opts);
  REQUIRE(bytes.ok());
  const size_t logo = bytes->find(B({0x1D, 0x76, 0x30, 0x00, 8, 0, 16, 0}));
  REQUIRE(logo != std::string::npos);
  CHECK(bytes->substr(logo - 3, 3) == escpos::SetAlign(escpos::Align::kCenter));
  CHECK(logo < bytes->find(EncodeText("邻里便利店", TextEncoding::kGb18030)));

  opts.logo = GrayImage(p.dots + 1, 4, 0);
  auto wide = EncodeReceipt(SampleSale(), p, opts);
  REQUIRE(!wide.ok());
  CHECK(wide.status().IsInvalidArgument());
}

TEST_CASE("escpos: a report prints as a plain text job") {
  const PrinterProfile p = Profile("generic58");
  const std::string job = EncodeTextJob("X 报表\n销售 3 笔\n", p);
  CHECK(job == B({0x1B, 0x40, 0x1C, 0x26, 0x1B, 0x45, 1}) + EncodeText("X 报表", TextEncoding::kGb18030) +
                   B({0x0A, 0x1B, 0x45, 0}) + EncodeText("销售 3 笔", TextEncoding::kGb18030) +
                   B({0x0A, 0x1B, 0x64, 4, 0x1D, 0x56, 0x42, 0}));
  RenderOptions ro;
  ro.paper_width = p.dots;
  CHECK(RenderEscPos(job, ro).text.find("销售 3 笔") != std::string::npos);
}

// Issue 11: a product name holding ESC p opened the drawer on every print;
// ESC @ and GS V reset the printer or cut the paper.
namespace {
size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("escpos: control bytes in names, labels and footers never reach the printer as commands") {
  const std::string esc_p = B({0x1B, 'p', 0, 0x19, 0xFA});  // drawer kick, pin 2
  const std::string esc_at = B({0x1B, '@'});                // reset
  const std::string gs_v = B({0x1D, 'V', 0x42, 0});         // cut
  const std::string c1_csi = "\xC2\x9B";                    // U+009B, 8-bit CSI
  ReceiptModel hostile = SampleSale();
  hostile.store_name = "邻里" + esc_p + "便利店";
  hostile.header_lines[0] += esc_at;
  hostile.footer_lines[0] = gs_v + hostile.footer_lines[0];
  hostile.cashier_name = "张" + c1_csi + "三";
  hostile.lines[0].name = "可口可乐" + esc_p + " 330ml" + gs_v;
  hostile.lines[0].adjustments[0].label += esc_at;
  hostile.tenders[0].provider = esc_p;

  // The same receipt with the control characters taken out: the bytes that
  // followed them stay as text, 'p', '@', 'V', 'B', and ESC p's 0xFA, which
  // is no UTF-8 and prints as '?'.
  const std::string p_fa = std::string("p") + "\xFA";
  ReceiptModel clean = SampleSale();
  clean.store_name = "邻里" + p_fa + "便利店";
  clean.header_lines[0] += "@";
  clean.footer_lines[0] = "VB" + clean.footer_lines[0];
  clean.cashier_name = "张三";
  clean.lines[0].name = "可口可乐" + p_fa + " 330mlVB";
  clean.lines[0].adjustments[0].label += "@";
  clean.tenders[0].provider = p_fa;

  for (const char* name : {"generic58", "generic80"}) {
    CAPTURE(name);
    const PrinterProfile p = Profile(name);
    auto bytes = EncodeReceipt(hostile, p);
    REQUIRE(bytes.ok());
    CHECK(Count(*bytes, B({0x1B, 'p'})) == 0);
    CHECK(Count(*bytes, esc_at) == 1);  // the encoder's own ESC @, first
    CHECK(bytes->substr(0, 2) == esc_at);
    CHECK(Count(*bytes, B({0x1D, 'V'})) == 1);  // the encoder's own cut, last
    CHECK(bytes->substr(bytes->size() - 4) == gs_v);
    CHECK(Count(*bytes, "\x9B") == 0);
    // Nothing else either: the job is the clean receipt's job, byte for byte.
    auto want = EncodeReceipt(clean, p);
    REQUIRE(want.ok());
    CHECK(Dump(*bytes) == Dump(*want));
  }

  // Plain text jobs (X/Z reports carry cashier names) too.
  const PrinterProfile p = Profile("generic58");
  const std::string job = EncodeTextJob("X 报表\n收银员 王" + esc_p + "芳" + gs_v, p);
  CHECK(Count(job, B({0x1B, 'p'})) == 0);
  CHECK(Count(job, B({0x1D, 'V'})) == 1);
  CHECK(job == EncodeTextJob("X 报表\n收银员 王" + p_fa + "芳VB", p));
  CHECK(EncodeText("a" + esc_at + "b", TextEncoding::kUtf8) == "a@b");
}

}  // namespace linli
