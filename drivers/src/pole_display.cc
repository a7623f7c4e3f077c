#include "linli/drivers/pole_display.h"

#include <unicode/translit.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>

#include "linli/pos/money.h"
#include "linli/pos/text.h"

namespace linli {
namespace {

constexpr char kInit[] = "\x1B\x40";
constexpr char kClear = 0x0C;

}  // namespace

Result<DisplayEncoding> ParseDisplayEncoding(std::string_view name) {
  if (name == "gb18030") return DisplayEncoding::kGb18030;
  if (name == "ascii") return DisplayEncoding::kAscii;
  return Status::InvalidArgument("unknown display encoding \"" + std::string(name) + "\"; use gb18030 or ascii");
}

Result<DisplayCommandSet> ParseDisplayCommandSet(std::string_view name) {
  if (name == "epson") return DisplayCommandSet::kEpson;
  if (name == "cd5220") return DisplayCommandSet::kCd5220;
  return Status::InvalidArgument("unknown display command set \"" + std::string(name) + "\"; use epson or cd5220");
}

// ICU's Han→pinyin (and any other script → Latin) for ASCII-only displays.
struct PoleDisplay::Transliterator {
  std::unique_ptr<icu::Transliterator> to_ascii;
};

PoleDisplay::PoleDisplay(SerialPort* port, const PoleDisplayOptions& options) : port_(port), options_(options) {
  options_.columns = std::clamp(options_.columns, 8, 40);
}

PoleDisplay::~PoleDisplay() = default;

std::string PoleDisplay::Cursor(int x, int y) const {
  std::string c = options_.commands == DisplayCommandSet::kEpson ? "\x1F\x24" : "\x1B\x6C";
  c += static_cast<char>(x);
  c += static_cast<char>(y);
  return c;
}

// Text in what the display can show: unchanged for GB18030 displays, pinyin
// and '?' for ASCII ones. Layout happens after this, on what will be shown.
static std::string Printable(std::string s) {
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';  // a stray control byte would be a display command
  }
  return s;
}

std::string PoleDisplay::FitLine(std::string_view utf8) {
  std::string text(utf8);
  if (options_.encoding == DisplayEncoding::kAscii) {
    if (!ascii_) {
      ascii_ = std::make_unique<Transliterator>();
      UErrorCode err = U_ZERO_ERROR;
      ascii_->to_ascii.reset(icu::Transliterator::createInstance(
          "Fullwidth-Halfwidth; Any-Latin; Latin-ASCII", UTRANS_FORWARD, err));
      if (U_FAILURE(err)) ascii_->to_ascii.reset();
    }
    if (ascii_->to_ascii) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
      ascii_->to_ascii->transliterate(u);
      text.clear();
      u.toUTF8String(text);
    }
    for (char& c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    // A multi-byte character left over became several '?'; fold each run to one.
    text.erase(std::unique(text.begin(), text.end(), [](char a, char b) { return a == '?' && b == '?'; }),
               text.end());
  }
  text = Printable(std::move(text));
  std::string line = TruncateToWidth(text, options_.columns);
  line.append(static_cast<size_t>(std::max(0, options_.columns - DisplayWidth(line))), ' ');
  return line;
}

Result<std::string> PoleDisplay::Encode(std::string_view utf8) {
  if (options_.encoding == DisplayEncoding::kAscii) return std::string(utf8);  // already ASCII
  UErrorCode err = U_ZERO_ERROR;
  const auto len = static_cast<int32_t>(utf8.size());
  const int32_t need = ucnv_convert("GB18030", "UTF-8", nullptr, 0, utf8.data(), len, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) {
    return Status::InvalidArgument(std::string("cannot encode display text as GB18030: ") + u_errorName(err));
  }
  std::string out(static_cast<size_t>(need), '\0');
  err = U_ZERO_ERROR;
  ucnv_convert("GB18030", "UTF-8", out.data(), need, utf8.data(), len, &err);
  if (U_FAILURE(err) && err != U_STRING_NOT_TERMINATED_WARNING) {
    return Status::InvalidArgument(std::string("cannot encode display text as GB18030: ") + u_errorName(err));
  }
  return out;
}

Result<std::string> PoleDisplay::EncodeScreen(std::string_view line1, std::string_view line2) {
  if (!IsValidUtf8(line1) || !IsValidUtf8(line2)) {
    return Status::InvalidArgument("display text is not valid UTF-8");
  }
  auto a = Encode(FitLine(line1));
  if (!a.ok()) return a.status();
  auto b = Encode(FitLine(line2));
  if (!b.ok()) return b.status();
  return Cursor(1, 1) + *a + Cursor(1, 2) + *b;
}

Status PoleDisplay::Send(std::string bytes) {
  if (!initialised_) bytes = std::string(kInit) + kClear + bytes;
  Status st = port_->Write(bytes, options_.write_timeout_ms);
  if (st.ok()) initialised_ = true;
  return st;
}

Status PoleDisplay::Clear() { return Send(std::string(1, kClear)); }

Status PoleDisplay::ShowLines(std::string_view line1, std::string_view line2) {
  auto screen = EncodeScreen(line1, line2);
  if (!screen.ok()) return screen.status();
  return Send(std::move(*screen));
}

std::string PoleDisplay::LabelAndAmount(std::string_view label, int64_t fen) {
  const std::string amount = FormatYuan(Money::Fen(fen));
  const int room = options_.columns - static_cast<int>(amount.size());
  std::string left = TruncateToWidth(label, std::max(room - 1, 0));
  left.append(static_cast<size_t>(std::max(0, room - DisplayWidth(left))), ' ');
  return left + amount;
}

Status PoleDisplay::ShowItem(std::string_view name, int64_t price_fen, int64_t total_fen) {
  const bool zh = options_.encoding == DisplayEncoding::kGb18030;
  std::string shown(name);
  if (!zh) {  // transliterate first, so the price is aligned on what is shown
    shown = FitLine(name);
    while (!shown.empty() && shown.back() == ' ') shown.pop_back();
  }
  return ShowLines(LabelAndAmount(shown, price_fen), LabelAndAmount(zh ? "合计" : "TOTAL", total_fen));
}

Status PoleDisplay::ShowTotal(int64_t total_fen) {
  const bool zh = options_.encoding == DisplayEncoding::kGb18030;
  return ShowLines(zh ? "请付款" : "PLEASE PAY", LabelAndAmount(zh ? "合计" : "TOTAL", total_fen));
}

Status PoleDisplay::ShowThanks(int64_t change_fen) {
  const bool zh = options_.encoding == DisplayEncoding::kGb18030;
  return ShowLines(zh ? "谢谢惠顾" : "THANK YOU", LabelAndAmount(zh ? "找零" : "CHANGE", change_fen));
}

}  // namespace linli
