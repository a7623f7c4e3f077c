// [SECTION] index
//   fonts (fontconfig, glyph ranges) · input (GLFW → router → ImGui/model) ·
//   frame · screenshots and the text check · replay · bench · RunCounter
#include "app.h"

#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <fontconfig/fontconfig.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "linli/drivers/scale.h"
#include "linli/drivers/serial.h"
#include "linli/pos/catalog.h"
#include "linli/pos/store.h"
#include "linli/ui/counter_model.h"
#include "linli/ui/format.h"
#include "linli/ui/input_router.h"
#include "linli/ui/replay.h"
#include "linli/ui/hub_enroller.h"
#include "linli/ui/sync_status.h"
#include "view.h"
#include "widgets.h"

namespace linli::ui {
namespace {

// ---- [SECTION] fonts

// A CJK font file through fontconfig: the best match for sans-serif in
// Simplified Chinese. Empty when fontconfig knows none.
std::string FindCjkFont() {
  std::string path;
  if (!FcInit()) return path;
  FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>("sans-serif:lang=zh-cn"));
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult result;
  FcPattern* match = FcFontMatch(nullptr, pat, &result);
  if (match) {
    FcChar8* file = nullptr;
    FcLangSet* langs = nullptr;
    const bool zh = FcPatternGetLangSet(match, FC_LANG, 0, &langs) == FcResultMatch &&
                    FcLangSetHasLang(langs, reinterpret_cast<const FcChar8*>("zh-cn")) != FcLangDifferentLang;
    if (zh && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) path = reinterpret_cast<char*>(file);
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pat);
  return path;
}

struct Fonts {
  ImVector<ImWchar> ranges;       // must outlive the atlas build
  ImVector<ImWchar> digit_ranges;
  std::string path;
  int missing_glyphs = 0;         // catalog characters the font lacks
  std::string extra;              // characters met at run time (typed labels, reports)
};

// Builds the atlas: every character of the catalog's names, the store's
// name and both string tables, so no product shows "?".
void BuildFonts(Fonts& f, ViewContext& ctx, Database& db, const std::string& store_name) {
  ImGuiIO& io = ImGui::GetIO();
  ImFontGlyphRangesBuilder b;
  b.AddRanges(io.Fonts->GetGlyphRangesDefault());
  std::string catalog_text;
  if (auto csv = ExportCatalogCsv(db); csv.ok()) catalog_text = std::move(*csv);
  b.AddText(catalog_text.c_str(), catalog_text.c_str() + catalog_text.size());
  b.AddText(store_name.c_str());
  b.AddText(f.extra.c_str());
  // Common simplified characters too, for what cashiers type and reports print.
  b.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
  for (Language lang : kAllLanguages) {
    for (const auto& [k, v] : Lang().table(lang).entries()) b.AddText(v.c_str());
  }
  b.BuildRanges(&f.ranges);
  ImFontGlyphRangesBuilder d;
  d.AddText("0123456789.,-+¥￥ ×=kgKG");
  d.AddText(Tr("checkout.total"));
  d.BuildRanges(&f.digit_ranges);

  f.path = FindCjkFont();
  ImFontConfig cfg;
  cfg.OversampleH = 1;  // CJK glyphs are many: keep the atlas small and sharp
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  auto add = [&](float px, const ImVector<ImWchar>& ranges) -> ImFont* {
    if (!f.path.empty() && std::filesystem::exists(f.path)) {
      if (ImFont* font = io.Fonts->AddFontFromFileTTF(f.path.c_str(), px, &cfg, ranges.Data)) return font;
    }
    ImFontConfig fallback;
    fallback.SizePixels = px;
    return io.Fonts->AddFontDefault(&fallback);
  };
  ctx.regular = add(std::round(22 * ctx.scale), f.ranges);
  ctx.big = add(std::round(34 * ctx.scale), f.ranges);
  ctx.huge = add(std::round(72 * ctx.scale), f.digit_ranges);
  io.Fonts->Build();
  // Count catalog characters the font does not have (they would show "?").
  const char* p = catalog_text.c_str();
  const char* end = p + catalog_text.size();
  while (p < end) {
    unsigned int c = 0;
    p += ImTextCharFromUtf8(&c, p, end);
    if (c >= 0x80 && c < 0x10000 && !ctx.regular->FindGlyphNoFallback(static_cast<ImWchar>(c))) ++f.missing_glyphs;
  }
  if (f.path.empty()) std::fprintf(stderr, "linli-counter: no CJK font found through fontconfig (install fonts-wqy-microhei)\n");
  if (f.missing_glyphs) std::fprintf(stderr, "linli-counter: %d catalog characters missing from %s\n", f.missing_glyphs, f.path.c_str());
}

void ApplyStyle(float scale) {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 6;
  s.FramePadding = ImVec2(12, 8);
  s.ItemSpacing = ImVec2(10, 10);
  s.ScrollbarSize = 26;  // a finger's width
  s.GrabMinSize = 26;
  s.Colors[ImGuiCol_Button] = ImVec4(0.86f, 0.89f, 0.94f, 1);
  s.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.96f, 1);
  s.ScaleAllSizes(scale);
}

