// Issue 12: the CLI speaks the shopkeeper's language. `linli` follows the
// locale (zh_CN when LC_ALL, LC_MESSAGES or LANG says zh, English
// otherwise), --lang overrides it, errors read with the counter's words for
// the same Status, and JSON stays the same in every language. `print` and
// `sell --receipt` print text for people and JSON with --json.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "testing.h"

using linli::testing::ReadFile;
using linli::testing::RunLinli;
using linli::testing::RunResult;
using linli::testing::TempDir;
using linli::testing::WriteFile;

namespace {

// Every case in cli_tests runs linli in English (LANG=C) unless it sets
// the locale itself, so a developer's zh_CN shell does not change what the
// other suites read. Runs when the test binary starts.
const bool kEnglishByDefault = [] {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANGUAGE"}) unsetenv(name);
  setenv("LANG", "C", 1);
  return true;
}();

// Sets the locale variables for one scope and puts back what was there.
class ScopedLocale {
 public:
  // vars: name → value; a name not given is unset for the scope.
  explicit ScopedLocale(const std::map<std::string, std::string>& vars) {
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      auto it = vars.find(name);
      if (it == vars.end()) unsetenv(name);
      else setenv(name, it->second.c_str(), 1);
    }
  }
  ~ScopedLocale() {
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1);
      else unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

const std::map<std::string, std::string> kZh = {{"LANG", "zh_CN.UTF-8"}};
const std::map<std::string, std::string> kC = {{"LANG", "C"}};

std::string Q(const std::string& s) { return "'" + s + "'"; }
bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// A table as the build embeds it (ui/i18n/LANG.json).
nlohmann::json Table(const std::string& lang) {
  return nlohmann::json::parse(ReadFile(std::string(LINLI_SOURCE_DIR) + "/ui/i18n/" + lang + ".json"));
}

// The text of `key` in the zh_CN table with its {name}s filled in.
std::string ZhText(const std::string& key, const std::map<std::string, std::string>& args = {}) {
  const nlohmann::json zh = Table("zh_CN");
  REQUIRE_MESSAGE(zh.contains(key), key);
  std::string text = zh[key];
  for (const auto& [name, value] : args) {
    const std::string hole = "{" + name + "}";
    for (size_t at = text.find(hole); at != std::string::npos; at = text.find(hole)) text.replace(at, hole.size(), value);
  }
  return text;
}

// Any character outside ASCII: CJK text.
bool HasNonAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

// A store with the demo catalog, a cashier (1001/1234) and a manager
// (9001/9999), made in English.
struct Store {
  TempDir dir;
  std::string db = linli::testing::MakeDemoStoreWithCli(dir);
  std::string D = " --db " + Q(db) + " ";
  // "cmd -- rest": the subcommand, then --db, then the rest.
  RunResult Run(const std::string& cmd, const std::map<std::string, std::string>& locale = kC) {
    ScopedLocale scoped(locale);
    const size_t sp = cmd.find(" -- ");
    return RunLinli(cmd.substr(0, sp) + D + (sp == std::string::npos ? "" : cmd.substr(sp + 4)));
  }
  // Writes a script that sells two colas for ¥10 cash; its path.
  std::string ColaScript() {
    const std::string path = dir.File("cola.json");
    WriteFile(path, R"({"cashier":"1001","pin":"1234","sales":[
      {"actions":[{"scan":"6901234567892","qty":2},{"pay":{"method":"cash","amount_fen":1000}}]}]})");
    return path;
  }
  // Opens a shift and sells the colas; the receipt number.
  std::string SellCola() {
    (void)Run("shift open -- --user 1001 --pin 1234 --float 0");
    auto r = Run("sell -- --json --script " + Q(ColaScript()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).at(0).at("receipt_no");
  }
};

}  // namespace

