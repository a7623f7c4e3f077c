// linli-counter: the till. An empty shell over linli_ui (see views/app.h).
#include <CLI/CLI.hpp>

#include "app.h"

int main(int argc, char** argv) {
  linli::ui::CounterOptions o;
  CLI::App app{"linli-counter — the Linli till (邻里收银台)"};
  app.add_option("--db", o.db_path, "store database")->required();
  app.add_option("--printer", o.printer_uri, "printer URI, overrides the setting: tcp://HOST:9100, file:/dev/usb/lp0, spool:/DIR, none");
  app.add_option("--scale", o.scale, "scale: fake (tests), none, or empty for the configured port");
  app.add_option("--lang", o.language, "zh_CN or en, overrides the setting");
  app.add_option("--width", o.width, "window width");
  app.add_option("--height", o.height, "window height");
  app.add_option("--ui-scale", o.ui_scale, "UI scale; 0 = from the monitor");
  app.add_option("--replay", o.replay_path, "play a file of input events, then quit");
  app.add_option("--screenshots", o.screenshot_dir, "directory for replay screenshots");
  app.add_option("--report", o.report_path, "JSON-lines report of replay checks");
  app.add_flag("--bench", o.bench, "measure frame times with a big cart and the search open");
  app.add_option("--bench-user", o.bench_user, "cashier for --bench");
  app.add_option("--bench-pin", o.bench_pin, "PIN for --bench");
  app.add_option("--bench-barcodes", o.bench_barcodes, "file of barcodes to scan for --bench");
  app.add_option("--bench-lines", o.bench_lines, "cart lines for --bench");
  app.add_option("--bench-query", o.bench_query, "search query for --bench");
  app.add_option("--bench-frames", o.bench_frames, "frames to time per case");
  CLI11_PARSE(app, argc, argv);
  return linli::ui::RunCounter(o);
}
