// How both command lines (linli, linli-hub) answer a usage error: the
// program's name first, the error, the closest command for one it does not
// know, how to get help, and the same exit code. The one place CLI11's parse
// errors are turned into words; everything else about CLI11 stays in each
// program.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace linli::cli {

// Exit codes shared by linli and linli-hub: 0 ok (and --help, --version),
// 1 the command failed, 2 the command line is wrong.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Parses; on --help or --version prints it to `out` and returns 0; on a
// usage error prints to `err`
//   PROG: The following argument was not expected: fnd
//   PROG: unknown command "fnd"; did you mean "find"?
//   Run `PROG catalog --help` for the commands and options.
// and returns kExitUsage. Returns -1 when parsing succeeded: run the command.
int ParseOrExplain(CLI::App& app, int argc, char** argv, const std::string& prog, std::ostream& out,
                   std::ostream& err);

// The name in `names` closest to `word` (edit distance, at most a third of
// the word's length plus one), or "" when none is close.
std::string ClosestName(const std::string& word, const std::vector<std::string>& names);

}  // namespace linli::cli