// ---- [SECTION] the application

class App {
 public:
  App(const CounterOptions& o) : o_(o) {}

  int Run();

  // GLFW callbacks (through the window's user pointer).
  void OnKey(int key, int scancode, int action, int mods);
  void OnChar(unsigned int c);

 private:
  bool OpenWindow();
  bool OpenStoreAndDevices();
  void Frame();
  void EnsureGlyphs();
  void Dispatch();
  void PressKey(int glfw_key);
  void ModelKeys();
  int64_t RouterNowMs() const;
  bool Screenshot(const std::string& name);
  bool ReadPixels();
  nlohmann::json CheckText(const std::string& control);
  int RunReplay();
  int RunBench();
  void Fail(const std::string& what);
  void Report(const nlohmann::json& j);

  CounterOptions o_;
  GLFWwindow* window_ = nullptr;
  ViewContext ctx_;
  Fonts fonts_;
  std::unique_ptr<Database> db_;
  SystemClock clock_;
  SandboxGateway gateway_;  // training/sandbox until a real gateway adapter is configured
  std::unique_ptr<CounterPrinter> printer_;
  std::unique_ptr<Scale> scale_;
  FakeScale* fake_scale_ = nullptr;
  NoSync no_sync_;
  std::unique_ptr<AgentSyncStatus> sync_;  // reads the sync agent's state off the UI thread
  AgentEnroller enroller_{o_.db_path, clock_};  // Settings → hub enrolment
  std::unique_ptr<CounterModel> model_;
  std::unique_ptr<ThreadTaskRunner> tasks_;  // declared after model_: joined first
  std::vector<std::unique_ptr<View>> views_;
  InputRouter router_;
  std::set<unsigned int> glyphs_tried_;  // added to the atlas once each
  std::vector<int> pressed_;       // keys injected for the next frame
  bool replay_ = false;
  int64_t virtual_ms_ = 0;
  int failures_ = 0;
  std::vector<unsigned char> pixels_;  // last read frame, RGBA, top row first
  int pix_w_ = 0, pix_h_ = 0;
  std::ofstream report_;
};

App* AppFrom(GLFWwindow* w) { return static_cast<App*>(glfwGetWindowUserPointer(w)); }

// ---- [SECTION] input

int64_t App::RouterNowMs() const {
  return replay_ ? virtual_ms_ : static_cast<int64_t>(glfwGetTime() * 1000.0);
}

void App::OnKey(int key, int scancode, int action, int mods) {
  if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) {
    // The router decides: the end of a scan, or a person's Enter.
    if (action == GLFW_PRESS) router_.OnEnter(RouterNowMs());
    Dispatch();
    return;
  }
  const bool modifier = key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_CONTROL ||
                        key == GLFW_KEY_RIGHT_CONTROL || key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
                        key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
  // A printable key's press comes before its character; only other keys
  // end a held burst (scanners press Shift for capitals, so not modifiers).
  const bool printable = (key >= GLFW_KEY_SPACE && key <= GLFW_KEY_GRAVE_ACCENT) ||
                         (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_EQUAL);
  if (action == GLFW_PRESS && !modifier && !printable) {
    router_.OnOtherKey(RouterNowMs());
    Dispatch();
  }
  ImGui_ImplGlfw_KeyCallback(window_, key, scancode, action, mods);
}

void App::OnChar(unsigned int c) { router_.OnChar(static_cast<char32_t>(c), RouterNowMs()); }

void App::PressKey(int glfw_key) {
  ImGui::GetIO().KeysDown[glfw_key] = true;
  pressed_.push_back(glfw_key);
}

