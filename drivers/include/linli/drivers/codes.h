// Barcode and QR encoding and decoding through ZXing-C++ 1.4, wrapped in
// drivers/src/zxing_codes.cc only. Everything else in Linli uses these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linli/drivers/image.h"
#include "linli/pos/status.h"

namespace linli {

// Formats Linli reads and writes, named as the CLI prints them.
enum class CodeFormat { kEan13, kEan8, kUpcA, kUpcE, kCode128, kQrCode, kDataMatrix, kPdf417, kOther };
const char* CodeFormatName(CodeFormat f);  // "EAN-13", "QRCode", …

// The QR symbol's modules, one pixel per module, no quiet zone (0 = dark).
// Error correction M. Fails (InvalidArgument) on empty or oversized data.
Result<GrayImage> EncodeQrModules(std::string_view text);

// QR error-correction levels, as ESC/POS "GS ( k" function 69 selects them.
enum class QrEcLevel { kL, kM, kQ, kH };
Result<GrayImage> EncodeQrModules(std::string_view text, QrEcLevel level);

// A rendered code of the given size in pixels, with ZXing's quiet zone.
Result<GrayImage> EncodeCode(CodeFormat format, std::string_view text, int width, int height);

struct DecodedCode {
  CodeFormat format = CodeFormat::kOther;
  std::string text;
  int x[4] = {0, 0, 0, 0};  // corners: top-left, top-right, bottom-right, bottom-left
  int y[4] = {0, 0, 0, 0};
};

// Every code found in the image (try harder, rotations). Empty when none.
// Never throws; a malformed image (pixels shorter than width*height) yields none.
std::vector<DecodedCode> DecodeImage(const GrayImage& image);

struct DecodeOptions {
  // Empty: every format CodeFormat names (not kOther).
  std::vector<CodeFormat> formats;
  // Slower and more thorough: rotations, denser scan lines.
  bool try_harder = true;
  // With try_harder: first the quick pass (the given formats, one
  // binarizer, 90° rotations, no try-harder), then the same on a 2×2
  // averaged half-size copy (sensor noise), and the thorough search only when
  // both found nothing. A clear code, the usual case at the counter, costs
  // the quick pass alone; corners are always in the frame's coordinates.
  // decode_bench: 97.5% of the degraded frames at 3.5× zbar's frame rate.
  bool fast_first = true;
  int max_symbols = 0;  // 0: no limit
};
std::vector<DecodedCode> DecodeImage(const GrayImage& image, const DecodeOptions& options);

}  // namespace linli
