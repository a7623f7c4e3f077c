// The virtual ESC/POS printer. See escpos_render.h for what it understands.
//
// Shape: one Renderer per call walks the bytes with a cursor. Every command
// first checks that all of its bytes are present (Need), so a truncated
// stream stops with an issue instead of reading past the end. Printable
// bytes collect in `pending_` and are decoded (GB18030 or CP437) into the
// line buffer whenever a command or LF arrives; LF, a full line, or any
// block element (raster, barcode, QR, cut) prints the line buffer onto the
// canvas with the alignment in force, as a thermal printer does.
#include "linli/drivers/escpos_render.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

#include "font_raster.h"
#include "linli/drivers/codes.h"

namespace linli {
namespace {

constexpr uint8_t kHT = 0x09, kLF = 0x0A, kCR = 0x0D, kDLE = 0x10, kESC = 0x1B, kFS = 0x1C, kGS = 0x1D;
constexpr int kMaxRows = 200000;    // about 25 m of paper: more is a runaway stream
constexpr int kDefaultSpacing = 30; // dots per line, ESC 2
constexpr int kFontAHeight = 24, kFontAWidth = 12;
constexpr int kFontBHeight = 17, kFontBWidth = 9;

std::string Hex(uint8_t b) {
  static const char* d = "0123456789abcdef";
  return std::string("0x") + d[b >> 4] + d[b & 15];
}

struct Style {
  bool bold = false;
  int underline = 0;  // dots: 0, 1, 2
  bool reverse = false;
  bool font_b = false;
  int wmul = 1, hmul = 1;      // GS ! / ESC !
  int cn_wmul = 1, cn_hmul = 1;// FS ! / FS W, Chinese characters only
  int align = 0;               // 0 left, 1 centre, 2 right
};

class Renderer {
 public:
  Renderer(std::string_view bytes, const RenderOptions& options)
      : b_(bytes), n_(bytes.size()), width_(options.paper_width), cn_codepage_(options.chinese_encoding) {
    if (width_ < 64 || width_ > 4096) {
      AddIssue(0, "paper width " + std::to_string(width_) + " dots is out of range; rendering at 384 (58 mm)");
      width_ = kPaper58mmDots;
    }
    font_a_ = FontRaster::Open(kFontAHeight);
    font_b_ = FontRaster::Open(kFontBHeight);
    result_.font_path = font_a_->FontPath();
  }

  RenderResult Run() {
    while (p_ < n_) {
      const uint8_t c = Byte(p_);
      bool ok = true;
      if (c == kLF) {
        FlushPending();
        PrintLine(true);
        ++p_;
      } else if (c == kCR) {
        ++p_;
      } else if (c == kHT) {
        FlushPending();
        Tab();
        ++p_;
      } else if (c == kESC) {
        FlushPending();
        ok = Esc();
      } else if (c == kGS) {
        FlushPending();
        ok = Gs();
      } else if (c == kFS) {
        FlushPending();
        ok = Fs();
      } else if (c == kDLE) {
        FlushPending();
        ok = Dle();
      } else if (c < 0x20 || c == 0x7f) {
        FlushPending();
        AddIssue(p_, "unknown control byte " + Hex(c));
        ++p_;
      } else {
        pending_.push_back(char(c));
        ++p_;
      }
      if (!ok) break;  // truncated: nothing after it can be trusted
    }
    FlushPending();
    if (!line_.empty()) PrintLine(true);
    const int rows = std::max(1, std::min(y_, kMaxRows));
    EnsureRows(rows);
    result_.image.width = width_;
    result_.image.height = rows;
    pixels_.resize(size_t(width_) * size_t(rows));
    result_.image.pixels = std::move(pixels_);
    return std::move(result_);
  }

 private:
  struct Cell {
    GrayImage bmp;  // already scaled and styled
  };

