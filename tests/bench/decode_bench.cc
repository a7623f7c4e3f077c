// Decode benchmark: ZXing (through linli::DecodeImage) against zbar on the same 640x480 frames, one EAN-13 or QR
// each, clean and degraded. Prints frames/s and success rate side by side,
// then one JSON line. Not a timed test.
//
// "zxing" is the setting the camera scanner uses (try-harder); "zxing-fast"
// turns try-harder off.
//
//   decode_bench [FRAMES]   (default 240: half EAN-13, half QR)
#include <zbar.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/degrade.h"
#include "linli/drivers/codes.h"

namespace {

using linli::CodeFormat;
using linli::GrayImage;
using linli::testing::Degradation;

struct Frame {
  CodeFormat format;
  std::string text;
  Degradation degradation;
  GrayImage image;
};

struct Tally {
  int ok = 0, n = 0;
  double seconds = 0;
};

bool ZbarDecode(zbar::ImageScanner& scanner, const Frame& f) {
  zbar::Image img(unsigned(f.image.width), unsigned(f.image.height), "Y800", f.image.pixels.data(),
                  f.image.pixels.size());
  scanner.scan(img);
  bool found = false;
  for (auto sym = img.symbol_begin(); sym != img.symbol_end(); ++sym) {
    const bool fmt_ok = (f.format == CodeFormat::kEan13 && sym->get_type() == zbar::ZBAR_EAN13) ||
                        (f.format == CodeFormat::kQrCode && sym->get_type() == zbar::ZBAR_QRCODE);
    if (fmt_ok && sym->get_data() == f.text) found = true;
  }
  img.set_data(nullptr, 0);  // the pixels belong to the frame
  return found;
}

bool ZxingDecode(const Frame& f, const linli::DecodeOptions& opts) {
  for (const auto& c : linli::DecodeImage(f.image, opts))
    if (c.format == f.format && c.text == f.text) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::max(16, std::atoi(argv[1])) : 240;
  linli::testing::Prng prng(2026);
  std::vector<Frame> set;
  for (int i = 0; i < frames; ++i) {
    const CodeFormat f = i % 2 ? CodeFormat::kQrCode : CodeFormat::kEan13;
    const Degradation d = linli::testing::kAllDegradations[(i / 2) % 8];
    linli::testing::Sample s = linli::testing::MakeSample(f, prng);
    set.push_back({f, s.text, d, linli::testing::Degrade(s.frame, d, prng.Next())});
  }

  linli::DecodeOptions fast;  // no try-harder: for comparison
  fast.try_harder = false;
  linli::DecodeOptions camera;  // what CameraScanner and `linli decode` use: the quick pass, then the thorough one
  camera.formats = {CodeFormat::kEan13, CodeFormat::kEan8, CodeFormat::kUpcA, CodeFormat::kUpcE, CodeFormat::kQrCode};
  zbar::ImageScanner zb;
  zb.set_config(zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
  zb.set_config(zbar::ZBAR_EAN13, zbar::ZBAR_CFG_ENABLE, 1);
  zb.set_config(zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
  zb.set_config(zbar::ZBAR_UPCA, zbar::ZBAR_CFG_ENABLE, 1);

  const char* names[3] = {"zxing", "zxing-quick-only", "zbar"};
  Tally all[3];
  Tally per[3][8];
  for (int e = 0; e < 3; ++e) {
    for (const Frame& f : set) {
      const auto t0 = std::chrono::steady_clock::now();
      const bool ok = e == 0 ? ZxingDecode(f, camera) : e == 1 ? ZxingDecode(f, fast) : ZbarDecode(zb, f);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (Tally* t : {&all[e], &per[e][int(f.degradation)]}) {
        t->ok += ok;
        ++t->n;
        t->seconds += s;
      }
    }
  }

  std::printf("decode bench: %d frames 640x480 (EAN-13 and QR alternating), one core\n\n", frames);
  std::printf("%-26s", "condition");
  for (const char* n : names) std::printf(" %22s", n);
  std::printf("\n");
  for (int d = 0; d < 8; ++d) {
    std::printf("%-26s", linli::testing::DegradationName(Degradation(d)));
    for (int e = 0; e < 3; ++e)
      std::printf(" %8.0f%% %8.0f fps", 100.0 * per[e][d].ok / per[e][d].n, per[e][d].n / per[e][d].seconds);
    std::printf("\n");
  }
  std::printf("%-26s", "all");
  for (int e = 0; e < 3; ++e)
    std::printf(" %8.1f%% %8.0f fps", 100.0 * all[e].ok / all[e].n, all[e].n / all[e].seconds);
  std::printf("\n\n");
  const double cam_fps = all[0].n / all[0].seconds;
  const double zbar_fps = all[2].n / all[2].seconds;
  std::printf("goal: zxing success >= zbar (%s), at >= 3x zbar's frame rate in this run (%.1fx: %s)\n",
              all[0].ok >= all[2].ok ? "met" : "NOT met", cam_fps / zbar_fps, cam_fps >= 3 * zbar_fps ? "met" : "NOT met");
  std::printf("{\"bench\":\"decode\",\"frames\":%d", frames);
  for (int e = 0; e < 3; ++e)
    std::printf(",\"%s\":{\"success\":%.4f,\"fps\":%.1f}", names[e], double(all[e].ok) / all[e].n,
                all[e].n / all[e].seconds);
  // The rows scripts/bench puts in docs/bench/latest.md.
  const double zx_ok = double(all[0].ok) / all[0].n, zb_ok = double(all[2].ok) / all[2].n;
  const double zb_fps = all[2].n / all[2].seconds;
  char what[64], s_fig[64], s_lim[64], r_fig[64], r_lim[64];
  std::snprintf(what, sizeof what, "decode success, %d frames (clean + degraded)", frames);
  std::snprintf(s_fig, sizeof s_fig, "ZXing %.1f%%", 100.0 * zx_ok);
  std::snprintf(s_lim, sizeof s_lim, "zbar %.1f%%", 100.0 * zb_ok);
  std::snprintf(r_fig, sizeof r_fig, "ZXing %.0f frames/s", cam_fps);
  std::snprintf(r_lim, sizeof r_lim, "zbar %.0f frames/s", zb_fps);
  const nlohmann::json rows = nlohmann::json::array(
      {{{"what", what}, {"figure", s_fig}, {"limit", s_lim}, {"ratio", zb_ok > 0 ? nlohmann::json(zx_ok / zb_ok) : nlohmann::json()},
        {"ratio_is", "success ZXing÷zbar"}, {"target", "≥ zbar"}, {"ok", all[0].ok >= all[2].ok}},
       {{"what", "decode rate, 640×480, one core"}, {"figure", r_fig}, {"limit", r_lim}, {"ratio", zb_fps / cam_fps},
        {"ratio_is", "time ZXing÷zbar"}, {"target", "≤ 1/3 (≥ 3× zbar's frame rate)"}, {"ok", cam_fps >= 3 * zb_fps}}});
  std::printf(",\"rows\":%s}\n", rows.dump().c_str());
  return 0;
}
