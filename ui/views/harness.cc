// [SECTION] index
//   screenshots and the text check · replay · bench
//
// The counter's test harness over a running App (app_internal.h): replay
// scripts (ui/replay.h) played through the same input router and frame loop
// a person uses, PNG screenshots, the pixel check that a control's text is
// drawn with real glyphs, and the frame-time bench
// (tests/bench/counter_bench.sh).
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app_internal.h"
#include "linli/ui/commands.h"
#include "linli/ui/fit_check.h"
#include "linli/ui/format.h"
#include "linli/ui/replay.h"
#include "widgets.h"

namespace linli::ui {

// ---- [SECTION] screenshots and the text check

bool Harness::ReadPixels() {
  glfwGetFramebufferSize(app_.window_, &pix_w_, &pix_h_);
  std::vector<unsigned char> raw(static_cast<size_t>(pix_w_) * pix_h_ * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, pix_w_, pix_h_, GL_RGBA, GL_UNSIGNED_BYTE, raw.data());
  pixels_.resize(raw.size());
  const size_t row = static_cast<size_t>(pix_w_) * 4;
  for (int y = 0; y < pix_h_; ++y) {
    std::copy_n(raw.data() + static_cast<size_t>(pix_h_ - 1 - y) * row, row, pixels_.data() + static_cast<size_t>(y) * row);
  }
  return pix_w_ > 0 && pix_h_ > 0;
}

bool Harness::Screenshot(const std::string& name) {
  if (!ReadPixels()) return false;
  std::filesystem::create_directories(app_.o_.screenshot_dir);
  const std::string path = (std::filesystem::path(app_.o_.screenshot_dir) / name).string();
  return stbi_write_png(path.c_str(), pix_w_, pix_h_, 4, pixels_.data(), pix_w_ * 4) != 0;
}

namespace {

// Rasterises `text` with the font atlas (the glyphs ImGui itself uses) into a
// coverage image the size of the box; `fallback` draws every glyph as the
// font's fallback character instead ("?"), which is what a missing glyph
// would look like on screen.
std::vector<float> Rasterise(ImFont* font, const std::string& text, float ox, float oy, int bw, int bh, bool fallback) {
  std::vector<float> img(static_cast<size_t>(bw) * bh, 0.0f);
  unsigned char* atlas = nullptr;
  int aw = 0, ah = 0;
  ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&atlas, &aw, &ah);
  float x = ox;
  const char* p = text.c_str();
  const char* end = p + text.size();
  while (p < end) {
    unsigned int c = 0;
    p += ImTextCharFromUtf8(&c, p, end);
    const ImFontGlyph* g = fallback ? font->FallbackGlyph : font->FindGlyph(static_cast<ImWchar>(c));
    if (!g) continue;
    const float x0 = std::floor(x) + g->X0, y0 = oy + g->Y0;
    const int gw = static_cast<int>(std::lround(g->X1 - g->X0)), gh = static_cast<int>(std::lround(g->Y1 - g->Y0));
    const int u0 = static_cast<int>(std::lround(g->U0 * aw)), v0 = static_cast<int>(std::lround(g->V0 * ah));
    for (int j = 0; j < gh; ++j) {
      for (int i = 0; i < gw; ++i) {
        const int px = static_cast<int>(std::lround(x0)) + i, py = static_cast<int>(std::lround(y0)) + j;
        if (px < 0 || py < 0 || px >= bw || py >= bh) continue;
        const float a = atlas[static_cast<size_t>(v0 + j) * aw + (u0 + i)] / 255.0f;
        float& dst = img[static_cast<size_t>(py) * bw + px];
        dst = std::min(1.0f, dst + a);
      }
    }
    x += g->AdvanceX;
  }
  return img;
}

double Correlation(const std::vector<float>& a, const std::vector<float>& b) {
  const size_t n = a.size();
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

}  // namespace

// Compares the text drawn in `control` with the font's rendering of the same
// string (and with what "?" boxes would look like).
nlohmann::json Harness::CheckText(const std::string& control) {
  nlohmann::json j = {{"check", "text"}, {"control", control}};
  const widgets::ControlRecord* rec = widgets::FindControl(control);
  if (!rec || !rec->font) {
    j["error"] = "control not on screen";
    j["pass"] = false;
    return j;
  }
  ReadPixels();
  ImFont* font = rec->font;
  const ImVec2 size = font->CalcTextSizeA(font->FontSize, 1e9f, 0, rec->text.c_str());
  const int margin = 4;
  const int bx = static_cast<int>(rec->text_pos.x) - margin, by = static_cast<int>(rec->text_pos.y) - margin;
  const int bw = static_cast<int>(size.x) + 2 * margin, bh = static_cast<int>(size.y) + 2 * margin;
  // The screen's ink: distance from the box's most common (background) grey.
  std::vector<float> screen(static_cast<size_t>(bw) * bh, 0.0f);
  int hist[256] = {};
  std::vector<int> lum(screen.size(), 255);
  for (int y = 0; y < bh; ++y) {
    for (int x = 0; x < bw; ++x) {
      const int sx = bx + x, sy = by + y;
      if (sx < 0 || sy < 0 || sx >= pix_w_ || sy >= pix_h_) continue;
      const unsigned char* px = &pixels_[(static_cast<size_t>(sy) * pix_w_ + sx) * 4];
      const int l = (px[0] * 299 + px[1] * 587 + px[2] * 114) / 1000;
      lum[static_cast<size_t>(y) * bw + x] = l;
      ++hist[l];
    }
  }
  const int bg = static_cast<int>(std::max_element(hist, hist + 256) - hist);
  for (size_t i = 0; i < screen.size(); ++i) screen[i] = std::abs(lum[i] - bg) / 255.0f;
  // Best alignment within a few pixels (ImGui snaps positions to pixels).
  double best = -1, best_fallback = -1;
  for (int dy = -2; dy <= 2; ++dy) {
    for (int dx = -2; dx <= 2; ++dx) {
      const float ox = static_cast<float>(margin + dx) + (rec->text_pos.x - std::floor(rec->text_pos.x));
      best = std::max(best, Correlation(screen, Rasterise(font, rec->text, ox, static_cast<float>(margin + dy), bw, bh, false)));
      best_fallback = std::max(best_fallback, Correlation(screen, Rasterise(font, rec->text, ox, static_cast<float>(margin + dy), bw, bh, true)));
    }
  }
  int missing = 0, chars = 0;
  const char* p = rec->text.c_str();
  const char* end = p + rec->text.size();
  while (p < end) {
    unsigned int c = 0;
    p += ImTextCharFromUtf8(&c, p, end);
    ++chars;
    if (c != ' ' && !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) ++missing;
  }
  j["text"] = rec->text;
  j["chars"] = chars;
  j["missing_glyphs"] = missing;
  j["correlation"] = std::round(best * 1000) / 1000;
  j["fallback_correlation"] = std::round(best_fallback * 1000) / 1000;
  j["box"] = {bx, by, bw, bh};
  j["font"] = app_.fonts_.path;
  j["pass"] = missing == 0 && best >= 0.9 && best - best_fallback >= 0.3;
  return j;
}

namespace {

// What must be on the screen showing: the command table's buttons on the
// checkout, every key's row on help, the navigation once signed in, and a
// prompt's answers.
std::vector<std::string> RequiredControls(const CounterModel& model) {
  std::vector<std::string> ids;
  for (const Command& c : Commands()) {
    if (model.screen() == Screen::kCheckout && c.button_id && c.run) ids.emplace_back(c.button_id);
    if (model.screen() == Screen::kHelp && c.help_key) ids.emplace_back(c.help_key);
  }
  if (model.user()) ids.insert(ids.end(), {"nav.lock", "nav.signout", "nav.settings"});
  if (model.session().prompt().kind != PromptKind::kNone) ids.insert(ids.end(), {"prompt.ok", "prompt.cancel"});
  return ids;
}

}  // namespace

nlohmann::json Harness::CheckFit() {
  std::vector<FitControl> controls;
  for (const auto& [id, rec] : widgets::Controls()) {
    FitControl c;
    c.id = id;
    c.rect = {rec.min.x, rec.min.y, rec.max.x, rec.max.y};
    c.visible = {rec.clip_min.x, rec.clip_min.y, rec.clip_max.x, rec.clip_max.y};
    c.clickable = rec.clickable;
    c.scrolls = rec.scrolls;
    c.text_cut = rec.text_cut;
    c.layer = static_cast<int>(rec.layer);
    controls.push_back(std::move(c));
  }
  int w = 0, h = 0;
  glfwGetFramebufferSize(app_.window_, &w, &h);
  const FitRect window{0, 0, static_cast<float>(w), static_cast<float>(h)};
  const float min_touch = 44.0f * app_.ctx_.scale;
  const std::vector<FitProblem> problems = linli::ui::CheckFit(controls, window, min_touch, RequiredControls(*app_.model_));
  nlohmann::json j = {{"check", "fit"},
                      {"screen", ScreenName(app_.model_->screen())},
                      {"prompt", app_.model_->prompt().kind != PromptKind::kNone},
                      {"window", {w, h}},
                      {"controls", controls.size()},
                      {"min_touch_px", min_touch}};
  nlohmann::json list = nlohmann::json::array();
  for (const FitProblem& p : problems) list.push_back(p.id + ": " + p.what);
  j["problems"] = list;
  j["pass"] = problems.empty();
  return j;
}

nlohmann::json Harness::CheckTone(const std::string& arg) {
  const size_t space = arg.find(' ');
  const std::string id = arg.substr(0, space);
  const std::string want = space == std::string::npos ? std::string() : arg.substr(space + 1);
  nlohmann::json j = {{"check", "tone"}, {"control", id}, {"want", want}};
  static const std::map<std::string, widgets::Tone, std::less<>> kTones = {
      {"normal", widgets::Tone::kNormal}, {"primary", widgets::Tone::kPrimary}, {"muted", widgets::Tone::kMuted}};
  const widgets::ControlRecord* rec = widgets::FindControl(id);
  if (!kTones.count(want)) {
    j["error"] = "the tone is one of normal, primary, muted";
  } else if (!rec) {
    j["error"] = "control not on screen";
  }
  if (j.contains("error")) {
    j["pass"] = false;
    return j;
  }
  // The button's colour on screen: the commonest colour of its face (its
  // label is small beside it).
  ReadPixels();
  std::map<uint32_t, int> counts;
  for (int y = static_cast<int>(rec->face_min.y) + 3; y < static_cast<int>(rec->face_max.y) - 3; ++y) {
    for (int x = static_cast<int>(rec->face_min.x) + 3; x < static_cast<int>(rec->face_max.x) - 3; ++x) {
      if (x < 0 || y < 0 || x >= pix_w_ || y >= pix_h_) continue;
      const unsigned char* px = &pixels_[(static_cast<size_t>(y) * pix_w_ + x) * 4];
      ++counts[(uint32_t{px[0]} << 16) | (uint32_t{px[1]} << 8) | px[2]];
    }
  }
  if (counts.empty()) {
    j["error"] = "the control is not inside the window";
    j["pass"] = false;
    return j;
  }
  const uint32_t face = std::max_element(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  const int r = static_cast<int>(face >> 16), g = static_cast<int>((face >> 8) & 0xff), b = static_cast<int>(face & 0xff);
  // The nearest of the tones' colours (each normal or hovered) names the tone seen.
  std::string seen;
  int best = 1 << 30;
  for (const auto& [name, tone] : kTones) {
    for (bool hovered : {false, true}) {
      const ImU32 c = widgets::ToneColor(tone, hovered);
      const int dr = r - static_cast<int>(c & 0xff), dg = g - static_cast<int>((c >> 8) & 0xff),
                dbl = b - static_cast<int>((c >> 16) & 0xff);
      const int d = dr * dr + dg * dg + dbl * dbl;
      if (d < best) {
        best = d;
        seen = name;
      }
    }
  }
  // And ink on it in the tone's label colour: the label, or a check box's
  // mark (a blank square has none).
  const ImU32 ink = widgets::ToneTextColor(kTones.at(want));
  int inked = 0, total = 0;
  for (const auto& [rgb, n] : counts) {
    const int dr = static_cast<int>(rgb >> 16) - static_cast<int>(ink & 0xff);
    const int dg = static_cast<int>((rgb >> 8) & 0xff) - static_cast<int>((ink >> 8) & 0xff);
    const int dbl = static_cast<int>(rgb & 0xff) - static_cast<int>((ink >> 16) & 0xff);
    if (dr * dr + dg * dg + dbl * dbl <= 60 * 60) inked += n;
    total += n;
  }
  const double ink_fraction = static_cast<double>(inked) / total;
  j["face"] = fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
  j["seen"] = seen;
  j["distance"] = std::round(std::sqrt(static_cast<double>(best)) * 10) / 10;
  j["ink"] = std::round(ink_fraction * 1000) / 1000;
  j["pass"] = seen == want && best <= 30 * 30 && ink_fraction >= 0.01;
  return j;
}

void Harness::Fail(const std::string& what) {
  ++failures_;
  std::fprintf(stderr, "linli-counter: replay: %s\n", what.c_str());
  Report({{"check", "failure"}, {"message", what}});
}

void Harness::Report(const nlohmann::json& j) {
  if (report_.is_open()) report_ << j.dump() << "\n" << std::flush;
}

// ---- [SECTION] replay

int Harness::RunReplay() {
  std::ifstream in(app_.o_.replay_path);
  if (!in) {
    std::fprintf(stderr, "linli-counter: cannot read replay file %s\n", app_.o_.replay_path.c_str());
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto events = ParseReplay(ss.str());
  if (!events.ok()) {
    std::fprintf(stderr, "linli-counter: %s\n", events.status().message().c_str());
    return 1;
  }
  if (!app_.o_.report_path.empty()) report_.open(app_.o_.report_path);
  static const std::map<std::string, int, std::less<>> kKeyNames = {
      {"Enter", GLFW_KEY_ENTER}, {"Tab", GLFW_KEY_TAB},     {"Esc", GLFW_KEY_ESCAPE}, {"Backspace", GLFW_KEY_BACKSPACE},
      {"Up", GLFW_KEY_UP},       {"Down", GLFW_KEY_DOWN},   {"Del", GLFW_KEY_DELETE}, {"PgUp", GLFW_KEY_PAGE_UP},
      {"PgDn", GLFW_KEY_PAGE_DOWN}, {"F1", GLFW_KEY_F1},    {"F2", GLFW_KEY_F2},      {"F3", GLFW_KEY_F3},
      {"F4", GLFW_KEY_F4},       {"F5", GLFW_KEY_F5},       {"F6", GLFW_KEY_F6},      {"F7", GLFW_KEY_F7},
      {"F8", GLFW_KEY_F8},       {"F9", GLFW_KEY_F9},       {"F10", GLFW_KEY_F10},    {"F11", GLFW_KEY_F11},
      {"F12", GLFW_KEY_F12},
  };
  // Each frame advances the router's clock by 16 ms, as at 60 Hz.
  auto frames = [&](int n) {
    for (int i = 0; i < n; ++i) {
      app_.virtual_ms_ += 16;
      app_.router_.Poll(app_.virtual_ms_);
      app_.Dispatch();
      glfwPollEvents();
      app_.Frame();
      glfwSwapBuffers(app_.window_);
    }
  };
  auto settle = [&] {
    // Background tasks (payment, printing) finish, then the screen redraws.
    for (int i = 0; i < 500 && app_.tasks_->in_flight() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      frames(1);
    }
    frames(2);
  };
  // The characters of `text` into the router, `gap_ms` apart, and the gap
  // once more before what ends them (Enter, or the router's timeout).
  auto send = [&](const std::string& text, int gap_ms) {
    // One character at a time, as a keyboard (or an IME) sends them: code
    // points, not the UTF-8 bytes of 张阿姨.
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
      unsigned int c = 0;
      p += ImTextCharFromUtf8(&c, p, end);
      app_.virtual_ms_ += gap_ms;
      app_.router_.OnChar(static_cast<char32_t>(c), app_.virtual_ms_);
    }
    app_.virtual_ms_ += gap_ms;
  };
  frames(3);
  for (const ReplayEvent& e : *events) {
    const std::string where = fmt::format("line {}: ", e.line);
    switch (e.kind) {
      case ReplayEvent::Kind::kType: {
        send(e.arg, 100);  // a person: 100 ms a key
        app_.router_.Poll(app_.virtual_ms_);
        app_.Dispatch();
        frames(2);
        break;
      }
      case ReplayEvent::Kind::kScan: {
        send(e.arg, 5);  // a scanner: 5 ms a character
        app_.router_.OnEnter(app_.virtual_ms_);
        app_.Dispatch();
        settle();
        break;
      }
      case ReplayEvent::Kind::kKey: {
        auto it = kKeyNames.find(e.arg);
        if (it == kKeyNames.end()) {
          Fail(where + "unknown key " + e.arg);
          break;
        }
        app_.virtual_ms_ += 100;
        if (it->second == GLFW_KEY_ENTER) {
          app_.router_.OnEnter(app_.virtual_ms_);
        } else {
          app_.router_.OnOtherKey(app_.virtual_ms_);
          app_.PressKey(it->second);
        }
        app_.Dispatch();
        frames(1);
        settle();
        break;
      }
      case ReplayEvent::Kind::kClick:
        widgets::RequestClick(e.arg);
        frames(1);
        if (!widgets::PendingClick().empty()) {
          widgets::ClearPendingClick();
          Fail(where + "no control \"" + e.arg + "\" on the " + ScreenName(app_.model_->screen()) + " screen");
        } else if (const widgets::ControlRecord* rec = widgets::FindControl(e.arg); rec && !rec->scrolls) {
          // A person can only tap what shows.
          const float tol = 0.5f;
          if (rec->min.x < rec->clip_min.x - tol || rec->min.y < rec->clip_min.y - tol ||
              rec->max.x > rec->clip_max.x + tol || rec->max.y > rec->clip_max.y + tol) {
            Fail(where + "\"" + e.arg + "\" was clicked but is cut off or hidden");
          }
        }
        settle();
        break;
      case ReplayEvent::Kind::kWeight:
        if (app_.fake_scale_) {
          ScaleReading r;
          r.grams = std::atoll(e.arg.c_str());
          r.stable = true;
          app_.fake_scale_->Push(r);
        } else {
          Fail(where + "weight needs --scale fake");
        }
        break;
      case ReplayEvent::Kind::kWait:
        frames(std::max(1, std::atoi(e.arg.c_str())));
        settle();
        break;
      case ReplayEvent::Kind::kScreenshot:
        frames(2);
        app_.Frame();
        if (!Screenshot(e.arg)) Fail(where + "screenshot " + e.arg + " failed");
        Report({{"check", "screenshot"}, {"file", e.arg}, {"screen", ScreenName(app_.model_->screen())},
                {"last_receipt", app_.model_->session().last_receipt_no()}, {"cart_lines", app_.model_->checkout().rows().size()}});
        glfwSwapBuffers(app_.window_);
        break;
      case ReplayEvent::Kind::kExpectScreen:
        if (e.arg != ScreenName(app_.model_->screen())) {
          Fail(where + "expected the " + e.arg + " screen, showing " + ScreenName(app_.model_->screen()));
          for (const Notice& n : app_.model_->notices()) std::fprintf(stderr, "  notice: %s\n", n.text.c_str());
        }
        break;
      case ReplayEvent::Kind::kExpectText: {
        frames(1);
        app_.Frame();
        nlohmann::json j = CheckText(e.arg);
        Report(j);
        glfwSwapBuffers(app_.window_);
        if (!j.value("pass", false)) Fail(where + "text check failed: " + j.dump());
        break;
      }
      case ReplayEvent::Kind::kExpectFit: {
        frames(1);
        app_.Frame();
        nlohmann::json j = CheckFit();
        Report(j);
        glfwSwapBuffers(app_.window_);
        if (!j.value("pass", false)) {
          Fail(where + "the " + ScreenName(app_.model_->screen()) + (j.value("prompt", false) ? " screen's prompt" : " screen") +
               " does not fit:");
          for (const auto& p : j["problems"]) std::fprintf(stderr, "  %s\n", p.get<std::string>().c_str());
        }
        break;
      }
      case ReplayEvent::Kind::kExpectTone: {
        frames(1);
        app_.Frame();
        nlohmann::json j = CheckTone(e.arg);
        Report(j);
        glfwSwapBuffers(app_.window_);
        if (!j.value("pass", false)) Fail(where + "tone check failed: " + j.dump());
        break;
      }
      case ReplayEvent::Kind::kQuit:
        return failures_ ? 1 : 0;
    }
  }
  settle();
  return failures_ ? 1 : 0;
}

// ---- [SECTION] bench

int Harness::RunBench() {
  app_.model_->signin().state().user_id = app_.o_.bench_user;
  app_.model_->signin().state().pin = app_.o_.bench_pin;
  app_.model_->signin().SubmitSignIn();
  if (!app_.model_->user()) {
    std::fprintf(stderr, "bench: sign-in failed: %s\n", app_.model_->signin().state().error.c_str());
    return 1;
  }
  std::vector<std::string> codes;
  std::ifstream in(app_.o_.bench_barcodes);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) codes.push_back(line);
  }
  if (codes.empty()) {
    std::fprintf(stderr, "bench: no barcodes (--bench-barcodes FILE)\n");
    return 1;
  }
  app_.model_->Show(Screen::kCheckout);
  for (int i = 0; i < app_.o_.bench_lines; ++i) app_.model_->OnScan(codes[static_cast<size_t>(i) % codes.size()]);
  app_.tasks_->RunPending();
  std::printf("cart lines: %zu, total %s\n", app_.model_->checkout().rows().size(), YuanPlain(app_.model_->checkout().priced().total_fen).c_str());
  auto time_frames = [&](const char* name, const std::function<void(int)>& before) {
    std::vector<double> ms;
    for (int i = 0; i < 3; ++i) {  // settle: focus, layout, texture uploads
      app_.Frame();
      glfwSwapBuffers(app_.window_);
    }
    for (int i = 0; i < app_.o_.bench_frames; ++i) {
      before(i);
      auto t0 = std::chrono::steady_clock::now();
      glfwPollEvents();
      app_.Frame();
      glFinish();  // include the (software) rasteriser's work
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      glfwSwapBuffers(app_.window_);
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const double p99 = ms[std::min(ms.size() - 1, static_cast<size_t>(static_cast<double>(ms.size()) * 0.99))];
    std::printf("%-44s frames %4zu  median %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", name, ms.size(), median, p99,
                ms.back());
  };
  time_frames("checkout, cart of N lines", [](int) {});
  app_.model_->checkout().entry() = app_.o_.bench_query;
  app_.model_->Show(Screen::kSearch);
  time_frames("search open, query unchanged", [](int) {});
  // Type the query's last character and erase it again, through ImGui's own
  // input: a fresh incremental search every frame.
  const std::string q = app_.o_.bench_query;
  size_t cut = q.size();
  while (cut > 0 && (static_cast<unsigned char>(q[cut - 1]) & 0xC0) == 0x80) --cut;
  const std::string last_char = q.substr(cut > 0 ? cut - 1 : 0);
  time_frames("search open, a keystroke every frame", [&](int i) {
    if (i % 2) {
      ImGui::GetIO().AddInputCharactersUTF8(last_char.c_str());
    } else {
      app_.PressKey(GLFW_KEY_BACKSPACE);
    }
  });
  std::printf("search: %zu hits for \"%s\" in %.2f ms (last)\n", app_.model_->search().state().hits.size(), app_.model_->search().state().query.c_str(),
              static_cast<double>(app_.model_->search().state().took_us) / 1000.0);
  return 0;
}

}  // namespace linli::ui