  // ---- cursor helpers
  uint8_t Byte(size_t i) const { return uint8_t(b_[i]); }
  // True when `count` bytes starting at the command's first byte exist.
  bool Need(size_t count, const std::string& name) {
    if (n_ - p_ >= count) return true;
    AddIssue(p_, "truncated command " + name + ": needs " + std::to_string(count) + " bytes, " +
                     std::to_string(n_ - p_) + " left");
    return false;
  }
  void AddIssue(size_t offset, std::string what) { result_.issues.push_back({offset, std::move(what)}); }
  void Unknown(const char* prefix, size_t len) {
    AddIssue(p_, std::string("unknown command ") + prefix + " " + Hex(Byte(p_ + 1)));
    p_ += len;
  }

  // ---- canvas
  void EnsureRows(int rows) {
    rows = std::min(rows, kMaxRows);
    if (rows > rows_) {
      pixels_.resize(size_t(width_) * size_t(rows), 255);
      rows_ = rows;
    }
  }
  void Ink(int x, int y, uint8_t v = 0) {
    if (x < 0 || y < 0 || x >= width_ || y >= rows_) return;
    pixels_[size_t(y) * size_t(width_) + size_t(x)] = v;
  }
  void Blit(const GrayImage& bmp, int x0, int y0) {
    EnsureRows(y0 + bmp.height);
    for (int y = 0; y < bmp.height; ++y)
      for (int x = 0; x < bmp.width; ++x)
        if (bmp.at(x, y) < 128) Ink(x0 + x, y0 + y);
  }
  int AreaWidth() const {
    const int avail = std::max(0, width_ - left_margin_);
    return area_width_ > 0 ? std::min(avail, area_width_) : avail;
  }
  int AlignedX(int w) const {
    const int area = AreaWidth();
    if (w >= area || style_.align == 0) return left_margin_;
    return left_margin_ + (style_.align == 1 ? (area - w) / 2 : area - w);
  }
  void Feed(int dots) { y_ = std::min(y_ + std::max(0, dots), kMaxRows * 2); }

  // ---- text
  void FlushPending() {
    if (pending_.empty()) return;
    const char* codepage = chinese_ ? cn_codepage_.c_str() : "ibm-437";
    icu::UnicodeString u(pending_.data(), int32_t(pending_.size()), codepage);
    pending_.clear();
    for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) AddGlyph(u.char32At(i), chinese_ && u.char32At(i) >= 0x80);
  }

  void AddGlyph(UChar32 cp, bool wide) {
    FontRaster& font = style_.font_b ? *font_b_ : *font_a_;
    const int base_h = style_.font_b ? kFontBHeight : kFontAHeight;
    const int base_w = (style_.font_b ? kFontBWidth : kFontAWidth) * (wide ? 2 : 1);
    const int wm = wide ? std::max(style_.wmul, style_.cn_wmul) : style_.wmul;
    const int hm = wide ? std::max(style_.hmul, style_.cn_hmul) : style_.hmul;
    const GrayImage& g = font.Glyph(char32_t(cp), base_w);
    const int cell_w = (base_w + char_spacing_) * wm;
    GrayImage cell(cell_w, base_h * hm);
    for (int y = 0; y < cell.height; ++y)
      for (int x = 0; x < base_w * wm; ++x) {
        const int gx = x / wm, gy = y / hm;
        bool ink = g.at(gx, gy) < 128;
        if (style_.bold && gx > 0 && g.at(gx - 1, gy) < 128) ink = true;
        if (ink) cell.at(x, y) = 0;
      }
    for (int t = 0; t < style_.underline * hm; ++t)
      for (int x = 0; x < cell_w; ++x) cell.at(x, cell.height - 1 - t) = 0;
    if (style_.reverse)
      for (uint8_t& px : cell.pixels) px = px < 128 ? 255 : 0;
    if (line_width_ + cell_w > AreaWidth() && !line_.empty()) PrintLine(true);
    line_width_ += cell_w;
    line_.push_back({std::move(cell)});
    icu::UnicodeString(cp).toUTF8String(line_text_);
  }

