// ESC/POS command bytes and the receipt encoder. Command layouts follow the
// Epson ESC/POS reference, which the generic Chinese printers implement.
#include "linli/drivers/escpos.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "linli/drivers/codes.h"
#include "linli/pos/text.h"

namespace linli {
namespace escpos {
namespace {

char Byte(int v) { return static_cast<char>(static_cast<uint8_t>(v)); }

std::string Bytes(std::initializer_list<int> v) {
  std::string s;
  s.reserve(v.size());
  for (int b : v) s += Byte(b);
  return s;
}

}  // namespace

std::string Initialize() { return Bytes({kEsc, '@'}); }
std::string ChineseModeOn() { return Bytes({kFs, '&'}); }
std::string ChineseModeOff() { return Bytes({kFs, '.'}); }
std::string SelectCodePage(uint8_t n) { return Bytes({kEsc, 't', n}); }
std::string Bold(bool on) { return Bytes({kEsc, 'E', on ? 1 : 0}); }

std::string CharacterSize(int width, int height) {
  width = std::clamp(width, 1, 8);
  height = std::clamp(height, 1, 8);
  return Bytes({kGs, '!', ((width - 1) << 4) | (height - 1)});
}

std::string SetAlign(Align a) { return Bytes({kEsc, 'a', static_cast<int>(a)}); }
std::string Feed(int lines) { return Bytes({kEsc, 'd', std::clamp(lines, 0, 255)}); }

std::string RasterImage(const GrayImage& image, int threshold) {
  std::string out;
  if (image.width <= 0 || image.height <= 0) return out;
  const int row_bytes = (image.width + 7) / 8;
  for (int top = 0; top < image.height; top += kRasterBandRows) {
    const int rows = std::min(kRasterBandRows, image.height - top);
    out += Bytes({kGs, 'v', '0', 0, row_bytes & 0xFF, row_bytes >> 8, rows & 0xFF, rows >> 8});
    for (int y = top; y < top + rows; ++y) {
      for (int bx = 0; bx < row_bytes; ++bx) {
        int bits = 0;
        for (int k = 0; k < 8; ++k) {
          const int x = bx * 8 + k;
          if (x < image.width && image.at(x, y) < threshold) bits |= 0x80 >> k;
        }
        out += Byte(bits);
      }
    }
  }
  return out;
}

std::optional<Code128Plan> PlanCode128(std::string_view data) {
  if (data.empty() || data.size() > 80) return std::nullopt;
  for (char c : data) {
    if (c < 32 || c > 126) return std::nullopt;
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  Code128Plan plan;
  int symbols = 0;  // start, switches and data symbols
  char set = 0;
  auto use = [&](char s) {
    if (set == s) return;
    plan.data += '{';
    plan.data += s;
    ++symbols;  // the start character, or a CODE x switch
    set = s;
  };
  const bool all_digits = std::all_of(data.begin(), data.end(), is_digit);
  size_t i = 0;
  while (i < data.size()) {
    size_t run = 0;
    while (i + run < data.size() && is_digit(data[i + run])) ++run;
    const bool whole_even = all_digits && data.size() % 2 == 0;
    if (run >= 4 || whole_even) {
      if (run % 2 == 1) {  // odd run: its first digit goes in B
        use('B');
        plan.data += data[i];
        ++symbols;
        ++i;
        --run;
      }
      use('C');
      for (size_t k = 0; k < run; k += 2) {
        plan.data += Byte((data[i + k] - '0') * 10 + (data[i + k + 1] - '0'));
        ++symbols;
      }
      i += run;
      continue;
    }
    use('B');
    if (data[i] == '{') plan.data += '{';  // a literal '{' is sent as "{{"
    plan.data += data[i];
    ++symbols;
    ++i;
  }
  plan.modules = (symbols + 1) * 11 + 13;  // + check symbol, + stop (13 modules)
  return plan;
}

std::optional<std::string> Code128(std::string_view data, int height_dots, int module_dots,
                                   bool hri_below) {
  auto plan = PlanCode128(data);
  if (!plan || plan->data.size() > 255) return std::nullopt;
  std::string out = Bytes({kGs, 'h', std::clamp(height_dots, 1, 255)});
  out += Bytes({kGs, 'w', std::clamp(module_dots, 2, 6)});
  out += Bytes({kGs, 'H', hri_below ? 2 : 0});
  out += Bytes({kGs, 'k', 73, static_cast<int>(plan->data.size())});
  out += plan->data;
  return out;
}

std::string QrCode(std::string_view data, int module_dots, QrErrorCorrection ec) {
  if (data.size() > 7089) data = data.substr(0, 7089);
  std::string out;
  out += Bytes({kGs, '(', 'k', 4, 0, 49, 65, 50, 0});                      // model 2
  out += Bytes({kGs, '(', 'k', 3, 0, 49, 67, std::clamp(module_dots, 1, 16)});  // size
  out += Bytes({kGs, '(', 'k', 3, 0, 49, 69, static_cast<int>(ec)});       // error correction
  const size_t n = data.size() + 3;
  out += Bytes({kGs, '(', 'k', static_cast<int>(n & 0xFF), static_cast<int>(n >> 8), 49, 80, 48});
  out.append(data);                                                        // store
  out += Bytes({kGs, '(', 'k', 3, 0, 49, 81, 48});                         // print
  return out;
}

std::string Cut(int extra_dots) { return Bytes({kGs, 'V', 66, std::clamp(extra_dots, 0, 255)}); }

std::string DrawerKick(int pin, int on_ms, int off_ms) {
  return Bytes({kEsc, 'p', pin == 0 ? 0 : 1, std::clamp(on_ms, 2, 510) / 2,
                std::clamp(off_ms, 2, 510) / 2});
}

std::string StatusRequest(uint8_t n) { return Bytes({kDle, kEot, n}); }

}  // namespace escpos

const char* TextEncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kGb18030: return "GB18030";
    case TextEncoding::kGbk: return "GBK";
    case TextEncoding::kUtf8: return "UTF-8";
  }
  return "GB18030";
}

