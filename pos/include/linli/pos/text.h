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

}  // namespace linli