  void Tab() {
    const int stop = kFontAWidth * 8;
    const int next = (line_width_ / stop + 1) * stop;
    if (next > AreaWidth()) return;
    GrayImage gap(next - line_width_, 1);
    line_width_ = next;
    line_.push_back({std::move(gap)});
    line_text_ += '\t';
  }

  // Prints the line buffer; an empty buffer feeds one line only when
  // `feed_empty` (LF does, block elements do not).
  void PrintLine(bool feed_empty) {
    if (line_.empty()) {
      if (feed_empty) {
        Feed(line_spacing_);
        result_.text += '\n';
      }
      return;
    }
    int lh = 0;
    for (const Cell& c : line_) lh = std::max(lh, c.bmp.height);
    int x = AlignedX(line_width_);
    EnsureRows(y_ + lh);
    for (const Cell& c : line_) {
      Blit(c.bmp, x, y_ + lh - c.bmp.height);  // printers align characters on the bottom
      x += c.bmp.width;
    }
    Feed(std::max(lh, line_spacing_));
    result_.text += line_text_;
    result_.text += '\n';
    line_.clear();
    line_text_.clear();
    line_width_ = 0;
  }

  // Draws a block element (raster, code) on its own line(s).
  void PrintBlock(const GrayImage& bmp) {
    PrintLine(false);
    Blit(bmp, AlignedX(bmp.width), y_);
    Feed(bmp.height);
  }

  void DrawTextCentered(const std::string& ascii, int cx) {
    const int w = int(ascii.size()) * kFontAWidth;
    int x = cx - w / 2;
    EnsureRows(y_ + kFontAHeight);
    for (char ch : ascii) {
      Blit(font_a_->Glyph(char32_t(uint8_t(ch)), kFontAWidth), x, y_);
      x += kFontAWidth;
    }
    Feed(kFontAHeight + 2);
  }

  void Cut(size_t offset) {
    (void)offset;
    PrintLine(false);
    Feed(8);
    EnsureRows(y_ + 1);
    for (int x = 0; x < width_; x += 8)
      for (int k = 0; k < 4; ++k) Ink(x + k, y_, 128);
    Feed(16);
    ++result_.cuts;
  }

