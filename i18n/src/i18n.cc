// The shop's string tables (i18n.h).
#include "linli/i18n/i18n.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/args.h>

#include <nlohmann/json.hpp>

namespace linli::i18n {
namespace internal {
extern const unsigned char kI18n_zh_CN[];
extern const size_t kI18n_zh_CN_size;
extern const unsigned char kI18n_en[];
extern const size_t kI18n_en_size;
}  // namespace internal

const char* LanguageCode(Language lang) {
  switch (lang) {
    case Language::kZhCn: return "zh_CN";
    case Language::kEn: return "en";
  }
  return "zh_CN";
}

Result<Language> ParseLanguage(std::string_view code) {
  if (code == "zh_CN" || code == "zh" || code == "zh-CN" || code == "中文") return Language::kZhCn;
  if (code == "en" || code == "en_US" || code == "English") return Language::kEn;
  return Status::InvalidArgument("unknown language \"" + std::string(code) + "\": use zh_CN or en");
}

Language LanguageOfLocale(std::string_view locale) {
  return locale.starts_with("zh") ? Language::kZhCn : Language::kEn;
}

Language LanguageFromEnvironment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return LanguageOfLocale(value);
  }
  return Language::kEn;
}

std::string_view EmbeddedTable(Language lang) {
  if (lang == Language::kEn) {
    return {reinterpret_cast<const char*>(internal::kI18n_en), internal::kI18n_en_size};
  }
  return {reinterpret_cast<const char*>(internal::kI18n_zh_CN), internal::kI18n_zh_CN_size};
}

Result<StringTable> StringTable::Parse(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("string table is not a JSON object");
  }
  StringTable t;
  for (auto& [key, value] : j.items()) {
    if (!value.is_string()) return Status::InvalidArgument("string table key \"" + key + "\" is not a string");
    t.entries_.emplace(key, value.get<std::string>());
  }
  return t;
}

const std::string* StringTable::Find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> StringTable::Keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const auto& [k, v] : entries_) keys.push_back(k);
  return keys;
}

Localizer::Localizer() {
  for (Language lang : kAllLanguages) {
    auto t = StringTable::Parse(EmbeddedTable(lang));
    if (!t.ok()) {
      std::fprintf(stderr, "linli: the embedded %s string table: %s\n", LanguageCode(lang),
                   t.status().message().c_str());
      std::abort();
    }
    (lang == Language::kEn ? en_ : zh_) = std::move(*t);
  }
}

const StringTable& Localizer::table(Language lang) const { return lang == Language::kEn ? en_ : zh_; }

const char* Localizer::Tr(std::string_view key) const {
  const StringTable& first = table(language_);
  const StringTable& second = table(language_ == Language::kEn ? Language::kZhCn : Language::kEn);
  if (const std::string* s = first.Find(key)) return s->c_str();
  if (const std::string* s = second.Find(key)) return s->c_str();
  // Unknown key: keep a stable copy so the pointer outlives the call.
  static thread_local std::map<std::string, std::string, std::less<>> missing;
  auto it = missing.find(key);
  if (it == missing.end()) it = missing.emplace(std::string(key), std::string(key)).first;
  return it->second.c_str();
}

std::string Localizer::Message(const Status& status) const {
  const std::string& key = status.message_key();
  if (key.empty() || (!zh_.Find(key) && !en_.Find(key))) return status.message();
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const auto& [name, value] : status.message_args()) args.push_back(fmt::arg(name.c_str(), value));
  try {
    return fmt::vformat(Tr(key), args);
  } catch (const fmt::format_error&) {
    return status.message();  // a text naming an argument the Status lacks
  }
}

Localizer& Lang() {
  static Localizer localizer;
  return localizer;
}

std::string ReadersHalf(std::string_view bilingual) {
  const size_t slash = bilingual.find(" / ");
  if (slash == std::string_view::npos) return std::string(bilingual);
  return std::string(Lang().language() == Language::kEn ? bilingual.substr(slash + 3) : bilingual.substr(0, slash));
}

}  // namespace linli::i18n
