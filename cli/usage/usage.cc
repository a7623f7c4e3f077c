// Usage errors for linli and linli-hub (usage.h).
#include "usage.h"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "linli/pos/text.h"

namespace linli::cli {
namespace {

std::vector<std::string> SubcommandNames(CLI::App* app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

}  // namespace

std::string ClosestName(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = word.size() / 3 + 2;
  for (const std::string& n : names) {
    const size_t d = EditDistance(word, n);
    if (d < best_d || (d == best_d && !best.empty() && n < best)) {
      best_d = d;
      best = n;
    }
  }
  return best;
}

int ParseOrExplain(CLI::App& app, int argc, char** argv, const std::string& prog, std::ostream& out,
                   std::ostream& err) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::Success& e) {
    return app.exit(e, out, err);  // --help, --version
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command ran and failed; it said why
  } catch (const CLI::ParseError& e) {
    // Where the command line went wrong: the deepest command it named, and
    // a word there that is no command of it.
    CLI::App* at = &app;
    std::string path, unknown;
    for (int i = 1; i < argc; ++i) {
      const std::string word = argv[i];
      if (word.empty() || word[0] == '-') break;
      std::vector<CLI::App*> subs = at->get_subcommands([&](CLI::App* s) { return s->check_name(word); });
      if (!subs.empty()) {
        at = subs.front();
        path += " " + at->get_name();
        continue;
      }
      if (!SubcommandNames(at).empty()) unknown = word;
      break;
    }
    err << prog << ": " << e.what() << "\n";
    if (!unknown.empty()) {
      const std::string near = ClosestName(unknown, SubcommandNames(at));
      err << prog << ": unknown command \"" << unknown << "\"" << (path.empty() ? "" : " for `" + prog + path + "`");
      if (!near.empty()) err << "; did you mean \"" << near << "\"?";
      err << "\n";
    }
    err << "Run `" << prog << path << " --help` for the commands and options.\n";
    return kExitUsage;
  }
}

}  // namespace linli::cli
