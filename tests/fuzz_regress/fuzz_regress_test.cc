// Every fuzz seed (tests/fuzz/corpus/<name>/) and every input that once
// crashed a fuzz target (tests/fuzz/crashes/<name>/<bug-name>) replayed through
// the same entry points (tests/fuzz/targets.h) under the normal build, so the
// bugs stay fixed without clang. One crash file per bug, named after it; a
// target that never crashed keeps there the edge inputs nearest to a crash
// (integer limits, fields past the end, unterminated quotes), named after the
// edge. Each directory must hold at least one input: a subcase that replays
// nothing fails, so a moved or emptied directory cannot pass unnoticed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/targets.h"

namespace linli {
namespace {

namespace fs = std::filesystem;

struct Target {
  const char* name;
  int (*fn)(const uint8_t*, size_t);
};
constexpr Target kTargets[] = {
    {"barcode", fuzz::FuzzBarcode},       {"money", fuzz::FuzzMoney},
    {"csv", fuzz::FuzzCsv},               {"escpos", fuzz::FuzzEscPos},
    {"sync_batch", fuzz::FuzzSyncBatch},  {"hub_request", fuzz::FuzzHubRequest},
    {"till_script", fuzz::FuzzTillScript}, {"receipt_qr", fuzz::FuzzReceiptQr},
    {"payment_answers", fuzz::FuzzPaymentAnswers},
};

std::vector<fs::path> Inputs(const std::string& kind, const std::string& target) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(LINLI_SOURCE_DIR) / "tests/fuzz" / kind / target;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void Replay(const Target& t, const std::string& kind) {
  const std::vector<fs::path> inputs = Inputs(kind, t.name);
  const std::string dir = "tests/fuzz/" + kind + "/" + t.name + "/";
  REQUIRE_MESSAGE(!inputs.empty(), dir << " holds no inputs to replay");
  fuzz::FailHook() = [](const std::string& what) { throw std::runtime_error(what); };
  for (const fs::path& p : inputs) {
    const std::string bytes = Slurp(p);
    INFO(kind << "/" << std::string(t.name) << "/" << p.filename().string() << " (" << bytes.size() << " bytes)");
    try {
      CHECK(t.fn(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) == 0);
    } catch (const std::exception& e) {
      FAIL_CHECK(e.what());
    }
  }
  fuzz::FailHook() = nullptr;
}

TEST_CASE("every target has a seed corpus") {
  for (const Target& t : kTargets) {
    INFO(t.name);
    CHECK(!Inputs("corpus", t.name).empty());
  }
}

TEST_CASE("seed corpora replay cleanly") {
  for (const Target& t : kTargets) {
    SUBCASE(t.name) { Replay(t, "corpus"); }
  }
}

TEST_CASE("past fuzz crashes stay fixed") {
  for (const Target& t : kTargets) {
    SUBCASE(t.name) { Replay(t, "crashes"); }
  }
}

}  // namespace
}  // namespace linli
