// The counter application: window, fonts, the frame loop and input routing
// (app.cc), and its test harness: replay scripts, screenshots, the pixel
// text check and the frame bench (harness.cc). main() only parses flags and
// calls RunCounter.
#pragma once

#include <string>

namespace linli::ui {

struct CounterOptions {
  std::string db_path;           // the store database (required)
  std::string printer_uri;       // overrides the configured printer ("spool:/dir", "none")
  std::string scale;             // "fake" (replay/tests), "none", or "" = configured port
  std::string language;          // overrides the configured language
  int width = 1280;
  int height = 800;
  float ui_scale = 0;            // 0: from the monitor's content scale

  // Replay (end-to-end tests, the headless demo).
  std::string replay_path;       // events to play, then quit
  std::string screenshot_dir = ".";
  std::string report_path;       // JSON lines: one per expect-text / screenshot

  // Benchmark: frame times with a big cart and the search open.
  bool bench = false;
  std::string bench_user = "1001";
  std::string bench_pin = "1234";
  std::string bench_barcodes;    // file: one barcode per line, scanned into the cart
  int bench_lines = 200;
  std::string bench_query = "kkkl";
  int bench_frames = 200;
};

// Runs until the window closes, the replay ends or the bench is done.
// Returns the process exit code: 0, or 1 when the replay's checks failed or
// the window could not be opened.
int RunCounter(const CounterOptions& options);

}  // namespace linli::ui