std::string EncodeText(std::string_view utf8_in, TextEncoding encoding) {
  // A control character from data would be a printer command (ESC p opens
  // the drawer): text never carries one, whatever was stored.
  const std::string clean = StripControlChars(utf8_in);
  const std::string_view utf8 = clean;
  if (utf8.empty()) return {};
  // UTF-8 → UTF-16, invalid sequences becoming '?'.
  UErrorCode err = U_ZERO_ERROR;
  int32_t u16_len = 0;
  int32_t subs = 0;
  u_strFromUTF8WithSub(nullptr, 0, &u16_len, utf8.data(), static_cast<int32_t>(utf8.size()), 0x3F,
                       &subs, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return std::string(utf8.size(), '?');
  std::vector<UChar> u16(static_cast<size_t>(u16_len) + 1);
  err = U_ZERO_ERROR;
  u_strFromUTF8WithSub(u16.data(), static_cast<int32_t>(u16.size()), &u16_len, utf8.data(),
                       static_cast<int32_t>(utf8.size()), 0x3F, &subs, &err);
  if (U_FAILURE(err)) return std::string(utf8.size(), '?');
  if (encoding == TextEncoding::kUtf8) {
    if (subs == 0) return std::string(utf8);
    std::string out(static_cast<size_t>(u16_len) * 3 + 1, '\0');
    int32_t out_len = 0;
    err = U_ZERO_ERROR;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &out_len, u16.data(), u16_len, &err);
    out.resize(U_SUCCESS(err) ? static_cast<size_t>(out_len) : 0);
    return out;
  }

  err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(
      ucnv_open(encoding == TextEncoding::kGbk ? "GBK" : "GB18030", &err), ucnv_close);
  if (U_FAILURE(err) || !conv) return std::string(utf8.size(), '?');
  ucnv_setSubstChars(conv.get(), "?", 1, &err);
  err = U_ZERO_ERROR;
  // At most 4 bytes per UTF-16 unit in GB18030.
  std::string out(static_cast<size_t>(u16_len) * 4 + 4, '\0');
  const int32_t n = ucnv_fromUChars(conv.get(), out.data(), static_cast<int32_t>(out.size()),
                                    u16.data(), u16_len, &err);
  if (U_FAILURE(err)) return std::string(utf8.size(), '?');
  out.resize(static_cast<size_t>(n));
  return out;
}

