// linli escpos render · decode · camera scan
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli.h"
#include "linli/drivers/camera.h"
#include "linli/drivers/codes.h"
#include "linli/drivers/escpos_render.h"
#include "linli/drivers/image.h"

namespace linli::cli {
namespace {

struct RenderOpts {
  std::string in, text_out, png_out;
  int width = kPaper58mmDots;
  bool json = false;
};
struct DecodeOpts {
  std::vector<std::string> images;
  bool json = false;
};
struct CameraOpts {
  std::string device, dir;
  double seconds = 0;
};

std::atomic<bool> g_interrupted{false};

nlohmann::json CodeJson(const DecodedCode& c) {
  nlohmann::json pts = nlohmann::json::array();
  for (int i = 0; i < 4; ++i) pts.push_back({c.x[i], c.y[i]});
  return {{"format", CodeFormatName(c.format)}, {"text", c.text}, {"position", pts}};
}

}  // namespace

void RegisterEscposCommands(CLI::App& app) {
  // ---- escpos render
  CLI::App* esc = app.add_subcommand("escpos", "The virtual ESC/POS printer");
  esc->require_subcommand(1);
  auto ro = std::make_shared<RenderOpts>();
  CLI::App* r = esc->add_subcommand("render", "Show what a printer would print for an ESC/POS byte stream");
  r->add_option("in", ro->in, "ESC/POS bytes (a print job file)")->required();
  r->add_option("--text", ro->text_out, "Write the printed text (UTF-8) here; '-' for stdout");
  r->add_option("--png", ro->png_out, "Write the paper as a PNG image here");
  r->add_option("--width", ro->width, "Paper width in dots: 384 (58 mm) or 576 (80 mm)")
      ->check(CLI::IsMember({kPaper58mmDots, kPaper80mmDots}))
      ->capture_default_str();
  r->add_flag("--json", ro->json, "Print a JSON summary (cuts, drawer kicks, issues)");
  OnRun(r, [ro] {
    std::ifstream f(ro->in, std::ios::binary);
    if (!f) return Fail("cannot read " + ro->in + "; check the path");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string bytes = ss.str();
    RenderOptions opts;
    opts.paper_width = ro->width;
    RenderResult res = RenderEscPos(bytes, opts);
    if (ro->text_out == "-") {
      std::cout << res.text;
    } else if (!ro->text_out.empty()) {
      std::ofstream out(ro->text_out, std::ios::binary);
      out << res.text;
      if (!out) return Fail("cannot write " + ro->text_out);
    }
    if (!ro->png_out.empty()) {
      Status st = SavePng(res.image, ro->png_out);
      if (!st.ok()) return Fail(st);
    }
    for (const RenderIssue& is : res.issues) {
      std::cerr << "linli: " << ro->in << ": byte " << is.offset << ": " << is.what << "\n";
    }
    if (ro->json) {
      nlohmann::json issues = nlohmann::json::array();
      for (const RenderIssue& is : res.issues) issues.push_back({{"offset", is.offset}, {"what", is.what}});
      PrintJson({{"bytes", bytes.size()},
                 {"width", res.image.width},
                 {"height", res.image.height},
                 {"cuts", res.cuts},
                 {"drawer_kicks", res.drawer_kicks},
                 {"font", res.font_path},
                 {"issues", issues}});
    } else if (ro->text_out.empty() && ro->png_out.empty()) {
      std::cout << res.text;  // nothing asked for: show the text
    }
    return res.issues.empty() ? 0 : 2;
  });

  // ---- decode
  auto dopt = std::make_shared<DecodeOpts>();
  CLI::App* d = app.add_subcommand("decode", "Read barcodes and QR codes in PNG/JPEG images");
  d->add_option("images", dopt->images, "Image files")->required();
  d->add_flag("--json", dopt->json, "Print JSON");
  OnRun(d, [dopt] {
    nlohmann::json all = nlohmann::json::array();
    int unreadable = 0, empty = 0;
    for (const std::string& path : dopt->images) {
      auto img = LoadImageFile(path);
      if (!img.ok()) {
        Fail(img.status());
        ++unreadable;
        continue;
      }
      std::vector<DecodedCode> codes = DecodeImage(*img);
      if (codes.empty()) ++empty;
      if (dopt->json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const DecodedCode& c : codes) arr.push_back(CodeJson(c));
        all.push_back({{"file", path}, {"codes", arr}});
        continue;
      }
      if (codes.empty()) std::cout << path << "\t(no code found)\n";
      for (const DecodedCode& c : codes) {
        std::cout << path << "\t" << CodeFormatName(c.format) << "\t" << c.text << "\t";
        for (int i = 0; i < 4; ++i) std::cout << (i ? " " : "") << c.x[i] << "," << c.y[i];
        std::cout << "\n";
      }
    }
    if (dopt->json) PrintJson(all);
    if (unreadable > 0) return 1;
    if (empty > 0) return 3;  // read fine, but some image had no code
    return 0;
  });

  // ---- camera scan
  CLI::App* cam = app.add_subcommand("camera", "Scan codes with a camera (V4L2) or a directory of frames");
  cam->require_subcommand(1);
  auto co = std::make_shared<CameraOpts>();
  CLI::App* cs = cam->add_subcommand("scan", "Print each code as it is read (Ctrl-C stops)");
  auto* dev = cs->add_option("--device", co->device, "Camera device, e.g. /dev/video0");
  auto* dir = cs->add_option("--dir", co->dir, "Directory of PNG/JPEG frames (tests and demos)");
  dev->excludes(dir);
  cs->add_option("--seconds", co->seconds, "Stop after this many seconds (0: until the frames end or Ctrl-C)");
  OnRun(cs, [co] {
    std::unique_ptr<FrameSource> source;
    if (!co->dir.empty()) {
      auto s = DirectoryFrameSource::Open(co->dir);
      if (!s.ok()) return Fail(s.status());
      source = std::move(*s);
    } else {
      V4l2Options vo;
      if (!co->device.empty()) vo.device = co->device;
      auto s = V4l2FrameSource::Open(vo);
      if (!s.ok()) return Fail(s.status());
      source = std::move(*s);
    }
    CameraScanner scanner(std::move(source), [](const std::string& code) { std::cout << code << std::endl; });
    Status st = scanner.Start();
    if (!st.ok()) return Fail(st);
    std::signal(SIGINT, [](int) { g_interrupted = true; });
    std::atomic<bool> done{false};
    Status end;
    std::thread waiter([&] {
      end = scanner.Wait();
      done = true;
    });
    const auto start = std::chrono::steady_clock::now();
    while (!done && !g_interrupted) {
      if (co->seconds > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= co->seconds)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    scanner.Stop();
    waiter.join();
    std::signal(SIGINT, SIG_DFL);
    const CameraScannerStats stats = scanner.stats();
    std::cerr << "linli: " << stats.frames << " frames, " << stats.codes_delivered << " codes ("
              << stats.repeats_dropped << " repeats and " << stats.frames_dropped << " busy frames skipped)\n";
    return end.ok() ? 0 : Fail(end);
  });
}

}  // namespace linli::cli
