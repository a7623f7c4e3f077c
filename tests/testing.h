// Helpers shared by the test suites: temporary directories, running the CLI.
#pragma once

#include <filesystem>
#include <string>

#include "linli/pos/db.h"

namespace linli::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the linli binary with a shell-quoted argument string; stdin from `input`.
RunResult RunLinli(const std::string& args, const std::string& input = "");

// Runs `cmd` with /bin/sh and returns what it wrote to stdout ("" when it
// could not be started): for tests that compare with a system tool.
std::string ShellOutput(const std::string& cmd);

// Writes text to a file (overwriting).
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);

// The demo store the CLI tests start from, made with the linli binary in dir
// ("store.db"): store S001, the demo catalog, cashier 1001 (PIN 1234) and
// manager 9001 (PIN 9999). Returns its path; fails the test when a step does.
std::string MakeDemoStoreWithCli(const TempDir& dir);

// A new, initialised store database in dir ("store.db"), for unit tests.
std::string MakeStore(const TempDir& dir, const std::string& code = "S001");

}  // namespace linli::testing
