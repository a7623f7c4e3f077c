// Glyph rasterising for the virtual printer: FreeType with the CJK font
// FindCjkFont() (linli/drivers/cjk_font.h) finds through fontconfig
// (WenQuanYi Micro Hei, Droid Sans Fallback, Noto CJK …).
// Internal to drivers; only escpos_render.cc uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "linli/drivers/image.h"

namespace linli {

class FontRaster {
 public:
  // A rasteriser for glyphs `cell_height` pixels tall (24 for ESC/POS font A).
  // When no usable font is installed it still works, drawing each glyph as
  // an outlined box of the glyph's cell: honest about layout, not about
  // shapes. HasFont() tells which.
  static std::unique_ptr<FontRaster> Open(int cell_height);
  virtual ~FontRaster() = default;

  virtual bool HasFont() const = 0;
  // The font file in use, or "" when drawing boxes.
  virtual std::string FontPath() const = 0;

  // A 1-bit glyph image of cell_w x cell_height (0 = ink, 255 = paper) for
  // code point `cp`, left-aligned in the cell, baseline where a printer's
  // font A puts it. Cached; not thread-safe (one FontRaster per renderer).
  virtual const GrayImage& Glyph(char32_t cp, int cell_w) = 0;
};

}  // namespace linli