TEST_CASE("cli lang: under LANG=zh_CN.UTF-8 the shop commands print Chinese") {
  Store s;
  auto open = s.Run("shift open -- --user 1001 --pin 1234 --float 200", kZh);
  INFO(open.err);
  REQUIRE(open.exit_code == 0);
  CHECK(open.out == "第 1 班已开班：张三，备用金 ¥200.00\n");
  auto status = s.Run("shift status", kZh);
  CHECK(Has(status.out, "第 1 班：张三 (1001) 于 "));
  CHECK(Has(status.out, "钱箱应有现金 ¥200.00"));
  auto users = s.Run("user list", kZh);
  CHECK(Has(users.out, "1001\t张三\t收银员\n"));
  CHECK(Has(users.out, "9001\t李店长\t店长\n"));
  auto member = s.Run("member add -- --phone 13800138000 --name 王阿姨", kZh);
  CHECK(member.out == "会员 13800138000 王阿姨 已保存\n");
  CHECK(s.Run("member show -- --phone 13800138000", kZh).out == "会员 13800138000 王阿姨：积分 0\n");
  // A setting's description: its Chinese half.
  auto config = s.Run("config list", kZh);
  CHECK(Has(config.out, "cash_rounding = none\n    现金抹零规则\n"));
  CHECK(Has(config.out, "receipt_header = （空）  （默认）\n    小票抬头\n"));
  CHECK(!Has(config.out, "cash rounding:"));
}

TEST_CASE("cli lang: under LANG=C, and with no locale at all, the same commands print English") {
  Store s;
  auto open = s.Run("shift open -- --user 1001 --pin 1234 --float 200", kC);
  INFO(open.err);
  REQUIRE(open.exit_code == 0);
  CHECK(open.out == "shift 1 opened by 张三 with float ¥200.00\n");
  auto status = s.Run("shift status", {});  // no LANG, LC_ALL or LC_MESSAGES
  CHECK(Has(status.out, "shift 1 open since "));
  CHECK(Has(status.out, "by 张三 (1001); expected cash ¥200.00"));
  CHECK(Has(s.Run("user list").out, "1001\t张三\tcashier\n"));
  auto config = s.Run("config list");
  CHECK(Has(config.out, "cash_rounding = none\n    cash rounding: none|jiao_down|yuan_down|jiao_nearest\n"));
  CHECK(Has(config.out, "receipt_header = (empty)  (default)\n    receipt header line\n"));
  CHECK(!Has(config.out, "现金抹零规则"));
}

TEST_CASE("cli lang: --lang overrides the locale anywhere on the command line; LC_ALL beats LC_MESSAGES beats LANG") {
  Store s;
  REQUIRE(s.Run("shift open -- --user 1001 --pin 1234 --float 200").exit_code == 0);
  const std::string en = "shift 1 open since ", zh = "第 1 班：";
  CHECK(Has(s.Run("shift status -- --lang en", kZh).out, en));
  CHECK(Has(s.Run("shift status -- --lang zh_CN", kC).out, zh));
  {
    // Before the command, as a global option.
    ScopedLocale scoped(kZh);
    CHECK(Has(RunLinli("--lang en shift status" + s.D).out, en));
  }
  CHECK(Has(s.Run("shift status", {{"LC_ALL", "zh_CN.UTF-8"}, {"LANG", "C"}}).out, zh));
  CHECK(Has(s.Run("shift status", {{"LC_ALL", "C"}, {"LANG", "zh_CN.UTF-8"}}).out, en));
  CHECK(Has(s.Run("shift status", {{"LC_MESSAGES", "zh_CN.UTF-8"}, {"LANG", "en_US.UTF-8"}}).out, zh));
  CHECK(Has(s.Run("shift status", {{"LC_ALL", ""}, {"LANG", "zh_CN.UTF-8"}}).out, zh));  // empty is unset
  // A language linli does not have is a usage error that names it.
  auto fr = s.Run("shift status -- --lang fr", kZh);
  CHECK(fr.exit_code == 2);
  CHECK(Has(fr.err, "\"fr\""));
  CHECK(fr.out.empty());
}

