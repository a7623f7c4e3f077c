// The one fontconfig query for a Chinese font, shared by the virtual
// printer's rasteriser (drivers/src/font_raster.cc) and the counter's font
// atlas (ui/views/app.cc). fontconfig is used nowhere else.
#pragma once

#include <optional>
#include <string>

namespace linli {

struct FontFile {
  std::string path;  // the font file
  int index = 0;     // the face within it (.ttc collections hold several)
};

// The best match for sans-serif in Simplified Chinese that really has the
// ideograph 中 (fontconfig may otherwise "match" a Latin font), or nullopt
// when fontconfig knows none (install fonts-wqy-microhei).
std::optional<FontFile> FindCjkFont();

}  // namespace linli
