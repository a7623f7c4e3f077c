// FreeType + fontconfig behind FontRaster, and the one fontconfig query
// (FindCjkFont, linli/drivers/cjk_font.h) the counter uses too. Glyphs are rendered anti-aliased
// and thresholded at 50 %, because a thermal head prints dots, not greys.
#include "font_raster.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "linli/drivers/cjk_font.h"

namespace linli {

std::optional<FontFile> FindCjkFont() {
  if (!FcInit()) return std::nullopt;
  FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>("sans-serif:lang=zh-cn"));
  if (!pat) return std::nullopt;
  std::optional<FontFile> found;
  FcCharSet* cs = FcCharSetCreate();
  FcCharSetAddChar(cs, 0x4E2D);
  FcPatternAddCharSet(pat, FC_CHARSET, cs);
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res = FcResultNoMatch;
  FcPattern* match = FcFontMatch(nullptr, pat, &res);
  if (match) {
    FcChar8* file = nullptr;
    FcCharSet* have = nullptr;
    int idx = 0;
    if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
        FcPatternGetCharSet(match, FC_CHARSET, 0, &have) == FcResultMatch && FcCharSetHasChar(have, 0x4E2D)) {
      FcPatternGetInteger(match, FC_INDEX, 0, &idx);
      found = FontFile{reinterpret_cast<const char*>(file), idx};
    }
    FcPatternDestroy(match);
  }
  FcCharSetDestroy(cs);
  FcPatternDestroy(pat);
  return found;
}

namespace {

class BoxRaster : public FontRaster {
 public:
  explicit BoxRaster(int h) : h_(h) {}
  bool HasFont() const override { return false; }
  std::string FontPath() const override { return ""; }
  const GrayImage& Glyph(char32_t cp, int cell_w) override {
    const uint64_t key = (uint64_t(cp) << 16) | uint64_t(cell_w & 0xffff);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    GrayImage g(cell_w, h_);
    if (cp != U' ' && cell_w > 3 && h_ > 5) {
      // The glyph's box, inset by one dot so neighbours stay apart.
      for (int x = 1; x < cell_w - 1; ++x) g.at(x, 2) = g.at(x, h_ - 3) = 0;
      for (int y = 2; y < h_ - 2; ++y) g.at(1, y) = g.at(cell_w - 2, y) = 0;
    }
    return cache_.emplace(key, std::move(g)).first->second;
  }

 private:
  int h_;
  std::unordered_map<uint64_t, GrayImage> cache_;
};

class FreeTypeRaster : public FontRaster {
 public:
  FreeTypeRaster(FT_Library lib, FT_Face face, std::string path, int h)
      : lib_(lib), face_(face), path_(std::move(path)), h_(h) {}
  ~FreeTypeRaster() override {
    FT_Done_Face(face_);
    FT_Done_FreeType(lib_);
  }
  bool HasFont() const override { return true; }
  std::string FontPath() const override { return path_; }

  const GrayImage& Glyph(char32_t cp, int cell_w) override {
    const uint64_t key = (uint64_t(cp) << 16) | uint64_t(cell_w & 0xffff);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    GrayImage g(cell_w, h_);
    if (FT_Load_Char(face_, FT_ULong(cp), FT_LOAD_RENDER) == 0) {
      const FT_GlyphSlot slot = face_->glyph;
      const FT_Bitmap& bm = slot->bitmap;
      // Baseline at ~80 % of the cell, as printer fonts sit; glyphs are
      // centred horizontally in their cell (ASCII half width, CJK full).
      const int baseline = (h_ * 4) / 5;
      const int adv = int(slot->advance.x >> 6);
      const int foot = std::max(adv, slot->bitmap_left + int(bm.width));
      // A glyph wider than its cell (Latin 'm', 'W' at half width) is
      // squeezed to fit, keeping the darkest coverage per column, as printer
      // fonts are drawn narrow; otherwise it is centred in the cell.
      const bool squeeze = foot > cell_w && foot > 0;
      const int x0 = squeeze ? 0 : std::max(0, (cell_w - adv) / 2);
      const int y0 = baseline - slot->bitmap_top;
      for (unsigned int r = 0; r < bm.rows; ++r) {
        for (unsigned int c = 0; c < bm.width; ++c) {
          int sx = slot->bitmap_left + int(c);
          if (squeeze) sx = sx * cell_w / foot;
          const int x = x0 + sx, y = y0 + int(r);
          if (x < 0 || y < 0 || x >= cell_w || y >= h_) continue;
          if (bm.pixel_mode == FT_PIXEL_MODE_GRAY && bm.buffer[r * unsigned(bm.pitch) + c] >= 128) g.at(x, y) = 0;
          if (bm.pixel_mode == FT_PIXEL_MODE_MONO &&
              (bm.buffer[r * unsigned(bm.pitch) + c / 8] & (0x80 >> (c % 8))) != 0)
            g.at(x, y) = 0;
        }
      }
    }
    return cache_.emplace(key, std::move(g)).first->second;
  }

 private:
  FT_Library lib_;
  FT_Face face_;
  std::string path_;
  int h_;
  std::unordered_map<uint64_t, GrayImage> cache_;
};

}  // namespace

std::unique_ptr<FontRaster> FontRaster::Open(int cell_height) {
  if (cell_height < 6) cell_height = 6;
  if (std::optional<FontFile> font = FindCjkFont()) {
    const std::string& path = font->path;
    FT_Library lib = nullptr;
    if (FT_Init_FreeType(&lib) == 0) {
      FT_Face face = nullptr;
      if (FT_New_Face(lib, path.c_str(), font->index, &face) == 0) {
        // Em size a little under the cell so descenders and CJK fit.
        FT_Set_Pixel_Sizes(face, 0, FT_UInt(cell_height - 2));
        return std::make_unique<FreeTypeRaster>(lib, face, path, cell_height);
      }
      FT_Done_FreeType(lib);
    }
  }
  return std::make_unique<BoxRaster>(cell_height);
}

}  // namespace linli
