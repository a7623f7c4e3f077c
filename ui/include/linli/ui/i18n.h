// The counter's words: every string a cashier sees is a key looked up in the
// zh_CN or en table (ui/i18n/*.json, embedded at build time).
//
// A table is a flat JSON object, key → UTF-8 text. Texts may carry fmt-style
// positional arguments ("{0}", "{1}") so each language can order them as it
// needs. A key missing from the current table falls back to the other
// table and then to the key itself, so a gap is visible on screen — and
// tests/ui/i18n_test.cc fails the build's tests when the tables differ.
//
// A Status from pos may carry a message key with named arguments ("pos.*"
// keys, texts like "没有第 {line} 行"); Message(status) shows it in the
// cashier's language, and the Status's own (English) message when it has no
// key or the key is in neither table.
//
// Thread safety: the tables are read-only after Load; SetLanguage and Tr are
// for the UI thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "linli/pos/status.h"

namespace linli::ui {

enum class Language { kZhCn, kEn };
inline constexpr Language kAllLanguages[] = {Language::kZhCn, Language::kEn};

const char* LanguageCode(Language lang);            // "zh_CN" | "en"
Result<Language> ParseLanguage(std::string_view code);  // "zh_CN", "zh", "en"

// The table compiled into the binary for `lang`, as JSON text.
std::string_view EmbeddedTable(Language lang);

// One language's table.
class StringTable {
 public:
  // InvalidArgument when `json` is not an object of strings (the message
  // names the first bad key).
  static Result<StringTable> Parse(std::string_view json);

  // nullptr when the key is absent.
  const std::string* Find(std::string_view key) const;
  std::vector<std::string> Keys() const;
  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

class Localizer {
 public:
  // Loads both embedded tables. Aborts only if the build embedded bad JSON
  // (the i18n tests catch that first).
  Localizer();

  Language language() const { return language_; }
  void SetLanguage(Language lang) { language_ = lang; }

  // The text for `key` in the current language; see the fallback above. The
  // pointer stays valid for the Localizer's life.
  const char* Tr(std::string_view key) const;

  // Tr(key) with its {0}, {1}… filled in. A malformed text is returned as is.
  template <typename... Args>
  std::string Format(std::string_view key, Args&&... args) const {
    const char* pattern = Tr(key);
    try {
      return fmt::format(fmt::runtime(pattern), std::forward<Args>(args)...);
    } catch (const fmt::format_error&) {
      return pattern;
    }
  }

  // What a cashier reads for `status`: its message key filled in with its
  // named arguments, else its message (see above).
  std::string Message(const Status& status) const;

  const StringTable& table(Language lang) const;

 private:
  Language language_ = Language::kZhCn;
  StringTable zh_;
  StringTable en_;
};

// The process's localizer (UI thread).
Localizer& Lang();
inline const char* Tr(std::string_view key) { return Lang().Tr(key); }
template <typename... Args>
std::string TrF(std::string_view key, Args&&... args) {
  return Lang().Format(key, std::forward<Args>(args)...);
}
inline std::string TrStatus(const Status& status) { return Lang().Message(status); }

}  // namespace linli::ui
