// Text services over ICU, wrapped here only (no other file of pos includes an
// ICU header): UTF-8 checks, full-width folding for search, Han→pinyin,
// East-Asian display width for receipt columns, and local time in an IANA
// zone from ICU's zone data (clock.h's FormatLocal, promotion windows).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "linli/pos/status.h"

namespace linli {

bool IsValidUtf8(std::string_view s);

// ---- Control characters in text from data. ----
// Names and other text that came from a file, HQ or a person reach printers
// and displays, where a control character is a command (ESC p opens the
// drawer, ESC @ resets, GS V cuts). A control character here is any C0 code
// (U+0000–U+001F, tab and newline included), DEL (U+007F) or a C1 code
// (U+0080–U+009F).

struct ControlChar {
  uint32_t code_point = 0;
  int position = 0;  // 1-based, counted in characters
};

// The first control character in `utf8`, or nullopt. Invalid UTF-8 bytes are
// not control characters here (IsValidUtf8 is the check for those).
std::optional<ControlChar> FindControlChar(std::string_view utf8);

// "" when `utf8` holds no control character, else why it may not be stored,
// phrased to follow the value: "holds control character U+001B (ESC) at
// character 3; remove it: text may not carry printer commands (控制字符)".
std::string ControlCharProblem(std::string_view utf8);

// `utf8` with every control character removed; other bytes, also invalid
// UTF-8, are kept as they are. What printers and displays are sent.
std::string StripControlChars(std::string_view utf8);

// `utf8` with every control character written as <U+001B>, for showing a bad
// value in a message without sending the character to a terminal.
std::string ShowControlChars(std::string_view utf8);

// Folds full-width ASCII (Ａ１) and the ideographic space to half-width,
// lower-cases ASCII letters (other letters are kept as they are) and trims
// spaces at both ends.
std::string NormalizeQuery(std::string_view s);

// Levenshtein distance between two byte strings (insert, delete, replace
// one byte each cost 1): how command lines find the name closest to a typo.
size_t EditDistance(std::string_view a, std::string_view b);

struct Pinyin {
  std::string initials;  // 可口可乐 → "kkkl"; Latin letters and digits kept: "kkkl330ml"
  std::string full;      // 可口可乐 → "kekoukele"
  // The name character by character, for matching mixed queries (name_match.h):
  // "可口可乐 330ml" → "可ke 口kou 可ke 乐le 3 3 0 m l". One token per
  // character, separated by one space: a Han character followed by its one
  // reading (the one ICU picks in context; no reading when ICU has none), an
  // ASCII letter or digit (full-width folded, lower case) as itself, another
  // letter or digit as it is. Spaces, punctuation, symbols and emoji are left
  // out, so words of the name run together.
  std::string syllables;
};

// Builds pinyin keys with ICU's Han-Latin transliterator: tone marks
// dropped, lower case; letters and digits, ASCII or full-width, are kept as
// ASCII; anything else is left out of the keys. Creating the
// transliterator is costly, so keep one PinyinIndexer per thread and reuse it.
class PinyinIndexer {
 public:
  PinyinIndexer();  // aborts only if ICU lacks its transliteration data
  ~PinyinIndexer();
  PinyinIndexer(const PinyinIndexer&) = delete;
  PinyinIndexer& operator=(const PinyinIndexer&) = delete;
  Pinyin Index(std::string_view utf8_name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Columns the text takes on a fixed-pitch receipt: East-Asian wide and
// full-width characters count 2, combining marks and format characters (a
// zero-width space) 0, everything else 1, also a byte that is not UTF-8.
int DisplayWidth(std::string_view utf8);

// Cuts text to at most `columns` display columns without splitting a character.
std::string TruncateToWidth(std::string_view utf8, int columns);

// ---- Column helpers for receipts, the Z report and other slips. ----
// All widths are display columns (DisplayWidth); none splits a character.

// `text` truncated to `columns` and padded with spaces to exactly `columns`.
std::string PadRight(std::string_view text, int columns);

// `text` truncated to `columns` and right-aligned in exactly `columns`.
std::string PadLeft(std::string_view text, int columns);

// `text` truncated to `columns` and centred (extra space goes right); leading
// spaces only, no trailing ones.
std::string CenterText(std::string_view text, int columns);

// One line exactly `columns` wide: `left` at the left edge, `right` ending at
// the right edge, at least one space between them when both are non-empty.
// If they do not fit, `left` is truncated; if `right` alone is wider than
// `columns`, it is truncated and `left` dropped.
std::string AlignLeftRight(std::string_view left, std::string_view right,
                           int columns);

// ---- Local time in an IANA zone ("Asia/Shanghai"), from ICU's zone data. ----

// The wall-clock fields of an instant in one zone.
struct ZonedTime {
  int year = 0;
  int month = 0;        // 1..12
  int day = 0;          // 1..31
  int hour = 0;         // 0..23
  int minute = 0;       // 0..59
  int iso_weekday = 0;  // 1 = Monday .. 7 = Sunday
};

// `unix_ms` (UTC) as wall time in `time_zone`. InvalidArgument naming the zone
// when ICU does not know it.
Result<ZonedTime> ToZonedTime(int64_t unix_ms, const std::string& time_zone);

// `unix_ms` formatted with an ICU date pattern ("yyyy-MM-dd HH:mm:ss") in
// `time_zone`. An unknown zone formats as GMT (ICU's fallback); a pattern ICU
// refuses gives FormatUtc(unix_ms). The formatter is kept per thread, zone and
// pattern, so repeated calls are cheap.
std::string FormatInZone(int64_t unix_ms, const std::string& time_zone, const char* pattern);

}  // namespace linli

// ==== [SECTION] GB18030 input (Alipay statements), issue 13 =====================
namespace linli {
// GB18030 (and so GBK and GB2312) bytes as UTF-8, through ICU. InvalidArgument
// when a byte sequence is not GB18030.
Result<std::string> Gb18030ToUtf8(std::string_view bytes);
}  // namespace linli
// ==== [END SECTION] GB18030 input ===============================================