namespace {

std::string Preamble(const PrinterProfile& profile) {
  std::string out = escpos::Initialize();
  if (profile.code_page >= 0) out += escpos::SelectCodePage(static_cast<uint8_t>(profile.code_page));
  if (profile.chinese_mode && profile.encoding != TextEncoding::kUtf8) out += escpos::ChineseModeOn();
  return out;
}

std::string Ending(const PrinterProfile& profile, bool cut) {
  std::string out = escpos::Feed(profile.feed_before_cut);
  if (cut && profile.supports_cut) out += escpos::Cut(0);
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The QR symbol as a raster image: each module qr_module_dots square (made
// smaller if the symbol would not fit the paper), 4 white modules around.
Result<std::string> QrRaster(std::string_view payload, const PrinterProfile& profile) {
  auto modules = EncodeQrModules(payload);
  if (!modules.ok()) return modules.status();
  const int quiet = 4;
  const int side = modules->width + 2 * quiet;
  int scale = std::clamp(profile.qr_module_dots, 1, 16);
  while (scale > 1 && side * scale > profile.dots) --scale;
  GrayImage img(side * scale, (modules->height + 2 * quiet) * scale, 255);
  for (int y = 0; y < modules->height; ++y) {
    for (int x = 0; x < modules->width; ++x) {
      if (modules->at(x, y) >= 128) continue;
      for (int dy = 0; dy < scale; ++dy) {
        for (int dx = 0; dx < scale; ++dx) {
          img.at((x + quiet) * scale + dx, (y + quiet) * scale + dy) = 0;
        }
      }
    }
  }
  return escpos::RasterImage(img);
}

// The receipt with every control character taken out of its text, before
// layout, so the columns come out as printed (EncodeText strips them again).
ReceiptModel WithoutControlChars(ReceiptModel r) {
  auto clean = [](std::string& s) { s = StripControlChars(s); };
  auto clean_all = [&](std::vector<std::string>& v) { std::for_each(v.begin(), v.end(), clean); };
  auto clean_adjustments = [&](std::vector<ReceiptAdjustment>& v) {
    for (ReceiptAdjustment& a : v) clean(a.label);
  };
  for (std::string* s : {&r.store_name, &r.store_code, &r.receipt_no, &r.original_receipt_no, &r.cashier_id,
                         &r.cashier_name, &r.time_zone, &r.journal_hash}) {
    clean(*s);
  }
  clean_all(r.header_lines);
  clean_all(r.footer_lines);
  for (ReceiptLine& l : r.lines) {
    clean(l.name);
    clean(l.sku);
    clean_adjustments(l.adjustments);
  }
  clean_adjustments(r.promotions);
  for (ReceiptTender& t : r.tenders) {
    clean(t.provider);
    clean(t.reference);
  }
  if (r.member) clean(r.member->phone);
  return r;
}

}  // namespace

Result<std::string> EncodeReceipt(const ReceiptModel& hostile, const PrinterProfile& profile,
                                  const ReceiptJobOptions& options) {
  using escpos::Align;
  const ReceiptModel receipt = WithoutControlChars(hostile);
  std::string out = Preamble(profile);
  if (options.logo && options.logo->width > 0) {
    if (options.logo->width > profile.dots) {
      return Status::InvalidArgument("the logo is " + std::to_string(options.logo->width) +
                                     " dots wide but printer profile " + profile.name + " prints at most " +
                                     std::to_string(profile.dots) + "; use a narrower image");
    }
    out += escpos::SetAlign(Align::kCenter);
    out += escpos::RasterImage(*options.logo);
    out += escpos::SetAlign(Align::kLeft);
  }

  const std::string text = RenderReceiptText(receipt, profile.columns);
  const std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (i == 0) {
      // The store name: centred by the printer, bold and enlarged. Double
      // width only when it still fits on one line.
      const std::string_view name = Trim(line);
      if (!name.empty()) {
        const bool wide = DisplayWidth(name) * 2 <= profile.columns;
        out += escpos::SetAlign(Align::kCenter);
        out += escpos::Bold(true);
        out += escpos::CharacterSize(wide ? 2 : 1, 2);
        out += EncodeText(name, profile.encoding);
        out += '\n';
        out += escpos::CharacterSize(1, 1);
        out += escpos::Bold(false);
        out += escpos::SetAlign(Align::kLeft);
        continue;
      }
    }
    const bool total_row = StartsWith(line, "应收") || StartsWith(line, "应退");
    if (total_row) out += escpos::Bold(true);
    out += EncodeText(line, profile.encoding);
    out += '\n';
    if (total_row) out += escpos::Bold(false);
  }

  bool centred = false;
  if (options.barcode && !receipt.receipt_no.empty()) {
    auto plan = escpos::PlanCode128(receipt.receipt_no);
    const int module = std::clamp(profile.barcode_module_dots, 2, 6);
    // 10 modules of quiet zone on each side must fit on the paper too.
    if (plan && (plan->modules + 20) * module <= profile.dots) {
      if (auto bc = escpos::Code128(receipt.receipt_no, 60, module, true)) {
        out += escpos::SetAlign(Align::kCenter);
        centred = true;
        out += *bc;
      }
    }
  }
  if (options.qr) {
    if (!centred) out += escpos::SetAlign(Align::kCenter);
    centred = true;
    const std::string payload = ReceiptQrPayload(receipt);
    if (profile.supports_qr) {
      out += escpos::QrCode(payload, profile.qr_module_dots, escpos::QrErrorCorrection::kM);
    } else {
      auto raster = QrRaster(payload, profile);
      if (!raster.ok()) return raster.status();
      out += *raster;
    }
  }
  if (centred) out += escpos::SetAlign(Align::kLeft);
  out += Ending(profile, options.cut);
  return out;
}

std::string EncodeTextJob(std::string_view utf8_text, const PrinterProfile& profile, bool bold_title,
                          bool cut) {
  std::string out = Preamble(profile);
  const std::vector<std::string_view> lines = SplitLines(utf8_text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const bool bold = bold_title && i == 0;
    if (bold) out += escpos::Bold(true);
    out += EncodeText(lines[i], profile.encoding);
    out += '\n';
    if (bold) out += escpos::Bold(false);
  }
  out += Ending(profile, cut);
  return out;
}

}  // namespace linli
