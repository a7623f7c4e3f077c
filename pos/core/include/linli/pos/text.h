// Text services over ICU, wrapped here only: UTF-8 checks, case folding,
// Han→pinyin for search, and East-Asian display width for receipt columns.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "linli/pos/status.h"

namespace linli {

bool IsValidUtf8(std::string_view s);

// Lower-cases ASCII letters and folds full-width ASCII (Ａ１) to half-width.
std::string NormalizeQuery(std::string_view s);

struct Pinyin {
  std::string initials;  // 可口可乐 → "kkkl"; Latin letters and digits kept: "kkkl330ml"
  std::string full;      // 可口可乐 → "kekoukele"
};

// Builds pinyin keys with ICU's Han-Latin transliterator. Creating the
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
// full-width characters count 2, combining marks 0, everything else 1.
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

}  // namespace linli
