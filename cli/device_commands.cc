// linli scale read · scanner listen · display test
#include <chrono>
#include <iostream>
#include <thread>

#include "cli.h"
#include "linli/drivers/pole_display.h"
#include "linli/drivers/scale.h"
#include "linli/drivers/scanner.h"
#include "linli/drivers/serial.h"
#include "linli/pos/money.h"

namespace linli::cli {
namespace {

struct ScaleOpts {
  std::string port, protocol;
  int baud = 9600;
  int timeout_ms = 3000;
  bool any = false, tare = false, json = false;
};
struct ScannerOpts {
  std::string port, suffix = "auto";
  int baud = 9600;
  int count = 0;
  int seconds = 0;
  int max_length = 128;
  bool json = false;
};
struct DisplayOpts {
  std::string port, encoding = "gb18030", commands = "epson";
  int baud = 9600;
  int pause_ms = 1500;
};

std::string FormatKg(int64_t grams) {
  // Exact: 1234 → "1.234", -50 → "-0.050".
  const bool neg = grams < 0;
  const int64_t g = neg ? -grams : grams;
  std::string frac = std::to_string(g % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return (neg ? "-" : "") + std::to_string(g / 1000) + "." + frac;
}

}  // namespace

void RegisterDeviceCommands(CLI::App& app) {
  // ---- scale read
  CLI::App* scale = app.add_subcommand("scale", "Serial shop scales");
  scale->require_subcommand(1);
  auto so = std::make_shared<ScaleOpts>();
  CLI::App* sr = scale->add_subcommand("read", "Read the weight (waits for a stable one unless --any)");
  sr->add_option("--port", so->port, "Serial device, e.g. /dev/ttyUSB0")->required();
  sr->add_option("--protocol", so->protocol, "continuous-st (ST,GS,+  1.234kg) or cas-enq (ENQ/DC1)")->required();
  sr->add_option("--baud", so->baud, "Baud rate")->capture_default_str();
  sr->add_option("--timeout-ms", so->timeout_ms, "How long to wait for a (stable) weight")->capture_default_str();
  sr->add_flag("--any", so->any, "Print the first reading even if it is not stable");
  sr->add_flag("--tare", so->tare, "Send the tare command first (continuous-st only)");
  sr->add_flag("--json", so->json, "Print JSON");
  OnRun(sr, [so] {
    auto port = PosixSerialPort::Open(so->port, SerialOptions{so->baud});
    if (!port.ok()) return Fail(port.status());
    auto made = MakeScale(so->protocol, std::move(*port));
    if (!made.ok()) return Fail(made.status());
    Scale& s = **made;
    if (so->tare) {
      if (Status st = s.Tare(so->timeout_ms); !st.ok()) return Fail(st);
    }
    auto r = so->any ? s.Read(so->timeout_ms) : s.ReadStable(so->timeout_ms);
    if (!r.ok()) return Fail(r.status());
    if (so->json) {
      PrintJson({{"protocol", s.protocol()},
                 {"grams", r->grams},
                 {"tare_grams", r->tare_grams},
                 {"stable", r->stable},
                 {"net", r->net},
                 {"overload", r->overload},
                 {"underload", r->underload}});
      return 0;
    }
    if (r->overload) {
      std::cout << "overload\n";
    } else if (r->underload) {
      std::cout << "underload\n";
    } else {
      std::cout << FormatKg(r->grams) << " kg " << (r->net ? "net" : "gross") << " "
                << (r->stable ? "stable" : "unstable");
      if (r->tare_grams != 0) std::cout << " tare " << FormatKg(r->tare_grams) << " kg";
      std::cout << "\n";
    }
    return 0;
  });

  // ---- scanner listen
  CLI::App* scanner = app.add_subcommand("scanner", "Serial (USB-CDC) barcode scanners");
  scanner->require_subcommand(1);
  auto sc = std::make_shared<ScannerOpts>();
  CLI::App* sl = scanner->add_subcommand("listen", "Print each scanned code on its own line");
  sl->add_option("--port", sc->port, "Serial device, e.g. /dev/ttyACM0")->required();
  sl->add_option("--baud", sc->baud, "Baud rate")->capture_default_str();
  sl->add_option("--suffix", sc->suffix, "What ends a code: cr, lf, crlf, auto or none")->capture_default_str();
  sl->add_option("--max-length", sc->max_length, "Longer codes are dropped")->capture_default_str();
  sl->add_option("--count", sc->count, "Stop after this many codes (0: no limit)");
  sl->add_option("--seconds", sc->seconds, "Stop after this many seconds (0: until interrupted)");
  sl->add_flag("--json", sc->json, "One JSON object per code");
  OnRun(sl, [sc] {
    auto suffix = ParseScanSuffix(sc->suffix);
    if (!suffix.ok()) return Fail(suffix.status());
    if (!IsSupportedBaud(sc->baud)) {
      return Fail("--baud " + std::to_string(sc->baud) + " is not supported; use e.g. 9600 or 115200");
    }
    ScannerOptions opts;
    opts.suffix = *suffix;
    opts.max_length = static_cast<size_t>(std::max(sc->max_length, 1));
    int seen = 0;
    const std::string path = sc->port;
    const int baud = sc->baud;
    const bool json = sc->json;
    SerialScanner listener([path, baud] { return PosixSerialPort::Open(path, SerialOptions{baud}); }, opts,
                          [&seen, json](const std::string& code) {
                            ++seen;
                            if (json) {
                              std::cout << nlohmann::json{{"code", code}}.dump() << std::endl;
                            } else {
                              std::cout << code << std::endl;
                            }
                          });
    const auto start = std::chrono::steady_clock::now();
    const auto limit = std::chrono::seconds(sc->seconds);
    bool was_connected = false;
    std::string last_error;
    // Bounded by --seconds / --count; without them it runs until interrupted.
    while (sc->count <= 0 || seen < sc->count) {
      const auto elapsed = std::chrono::steady_clock::now() - start;
      if (sc->seconds > 0 && elapsed >= limit) break;
      int slice = 200;
      if (sc->seconds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limit - elapsed).count();
        slice = static_cast<int>(std::min<int64_t>(slice, std::max<int64_t>(left, 1)));
      }
      Status st = listener.Poll(slice);
      if (!st.ok()) {
        // A scanner that was never there is a usage error; one that went away is waited for.
        if (!was_connected && listener.stats().disconnects == 0) return Fail(st);
        if (st.message() != last_error) {
          std::cerr << "linli: " << st.message() << " (waiting for it to come back)\n";
          last_error = st.message();
        }
        continue;
      }
      if (!was_connected || !last_error.empty()) {
        if (!last_error.empty()) std::cerr << "linli: scanner on " << path << " reconnected\n";
        was_connected = true;
        last_error.clear();
      }
    }
    return 0;
  });

