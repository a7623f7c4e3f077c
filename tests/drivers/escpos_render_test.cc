// The virtual printer: hand-built ESC/POS streams in, text and a decodable
// picture out; garbage and truncation reported by offset, never a crash.
#include <doctest/doctest.h>

#include <unicode/unistr.h>

#include "degrade.h"
#include "linli/drivers/codes.h"
#include "linli/drivers/escpos_render.h"

namespace linli {
namespace {

const std::string ESC = "\x1b", GS = "\x1d", FS = "\x1c";

std::string Gb(const std::string& utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  std::string out(size_t(u.length()) * 4 + 4, '\0');
  const int32_t n = u.extract(0, u.length(), out.data(), uint32_t(out.size()), "GB18030");
  out.resize(size_t(n));
  return out;
}

std::string Qr(const std::string& data, int module) {
  std::string s = GS + "(k" + std::string("\x03\x00", 2) + "1C" + char(module);
  s += GS + "(k" + std::string("\x03\x00", 2) + "1E1";  // EC M
  const size_t len = data.size() + 3;
  s += GS + "(k" + char(len & 0xff) + char(len >> 8) + "1P0" + data;
  s += GS + "(k" + std::string("\x03\x00", 2) + "1Q0";
  return s;
}

int Ink(const GrayImage& img, int y0, int y1) {
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y)
    for (int x = 0; x < img.width; ++x) n += img.at(x, y) < 128;
  return n;
}

bool Has(const std::vector<DecodedCode>& codes, CodeFormat f, const std::string& text) {
  for (const auto& c : codes)
    if (c.format == f && c.text == text) return true;
  return false;
}

TEST_CASE("render: a receipt's text, codes, cut and kick") {
  std::string job = ESC + "@" + FS + "&";
  job += ESC + "a\x01" + GS + "!\x11" + Gb("邻里便利店") + "\n";
  job += GS + "!" + std::string(1, '\0') + ESC + "a" + std::string(1, '\0');
  job += Gb("可口可乐 330ml  ¥3.50") + "\n";
  job += ESC + "E\x01" + Gb("合计 12.00") + ESC + "E" + std::string(1, '\0') + "\n";
  job += GS + "h\x50" + GS + "w\x02" + GS + "H\x02" + GS + "k\x43\x0c" + "690123456789";
  job += GS + "k\x49\x11" + "{BS001-{C" + std::string("\x14\x26\x11\x21", 4) + "{BXY";  // S001-20381733XY
  job += ESC + "a\x01" + Qr("https://linli.example/r/S001-20261121-0001", 5);
  job += GS + "V\x42" + std::string(1, '\0') + ESC + "p" + std::string("\x00\x32\x64", 3);
  RenderResult r = RenderEscPos(job);
  CHECK(r.issues.empty());
  CHECK(r.text ==
        "邻里便利店\n可口可乐 330ml  ¥3.50\n合计 12.00\n[EAN-13 6901234567892]\n[Code128 S001-20381733XY]\n"
        "[QR https://linli.example/r/S001-20261121-0001]\n");
  CHECK(r.cuts == 1);
  CHECK(r.drawer_kicks == 1);
  CHECK(r.image.width == 384);
  CHECK(r.image.height > 300);
  auto codes = DecodeImage(r.image);
  CHECK(Has(codes, CodeFormat::kQrCode, "https://linli.example/r/S001-20261121-0001"));
  CHECK(Has(codes, CodeFormat::kEan13, "6901234567892"));
  CHECK(Has(codes, CodeFormat::kCode128, "S001-20381733XY"));
}

TEST_CASE("render: double size, bold and alignment move and grow the ink") {
  auto first_ink_x = [](const GrayImage& img) {
    for (int x = 0; x < img.width; ++x)
      for (int y = 0; y < img.height; ++y)
        if (img.at(x, y) < 128) return x;
    return -1;
  };
  RenderResult left = RenderEscPos(ESC + "@" + "AB\n");
  RenderResult centre = RenderEscPos(ESC + "@" + ESC + "a\x01" + "AB\n");
  RenderResult right = RenderEscPos(ESC + "@" + ESC + "a\x02" + "AB\n");
  CHECK(first_ink_x(left.image) < 12);
  CHECK(first_ink_x(centre.image) > 150);
  CHECK(first_ink_x(centre.image) < 200);
  CHECK(first_ink_x(right.image) > 340);
  RenderResult normal = RenderEscPos(ESC + "@" + "HELLO\n");
  RenderResult big = RenderEscPos(ESC + "@" + GS + "!\x11" + "HELLO\n");
  RenderResult bold = RenderEscPos(ESC + "@" + ESC + "E\x01" + "HELLO\n");
  CHECK(big.image.height >= 48);
  CHECK(Ink(big.image, 0, big.image.height) > 3 * Ink(normal.image, 0, normal.image.height));
  CHECK(Ink(bold.image, 0, bold.image.height) > Ink(normal.image, 0, normal.image.height));
  CHECK(normal.text == "HELLO\n");
  RenderResult wide = RenderEscPos(ESC + "@" + FS + "&" + Gb("中文") + "\n", {kPaper80mmDots, "GB18030"});
  CHECK(wide.image.width == 576);
  CHECK(wide.text == "中文\n");
}

TEST_CASE("render: long lines wrap at the paper edge") {
  RenderResult r = RenderEscPos(std::string(40, 'x') + "\n");  // 32 columns on 58 mm
  CHECK(r.text == std::string(32, 'x') + "\n" + std::string(8, 'x') + "\n");
}

TEST_CASE("render: raster image is drawn dot for dot") {
  // 16 x 4 dots: a checkerboard of bytes 0xF0 0x0F.
  std::string job = GS + "v0" + std::string(1, '\0') + std::string("\x02\x00\x04\x00", 4);
  for (int i = 0; i < 4; ++i) job += "\xF0\x0F";
  RenderResult r = RenderEscPos(job);
  CHECK(r.issues.empty());
  CHECK(r.text == "[raster 16x4]\n");
  REQUIRE(r.image.height >= 4);
  CHECK(r.image.at(0, 0) == 0);
  CHECK(r.image.at(4, 0) == 255);
  CHECK(r.image.at(12, 3) == 0);
  CHECK(r.image.at(20, 0) == 255);
}

TEST_CASE("render: QR sent as a raster image decodes too") {
  auto mods = EncodeQrModules("RASTER-QR-1");
  REQUIRE(mods.ok());
  const int scale = 4, w = mods->width * scale + 32, h = mods->height * scale + 32;
  const int xb = (w + 7) / 8;
  std::string job = GS + "v0" + std::string(1, '\0') + char(xb) + char(0) + char(h & 0xff) + char(h >> 8);
  for (int y = 0; y < h; ++y)
    for (int bx = 0; bx < xb; ++bx) {
      uint8_t v = 0;
      for (int k = 0; k < 8; ++k) {
        const int x = bx * 8 + k - 16, yy = y - 16;
        if (x >= 0 && yy >= 0 && x < mods->width * scale && yy < mods->height * scale &&
            mods->at(x / scale, yy / scale) == 0)
          v |= uint8_t(0x80 >> k);
      }
      job += char(v);
    }
  RenderResult r = RenderEscPos(job);
  CHECK(r.issues.empty());
  CHECK(Has(DecodeImage(r.image), CodeFormat::kQrCode, "RASTER-QR-1"));
}

TEST_CASE("render: unknown and truncated commands are reported with offsets") {
  RenderResult u = RenderEscPos("AB" + ESC + "z" + "CD\n");
  REQUIRE(u.issues.size() == 1);
  CHECK(u.issues[0].offset == 2);
  CHECK(u.issues[0].what.find("unknown command ESC 0x7a") != std::string::npos);
  CHECK(u.text == "ABCD\n");

  RenderResult t = RenderEscPos("OK\n" + GS + "v0" + std::string(1, '\0') + std::string("\x10\x00\x10\x00", 4) + "xx");
  REQUIRE(t.issues.size() == 1);
  CHECK(t.issues[0].offset == 3);
  CHECK(t.issues[0].what.find("truncated command GS v 0") != std::string::npos);
  CHECK(t.text == "OK\n");

  RenderResult e = RenderEscPos("A" + ESC);
  REQUIRE(e.issues.size() == 1);
  CHECK(e.issues[0].offset == 1);
  CHECK(e.issues[0].what.find("truncated") != std::string::npos);

  RenderResult k = RenderEscPos(GS + "k\x02" + "123");  // no NUL
  REQUIRE(k.issues.size() == 1);
  CHECK(k.issues[0].offset == 0);

  RenderResult q = RenderEscPos(GS + "(k" + std::string("\x03\x00", 2) + "1Q0");
  REQUIRE(q.issues.size() == 1);
  CHECK(q.issues[0].what.find("without stored data") != std::string::npos);

  RenderResult bad_ean = RenderEscPos(GS + "k\x43\x03" + "123");
  REQUIRE(bad_ean.issues.size() == 1);
  CHECK(bad_ean.issues[0].what.find("EAN-13") != std::string::npos);
}

TEST_CASE("render: random and truncated bytes never crash") {
  testing::Prng prng(42);
  // Real command bytes cut at every length, then random soup biased to
  // command introducers so parsers see many half-formed commands.
  std::string job = ESC + "@" + FS + "&" + Gb("测试") + "\n" + GS + "k\x43\x0c" + "690123456789" + Qr("X", 4) +
                    GS + "v0" + std::string(1, '\0') + std::string("\x01\x00\x02\x00\xff\xff", 6) + GS + "V\x42\x10";
  for (size_t n = 0; n <= job.size(); ++n) {
    RenderResult r = RenderEscPos(std::string_view(job).substr(0, n));
    CHECK(r.image.width == 384);
    CHECK(r.image.pixels.size() == size_t(r.image.width) * size_t(r.image.height));
  }
  const char intro[] = {0x1b, 0x1d, 0x1c, 0x10, 0x0a, 0x00};
  for (int round = 0; round < 300; ++round) {
    std::string soup;
    const int len = prng.Uniform(0, 400);
    for (int i = 0; i < len; ++i) {
      soup += prng.Uniform(0, 3) == 0 ? intro[prng.Uniform(0, 5)] : char(prng.Uniform(0, 255));
    }
    RenderResult r = RenderEscPos(soup, {prng.Uniform(0, 1) ? kPaper58mmDots : kPaper80mmDots, "GB18030"});
    CHECK(r.image.pixels.size() == size_t(r.image.width) * size_t(r.image.height));
    for (const RenderIssue& is : r.issues) CHECK(is.offset < soup.size() + 1);
  }
}

}  // namespace
}  // namespace linli