  // ---- ESC
  bool Esc() {
    if (!Need(2, "ESC")) return false;
    const uint8_t c = Byte(p_ + 1);
    auto arg = [&](const char* name, size_t len) { return Need(len, std::string("ESC ") + name); };
    switch (c) {
      case '@':
        style_ = Style();
        line_spacing_ = kDefaultSpacing;
        char_spacing_ = 0;
        chinese_ = true;
        left_margin_ = 0;
        area_width_ = 0;
        p_ += 2;
        return true;
      case 'E':
      case 'G':
        if (!arg(c == 'E' ? "E" : "G", 3)) return false;
        style_.bold = (Byte(p_ + 2) & 1) != 0;
        p_ += 3;
        return true;
      case '!': {
        if (!arg("!", 3)) return false;
        const uint8_t n = Byte(p_ + 2);
        style_.font_b = (n & 0x01) != 0;
        style_.bold = (n & 0x08) != 0;
        style_.hmul = (n & 0x10) ? 2 : 1;
        style_.wmul = (n & 0x20) ? 2 : 1;
        style_.underline = (n & 0x80) ? 1 : 0;
        p_ += 3;
        return true;
      }
      case '-': {
        if (!arg("-", 3)) return false;
        const uint8_t n = Byte(p_ + 2);
        style_.underline = (n == 1 || n == '1') ? 1 : (n == 2 || n == '2') ? 2 : 0;
        p_ += 3;
        return true;
      }
      case 'a': {
        if (!arg("a", 3)) return false;
        const uint8_t n = Byte(p_ + 2);
        style_.align = (n == 1 || n == '1') ? 1 : (n == 2 || n == '2') ? 2 : 0;
        p_ += 3;
        return true;
      }
      case 'M': {
        if (!arg("M", 3)) return false;
        const uint8_t n = Byte(p_ + 2);
        style_.font_b = (n == 1 || n == '1');
        p_ += 3;
        return true;
      }
      case '2':
        line_spacing_ = kDefaultSpacing;
        p_ += 2;
        return true;
      case '3':
        if (!arg("3", 3)) return false;
        line_spacing_ = Byte(p_ + 2);
        p_ += 3;
        return true;
      case 'd':
        if (!arg("d", 3)) return false;
        PrintLine(false);
        for (int i = 0; i < Byte(p_ + 2); ++i) {
          Feed(line_spacing_);
          result_.text += '\n';
        }
        p_ += 3;
        return true;
      case 'J':
        if (!arg("J", 3)) return false;
        PrintLine(false);
        Feed(Byte(p_ + 2));
        p_ += 3;
        return true;
      case ' ':
        if (!arg("SP", 3)) return false;
        char_spacing_ = Byte(p_ + 2);
        p_ += 3;
        return true;
      case 't': case 'R': case '{': case 'V': case '=': case 'U': case 'r': case 'e': case 'c':
        // Code table, international set, upside-down, rotation, peripheral
        // select, unidirectional, colour, reverse feed, 'c' panel keys:
        // accepted, nothing to draw.
        if (c == 'c') {
          if (!arg("c", 4)) return false;
          p_ += 4;
          return true;
        }
        if (!arg(std::string(1, char(c)).c_str(), 3)) return false;
        p_ += 3;
        return true;
      case '$':
      case '\\':
        if (!arg(c == '$' ? "$" : "\\", 4)) return false;
        p_ += 4;
        return true;
      case 'D': {
        // Tab stops: up to 32 bytes, NUL-terminated.
        size_t i = p_ + 2;
        while (i < n_ && Byte(i) != 0) ++i;
        if (i >= n_) return Need(n_ - p_ + 1, "ESC D");
        p_ = i + 1;
        return true;
      }
      case 'p':
        if (!arg("p", 5)) return false;
        ++result_.drawer_kicks;
        p_ += 5;
        return true;
      case 'i':
      case 'm':
        Cut(p_);
        p_ += 2;
        return true;
      case '*':
        return BitImage();
      default:
        Unknown("ESC", 2);
        return true;
    }
  }

  // ESC * m nL nH d…: a column bit image inside the text line.
  bool BitImage() {
    if (!Need(5, "ESC *")) return false;
    const uint8_t m = Byte(p_ + 2);
    const int cols = Byte(p_ + 3) + 256 * Byte(p_ + 4);
    int dots;
    switch (m) {
      case 0: case 1: dots = 8; break;
      case 32: case 33: dots = 24; break;
      default:
        AddIssue(p_, "unknown bit-image mode ESC * " + std::to_string(m));
        p_ += 5;
        return true;
    }
    const size_t bytes = size_t(cols) * size_t(dots / 8);
    if (!Need(5 + bytes, "ESC *")) return false;
    const int xmul = (m == 0 || m == 32) ? 2 : 1;
    const int ymul = dots == 8 ? 3 : 1;  // 8-dot images are printed at 1/3 vertical density
    GrayImage bmp(cols * xmul, dots * ymul);
    const size_t base = p_ + 5;
    for (int col = 0; col < cols; ++col)
      for (int d = 0; d < dots; ++d) {
        const uint8_t v = Byte(base + size_t(col) * size_t(dots / 8) + size_t(d / 8));
        if (v & (0x80 >> (d % 8)))
          for (int dx = 0; dx < xmul; ++dx)
            for (int dy = 0; dy < ymul; ++dy) bmp.at(col * xmul + dx, d * ymul + dy) = 0;
      }
    line_width_ += bmp.width;
    line_.push_back({std::move(bmp)});
    p_ += 5 + bytes;
    return true;
  }

