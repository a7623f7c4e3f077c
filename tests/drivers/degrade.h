// Synthetic camera frames for decoder tests and the decode benchmark: a code
// from EncodeCode placed on a frame, then rotated, blurred, noised or washed
// out. Deterministic (own PRNG), header-only, test code only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "linli/drivers/codes.h"
#include "linli/drivers/image.h"

namespace linli::testing {

// xorshift64*: the same numbers on every machine and library.
class Prng {
 public:
  explicit Prng(uint64_t seed) : s_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
  uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  int Uniform(int lo, int hi) { return lo + int(Next() % uint64_t(hi - lo + 1)); }  // inclusive
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += char('0' + Uniform(0, 9));
    return s;
  }

 private:
  uint64_t s_;
};

// GTIN check digit for EAN-13/8 and UPC-A data without it.
inline std::string WithGtinCheck(const std::string& d) {
  int sum = 0;
  for (size_t i = 0; i < d.size(); ++i) sum += (d[d.size() - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return d + char('0' + (10 - sum % 10) % 10);
}

// `code` scaled by (sx, sy) (nearest neighbour) in the middle of a white
// w x h frame; parts outside the frame are cut off.
inline GrayImage PlaceOnFrame(const GrayImage& code, int sx, int sy, int w = 640, int h = 480) {
  GrayImage f(w, h);
  const int cw = code.width * sx, ch = code.height * sy;
  const int x0 = (w - cw) / 2, y0 = (h - ch) / 2;
  for (int y = std::max(0, y0); y < std::min(h, y0 + ch); ++y)
    for (int x = std::max(0, x0); x < std::min(w, x0 + cw); ++x) f.at(x, y) = code.at((x - x0) / sx, (y - y0) / sy);
  return f;
}

// Rotation about the centre, bilinear, white where the source has nothing.
inline GrayImage Rotate(const GrayImage& src, double degrees) {
  GrayImage out(src.width, src.height);
  const double a = degrees * M_PI / 180.0, c = std::cos(a), s = std::sin(a);
  const double cx = (src.width - 1) / 2.0, cy = (src.height - 1) / 2.0;
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      const double dx = x - cx, dy = y - cy;
      const double fx = c * dx + s * dy + cx, fy = -s * dx + c * dy + cy;
      const int x0 = int(std::floor(fx)), y0 = int(std::floor(fy));
      const double tx = fx - x0, ty = fy - y0;
      auto px = [&](int xx, int yy) -> double {
        return (xx < 0 || yy < 0 || xx >= src.width || yy >= src.height) ? 255.0 : src.at(xx, yy);
      };
      const double v = (1 - ty) * ((1 - tx) * px(x0, y0) + tx * px(x0 + 1, y0)) +
                       ty * ((1 - tx) * px(x0, y0 + 1) + tx * px(x0 + 1, y0 + 1));
      out.at(x, y) = uint8_t(std::clamp(v + 0.5, 0.0, 255.0));
    }
  return out;
}

// Box blur of the given radius (1: 3x3), separable.
inline GrayImage BoxBlur(const GrayImage& src, int r) {
  GrayImage tmp(src.width, src.height), out(src.width, src.height);
  for (int y = 0; y < src.height; ++y)
    for (int x = 0; x < src.width; ++x) {
      int sum = 0, n = 0;
      for (int k = -r; k <= r; ++k)
        if (x + k >= 0 && x + k < src.width) sum += src.at(x + k, y), ++n;
      tmp.at(x, y) = uint8_t(sum / n);
    }
  for (int y = 0; y < src.height; ++y)
    for (int x = 0; x < src.width; ++x) {
      int sum = 0, n = 0;
      for (int k = -r; k <= r; ++k)
        if (y + k >= 0 && y + k < src.height) sum += tmp.at(x, y + k), ++n;
      out.at(x, y) = uint8_t(sum / n);
    }
  return out;
}

// Uniform noise of ±amplitude grey levels.
inline GrayImage AddNoise(GrayImage img, int amplitude, uint64_t seed) {
  Prng prng(seed);
  for (uint8_t& p : img.pixels) p = uint8_t(std::clamp(int(p) + prng.Uniform(-amplitude, amplitude), 0, 255));
  return img;
}

// Black becomes `lo`, white `hi`: a dim or washed-out frame.
inline GrayImage Contrast(GrayImage img, int lo, int hi) {
  for (uint8_t& p : img.pixels) p = uint8_t(lo + (int(p) * (hi - lo)) / 255);
  return img;
}

enum class Degradation { kClean, kRot90, kRot180, kRotSmall, kBlur, kNoise, kLowContrast, kAll };
inline const char* DegradationName(Degradation d) {
  switch (d) {
    case Degradation::kClean: return "clean";
    case Degradation::kRot90: return "rotated 90";
    case Degradation::kRot180: return "rotated 180";
    case Degradation::kRotSmall: return "rotated ±4..12";
    case Degradation::kBlur: return "box blur r=1";
    case Degradation::kNoise: return "noise ±48";
    case Degradation::kLowContrast: return "contrast 96..160";
    case Degradation::kAll: return "blur+noise+contrast+5°";
  }
  return "?";
}
inline constexpr Degradation kAllDegradations[] = {
    Degradation::kClean, Degradation::kRot90,       Degradation::kRot180, Degradation::kRotSmall,
    Degradation::kBlur,  Degradation::kNoise,       Degradation::kLowContrast, Degradation::kAll};

inline GrayImage Degrade(const GrayImage& frame, Degradation d, uint64_t seed) {
  Prng prng(seed);
  switch (d) {
    case Degradation::kClean: return frame;
    case Degradation::kRot90: return Rotate(frame, 90);
    case Degradation::kRot180: return Rotate(frame, 180);
    case Degradation::kRotSmall: {
      const int deg = prng.Uniform(4, 12);
      return Rotate(frame, prng.Uniform(0, 1) ? deg : -deg);
    }
    case Degradation::kBlur: return BoxBlur(frame, 1);
    case Degradation::kNoise: return AddNoise(frame, 48, seed);
    case Degradation::kLowContrast: return Contrast(frame, 96, 160);
    case Degradation::kAll: return AddNoise(Contrast(BoxBlur(Rotate(frame, 5), 1), 64, 192), 24, seed);
  }
  return frame;
}

// One generated frame: the code's text (as a decoder should report it) and
// its 640x480 picture, before degradation.
struct Sample {
  CodeFormat format;
  std::string text;
  GrayImage frame;
};

// A random code of `format` placed on a w x h frame at a camera-like scale.
inline Sample MakeSample(CodeFormat format, Prng& prng, int w = 640, int h = 480) {
  Sample s{format, "", {}};
  std::string data;
  int sx = 3, sy = 120;
  switch (format) {
    case CodeFormat::kEan13: data = WithGtinCheck(std::to_string(prng.Uniform(1, 9)) + prng.Digits(11)); break;
    case CodeFormat::kEan8: data = WithGtinCheck(prng.Digits(7)); break;
    case CodeFormat::kUpcA: data = WithGtinCheck(std::to_string(prng.Uniform(1, 9)) + prng.Digits(10)); break;
    case CodeFormat::kUpcE: data = "0" + std::to_string(prng.Uniform(1, 9)) + prng.Digits(4) + "3"; break;
    case CodeFormat::kCode128: data = "S" + prng.Digits(3) + "-" + prng.Digits(4) + "X"; sx = 2; break;
    case CodeFormat::kQrCode: data = "https://linli.example/r/S001-" + prng.Digits(8) + "-" + prng.Digits(4); sx = sy = 5; break;
    case CodeFormat::kDataMatrix: data = "LINLI-" + prng.Digits(10); sx = sy = 8; break;
    case CodeFormat::kPdf417: data = "LINLI PDF " + prng.Digits(12); sx = 2; sy = 2; break;
    case CodeFormat::kOther: break;
  }
  auto code = EncodeCode(format, data, 0, format == CodeFormat::kPdf417 ? 0 : 1);
  if (!code.ok()) return s;
  if (sy == 120) sy = std::max(1, 120 / code->height);  // 1D: bars ~120 px tall
  s.frame = PlaceOnFrame(*code, sx, sy, w, h);
  s.text = data;
  return s;
}

}  // namespace linli::testing