void App::Dispatch() {
  for (RoutedInput& in : router_.Take()) {
    switch (in.kind) {
      case RoutedInput::Kind::kText: ImGui::GetIO().AddInputCharactersUTF8(in.text.c_str()); break;
      case RoutedInput::Kind::kEnter: PressKey(GLFW_KEY_ENTER); break;
      case RoutedInput::Kind::kScan: model_->OnScan(in.text); break;
    }
  }
}

// Function keys mean the same wherever the focus is.
void App::ModelKeys() {
  static const std::pair<int, Key> kKeys[] = {
      {GLFW_KEY_F1, Key::kF1},   {GLFW_KEY_F2, Key::kF2},         {GLFW_KEY_F3, Key::kF3},
      {GLFW_KEY_F4, Key::kF4},   {GLFW_KEY_F5, Key::kF5},         {GLFW_KEY_F6, Key::kF6},
      {GLFW_KEY_F7, Key::kF7},   {GLFW_KEY_F8, Key::kF8},         {GLFW_KEY_F9, Key::kF9},
      {GLFW_KEY_F10, Key::kF10}, {GLFW_KEY_F11, Key::kF11},       {GLFW_KEY_F12, Key::kF12},
      {GLFW_KEY_ESCAPE, Key::kEscape}, {GLFW_KEY_UP, Key::kUp},   {GLFW_KEY_DOWN, Key::kDown},
      {GLFW_KEY_DELETE, Key::kDelete}, {GLFW_KEY_PAGE_UP, Key::kPageUp}, {GLFW_KEY_PAGE_DOWN, Key::kPageDown},
  };
  for (const auto& [glfw, key] : kKeys) {
    if (!ImGui::IsKeyPressed(glfw, key == Key::kUp || key == Key::kDown)) continue;
    // Delete edits a field that has text; it voids a line only from an empty one.
    if (key == Key::kDelete && !model_->entry().empty()) continue;
    model_->OnKey(key);
  }
}

// ---- [SECTION] frame