  // ---- GS
  bool Gs() {
    if (!Need(2, "GS")) return false;
    const uint8_t c = Byte(p_ + 1);
    auto arg = [&](const char* name, size_t len) { return Need(len, std::string("GS ") + name); };
    switch (c) {
      case '!': {
        if (!arg("!", 3)) return false;
        const uint8_t n = Byte(p_ + 2);
        style_.wmul = ((n >> 4) & 7) + 1;
        style_.hmul = (n & 7) + 1;
        p_ += 3;
        return true;
      }
      case 'B':
        if (!arg("B", 3)) return false;
        style_.reverse = (Byte(p_ + 2) & 1) != 0;
        p_ += 3;
        return true;
      case 'h':
        if (!arg("h", 3)) return false;
        bar_height_ = std::max<int>(1, Byte(p_ + 2));
        p_ += 3;
        return true;
      case 'w':
        if (!arg("w", 3)) return false;
        bar_module_ = std::clamp<int>(Byte(p_ + 2), 1, 6);
        p_ += 3;
        return true;
      case 'H':
        if (!arg("H", 3)) return false;
        hri_ = Byte(p_ + 2) & 3;
        p_ += 3;
        return true;
      case 'f': case 'a': case 'r': case 'I': case 'b': case 'E': case 'j':
        if (!arg(std::string(1, char(c)).c_str(), 3)) return false;
        p_ += 3;
        return true;
      case 'L':
        if (!arg("L", 4)) return false;
        left_margin_ = std::min(width_ - 8, Byte(p_ + 2) + 256 * Byte(p_ + 3));
        p_ += 4;
        return true;
      case 'W':
        if (!arg("W", 4)) return false;
        area_width_ = Byte(p_ + 2) + 256 * Byte(p_ + 3);
        p_ += 4;
        return true;
      case 'P': case '$': case '\\':
        if (!arg("P", 4)) return false;
        p_ += 4;
        return true;
      case 'V':
        return GsCut();
      case 'v':
        return Raster();
      case 'k':
        return Barcode();
      case '(':
        return GsParen();
      default:
        Unknown("GS", 2);
        return true;
    }
  }

  bool GsCut() {
    if (!Need(3, "GS V")) return false;
    const uint8_t m = Byte(p_ + 2);
    if (m == 0 || m == 1 || m == '0' || m == '1') {
      Cut(p_);
      p_ += 3;
      return true;
    }
    if (m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104) {
      if (!Need(4, "GS V")) return false;
      PrintLine(false);
      Feed(Byte(p_ + 3));
      Cut(p_);
      p_ += 4;
      return true;
    }
    AddIssue(p_, "unknown cut mode GS V " + std::to_string(m));
    p_ += 3;
    return true;
  }

  // GS v 0 m xL xH yL yH d…: a raster bit image, xL+xH*256 bytes across.
  bool Raster() {
    if (!Need(8, "GS v 0")) return false;
    if (Byte(p_ + 2) != '0' && Byte(p_ + 2) != 0) {
      Unknown("GS v", 3);
      return true;
    }
    const uint8_t m = Byte(p_ + 3);
    const int xb = Byte(p_ + 4) + 256 * Byte(p_ + 5);
    const int rows = Byte(p_ + 6) + 256 * Byte(p_ + 7);
    const size_t bytes = size_t(xb) * size_t(rows);
    if (!Need(8 + bytes, "GS v 0")) return false;
    const int sx = (m & 1) ? 2 : 1, sy = (m & 2) ? 2 : 1;
    if (xb > 0 && rows > 0) {
      // Pixels beyond the paper are dropped, as the printer drops them.
      const int w = std::min(xb * 8 * sx, width_);
      GrayImage bmp(w, rows * sy);
      const size_t base = p_ + 8;
      for (int y = 0; y < rows; ++y)
        for (int xbit = 0; xbit < xb * 8 && xbit * sx < w; ++xbit) {
          const uint8_t v = Byte(base + size_t(y) * size_t(xb) + size_t(xbit / 8));
          if (v & (0x80 >> (xbit % 8)))
            for (int dx = 0; dx < sx; ++dx)
              for (int dy = 0; dy < sy; ++dy)
                if (xbit * sx + dx < w) bmp.at(xbit * sx + dx, y * sy + dy) = 0;
        }
      PrintBlock(bmp);
      result_.text += "[raster " + std::to_string(xb * 8 * sx) + "x" + std::to_string(rows * sy) + "]\n";
    }
    p_ += 8 + bytes;
    return true;
  }