TEST_CASE("cli lang: a keyed error reads with the counter's words in zh_CN and the Status's English in en") {
  Store s;
  // pos.wrong_pin, from Authenticate.
  auto zh = s.Run("shift open -- --user 1001 --pin 0000 --float 200", kZh);
  CHECK(zh.exit_code == 1);
  CHECK(zh.err == "linli: " + ZhText("pos.wrong_pin", {{"id", "1001"}}) + "\n");
  auto en = s.Run("shift open -- --user 1001 --pin 0000 --float 200", kC);
  CHECK(en.exit_code == 1);
  CHECK(en.err == "linli: wrong PIN for user 1001\n");
  // pos.no_shift_to_close, from CloseShift.
  auto zh_close = s.Run("shift close -- --user 1001 --pin 1234 --counted 0", kZh);
  CHECK(zh_close.exit_code == 1);
  CHECK(zh_close.err == "linli: " + ZhText("pos.no_shift_to_close") + "\n");
  auto en_close = s.Run("shift close -- --user 1001 --pin 1234 --counted 0", kC);
  CHECK(en_close.err == "linli: no shift is open, so there is nothing to close\n");
  // The CLI's own messages too: sell with no shift open names the command in both.
  const std::string script = s.ColaScript();
  auto zh_sell = s.Run("sell -- --script " + Q(script), kZh);
  CHECK(zh_sell.exit_code == 1);
  CHECK(Has(zh_sell.err, "linli: 还没有开班"));
  CHECK(Has(zh_sell.err, "linli shift open --db " + s.db + " --user 1001"));
  CHECK(!Has(zh_sell.err, "no shift is open"));
  CHECK(Has(s.Run("sell -- --script " + Q(script), kC).err, "linli: no shift is open, so nothing was sold"));
}

TEST_CASE("cli lang: JSON is the same in every language") {
  Store s;
  REQUIRE(s.Run("shift open -- --user 1001 --pin 1234 --float 200").exit_code == 0);
  for (const char* cmd : {"shift status -- --json", "user list -- --json", "config get -- cash_rounding --json"}) {
    CAPTURE(cmd);
    const std::string en = s.Run(cmd, kC).out, zh = s.Run(cmd, kZh).out;
    CHECK(!en.empty());
    CHECK(en == zh);
    CHECK(!nlohmann::json::parse(en, nullptr, /*allow_exceptions=*/false).is_discarded());
  }
  auto sold = s.Run("sell -- --json --script " + Q(s.ColaScript()), kZh);
  REQUIRE(sold.exit_code == 0);
  const auto j = nlohmann::json::parse(sold.out);
  CHECK(j.at(0).at("kind") == "sale");
  CHECK(j.at(0).at("status") == "completed");
  CHECK(!HasNonAscii(j.at(0).at("tenders").dump()));
}

TEST_CASE("cli lang: sell prints a line per sale for people, the receipts with --receipt, JSON with --json") {
  Store s;
  REQUIRE(s.Run("shift open -- --user 1001 --pin 1234 --float 0").exit_code == 0);
  const std::string script = s.ColaScript();

  auto text = s.Run("sell -- --receipt --script " + Q(script));
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(nlohmann::json::parse(text.out, nullptr, false).is_discarded());  // not JSON
  const std::regex line(R"(^sale (S001-\d{8}-\d{4}): 1 line\(s\), total ¥7\.00, change ¥3\.00\n)");
  std::smatch m;
  REQUIRE(std::regex_search(text.out, m, line));
  const std::string no = m[1];
  CHECK(Has(text.out, "可口可乐 330ml"));  // the receipt follows
  CHECK(text.out.find(no, m.length(0)) != std::string::npos);
  CHECK(!Has(s.Run("sell -- --script " + Q(script)).out, "可口可乐 330ml"));  // without --receipt, no receipt

  auto zh = s.Run("sell -- --script " + Q(script), kZh);
  CHECK(std::regex_match(zh.out, std::regex(R"(销售 S001-\d{8}-\d{4}：1 行，合计 ¥7\.00，找零 ¥3\.00\n)")));

  auto json = s.Run("sell -- --receipt --json --script " + Q(script));
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);  // JSON and nothing else
  REQUIRE(j.size() == 1);
  const auto& sale = j[0];
  for (const char* k : {"receipt_no", "kind", "business_date", "occurred_at", "cashier", "lines", "total_fen",
                        "tax_fen", "tenders", "change_fen", "journal_hash", "receipt"}) {
    CHECK_MESSAGE(sale.contains(k), k);
  }
  CHECK(sale["total_fen"] == 700);
  CHECK(sale["change_fen"] == 300);
  CHECK(Has(sale["receipt"].get<std::string>(), sale["receipt_no"].get<std::string>()));
  CHECK(Has(sale["receipt"].get<std::string>(), "可口可乐 330ml"));
  CHECK(!nlohmann::json::parse(s.Run("sell -- --json --script " + Q(script)).out)[0].contains("receipt"));
}

