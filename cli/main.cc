// linli: the store's command line over the pos core (DESIGN §1).
#include <cstdio>
#include <iostream>

#include "cli.h"
#include "usage.h"
#include "linli/pos/store.h"

namespace linli::cli {

const Clock& TheClock() {
  static SystemClock clock;
  return clock;
}

void AddLanguageOption(CLI::App& app) {
  app.add_option_function<std::string>(
         "--lang",
         [](const std::string& code) {
           auto lang = i18n::ParseLanguage(code);
           if (!lang.ok()) throw CLI::ValidationError("--lang", lang.status().message());
           i18n::Lang().SetLanguage(*lang);
         },
         "Language of messages: zh_CN or en (default: from LC_ALL, LC_MESSAGES or LANG)")
      ->type_name("LANG");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) AddLanguageOption(*sub);
}

std::string Text(const Status& st) {
  return i18n::Lang().language() == i18n::Language::kEn ? st.message() : i18n::Lang().Message(st);
}

int Fail(const Status& st) {
  std::cerr << "linli: " << Text(st) << "\n";
  return 1;
}

int Fail(const std::string& message, int code) {
  std::cerr << "linli: " << message << "\n";
  return code;
}

void OnRun(CLI::App* c, std::function<int()> run) {
  c->callback([c, run = std::move(run)] {
    if (!c->get_subcommands().empty()) return;
    // CLI11 ends parse() with this error's code and prints nothing for it.
    if (const int code = run(); code != 0) throw CLI::RuntimeError(code);
  });
}

CLI::Option* AddDbOption(CLI::App* c, std::string* path, const std::string& help) {
  return c->add_option("--db", *path, help);
}

void OnStore(CLI::App* c, std::string* path, StoreCommand cmd) {
  CLI::Option* db = AddDbOption(c, path, cmd.help);
  if (cmd.required) db->required();
  OnRun(c, [path, cmd = std::move(cmd)]() -> int {
    if (!cmd.required && path->empty()) {
      return cmd.without_store ? cmd.without_store() : Fail(Tr("cli.db_required"));
    }
    if (cmd.check) {
      if (const int code = cmd.check(); code != 0) return code;
    }
    auto store = OpenStore(*path);
    if (!store.ok()) return Fail(store.status());
    return cmd.run(**store);
  });
}

void OnStore(CLI::App* c, std::string* path, std::function<int(Database&)> run) {
  StoreCommand cmd;
  cmd.run = std::move(run);
  OnStore(c, path, std::move(cmd));
}

void PrintJson(const nlohmann::json& j, bool compact) {
  std::cout << (compact ? j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                        : j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
            << "\n";
}

std::string ReadLineFromStdin() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::optional<User> SignInOrFail(Database& db, const std::string& id, std::string pin) {
  if (pin.empty()) pin = ReadLineFromStdin();
  auto u = Authenticate(db, id, pin);
  if (!u.ok()) {
    Fail(u.status());
    return std::nullopt;
  }
  return *u;
}

}  // namespace linli::cli

int main(int argc, char** argv) {
  linli::i18n::Lang().SetLanguage(linli::i18n::LanguageFromEnvironment());  // --lang may override it
  CLI::App app{"linli — 邻里 point of sale: store database, catalog, stock, barcodes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("linli ") + LINLI_VERSION);
  linli::cli::RegisterStoreCommands(app);
  linli::cli::RegisterCatalogCommands(app);
  linli::cli::RegisterProductCommands(app);
  linli::cli::RegisterPaymentCommands(app);
  linli::cli::RegisterCheckoutCommands(app);
  linli::cli::RegisterShiftCommands(app);
  linli::cli::RegisterPrintCommands(app);
  linli::cli::RegisterEscposCommands(app);
  linli::cli::RegisterDeviceCommands(app);
  linli::cli::RegisterSyncCommands(app);
  linli::cli::RegisterBackupCommands(app);
  linli::cli::RegisterAdminCommands(app);
  linli::cli::AddLanguageOption(app);
  const int code = linli::cli::ParseOrExplain(app, argc, argv, "linli", std::cout, std::cerr);
  return code < 0 ? 0 : code;
}
