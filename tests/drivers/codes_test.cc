// ZXing wrapper: encoding round trips, and decoding of generated camera-like
// frames (rotation, blur, noise, low contrast) with success rates reported.
#include <doctest/doctest.h>

#include "degrade.h"
#include "linli/drivers/codes.h"
#include "linli/drivers/image.h"
#include "testing.h"

namespace linli {
namespace {

using testing::Degradation;

constexpr CodeFormat kFormats[] = {CodeFormat::kEan13,   CodeFormat::kEan8,       CodeFormat::kUpcA,
                                   CodeFormat::kUpcE,    CodeFormat::kCode128,    CodeFormat::kQrCode,
                                   CodeFormat::kDataMatrix, CodeFormat::kPdf417};

bool Found(const std::vector<DecodedCode>& codes, CodeFormat f, const std::string& text) {
  for (const DecodedCode& c : codes) {
    if (c.format != f) continue;
    if (c.text == text) return true;
    // UPC-E data is given without its check digit, which ZXing adds.
    if (f == CodeFormat::kUpcE && c.text.size() == text.size() + 1 && c.text.compare(0, text.size(), text) == 0)
      return true;
  }
  return false;
}

TEST_CASE("codes: format names") {
  CHECK(std::string(CodeFormatName(CodeFormat::kEan13)) == "EAN-13");
  CHECK(std::string(CodeFormatName(CodeFormat::kQrCode)) == "QRCode");
  CHECK(std::string(CodeFormatName(CodeFormat::kOther)) == "Other");
}

TEST_CASE("codes: QR modules are one pixel per module with no quiet zone") {
  auto m = EncodeQrModules("https://linli.example/r/1");
  REQUIRE(m.ok());
  CHECK(m->width == m->height);
  CHECK((m->width - 17) % 4 == 0);  // version v is 17 + 4v modules
  // Finder pattern: the top-left 7x7 ring is dark on its border.
  CHECK(m->at(0, 0) == 0);
  CHECK(m->at(6, 0) == 0);
  CHECK(m->at(0, 6) == 0);
  CHECK(m->at(1, 1) == 255);
  auto h = EncodeQrModules("https://linli.example/r/1", QrEcLevel::kH);
  REQUIRE(h.ok());
  CHECK(h->width >= m->width);
  CHECK_FALSE(EncodeQrModules("").ok());
  CHECK_FALSE(EncodeQrModules(std::string(8000, 'x')).ok());
}

TEST_CASE("codes: encode errors are statuses, not exceptions") {
  CHECK_FALSE(EncodeCode(CodeFormat::kEan13, "12345", 0, 1).ok());
  CHECK_FALSE(EncodeCode(CodeFormat::kEan13, "abcdefghijkl", 0, 1).ok());
  CHECK_FALSE(EncodeCode(CodeFormat::kOther, "1", 0, 1).ok());
  CHECK_FALSE(EncodeCode(CodeFormat::kCode128, "", 0, 1).ok());
  auto ok = EncodeCode(CodeFormat::kEan13, "690123456789", 200, 60);
  REQUIRE(ok.ok());
  CHECK(ok->width == 200);
  CHECK(ok->height == 60);
}

TEST_CASE("codes: decoding empty, blank and malformed images finds nothing") {
  CHECK(DecodeImage(GrayImage()).empty());
  CHECK(DecodeImage(GrayImage(640, 480)).empty());
  GrayImage bad(100, 100);
  bad.pixels.resize(10);  // shorter than width*height
  CHECK(DecodeImage(bad).empty());
}

TEST_CASE("codes: clean round trip for every format, with position") {
  testing::Prng prng(1);
  for (CodeFormat f : kFormats) {
    CAPTURE(CodeFormatName(f));
    testing::Sample s = testing::MakeSample(f, prng);
    REQUIRE(!s.text.empty());
    auto codes = DecodeImage(s.frame);
    REQUIRE(codes.size() >= 1);
    CHECK(Found(codes, f, s.text));
    // The corners lie inside the frame, around its middle.
    const DecodedCode& c = codes[0];
    CHECK(c.x[0] < 320);
    CHECK(c.x[2] > 320);
    for (int i = 0; i < 4; ++i) {
      CHECK(c.x[i] >= 0);
      CHECK(c.x[i] < 640);
      CHECK(c.y[i] >= 0);
      CHECK(c.y[i] < 480);
    }
  }
}

TEST_CASE("codes: decode options restrict formats") {
  testing::Prng prng(2);
  testing::Sample qr = testing::MakeSample(CodeFormat::kQrCode, prng);
  DecodeOptions only_ean;
  only_ean.formats = {CodeFormat::kEan13};
  CHECK(DecodeImage(qr.frame, only_ean).empty());
  DecodeOptions fast;
  fast.try_harder = false;
  CHECK(Found(DecodeImage(qr.frame, fast), CodeFormat::kQrCode, qr.text));
}

TEST_CASE("codes: two codes in one frame are both found") {
  auto ean = EncodeCode(CodeFormat::kEan13, "6901234567892", 0, 1);
  auto qr = EncodeQrModules("LINLI-TWO");
  REQUIRE(ean.ok());
  REQUIRE(qr.ok());
  GrayImage f(640, 480);
  for (int y = 0; y < 120; ++y)
    for (int x = 0; x < ean->width * 2; ++x) f.at(20 + x, 60 + y) = ean->at(x / 2, 0);
  for (int y = 0; y < qr->height * 6; ++y)
    for (int x = 0; x < qr->width * 6; ++x) f.at(420 + x, 260 + y) = qr->at(x / 6, y / 6);
  auto codes = DecodeImage(f);
  CHECK(Found(codes, CodeFormat::kEan13, "6901234567892"));
  CHECK(Found(codes, CodeFormat::kQrCode, "LINLI-TWO"));
}

// The success-rate table: every format under every degradation.
TEST_CASE("codes: success rate on degraded frames") {
  constexpr int kPerCell = 6;
  // Minimum success (of kPerCell) per degradation; measured rates are
  // printed, these floors only catch regressions. Everything combined
  // (blur on 2-3 px modules, noise, a 128-level range, 5°) is beyond what
  // linear codes survive; 2D codes have error correction.
  auto floor = [](CodeFormat f, Degradation d) {
    const bool matrix = f == CodeFormat::kQrCode || f == CodeFormat::kDataMatrix || f == CodeFormat::kPdf417;
    if (d == Degradation::kRotSmall) return 4;
    if (d == Degradation::kNoise) return 5;
    if (d == Degradation::kAll) return matrix ? 3 : 0;
    return kPerCell;
  };
  int total = 0, ok_total = 0;
  for (CodeFormat f : kFormats) {
    std::string line = std::string(CodeFormatName(f)) + ":";
    for (Degradation d : testing::kAllDegradations) {
      testing::Prng prng(uint64_t(f) * 100 + uint64_t(d) + 7);
      int ok = 0;
      for (int i = 0; i < kPerCell; ++i) {
        testing::Sample s = testing::MakeSample(f, prng);
        REQUIRE(!s.text.empty());
        GrayImage img = testing::Degrade(s.frame, d, prng.Next());
        if (Found(DecodeImage(img), f, s.text)) ++ok;
      }
      total += kPerCell;
      ok_total += ok;
      line += std::string("  ") + testing::DegradationName(d) + " " + std::to_string(ok) + "/" +
              std::to_string(kPerCell);
      const std::string where = std::string(CodeFormatName(f)) + " / " + testing::DegradationName(d);
      CAPTURE(where);
      CHECK(ok >= floor(f, d));
    }
    MESSAGE(line);
  }
  MESSAGE("overall " << ok_total << "/" << total << " (" << (100 * ok_total / total) << "%)");
}

// Issue 12: camera decoding at camera rate. The quick pass (and its 2×2
// averaged copy for sensor noise) must read what the thorough search reads,
// with corners in the frame's own coordinates.
TEST_CASE("codes: the quick pass reads noisy frames at half size and gives full-frame corners") {
  testing::Prng prng(1212);
  int read_quick = 0;
  for (int i = 0; i < 12; ++i) {
    const CodeFormat f = i % 2 ? CodeFormat::kQrCode : CodeFormat::kEan13;
    testing::Sample s = testing::MakeSample(f, prng);
    const GrayImage noisy = testing::Degrade(s.frame, testing::Degradation::kNoise, prng.Next());
    DecodeOptions thorough;
    thorough.fast_first = false;
    const std::vector<DecodedCode> slow = DecodeImage(noisy, thorough);
    const std::vector<DecodedCode> quick = DecodeImage(noisy, DecodeOptions{});
    REQUIRE(slow.size() == 1);
    REQUIRE(quick.size() == 1);
    CHECK(quick[0].text == s.text);
    CHECK(quick[0].text == slow[0].text);
    for (int k = 0; k < 4; ++k) {
      CHECK(quick[0].x[k] >= 0);
      CHECK(quick[0].x[k] < noisy.width);
      CHECK(quick[0].y[k] >= 0);
      CHECK(quick[0].y[k] < noisy.height);
      // The same symbol: corners within a few pixels of the thorough
      // search's (a linear code's y is the scan line that read it, which
      // may be any line through the bars).
      CHECK(std::abs(quick[0].x[k] - slow[0].x[k]) <= 8);
      if (f == CodeFormat::kQrCode) CHECK(std::abs(quick[0].y[k] - slow[0].y[k]) <= 8);
    }
    DecodeOptions no_fallback;
    no_fallback.try_harder = false;
    read_quick += !DecodeImage(noisy, no_fallback).empty();
  }
  MESSAGE("the full-size quick pass alone read " << read_quick << " of 12 noisy frames");
}

}  // namespace
}  // namespace linli