  // CODE128 data as ESC/POS sends it ({A/{B/{C set switches, {{ = '{')
  // turned into the characters it stands for.
  static bool Code128Text(std::string_view data, std::string* out) {
    char set = 'B';
    for (size_t i = 0; i < data.size(); ++i) {
      const uint8_t ch = uint8_t(data[i]);
      if (ch == '{' && i + 1 < data.size()) {
        const char next = data[++i];
        if (next == 'A' || next == 'B' || next == 'C') set = next;
        else if (next == '{') *out += '{';
        // {1 {2 {3 {4 (FNC) and {S (shift) carry no text.
        continue;
      }
      if (set == 'C') {
        if (ch > 99) return false;
        *out += char('0' + ch / 10);
        *out += char('0' + ch % 10);
      } else {
        *out += char(ch);
      }
    }
    return !out->empty();
  }

  // EAN/UPC data without its check digit, as printers accept it, completed
  // so the text shows the number the bars carry.
  static std::string WithCheckDigit(CodeFormat f, const std::string& digits) {
    const size_t full = f == CodeFormat::kEan13 ? 13 : f == CodeFormat::kEan8 ? 8 : f == CodeFormat::kUpcA ? 12 : 0;
    if (full == 0 || digits.size() + 1 != full) return digits;
    if (!std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return digits;
    int sum = 0;
    // Weights 3,1,3,… from the rightmost data digit.
    for (size_t i = 0; i < digits.size(); ++i) sum += (digits[digits.size() - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
    return digits + char('0' + (10 - sum % 10) % 10);
  }

  bool Barcode() {
    if (!Need(3, "GS k")) return false;
    const uint8_t m = Byte(p_ + 2);
    std::string_view data;
    size_t len = 0;
    if (m <= 6) {
      size_t i = p_ + 3;
      while (i < n_ && Byte(i) != 0) ++i;
      if (i >= n_) return Need(n_ - p_ + 1, "GS k (no NUL after data)");
      data = b_.substr(p_ + 3, i - (p_ + 3));
      len = i + 1 - p_;
    } else if (m >= 65 && m <= 79) {
      if (!Need(4, "GS k")) return false;
      const size_t k = Byte(p_ + 3);
      if (!Need(4 + k, "GS k")) return false;
      data = b_.substr(p_ + 4, k);
      len = 4 + k;
    } else {
      AddIssue(p_, "unknown barcode system GS k " + std::to_string(m));
      p_ += 3;
      return true;
    }
    const int sys = m <= 6 ? m : m - 65;
    CodeFormat fmt = CodeFormat::kOther;
    std::string text(data);
    std::string name;
    switch (sys) {
      case 0: fmt = CodeFormat::kUpcA; break;
      case 1: fmt = CodeFormat::kUpcE; break;
      case 2: fmt = CodeFormat::kEan13; break;
      case 3: fmt = CodeFormat::kEan8; break;
      case 4: name = "CODE39"; break;
      case 5: name = "ITF"; break;
      case 6: name = "CODABAR"; break;
      case 7: name = "CODE93"; break;
      case 8:
        fmt = CodeFormat::kCode128;
        text.clear();
        if (!Code128Text(data, &text)) {
          AddIssue(p_, "CODE128 data is empty or has a {C value above 99");
          p_ += len;
          return true;
        }
        break;
      default: name = "barcode system " + std::to_string(m); break;
    }
    if (fmt == CodeFormat::kOther) {
      // Symbologies Linli never prints: a marked box the bar height tall.
      GrayImage box(std::min(AreaWidth(), int(text.size() + 2) * 11 * bar_module_), bar_height_);
      for (int x = 0; x < box.width; ++x) box.at(x, 0) = box.at(x, box.height - 1) = 0;
      for (int y = 0; y < box.height; ++y) box.at(0, y) = box.at(box.width - 1, y) = 0;
      PrintBlock(box);
      result_.text += "[" + name + " " + text + " (not drawn)]\n";
      p_ += len;
      return true;
    }
    auto row = EncodeCode(fmt, text, 0, 1);
    if (!row.ok()) {
      AddIssue(p_, std::string("GS k ") + CodeFormatName(fmt) + " \"" + text + "\" cannot be printed: " +
                       row.status().message());
      p_ += len;
      return true;
    }
    // Crop ZXing's quiet zone: paper around the bars is the quiet zone.
    int first = row->width, last = -1;
    for (int x = 0; x < row->width; ++x)
      if (row->at(x, 0) < 128) first = std::min(first, x), last = x;
    if (last < 0) {
      p_ += len;
      return true;
    }
    const int w = (last - first + 1) * bar_module_;
    text = WithCheckDigit(fmt, text);
    if (w > AreaWidth()) {
      AddIssue(p_, std::string(CodeFormatName(fmt)) + " \"" + text + "\" is " + std::to_string(w) +
                       " dots wide, wider than the " + std::to_string(AreaWidth()) +
                       "-dot print area; the printer skips it (use GS w 2 or a shorter code)");
      p_ += len;
      return true;
    }
    GrayImage bars(w, bar_height_);
    for (int x = 0; x < w; ++x)
      if (row->at(first + x / bar_module_, 0) < 128)
        for (int y = 0; y < bar_height_; ++y) bars.at(x, y) = 0;
    PrintLine(false);
    const int x0 = AlignedX(w);
    Feed(4);
    if (hri_ & 1) DrawTextCentered(text, x0 + w / 2);
    Blit(bars, x0, y_);
    Feed(bars.height + 2);
    if (hri_ & 2) DrawTextCentered(text, x0 + w / 2);
    result_.text += std::string("[") + CodeFormatName(fmt) + " " + text + "]\n";
    p_ += len;
    return true;
  }

  // GS ( k pL pH cn fn …: 2D codes. QR (cn 49) is drawn; PDF417 and others
  // are accepted and skipped.
  bool GsParen() {
    if (!Need(5, "GS (")) return false;
    const uint8_t which = Byte(p_ + 2);
    const size_t len = Byte(p_ + 3) + 256u * Byte(p_ + 4);
    const std::string name = std::string("GS ( ") + char(which >= 0x20 && which < 0x7f ? which : '?');
    if (!Need(5 + len, name)) return false;
    const size_t start = p_;
    p_ += 5 + len;
    if (which != 'k' || len < 2) return true;
    const uint8_t cn = Byte(start + 5), fn = Byte(start + 6);
    if (cn != 49) return true;
    const std::string_view params = b_.substr(start + 7, len - 2);
    switch (fn) {
      case 65: break;  // model: symbols are model 2
      case 67:
        if (!params.empty()) qr_module_ = std::clamp<int>(uint8_t(params[0]), 1, 16);
        break;
      case 69:
        if (!params.empty()) {
          const int e = uint8_t(params[0]) - 48;
          qr_ec_ = e == 0 ? QrEcLevel::kL : e == 2 ? QrEcLevel::kQ : e == 3 ? QrEcLevel::kH : QrEcLevel::kM;
        }
        break;
      case 80:
        qr_data_ = params.size() > 1 ? std::string(params.substr(1)) : std::string();
        break;
      case 81: PrintQr(start); break;
      default: break;  // 82: size report
    }
    return true;
  }

  void PrintQr(size_t offset) {
    if (qr_data_.empty()) {
      AddIssue(offset, "QR print (GS ( k fn 81) without stored data (fn 80)");
      return;
    }
    auto mods = EncodeQrModules(qr_data_, qr_ec_);
    if (!mods.ok()) {
      AddIssue(offset, "QR code cannot be printed: " + mods.status().message());
      return;
    }
    const int w = mods->width * qr_module_;
    if (w > AreaWidth()) {
      AddIssue(offset, "QR code is " + std::to_string(w) + " dots wide, wider than the print area; "
                       "the printer skips it (smaller module size, GS ( k fn 67)");
      return;
    }
    GrayImage bmp(w, mods->height * qr_module_);
    for (int y = 0; y < bmp.height; ++y)
      for (int x = 0; x < w; ++x) bmp.at(x, y) = mods->at(x / qr_module_, y / qr_module_);
    PrintLine(false);
    Feed(4 * qr_module_);  // quiet zone above
    Blit(bmp, AlignedX(w), y_);
    Feed(bmp.height + 4 * qr_module_);
    // The UTF-8 view of what was stored: GB18030 bytes in Chinese mode.
    result_.text += "[QR " + Utf8Of(qr_data_) + "]\n";
  }

  std::string Utf8Of(const std::string& bytes) const {
    bool ascii = std::all_of(bytes.begin(), bytes.end(), [](char ch) { return uint8_t(ch) < 0x80; });
    if (ascii) return bytes;
    std::string out;
    icu::UnicodeString(bytes.data(), int32_t(bytes.size()), "UTF-8").toUTF8String(out);
    return out;
  }

  // ---- FS
  bool Fs() {
    if (!Need(2, "FS")) return false;
    const uint8_t c = Byte(p_ + 1);
    switch (c) {
      case '&':
        chinese_ = true;
        p_ += 2;
        return true;
      case '.':
        chinese_ = false;
        p_ += 2;
        return true;
      case '!': {
        if (!Need(3, "FS !")) return false;
        const uint8_t n = Byte(p_ + 2);
        style_.cn_wmul = (n & 0x04) ? 2 : 1;
        style_.cn_hmul = (n & 0x08) ? 2 : 1;
        p_ += 3;
        return true;
      }
      case 'W': {
        if (!Need(3, "FS W")) return false;
        const int k = (Byte(p_ + 2) & 1) ? 2 : 1;
        style_.cn_wmul = style_.cn_hmul = k;
        p_ += 3;
        return true;
      }
      case '-': case 'C':
        if (!Need(3, std::string("FS ") + char(c))) return false;
        p_ += 3;
        return true;
      case 'S':
      case 'p':
        if (!Need(4, "FS S")) return false;
        p_ += 4;
        return true;
      default:
        Unknown("FS", 2);
        return true;
    }
  }

  // ---- DLE
  bool Dle() {
    if (!Need(2, "DLE")) return false;
    const uint8_t c = Byte(p_ + 1);
    switch (c) {
      case 0x04:  // EOT: status request, nothing printed
      case 0x05:  // ENQ
        if (!Need(3, "DLE EOT")) return false;
        p_ += 3;
        return true;
      case 0x14:  // DC4 fn …: fn 1 pulses the drawer
        if (!Need(3, "DLE DC4")) return false;
        if (Byte(p_ + 2) == 1) {
          if (!Need(5, "DLE DC4 1")) return false;
          ++result_.drawer_kicks;
          p_ += 5;
          return true;
        }
        if (!Need(5, "DLE DC4")) return false;
        p_ += 5;
        return true;
      default:
        Unknown("DLE", 2);
        return true;
    }
  }

  std::string_view b_;
  size_t n_;
  size_t p_ = 0;
  int width_;
  std::string cn_codepage_;
  std::unique_ptr<FontRaster> font_a_, font_b_;
  RenderResult result_;

  std::vector<uint8_t> pixels_;
  int rows_ = 0;
  int y_ = 0;

  Style style_;
  bool chinese_ = true;
  int line_spacing_ = kDefaultSpacing;
  int char_spacing_ = 0;
  int left_margin_ = 0, area_width_ = 0;
  int bar_height_ = 162, bar_module_ = 3, hri_ = 0;
  int qr_module_ = 3;
  QrEcLevel qr_ec_ = QrEcLevel::kM;
  std::string qr_data_;

  std::string pending_;
  std::vector<Cell> line_;
  std::string line_text_;
  int line_width_ = 0;
};

}  // namespace

RenderResult RenderEscPos(std::string_view bytes, const RenderOptions& options) {
  return Renderer(bytes, options).Run();
}

}  // namespace linli