  // ---- display test
  CLI::App* display = app.add_subcommand("display", "Customer (pole) displays, 2×20");
  display->require_subcommand(1);
  auto dp = std::make_shared<DisplayOpts>();
  CLI::App* dt = display->add_subcommand("test", "Show an item, the total and the thank-you screen");
  dt->add_option("--port", dp->port, "Serial device, e.g. /dev/ttyUSB1")->required();
  dt->add_option("--encoding", dp->encoding, "gb18030 (Chinese display) or ascii")->capture_default_str();
  dt->add_option("--commands", dp->commands, "Command set: epson or cd5220")->capture_default_str();
  dt->add_option("--baud", dp->baud, "Baud rate")->capture_default_str();
  dt->add_option("--pause-ms", dp->pause_ms, "Time each screen stays up")->capture_default_str();
  OnRun(dt, [dp] {
    auto enc = ParseDisplayEncoding(dp->encoding);
    if (!enc.ok()) return Fail(enc.status());
    auto cmds = ParseDisplayCommandSet(dp->commands);
    if (!cmds.ok()) return Fail(cmds.status());
    auto port = PosixSerialPort::Open(dp->port, SerialOptions{dp->baud});
    if (!port.ok()) return Fail(port.status());
    PoleDisplayOptions opts;
    opts.encoding = *enc;
    opts.commands = *cmds;
    PoleDisplay d(port->get(), opts);
    const auto pause = std::chrono::milliseconds(std::max(dp->pause_ms, 0));
    const bool zh = *enc == DisplayEncoding::kGb18030;
    Status st = d.ShowItem(zh ? "可口可乐 330ml" : "Coca-Cola 330ml", 350, 350);
    if (st.ok()) {
      std::this_thread::sleep_for(pause);
      st = d.ShowItem(zh ? "散装大米（每公斤）" : "Loose rice 1.5kg", 897, 1247);
    }
    if (st.ok()) {
      std::this_thread::sleep_for(pause);
      st = d.ShowTotal(1247);
    }
    if (st.ok()) {
      std::this_thread::sleep_for(pause);
      st = d.ShowThanks(753);
    }
    if (!st.ok()) return Fail(st);
    std::cout << "display test sent to " << dp->port << " (" << dp->encoding << ", " << dp->commands << ")\n";
    return 0;
  });
}

}  // namespace linli::cli
