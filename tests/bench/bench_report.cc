// bench_report: gathers the benches' final JSON lines into bench-results.json
// and a short Markdown table (docs/bench/latest.md). Used by scripts/bench;
// built here so the script needs neither jq nor Python.
//
//   bench_report --json OUT.json --md OUT.md [--mode full|quick] [--note TEXT]
//                [--load-before "1 5 15"] [--load-after "1 5 15"] [--commit REV]
//                [--bench-cmd TEXT] NAME=LOGFILE...
//
// For each NAME=LOGFILE the last line of LOGFILE that starts with {"bench"
// is parsed; a missing or unparsable line is recorded as {"error": …} and
// shown as a row with "no result". Each bench's "rows" array (what, figure,
// limit, ratio, ratio_is, target, ok) becomes table rows in file order.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        return v;
      }
    }
  }
  return "unknown";
}

std::string ReadFirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json LastBenchLine(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {{"error", "no log " + path}};
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.rfind("{\"bench\"", 0) == 0) last = line;
  }
  if (last.empty()) return {{"error", "no {\"bench\"…} line in " + path}};
  try {
    return json::parse(last);
  } catch (const std::exception& e) {
    return {{"error", std::string("unparsable result line: ") + e.what()}};
  }
}

std::string Cell(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

std::string Str(const json& j, const char* key, const char* dflt = "—") {
  if (!j.contains(key) || j[key].is_null()) return dflt;
  if (j[key].is_string()) return j[key].get<std::string>();
  return j[key].dump();
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_json, out_md, mode = "full", note, load_before, load_after, commit, bench_cmd;
  std::vector<std::pair<std::string, std::string>> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_report: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--json") out_json = next();
    else if (a == "--md") out_md = next();
    else if (a == "--mode") mode = next();
    else if (a == "--note") note = next();
    else if (a == "--load-before") load_before = next();
    else if (a == "--load-after") load_after = next();
    else if (a == "--commit") commit = next();
    else if (a == "--bench-cmd") bench_cmd = next();
    else if (auto eq = a.find('='); eq != std::string::npos) inputs.emplace_back(a.substr(0, eq), a.substr(eq + 1));
    else {
      std::fprintf(stderr, "bench_report: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (out_json.empty() || out_md.empty()) {
    std::fprintf(stderr, "usage: bench_report --json OUT.json --md OUT.md [options] NAME=LOG...\n");
    return 2;
  }

  const std::string date = NowUtc(), cpu = CpuModel();
  const unsigned nproc = std::thread::hardware_concurrency();
  json machine = {{"nproc", nproc},
                  {"cpu_model", cpu},
                  {"date", date},
                  {"kernel", ReadFirstLine("/proc/sys/kernel/osrelease")},
                  {"loadavg_before", load_before},
                  {"loadavg_after", load_after}};
  if (!note.empty()) machine["note"] = note;
  json results = {{"machine", machine}, {"mode", mode}};
  if (!commit.empty()) results["commit"] = commit;

  std::ostringstream md;
  md << "# Benchmarks: latest run\n\n";
  md << "Written by `scripts/bench" << (mode == "quick" ? " --quick" : "") << "` on " << date << " ("
     << (mode == "quick" ? "quick: small sizes, smoke run only" : "full sizes") << ")";
  if (!commit.empty()) md << " at " << commit;
  md << ". Machine: " << cpu << ", " << nproc << " CPU" << (nproc == 1 ? "" : "s")
     << "; load average before " << (load_before.empty() ? "?" : load_before) << ", after "
     << (load_after.empty() ? "?" : load_after) << ".\n\n";
  if (!note.empty()) md << "**Note:** " << note << "\n\n";
  md << "Each limit is measured in the same run on the same machine; the ratio says how it is taken. "
        "Full output and every figure: `bench-results.json` (not committed) and the logs in "
        "`build-release/bench-logs/`.\n\n";
  md << "| bench | what | figure | limit (same run) | ratio | target | ok |\n";
  md << "|---|---|---|---|---|---|---|\n";
  int misses = 0;
  for (const auto& [name, path] : inputs) {
    json j = LastBenchLine(path);
    results[name] = j;
    if (j.contains("error")) {
      md << "| " << Cell(name) << " | no result | " << Cell(j["error"].get<std::string>()) << " | | | | MISS |\n";
      ++misses;
      continue;
    }
    if (!j.contains("rows") || !j["rows"].is_array()) {
      md << "| " << Cell(name) << " | (no rows in its JSON line) | | | | | — |\n";
      continue;
    }
    for (const json& r : j["rows"]) {
      std::string ratio = "—";
      if (r.contains("ratio") && r["ratio"].is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f×", r["ratio"].get<double>());
        ratio = buf;
        const std::string is = Str(r, "ratio_is", "");
        if (!is.empty()) ratio += " (" + is + ")";
      }
      std::string ok = "—";
      if (r.contains("ok") && r["ok"].is_boolean()) {
        ok = r["ok"].get<bool>() ? "ok" : "**MISS**";
        if (!r["ok"].get<bool>()) ++misses;
      }
      md << "| " << Cell(name) << " | " << Cell(Str(r, "what")) << " | " << Cell(Str(r, "figure")) << " | "
         << Cell(Str(r, "limit")) << " | " << Cell(ratio) << " | " << Cell(Str(r, "target")) << " | " << ok << " |\n";
    }
  }
  md << "\n\"none set\": the issue gives no target for that figure; it is reported with its limit only.\n";
  if (!bench_cmd.empty()) md << "\nReproduce: `" << bench_cmd << "`.\n";

  std::ofstream jo(out_json);
  jo << results.dump(2) << "\n";
  std::ofstream mo(out_md);
  mo << md.str();
  if (!jo || !mo) {
    std::fprintf(stderr, "bench_report: cannot write %s or %s\n", out_json.c_str(), out_md.c_str());
    return 1;
  }
  std::cout << md.str();
  std::fprintf(stderr, "bench_report: wrote %s and %s (%d MISS)\n", out_json.c_str(), out_md.c_str(), misses);
  return 0;
}