// Text the model shows at run time may hold characters the atlas was not
// built with (a suspended sale's note, a report label): add them and rebuild
// the atlas between frames, so nothing shows "?".
void App::EnsureGlyphs() {
  std::string texts = model_->shift().report_text + model_->receipt().text + model_->prompt().input +
                      model_->prompt().title + model_->search().query;
  for (const Notice& n : model_->notices()) texts += n.text;
  for (const SuspendedCart& c : model_->suspended()) texts += c.label;
  std::string add;
  const char* p = texts.c_str();
  const char* end = p + texts.size();
  while (p < end) {
    unsigned int c = 0;
    p += ImTextCharFromUtf8(&c, p, end);
    if (c < 0x80 || c >= 0x10000 || ctx_.regular->FindGlyphNoFallback(static_cast<ImWchar>(c))) continue;
    if (glyphs_tried_.insert(c).second) add += EncodeUtf8(static_cast<char32_t>(c));
  }
  if (add.empty()) return;
  fonts_.extra += add;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui::GetIO().Fonts->Clear();
  BuildFonts(fonts_, ctx_, *db_, model_->store_name());
  ImGui::GetIO().FontDefault = ctx_.regular;
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void App::Frame() {
  tasks_->RunPending();
  model_->Tick();
  EnsureGlyphs();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  widgets::BeginFrame();
  ModelKeys();

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("##counter", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoSavedSettings);
  View* current = nullptr;
  for (auto& v : views_) {
    if (v->screen() == model_->screen()) current = v.get();
  }
  DrawTopBar(*model_, ctx_, current ? Tr(current->title_key()) : "");
  const float status_h = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 2 +
                         widgets::TouchHeight();
  ImGui::BeginChild("##screen", ImVec2(0, ImGui::GetContentRegionAvail().y - status_h), false);
  if (current) {
    ImGui::PushID(ScreenName(current->screen()));
    current->drawContent(*model_, ctx_);
    ImGui::PopID();
  }
  ImGui::EndChild();
  DrawNotices(*model_, ctx_);
  DrawStatusBar(*model_, ctx_);
  ImGui::End();
  DrawPrompt(*model_, ctx_);

  ImGui::Render();
  int w, h;
  glfwGetFramebufferSize(window_, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.97f, 0.97f, 0.96f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  // Keys injected for this frame were seen down in it; release them now so
  // the next frame sees them up (and a later press is a new press).
  for (int k : pressed_) ImGui::GetIO().KeysDown[k] = false;
  pressed_.clear();
}

// ---- [SECTION] screenshots and the text check

bool App::ReadPixels() {
  glfwGetFramebufferSize(window_, &pix_w_, &pix_h_);
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

bool App::Screenshot(const std::string& name) {
  if (!ReadPixels()) return false;
  std::filesystem::create_directories(o_.screenshot_dir);
  const std::string path = (std::filesystem::path(o_.screenshot_dir) / name).string();
  return stbi_write_png(path.c_str(), pix_w_, pix_h_, 4, pixels_.data(), pix_w_ * 4) != 0;
}

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

// Compares the text drawn in `control` with the font's rendering of the same
// string (and with what "?" boxes would look like).
nlohmann::json App::CheckText(const std::string& control) {
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
  j["font"] = fonts_.path;
  j["pass"] = missing == 0 && best >= 0.9 && best - best_fallback >= 0.3;
  return j;
}

void App::Fail(const std::string& what) {
  ++failures_;
  std::fprintf(stderr, "linli-counter: replay: %s\n", what.c_str());
  Report({{"check", "failure"}, {"message", what}});
}

void App::Report(const nlohmann::json& j) {
  if (report_.is_open()) report_ << j.dump() << "\n" << std::flush;
}

// ---- [SECTION] replay

int App::RunReplay() {
  std::ifstream in(o_.replay_path);
  if (!in) {
    std::fprintf(stderr, "linli-counter: cannot read replay file %s\n", o_.replay_path.c_str());
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto events = ParseReplay(ss.str());
  if (!events.ok()) {
    std::fprintf(stderr, "linli-counter: %s\n", events.status().message().c_str());
    return 1;
  }
  if (!o_.report_path.empty()) report_.open(o_.report_path);
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
      virtual_ms_ += 16;
      router_.Poll(virtual_ms_);
      Dispatch();
      glfwPollEvents();
      Frame();
      glfwSwapBuffers(window_);
    }
  };
  auto settle = [&] {
    // Background tasks (payment, printing) finish, then the screen redraws.
    for (int i = 0; i < 500 && tasks_->in_flight() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      frames(1);
    }
    frames(2);
  };
  frames(3);
  for (const ReplayEvent& e : *events) {
    const std::string where = fmt::format("line {}: ", e.line);
    switch (e.kind) {
      case ReplayEvent::Kind::kType: {
        for (unsigned char c : e.arg) {
          virtual_ms_ += 100;  // a person: 100 ms a key
          router_.OnChar(c, virtual_ms_);
        }
        virtual_ms_ += 100;
        router_.Poll(virtual_ms_);
        Dispatch();
        frames(2);
        break;
      }
      case ReplayEvent::Kind::kScan: {
        for (unsigned char c : e.arg) {
          virtual_ms_ += 5;  // a scanner: 5 ms a character
          router_.OnChar(c, virtual_ms_);
        }
        virtual_ms_ += 5;
        router_.OnEnter(virtual_ms_);
        Dispatch();
        settle();
        break;
      }
      case ReplayEvent::Kind::kKey: {
        auto it = kKeyNames.find(e.arg);
        if (it == kKeyNames.end()) {
          Fail(where + "unknown key " + e.arg);
          break;
        }
        virtual_ms_ += 100;
        if (it->second == GLFW_KEY_ENTER) {
          router_.OnEnter(virtual_ms_);
        } else {
          router_.OnOtherKey(virtual_ms_);
          PressKey(it->second);
        }
        Dispatch();
        frames(1);
        settle();
        break;
      }
      case ReplayEvent::Kind::kClick:
        widgets::RequestClick(e.arg);
        frames(1);
        if (!widgets::PendingClick().empty()) {
          widgets::ClearPendingClick();
          Fail(where + "no control \"" + e.arg + "\" on the " + ScreenName(model_->screen()) + " screen");
        }
        settle();
        break;
      case ReplayEvent::Kind::kWeight:
        if (fake_scale_) {
          ScaleReading r;
          r.grams = std::atoll(e.arg.c_str());
          r.stable = true;
          fake_scale_->Push(r);
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
        Frame();
        if (!Screenshot(e.arg)) Fail(where + "screenshot " + e.arg + " failed");
        Report({{"check", "screenshot"}, {"file", e.arg}, {"screen", ScreenName(model_->screen())},
                {"last_receipt", model_->last_receipt_no()}, {"cart_lines", model_->rows().size()}});
        glfwSwapBuffers(window_);
        break;
      case ReplayEvent::Kind::kExpectScreen:
        if (e.arg != ScreenName(model_->screen())) {
          Fail(where + "expected the " + e.arg + " screen, showing " + ScreenName(model_->screen()));
          for (const Notice& n : model_->notices()) std::fprintf(stderr, "  notice: %s\n", n.text.c_str());
        }
        break;
      case ReplayEvent::Kind::kExpectText: {
        frames(1);
        Frame();
        nlohmann::json j = CheckText(e.arg);
        Report(j);
        glfwSwapBuffers(window_);
        if (!j.value("pass", false)) Fail(where + "text check failed: " + j.dump());
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

int App::RunBench() {
  model_->signin().user_id = o_.bench_user;
  model_->signin().pin = o_.bench_pin;
  model_->SubmitSignIn();
  if (!model_->user()) {
    std::fprintf(stderr, "bench: sign-in failed: %s\n", model_->signin().error.c_str());
    return 1;
  }
  std::vector<std::string> codes;
  std::ifstream in(o_.bench_barcodes);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) codes.push_back(line);
  }
  if (codes.empty()) {
    std::fprintf(stderr, "bench: no barcodes (--bench-barcodes FILE)\n");
    return 1;
  }
  model_->Show(Screen::kCheckout);
  for (int i = 0; i < o_.bench_lines; ++i) model_->OnScan(codes[static_cast<size_t>(i) % codes.size()]);
  tasks_->RunPending();
  std::printf("cart lines: %zu, total %s\n", model_->rows().size(), YuanPlain(model_->priced().total_fen).c_str());
  auto time_frames = [&](const char* name, const std::function<void(int)>& before) {
    std::vector<double> ms;
    for (int i = 0; i < 3; ++i) {  // settle: focus, layout, texture uploads
      Frame();
      glfwSwapBuffers(window_);
    }
    for (int i = 0; i < o_.bench_frames; ++i) {
      before(i);
      auto t0 = std::chrono::steady_clock::now();
      glfwPollEvents();
      Frame();
      glFinish();  // include the (software) rasteriser's work
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      glfwSwapBuffers(window_);
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const double p99 = ms[std::min(ms.size() - 1, static_cast<size_t>(static_cast<double>(ms.size()) * 0.99))];
    std::printf("%-44s frames %4zu  median %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", name, ms.size(), median, p99,
                ms.back());
  };
  time_frames("checkout, cart of N lines", [](int) {});
  model_->entry() = o_.bench_query;
  model_->Show(Screen::kSearch);
  time_frames("search open, query unchanged", [](int) {});
  // Type the query's last character and erase it again, through ImGui's own
  // input: a fresh incremental search every frame.
  const std::string q = o_.bench_query;
  size_t cut = q.size();
  while (cut > 0 && (static_cast<unsigned char>(q[cut - 1]) & 0xC0) == 0x80) --cut;
  const std::string last_char = q.substr(cut > 0 ? cut - 1 : 0);
  time_frames("search open, a keystroke every frame", [&](int i) {
    if (i % 2) {
      ImGui::GetIO().AddInputCharactersUTF8(last_char.c_str());
    } else {
      PressKey(GLFW_KEY_BACKSPACE);
    }
  });
  std::printf("search: %zu hits for \"%s\" in %.2f ms (last)\n", model_->search().hits.size(), model_->search().query.c_str(),
              static_cast<double>(model_->search().took_us) / 1000.0);
  return 0;
}

// ---- [SECTION] RunCounter

bool App::OpenWindow() {
  glfwSetErrorCallback([](int code, const char* what) { std::fprintf(stderr, "glfw %d: %s\n", code, what); });
  if (!glfwInit()) return false;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  if (replay_ || o_.bench) glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_TRUE);
  window_ = glfwCreateWindow(o_.width, o_.height, "邻里收银 Linli", nullptr, nullptr);
  if (!window_) return false;
  glfwMakeContextCurrent(window_);
  glfwSwapInterval((replay_ || o_.bench) ? 0 : 1);
  glfwSetWindowUserPointer(window_, this);
  return true;
}

bool App::OpenStoreAndDevices() {
  auto db = OpenStore(o_.db_path);
  if (!db.ok()) {
    std::fprintf(stderr, "linli-counter: %s\n", db.status().message().c_str());
    return false;
  }
  db_ = std::move(*db);
  const std::string uri = !o_.printer_uri.empty() ? o_.printer_uri : GetConfig(*db_, "counter.printer_uri").value_or("");
  if (!uri.empty() && uri != "none") {
    auto p = OpenCounterPrinter(o_.db_path, uri, GetConfig(*db_, "counter.printer_profile").value_or("generic58"),
                                clock_);
    if (p.ok()) {
      printer_ = std::move(*p);
    } else {
      std::fprintf(stderr, "linli-counter: printer %s: %s\n", uri.c_str(), p.status().message().c_str());
    }
  }
  // The sync agent (`linli sync --daemon`) keeps its state in the store;
  // the status bar shows it, polled on a connection and thread of its own.
  if (auto sync = AgentSyncStatus::Open(o_.db_path, clock_); sync.ok()) {
    sync_ = std::move(*sync);
  } else {
    std::fprintf(stderr, "linli-counter: sync status: %s\n", sync.status().message().c_str());
  }
  if (o_.scale == "fake") {
    auto fake = std::make_unique<FakeScale>();
    fake_scale_ = fake.get();
    scale_ = std::move(fake);
  } else if (o_.scale != "none") {
    const std::string port = GetConfig(*db_, "counter.scale_port").value_or("");
    if (!port.empty()) {
      auto serial = PosixSerialPort::Open(port, SerialOptions{});
      if (serial.ok()) {
        auto s = MakeScale(GetConfig(*db_, "counter.scale_protocol").value_or("continuous-st"), std::move(*serial));
        if (s.ok()) scale_ = std::move(*s);
      } else {
        std::fprintf(stderr, "linli-counter: scale %s: %s\n", port.c_str(), serial.status().message().c_str());
      }
    }
  }
  return true;
}

int App::Run() {
  replay_ = !o_.replay_path.empty();
  if (!OpenStoreAndDevices()) return 1;
  if (!OpenWindow()) {
    std::fprintf(stderr, "linli-counter: cannot open a window (no display? run under xvfb-run)\n");
    return 1;
  }
  tasks_ = std::make_unique<ThreadTaskRunner>();
  CounterServices services;
  services.db = db_.get();
  services.db_path = o_.db_path;
  services.clock = &clock_;
  services.gateway = &gateway_;
  services.printer = printer_.get();
  services.scale = scale_.get();
  services.sync = sync_ ? static_cast<SyncStatusSource*>(sync_.get()) : &no_sync_;
  services.enroller = &enroller_;
  services.tasks = tasks_.get();
  model_ = std::make_unique<CounterModel>(services);
  if (Status st = model_->Start(); !st.ok()) {
    std::fprintf(stderr, "linli-counter: %s\n", st.message().c_str());
    return 1;
  }
  if (!o_.language.empty()) {
    if (auto lang = ParseLanguage(o_.language); lang.ok()) Lang().SetLanguage(*lang);
  }
  views_ = MakeViews();

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; nothing to remember
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  float xs = 1, ys = 1;
  glfwGetWindowContentScale(window_, &xs, &ys);
  ctx_.scale = o_.ui_scale > 0 ? o_.ui_scale : std::max(1.0f, xs);
  ApplyStyle(ctx_.scale);
  BuildFonts(fonts_, ctx_, *db_, model_->store_name());
  io.FontDefault = ctx_.regular;
  ImGui_ImplGlfw_InitForOpenGL(window_, /*install_callbacks=*/false);
  // Our callbacks go through the input router; the rest straight to ImGui.
  glfwSetKeyCallback(window_, [](GLFWwindow* w, int k, int sc, int a, int m) { AppFrom(w)->OnKey(k, sc, a, m); });
  glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int c) { AppFrom(w)->OnChar(c); });
  glfwSetMouseButtonCallback(window_, ImGui_ImplGlfw_MouseButtonCallback);
  glfwSetScrollCallback(window_, ImGui_ImplGlfw_ScrollCallback);
  glfwSetWindowFocusCallback(window_, ImGui_ImplGlfw_WindowFocusCallback);
  glfwSetCursorEnterCallback(window_, ImGui_ImplGlfw_CursorEnterCallback);
  ImGui_ImplOpenGL3_Init("#version 130");

  int rc = 0;
  if (o_.bench) {
    rc = RunBench();
  } else if (replay_) {
    rc = RunReplay();
  } else {
    while (!glfwWindowShouldClose(window_)) {
      glfwWaitEventsTimeout(router_.holding() ? 0.01 : 0.05);
      router_.Poll(RouterNowMs());
      Dispatch();
      Frame();
      glfwSwapBuffers(window_);
    }
  }
  tasks_.reset();  // finish printing before the model and devices go
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return rc;
}

}  // namespace

int RunCounter(const CounterOptions& options) {
  App app(options);
  return app.Run();
}

}  // namespace linli::ui
