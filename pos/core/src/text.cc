#include "linli/pos/text.h"

#include <unicode/gregocal.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "linli/pos/clock.h"

namespace linli {

bool IsValidUtf8(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

namespace {

bool IsControl(UChar32 c) { return (c >= 0 && c < 0x20) || (c >= 0x7F && c <= 0x9F); }

// Calls f(start, end, code_point) for each character; an invalid byte comes
// as code point -1, one byte long.
template <typename F>
void ForEachChar(std::string_view s, F&& f) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    f(start, i, c);
  }
}

const char* ControlName(uint32_t c) {
  static const char* const kC0[] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
                                    "BS",  "TAB", "LF",  "VT",  "FF",  "CR",  "SO",  "SI",
                                    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
                                    "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
  if (c < 0x20) return kC0[c];
  if (c == 0x7F) return "DEL";
  return "C1";
}

std::string CodePointName(uint32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

}  // namespace

std::optional<ControlChar> FindControlChar(std::string_view utf8) {
  std::optional<ControlChar> out;
  int position = 0;
  ForEachChar(utf8, [&](int32_t, int32_t, UChar32 c) {
    ++position;
    if (!out && IsControl(c)) out = ControlChar{static_cast<uint32_t>(c), position};
  });
  return out;
}

std::string ControlCharProblem(std::string_view utf8) {
  const std::optional<ControlChar> cc = FindControlChar(utf8);
  if (!cc) return "";
  return "holds control character " + CodePointName(cc->code_point) + " (" + ControlName(cc->code_point) +
         ") at character " + std::to_string(cc->position) +
         "; remove it: text may not carry printer commands (含控制字符，请删除)";
}

std::string StripControlChars(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  ForEachChar(utf8, [&](int32_t start, int32_t end, UChar32 c) {
    if (!IsControl(c)) out.append(utf8.substr(start, end - start));
  });
  return out;
}

std::string ShowControlChars(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  ForEachChar(utf8, [&](int32_t start, int32_t end, UChar32 c) {
    if (IsControl(c)) {
      out += "<" + CodePointName(static_cast<uint32_t>(c)) + ">";
    } else {
      out.append(utf8.substr(start, end - start));
    }
  });
  return out;
}

std::string NormalizeQuery(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachChar(s, [&](int32_t start, int32_t end, UChar32 c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII
    if (c == 0x3000) c = ' ';                      // ideographic space
    if (c >= 0 && c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else {
      out.append(s.substr(start, end - start));
    }
  });
  while (!out.empty() && out.back() == ' ') out.pop_back();
  size_t lead = out.find_first_not_of(' ');
  return lead == std::string::npos ? std::string() : out.substr(lead);
}

namespace {

// The letter groups of ICU's output: "ke kou" → {"ke", "kou"}.
std::vector<std::string> Syllables(const std::string& latin) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : latin) {
    if (ch >= 'a' && ch <= 'z') {
      cur += ch;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

void AppendToken(const std::string& token, std::string& syllables) {
  if (!syllables.empty()) syllables += ' ';
  syllables += token;
}

void AppendSyllables(icu::Transliterator& han_latin, const icu::UnicodeString& han,
                     const std::vector<std::string>& readings, std::string& syllables) {
  std::vector<UChar32> chars;
  for (int32_t k = 0; k < han.length(); k += U16_LENGTH(han.char32At(k))) chars.push_back(han.char32At(k));
  // The run's readings in context, one per character; when ICU's output does
  // not line up (a character it has no reading for), each character is read
  // on its own instead.
  const bool aligned = readings.size() == chars.size();
  for (size_t k = 0; k < chars.size(); ++k) {
    std::string token;
    icu::UnicodeString(chars[k]).toUTF8String(token);
    if (aligned) {
      token += readings[k];
    } else {
      icu::UnicodeString one(chars[k]);
      han_latin.transliterate(one);
      std::string latin;
      one.toUTF8String(latin);
      const std::vector<std::string> own = Syllables(latin);
      if (own.size() == 1) token += own[0];
    }
    AppendToken(token, syllables);
  }
}

}  // namespace

struct PinyinIndexer::Impl {
  std::unique_ptr<icu::Transliterator> han_latin;
};

PinyinIndexer::PinyinIndexer() : impl_(std::make_unique<Impl>()) {
  UErrorCode err = U_ZERO_ERROR;
  // Han-Latin gives toned syllables separated by spaces ("kě kǒu"); Latin-ASCII
  // strips the tones. Only Han runs are converted, so Latin and digits pass.
  impl_->han_latin.reset(icu::Transliterator::createInstance(
      "Han-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, err));
  if (U_FAILURE(err) || !impl_->han_latin) {
    std::fprintf(stderr, "linli: ICU Han-Latin transliterator unavailable: %s\n", u_errorName(err));
    std::abort();
  }
}

PinyinIndexer::~PinyinIndexer() = default;

Pinyin PinyinIndexer::Index(std::string_view utf8_name) {
  Pinyin out;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_name.data(), static_cast<int32_t>(utf8_name.size())));
  // Han runs are transliterated whole, so ICU can pick readings from context
  // (可口可乐 → "ke kou ke le", not 乐 "yue"); it separates syllables with
  // spaces, and each syllable gives one initial. Latin letters and digits
  // outside Han runs are kept as they are, lower-cased.
  int32_t i = 0;
  while (i < text.length()) {
    UChar32 c = text.char32At(i);
    if (u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) {
      int32_t j = i;
      while (j < text.length() && u_hasBinaryProperty(text.char32At(j), UCHAR_IDEOGRAPHIC)) {
        j += U16_LENGTH(text.char32At(j));
      }
      const icu::UnicodeString han(text, i, j - i);
      icu::UnicodeString run(han);
      impl_->han_latin->transliterate(run);
      std::string latin;
      run.toUTF8String(latin);
      bool word_start = true;
      for (char ch : latin) {
        if (ch >= 'a' && ch <= 'z') {
          if (word_start) out.initials += ch;
          out.full += ch;
          word_start = false;
        } else {
          word_start = true;
        }
      }
      AppendSyllables(*impl_->han_latin, han, Syllables(latin), out.syllables);
      i = j;
      continue;
    }
    if (c >= 0xFF10 && c <= 0xFF5A) c -= 0xFEE0;  // full-width letters and digits
    if (c < 0x80 && isalnum(static_cast<int>(c))) {
      const char ch = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      out.initials += ch;
      out.full += ch;
      AppendToken(std::string(1, ch), out.syllables);
    } else if (c >= 0x80 && u_isalnum(c)) {
      std::string token;
      icu::UnicodeString(c).toUTF8String(token);
      AppendToken(token, out.syllables);
    }
    i += U16_LENGTH(c);
  }
  return out;
}


namespace {

int CharWidth(UChar32 c) {
  if (c == 0) return 0;
  const int8_t cat = static_cast<int8_t>(u_charType(c));
  if (cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK || cat == U_FORMAT_CHAR) return 0;
  if (c == 0x200B) return 0;
  const int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  return (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
}

}  // namespace

int DisplayWidth(std::string_view s) {
  int w = 0;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    w += c < 0 ? 1 : CharWidth(c);
  }
  return w;
}

std::string TruncateToWidth(std::string_view s, int columns) {
  int w = 0;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    const int cw = c < 0 ? 1 : CharWidth(c);
    if (w + cw > columns) return std::string(s.substr(0, start));
    w += cw;
  }
  return std::string(s);
}

namespace {
std::string Spaces(int n) { return std::string(static_cast<size_t>(std::max(n, 0)), ' '); }
std::string TrimRight(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}
}  // namespace

std::string PadRight(std::string_view text, int columns) {
  std::string s = TruncateToWidth(text, columns);
  return s + Spaces(columns - DisplayWidth(s));
}

std::string PadLeft(std::string_view text, int columns) {
  std::string s = TruncateToWidth(text, columns);
  return Spaces(columns - DisplayWidth(s)) + s;
}

std::string CenterText(std::string_view text, int columns) {
  std::string s = TrimRight(TruncateToWidth(text, columns));
  return Spaces((columns - DisplayWidth(s)) / 2) + s;
}

std::string AlignLeftRight(std::string_view left, std::string_view right, int columns) {
  const int wr = DisplayWidth(right);
  if (wr >= columns) return PadLeft(right, columns);
  if (left.empty()) return PadLeft(right, columns);
  const std::string l = TruncateToWidth(left, columns - wr - 1);
  return l + Spaces(columns - DisplayWidth(l) - wr) + std::string(right);
}

Result<ZonedTime> ToZonedTime(int64_t unix_ms, const std::string& time_zone) {
  std::unique_ptr<icu::TimeZone> tz(
      icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
  icu::UnicodeString id;
  if (!tz || tz->getID(id) == icu::UnicodeString("Etc/Unknown") ||
      *tz == icu::TimeZone::getUnknown()) {
    return Status::InvalidArgument("time zone \"" + time_zone +
                                   "\" is unknown; use an IANA name such as Asia/Shanghai");
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::GregorianCalendar cal(tz.release(), status);  // adopts the zone
  if (U_FAILURE(status)) return Status::InvalidArgument("cannot build a calendar for " + time_zone);
  cal.setTime(static_cast<UDate>(unix_ms), status);
  ZonedTime out;
  out.year = cal.get(UCAL_YEAR, status);
  out.month = cal.get(UCAL_MONTH, status) + 1;
  out.day = cal.get(UCAL_DATE, status);
  out.hour = cal.get(UCAL_HOUR_OF_DAY, status);
  out.minute = cal.get(UCAL_MINUTE, status);
  const int dow = cal.get(UCAL_DAY_OF_WEEK, status);  // 1 = Sunday
  if (U_FAILURE(status)) return Status::InvalidArgument("cannot convert the time to " + time_zone);
  out.iso_weekday = dow == 1 ? 7 : dow - 1;
  return out;
}

std::string FormatInZone(int64_t unix_ms, const std::string& time_zone, const char* pattern) {
  // Building an ICU formatter and zone costs tens of microseconds, more than
  // the rest of a sale commit's CPU work, so keep one per thread, zone and
  // pattern.
  thread_local std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::SimpleDateFormat>> cache;
  auto& fmt = cache[{time_zone, pattern}];
  if (!fmt) {
    UErrorCode err = U_ZERO_ERROR;
    auto made = std::make_unique<icu::SimpleDateFormat>(icu::UnicodeString::fromUTF8(pattern),
                                                        icu::Locale::getRoot(), err);
    if (U_FAILURE(err)) return FormatUtc(unix_ms);
    made->adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
    fmt = std::move(made);
  }
  icu::UnicodeString out;
  fmt->format(static_cast<UDate>(unix_ms), out);
  std::string s;
  out.toUTF8String(s);
  return s;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace linli

// ==== [SECTION] GB18030 input (Alipay statements), issue 13 =====================
#include <unicode/ucnv.h>

namespace linli {

Result<std::string> Gb18030ToUtf8(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open("GB18030", &err);
  if (U_FAILURE(err) || conv == nullptr) return Status::IoError("ICU has no GB18030 converter");
  ucnv_setToUCallBack(conv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
  icu::UnicodeString text;
  if (U_SUCCESS(err)) {
    const int32_t cap = static_cast<int32_t>(bytes.size()) + 1;
    UChar* buf = text.getBuffer(cap);
    const int32_t n = ucnv_toUChars(conv, buf, cap, bytes.data(), static_cast<int32_t>(bytes.size()), &err);
    text.releaseBuffer(U_SUCCESS(err) ? n : 0);
  }
  ucnv_close(conv);
  if (U_FAILURE(err)) return Status::InvalidArgument("the text is not GB18030/GBK");
  std::string out;
  text.toUTF8String(out);
  return out;
}

}  // namespace linli
// ==== [END SECTION] GB18030 input ===============================================
