#include "testing.h"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "linli/pos/store.h"

namespace linli::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("linli-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

RunResult RunLinli(const std::string& args, const std::string& input) {
  TempDir io;
  const std::string in = io.File("stdin"), out = io.File("stdout"), err = io.File("stderr");
  WriteFile(in, input);
  const std::string cmd = std::string("'") + LINLI_BIN + "' " + args + " <'" + in + "' >'" + out +
                          "' 2>'" + err + "'";
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

std::string MakeStore(const TempDir& dir, const std::string& code) {
  const std::string path = dir.File("store.db");
  SystemClock clock;
  Status st = InitStore(path, {code, "测试店", "Asia/Shanghai"}, clock);
  if (!st.ok()) throw std::runtime_error(st.ToString());
  return path;
}

std::string MakeDemoStoreWithCli(const TempDir& dir) {
  const std::string db = dir.File("store.db");
  const std::string D = " --db '" + db + "' ";
  REQUIRE(RunLinli("init" + D + "--store-code S001 --name 邻里便利店").exit_code == 0);
  REQUIRE(RunLinli("catalog import" + D + "'" + std::string(LINLI_SOURCE_DIR) + "/packaging/demo/catalog.csv'")
              .exit_code == 0);
  REQUIRE(RunLinli("user add" + D + "--id 1001 --name 张三 --role cashier", "1234\n").exit_code == 0);
  REQUIRE(RunLinli("user add" + D + "--id 9001 --name 李店长 --role manager --pin 9999").exit_code == 0);
  return db;
}

std::string ShellOutput(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

}  // namespace linli::testing
