// The virtual printer: interprets an ESC/POS byte stream the way a 58 mm or
// 80 mm thermal receipt printer would and returns what it would print, as
// text and as a paper-width picture.
//
// Tests use it to check the bytes the real printer gets; the counter uses it
// for the receipt preview. Barcodes and QR codes are drawn module for module
// (through EncodeCode / EncodeQrModules), so the picture decodes like paper.
//
// Understood: ESC @, ESC E, ESC !, ESC -, ESC a, ESC M, ESC 2, ESC 3, ESC d,
// ESC J, ESC t, ESC R, ESC SP, ESC p (drawer kick), ESC i/m (cut), GS !,
// GS B, GS h, GS w, GS H, GS f, GS L, GS W, GS v 0 (raster), GS k (UPC-A/E,
// EAN-13/8, CODE128 with {A/{B/{C; CODE39/ITF/CODABAR/CODE93 as a marked
// box), GS ( k QR (functions 65, 67, 69, 80, 81, 82; PDF417 skipped),
// GS V (cut), GS a, GS r, FS & / FS . (Chinese mode), FS ! / FS W, DLE EOT,
// DLE DC4 1 (drawer pulse), LF, CR, HT.
//
// Text is GB18030 while Chinese mode is on (the default of printers sold in
// China, and what Linli's encoder sends); code page 437 otherwise.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "linli/drivers/image.h"

namespace linli {

// Dots across the printable width: 384 for 58 mm paper, 576 for 80 mm.
inline constexpr int kPaper58mmDots = 384;
inline constexpr int kPaper80mmDots = 576;

struct RenderOptions {
  int paper_width = kPaper58mmDots;  // 64..4096 dots; others fall back to 384
  // ICU converter for text while Chinese mode (FS &) is on: "GB18030",
  // "GBK" or "UTF-8", matching the printer profile that made the bytes.
  std::string chinese_encoding = "GB18030";
};

// Something in the stream the printer would not have printed as intended.
struct RenderIssue {
  size_t offset = 0;  // byte offset of the command's first byte
  std::string what;   // "unknown command ESC 0x7a", "truncated command GS v 0 …"
};

struct RenderResult {
  // What was printed, line by line, in UTF-8. Printed codes and images show
  // as a bracketed line: "[EAN-13 6901234567892]", "[QR https://…]",
  // "[raster 384x120]". Automatic wrapping at the paper edge breaks lines
  // here as it does on paper.
  std::string text;
  // The paper, 0 = black dot, 255 = paper; paper_width wide, as tall as the
  // printout (at least one row). A cut is a dashed grey line.
  GrayImage image;
  int cuts = 0;
  int drawer_kicks = 0;
  // Empty when every byte was understood. A truncated command is the last
  // issue: rendering stops there, keeping what was printed before.
  std::vector<RenderIssue> issues;
  // The font used for text, or "" when glyphs were drawn as boxes.
  std::string font_path;
};

// Never fails and never reads outside `bytes`, whatever they contain.
// Thread-safe: each call has its own state.
RenderResult RenderEscPos(std::string_view bytes, const RenderOptions& options = {});

}  // namespace linli