TEST_CASE("cli lang: print says what it printed for people, its outcome as JSON with --json") {
  Store s;
  const std::string no = s.SellCola();
  const std::string spool = " --printer spool:" + Q(s.dir.File("spool"));

  auto text = s.Run("print -- --receipt " + no + spool);
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out == "receipt " + no + " printed (print job 1)\n");
  auto zh = s.Run("print -- --receipt " + no + " --reprint" + spool, kZh);
  CHECK(zh.out == "小票 " + no + " 已打印（打印任务 2）\n");

  auto json = s.Run("print -- --json --receipt " + no + spool, kZh);
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["what"] == "receipt");
  CHECK(j["receipt_no"] == no);
  CHECK(j["job_id"] == 3);
  CHECK(j["state"] == "printed");

  auto report = s.Run("print -- --report x" + spool);
  REQUIRE(report.exit_code == 0);
  CHECK(std::regex_match(report.out, std::regex(R"(X report for \d{4}-\d{2}-\d{2} printed \(print job 4\)\n)")));
  auto report_json = nlohmann::json::parse(s.Run("print -- --json --report x" + spool).out);
  CHECK(report_json["what"] == "report");
  CHECK(report_json["report"] == "x");

  // A failed job: nothing on stdout, the error and the retry on stderr, in
  // the reader's language.
  const std::string none = " --printer " + Q("file:" + s.dir.File("no/such/dir/lp0"));
  auto failed = s.Run("print -- --receipt " + no + none);
  CHECK(failed.exit_code == 1);
  CHECK(failed.out.empty());
  CHECK(Has(failed.err, "(print job 6 is kept in the queue: linli print retry --job 6)"));
  auto failed_zh = s.Run("print -- --receipt " + no + none, kZh);
  CHECK(failed_zh.out.empty());
  CHECK(Has(failed_zh.err, "（打印任务 7 留在队列中，修好后重打：linli print retry --job 7）"));
  auto failed_json = s.Run("print -- --json --receipt " + no + none);
  CHECK(failed_json.exit_code == 1);
  CHECK(nlohmann::json::parse(failed_json.out)["state"] == "failed");

  auto retry = s.Run("print retry -- --job 6" + spool);
  INFO(retry.err);
  REQUIRE(retry.exit_code == 0);
  CHECK(retry.out == "print job 6 printed\n");
  auto queue = s.Run("print queue -- --all", kZh);
  CHECK(Has(queue.out, "小票"));
  CHECK(Has(queue.out, "已打印"));
  CHECK(Has(queue.out, "失败"));
}

// The CLI's words are keys like the counter's: every "cli.*" key in cli/ and
// every "pos.*" key it gives a Status is in both tables, and each text takes
// the same {0}, {1}… in both.
TEST_CASE("cli lang: every key the CLI uses is in both tables with the same arguments") {
  const nlohmann::json en = Table("en"), zh = Table("zh_CN");
  static const std::regex key(R"re("((?:cli|pos)\.[a-z0-9_.]*[a-z0-9_])")re");
  static const std::regex positional(R"(\{(\d+)[^}]*\})");
  auto holes = [](const std::string& text) {
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), positional); it != std::sregex_iterator(); ++it) {
      out.insert((*it)[1]);
    }
    return out;
  };
  std::set<std::string> used;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(LINLI_SOURCE_DIR) + "/cli")) {
    if (entry.path().extension() != ".cc") continue;
    const std::string src = ReadFile(entry.path().string());
    for (auto it = std::sregex_iterator(src.begin(), src.end(), key); it != std::sregex_iterator(); ++it) {
      const std::string k = (*it)[1];
      if (!k.ends_with(".h")) used.insert(k);  // not #include "cli.h"
    }
  }
  CHECK(used.size() > 50);
  CHECK(used.count("cli.print.receipt_printed") == 1);
  for (const std::string& k : used) {
    CAPTURE(k);
    REQUIRE(en.contains(k));
    REQUIRE(zh.contains(k));
    CHECK(holes(en[k]) == holes(zh[k]));
  }
  // Every cli.* key in the tables is used, so none is left behind.
  for (const auto& [k, v] : en.items()) {
    if (k.starts_with("cli.")) CHECK_MESSAGE(used.count(k) == 1, k << " is in the tables but no longer used in cli/");
  }
}
