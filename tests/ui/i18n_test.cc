// The string tables: both languages have every key, every key the code uses
// exists, and each text takes the same arguments in both languages.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "linli/ui/i18n.h"

namespace linli::ui {
namespace {

// The first group of every match of `re` in `text`.
std::set<std::string> Captures(const std::string& text, const std::regex& re) {
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

// Positional arguments: "{0}", "{1:.1f}".
std::set<std::string> Placeholders(const std::string& text) {
  static const std::regex re(R"(\{(\d+)[^}]*\})");
  return Captures(text, re);
}

// Named arguments of a Status's message key: "{line}".
std::set<std::string> NamedPlaceholders(const std::string& text) {
  static const std::regex re(R"(\{([a-z_]+)\})");
  return Captures(text, re);
}

// Calls `fn(path, text)` for every .cc file below `dir` of the source tree.
template <typename Fn>
void ForEachSource(const char* dir, Fn fn) {
  const std::filesystem::path root = std::filesystem::path(LINLI_SOURCE_DIR) / dir;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".cc") continue;
    std::ifstream f(entry.path());
    std::stringstream ss;
    ss << f.rdbuf();
    fn(entry.path(), ss.str());
  }
}

// Keys the counter's sources ask for: Tr("…"), TrF("…"), WithKey("…"),
// OpenPrompt(kind, "…", "…"), and the text-only namespaces used in tables
// of the views ("key.", "help.", "screen.", "pay.gw.", "ctx.").
std::set<std::string> KeysUsedInSources() {
  std::set<std::string> keys;
  static const std::regex call(R"re(\b(?:Tr|TrF|WithKey)\(\s*"([a-z_]+\.[a-z0-9_.]+)")re");
  static const std::regex prompt(R"re(OpenPrompt\([^;]*?"([a-z_.0-9]+)",\s*(?:[^;]*?\?\s*)?"([a-z_.0-9]+)")re");
  static const std::regex ns(R"re("((?:key|help|screen|pay\.gw|ctx|time|rounding|language)\.[a-z0-9_.]+)")re");
  static const std::regex ternary(R"re(\?\s*"([a-z_]+\.[a-z0-9_.]+)"\s*:\s*"([a-z_]+\.[a-z0-9_.]+)")re");
  ForEachSource("ui", [&](const std::filesystem::path&, const std::string& src) {
    for (const std::regex* re : {&call, &prompt, &ns}) {
      for (auto it = std::sregex_iterator(src.begin(), src.end(), *re); it != std::sregex_iterator(); ++it) {
        for (size_t g = 1; g < it->size(); ++g) {
          if ((*it)[g].matched) keys.insert((*it)[g]);
        }
      }
    }
    // Keys chosen by a ternary inside Tr(…): Tr(x ? "a.b" : "c.d").
    for (auto it = std::sregex_iterator(src.begin(), src.end(), ternary); it != std::sregex_iterator(); ++it) {
      const std::string a = (*it)[1], b = (*it)[2];
      // Control ids are never chosen by a ternary; text keys are.
      for (const std::string& k : {a, b}) {
        if (k.starts_with("prompt.") || k.starts_with("signin.") || k.starts_with("refund.") ||
            k.starts_with("search.") || k.starts_with("status.") || k.starts_with("notice.")) {
          keys.insert(k);
        }
      }
    }
  });
  // Values the settings view prefixes with "rounding." / "language.".
  for (const char* v : {"none", "jiao_down", "yuan_down", "jiao_nearest"}) keys.insert(std::string("rounding.") + v);
  for (const char* v : {"zh_CN", "en"}) keys.insert(std::string("language.") + v);
  return keys;
}

TEST_CASE("both string tables parse and have exactly the same keys") {
  Localizer& l = Lang();
  const auto zh = l.table(Language::kZhCn).Keys();
  const auto en = l.table(Language::kEn).Keys();
  CHECK(zh.size() > 200);
  std::set<std::string> zs(zh.begin(), zh.end()), es(en.begin(), en.end());
  for (const auto& k : zs) CHECK_MESSAGE(es.count(k), "missing in en.json: " << k);
  for (const auto& k : es) CHECK_MESSAGE(zs.count(k), "missing in zh_CN.json: " << k);
}

TEST_CASE("every key the counter uses is in both tables") {
  const auto used = KeysUsedInSources();
  CHECK(used.size() > 150);
  for (Language lang : kAllLanguages) {
    const StringTable& t = Lang().table(lang);
    for (const auto& k : used) CHECK_MESSAGE(t.Find(k) != nullptr, "key " << k << " missing in " << std::string(LanguageCode(lang)));
  }
}

TEST_CASE("texts take the same arguments in both languages, and none is empty") {
  const StringTable& zh = Lang().table(Language::kZhCn);
  const StringTable& en = Lang().table(Language::kEn);
  for (const auto& [k, v] : zh.entries()) {
    CHECK_MESSAGE(!v.empty(), k);
    const std::string* e = en.Find(k);
    if (!e) continue;
    CHECK_MESSAGE(Placeholders(v) == Placeholders(*e), "arguments differ for " << k);
  }
}

TEST_CASE("Chinese is the default, switching language changes Tr, unknown keys show themselves") {
  Localizer l;
  CHECK(l.language() == Language::kZhCn);
  CHECK(std::string(l.Tr("key.pay")) == "付款");
  l.SetLanguage(Language::kEn);
  CHECK(std::string(l.Tr("key.pay")) == "Pay");
  CHECK(std::string(l.Tr("no.such.key")) == "no.such.key");
  CHECK(l.Format("notice.still_due", "¥3.00") == "Still due: ¥3.00");
  l.SetLanguage(Language::kZhCn);
  CHECK(l.Format("search.count", 3, 1.25) == "找到 3 个商品（1.2 毫秒）");
}

TEST_CASE("ParseLanguage") {
  CHECK(*ParseLanguage("zh_CN") == Language::kZhCn);
  CHECK(*ParseLanguage("en") == Language::kEn);
  CHECK(!ParseLanguage("fr").ok());
}

TEST_CASE("StringTable::Parse refuses what is not an object of strings") {
  CHECK(!StringTable::Parse("[1,2]").ok());
  CHECK(!StringTable::Parse(R"({"a": 1})").ok());
  CHECK(!StringTable::Parse("{").ok());
  auto t = StringTable::Parse(R"({"a.b": "x"})");
  REQUIRE(t.ok());
  CHECK(*t->Find("a.b") == "x");
}

TEST_CASE("a Status with a message key shows the table's text with its named arguments") {
  Localizer l;
  const Status keyed = Status::NotFound("there is no line 3").WithKey("pos.no_line", {{"line", "3"}});
  CHECK(keyed.message() == "there is no line 3");  // logs, CLI and tests keep the English
  CHECK(keyed.ToString() == "not found: there is no line 3");
  CHECK(l.Message(keyed) == "没有第 3 行");
  l.SetLanguage(Language::kEn);
  CHECK(l.Message(keyed) == "There is no line 3");
  // No key, a key in neither table, an argument the text names but the
  // Status lacks: the message.
  CHECK(l.Message(Status::NotFound("gone")) == "gone");
  CHECK(l.Message(Status::NotFound("gone").WithKey("pos.no_such_key")) == "gone");
  CHECK(l.Message(Status::NotFound("gone").WithKey("pos.no_line")) == "gone");
  // An OK Status takes no key.
  CHECK(Status::Ok().WithKey("pos.no_line").message_key().empty());
}

TEST_CASE("every message key pos gives a Status is in both tables, with the arguments it passes") {
  // .WithKey("pos.x") or .WithKey("pos.x", {{"a", …}, {"b", …}}) in pos/.
  static const std::regex call(R"re(\.WithKey\("([a-z_]+\.[a-z0-9_.]+)"(?:, \{((?:\{"[a-z_]+", [^{}]*\}(?:, )?)*)\})?\))re");
  static const std::regex arg(R"re(\{"([a-z_]+)", )re");
  Localizer l;
  int calls = 0;
  ForEachSource("pos", [&](const std::filesystem::path& path, const std::string& src) {
    for (auto it = std::sregex_iterator(src.begin(), src.end(), call); it != std::sregex_iterator(); ++it) {
      ++calls;
      const std::string key = (*it)[1];
      const std::string args = (*it)[2];
      std::set<std::string> given;
      for (auto a = std::sregex_iterator(args.begin(), args.end(), arg); a != std::sregex_iterator(); ++a) {
        given.insert((*a)[1]);
      }
      for (Language lang : kAllLanguages) {
        INFO(path.filename().string(), ": ", key, " in ", LanguageCode(lang));
        const std::string* text = l.table(lang).Find(key);
        REQUIRE(text != nullptr);
        for (const std::string& name : NamedPlaceholders(*text)) CHECK(given.count(name) == 1);
      }
    }
  });
  CHECK(calls > 40);
}

// Issue 12: English showed in zh_CN mode on the settings choices, the
// keypads and the help screen.
TEST_CASE("no English left in zh_CN on the settings choices, keypads and the help screen's arrow keys") {
  const StringTable& zh = Lang().table(Language::kZhCn);
  for (const char* key : {"printer_profile.generic58", "printer_profile.generic80", "printer_profile.generic58-noqr",
                          "printer_profile.generic80-noqr", "scale_protocol.continuous-st", "scale_protocol.cas-enq",
                          "keypad.back", "keypad.ok", "key.up_down"}) {
    const std::string* text = zh.Find(key);
    REQUIRE_MESSAGE(text != nullptr, key);
    bool has_non_ascii = false;
    for (unsigned char c : *text) has_non_ascii |= c >= 0x80;
    CHECK_MESSAGE(has_non_ascii, key << " reads \"" << *text << "\" in zh_CN");
  }
}

}  // namespace
}  // namespace linli::ui
