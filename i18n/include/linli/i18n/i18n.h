// The shop's words: every string a cashier or a shopkeeper reads, at the
// counter (linli-counter) or on the command line (linli), is a key looked up
// in the zh_CN or en table (ui/i18n/*.json, embedded at build time). Both
// programs use the same keys, so an error reads the same at the till and in
// a terminal.
//
// A table is a flat JSON object, key → UTF-8 text. Texts may carry fmt-style
// positional arguments ("{0}", "{1}") so each language can order them as it
// needs. A key missing from the current table falls back to the other
// table and then to the key itself, so a gap is visible on screen — and
// tests/ui/i18n_test.cc (the counter's keys) and tests/cli/lang_test.cc (the
// CLI's) fail the build's tests when the tables differ or lack a key.
//
// A Status from pos may carry a message key with named arguments ("pos.*"
// keys, texts like "没有第 {line} 行"); Message(status) shows it in the
// reader's language, and the Status's own (English) message when it has no
// key or the key is in neither table.
//
// Thread safety: the tables are read-only after construction. SetLanguage
// and Tr are for one thread: the counter's UI thread; the CLI's main thread,
// which sets the language before a command runs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "linli/pos/status.h"

namespace linli::i18n {

enum class Language { kZhCn, kEn };
inline constexpr Language kAllLanguages[] = {Language::kZhCn, Language::kEn};

const char* LanguageCode(Language lang);                // "zh_CN" | "en"
Result<Language> ParseLanguage(std::string_view code);  // "zh_CN", "zh", "en"; else InvalidArgument

// The language a POSIX locale name asks for: one that starts with "zh"
// ("zh_CN.UTF-8", "zh_TW", "zh") is zh_CN; any other ("C", "POSIX",
// "en_US.UTF-8", "de_DE", "") is English.
Language LanguageOfLocale(std::string_view locale);

// The language the process's environment asks for, in POSIX's order for
// messages: LC_ALL, else LC_MESSAGES, else LANG, the first one set and not
// empty (English when none is). GNU's LANGUAGE list is not consulted.
Language LanguageFromEnvironment();

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
  // Loads both embedded tables; the language is zh_CN until SetLanguage.
  // Aborts only if the build embedded bad JSON (the i18n tests catch that
  // first).
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

  // What a person reads for `status`: its message key filled in with its
  // named arguments, else its message (see above).
  std::string Message(const Status& status) const;

  const StringTable& table(Language lang) const;

 private:
  Language language_ = Language::kZhCn;
  StringTable zh_;
  StringTable en_;
};

// The process's localizer (one thread; see above).
Localizer& Lang();
inline const char* Tr(std::string_view key) { return Lang().Tr(key); }
template <typename... Args>
std::string TrF(std::string_view key, Args&&... args) {
  return Lang().Format(key, std::forward<Args>(args)...);
}
inline std::string TrStatus(const Status& status) { return Lang().Message(status); }

// The half of a "中文 / English" text (a setting's description) in the
// reader's language; the whole text when it has no " / ".
std::string ReadersHalf(std::string_view bilingual);

}  // namespace linli::i18n
