// The one place Linli includes ZXing-C++ (1.4). Every ZXing type and
// exception stops here; callers see GrayImage, DecodedCode and Status.
#define ZX_USE_UTF8 1
#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <exception>
#include <string>

#include "linli/drivers/codes.h"

namespace linli {
namespace {

ZXing::BarcodeFormat ToZx(CodeFormat f) {
  switch (f) {
    case CodeFormat::kEan13: return ZXing::BarcodeFormat::EAN13;
    case CodeFormat::kEan8: return ZXing::BarcodeFormat::EAN8;
    case CodeFormat::kUpcA: return ZXing::BarcodeFormat::UPCA;
    case CodeFormat::kUpcE: return ZXing::BarcodeFormat::UPCE;
    case CodeFormat::kCode128: return ZXing::BarcodeFormat::Code128;
    case CodeFormat::kQrCode: return ZXing::BarcodeFormat::QRCode;
    case CodeFormat::kDataMatrix: return ZXing::BarcodeFormat::DataMatrix;
    case CodeFormat::kPdf417: return ZXing::BarcodeFormat::PDF417;
    case CodeFormat::kOther: break;
  }
  return ZXing::BarcodeFormat::None;
}

// An if-chain, not a switch: ZXing's enum has aliases and flag unions that
// -Wswitch-enum would want listed.
CodeFormat FromZx(ZXing::BarcodeFormat f) {
  for (CodeFormat c : {CodeFormat::kEan13, CodeFormat::kEan8, CodeFormat::kUpcA, CodeFormat::kUpcE,
                       CodeFormat::kCode128, CodeFormat::kQrCode, CodeFormat::kDataMatrix, CodeFormat::kPdf417}) {
    if (ToZx(c) == f) return c;
  }
  return CodeFormat::kOther;
}

GrayImage FromBitMatrix(const ZXing::BitMatrix& m) {
  GrayImage img(m.width(), m.height());
  for (int y = 0; y < m.height(); ++y)
    for (int x = 0; x < m.width(); ++x)
      if (m.get(x, y)) img.at(x, y) = 0;
  return img;
}

// ESC/POS "GS ( k" error-correction byte 48..51 is L, M, Q, H; ZXing's
// MultiFormatWriter takes 0..8 and maps (level - 1) / 2 onto L, M, Q, H.
int ZxEccLevel(QrEcLevel level) {
  switch (level) {
    case QrEcLevel::kL: return 1;
    case QrEcLevel::kM: return 3;
    case QrEcLevel::kQ: return 5;
    case QrEcLevel::kH: return 7;
  }
  return 3;
}

std::vector<DecodedCode> DecodeOnce(const GrayImage& image, const DecodeOptions& options);

}  // namespace

const char* CodeFormatName(CodeFormat f) {
  switch (f) {
    case CodeFormat::kEan13: return "EAN-13";
    case CodeFormat::kEan8: return "EAN-8";
    case CodeFormat::kUpcA: return "UPC-A";
    case CodeFormat::kUpcE: return "UPC-E";
    case CodeFormat::kCode128: return "Code128";
    case CodeFormat::kQrCode: return "QRCode";
    case CodeFormat::kDataMatrix: return "DataMatrix";
    case CodeFormat::kPdf417: return "PDF417";
    case CodeFormat::kOther: break;
  }
  return "Other";
}

Result<GrayImage> EncodeQrModules(std::string_view text) { return EncodeQrModules(text, QrEcLevel::kM); }

Result<GrayImage> EncodeQrModules(std::string_view text, QrEcLevel level) {
  if (text.empty()) return Status::InvalidArgument("a QR code needs at least one character of data");
  try {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setMargin(0).setEccLevel(ZxEccLevel(level));
    // Width/height 0: ZXing returns the bare symbol, one bit per module.
    ZXing::BitMatrix m = writer.encode(std::string(text), 0, 0);
    if (m.width() <= 0) return Status::InvalidArgument("QR encoder produced no symbol");
    return FromBitMatrix(m);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot encode QR code: ") + e.what() +
                                   " (too much data for a QR code?)");
  }
}

Result<GrayImage> EncodeCode(CodeFormat format, std::string_view text, int width, int height) {
  const ZXing::BarcodeFormat zf = ToZx(format);
  if (zf == ZXing::BarcodeFormat::None) return Status::InvalidArgument("cannot encode format Other");
  if (text.empty()) return Status::InvalidArgument(std::string(CodeFormatName(format)) + " needs data to encode");
  if (width < 0 || height < 0 || width > 20000 || height > 20000) {
    return Status::InvalidArgument("code size out of range: " + std::to_string(width) + "x" + std::to_string(height));
  }
  try {
    ZXing::MultiFormatWriter writer(zf);
    ZXing::BitMatrix m = writer.encode(std::string(text), width, height);
    if (m.width() <= 0 || m.height() <= 0) return Status::InvalidArgument("encoder produced no symbol");
    return FromBitMatrix(m);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot encode \"") + std::string(text) + "\" as " +
                                   CodeFormatName(format) + ": " + e.what());
  }
}

std::vector<DecodedCode> DecodeImage(const GrayImage& image) {
  return DecodeImage(image, DecodeOptions{});
}

namespace {

// A copy with grey levels stretched so the 1st..99th percentile spans
// 0..255, or nullopt when the image already has full contrast. Dim and
// washed-out frames defeat some of ZXing's detectors (DataMatrix at a
// 64-level range) that read the stretched frame.
bool Stretch(const GrayImage& in, GrayImage* out) {
  size_t hist[256] = {};
  for (uint8_t p : in.pixels) ++hist[p];
  const size_t n = in.pixels.size(), cut = n / 100;
  int lo = 0, hi = 255;
  for (size_t acc = 0; lo < 255 && (acc += hist[lo]) <= cut;) ++lo;
  for (size_t acc = 0; hi > 0 && (acc += hist[hi]) <= cut;) --hi;
  if (hi - lo >= 160 || hi <= lo) return false;
  *out = in;
  for (uint8_t& p : out->pixels) p = uint8_t(std::clamp((int(p) - lo) * 255 / (hi - lo), 0, 255));
  return true;
}

// The image at half width and height, each pixel the mean of a 2×2 block;
// false when it would be too small to hold a code.
bool HalfSize(const GrayImage& in, GrayImage* out) {
  if (in.width < 160 || in.height < 120) return false;
  out->width = in.width / 2;
  out->height = in.height / 2;
  out->pixels.resize(size_t(out->width) * size_t(out->height));
  for (int y = 0; y < out->height; ++y) {
    const uint8_t* a = &in.pixels[size_t(2 * y) * size_t(in.width)];
    const uint8_t* b = a + in.width;
    uint8_t* o = &out->pixels[size_t(y) * size_t(out->width)];
    for (int x = 0; x < out->width; ++x) {
      o[x] = uint8_t((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) / 4);
    }
  }
  return true;
}

}  // namespace

std::vector<DecodedCode> DecodeImage(const GrayImage& image, const DecodeOptions& options) {
  if (options.try_harder && options.fast_first) {
    DecodeOptions quick = options;
    quick.try_harder = false;
    std::vector<DecodedCode> found = DecodeOnce(image, quick);
    if (!found.empty()) return found;
    // Sensor noise defeats the quick binarizer; averaging 2×2 pixels halves
    // it, and a counter code is large enough to read at half size.
    GrayImage half;
    if (HalfSize(image, &half)) {
      found = DecodeOnce(half, quick);
      if (!found.empty()) {
        for (DecodedCode& c : found) {
          for (int i = 0; i < 4; ++i) {
            c.x[i] *= 2;
            c.y[i] *= 2;
          }
        }
        return found;
      }
    }
  }
  std::vector<DecodedCode> out = DecodeOnce(image, options);
  GrayImage stretched;
  if (out.empty() && options.try_harder && Stretch(image, &stretched)) out = DecodeOnce(stretched, options);
  return out;
}

namespace {

std::vector<DecodedCode> DecodeOnce(const GrayImage& image, const DecodeOptions& options) {
  std::vector<DecodedCode> out;
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() < size_t(image.width) * size_t(image.height)) {
    return out;
  }
  try {
    ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
    ZXing::DecodeHints hints;
    hints.setTryHarder(options.try_harder);
    hints.setTryRotate(options.try_harder || options.fast_first);
    hints.setTryDownscale(true);
    if (options.max_symbols > 0) hints.setMaxNumberOfSymbols(uint8_t(std::min(options.max_symbols, 255)));
    ZXing::BarcodeFormats formats;
    if (options.formats.empty()) {
      formats = ZXing::BarcodeFormat::EAN13 | ZXing::BarcodeFormat::EAN8 | ZXing::BarcodeFormat::UPCA |
                ZXing::BarcodeFormat::UPCE | ZXing::BarcodeFormat::Code128 | ZXing::BarcodeFormat::QRCode |
                ZXing::BarcodeFormat::DataMatrix | ZXing::BarcodeFormat::PDF417;
    } else {
      for (CodeFormat f : options.formats) formats |= ToZx(f);
    }
    hints.setFormats(formats);
    for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
      if (!r.isValid()) continue;
      DecodedCode c;
      c.format = FromZx(r.format());
      c.text = r.text();
      const auto& pos = r.position();
      for (int i = 0; i < 4; ++i) {
        c.x[i] = pos[size_t(i)].x;
        c.y[i] = pos[size_t(i)].y;
      }
      out.push_back(std::move(c));
    }
  } catch (const std::exception&) {
    // ZXing does not throw on reading in 1.4; if it ever does, a frame we
    // cannot read is simply a frame with no codes.
    out.clear();
  }
  return out;
}

}  // namespace
}  // namespace linli
