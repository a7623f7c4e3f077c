// [SECTION] index
//   fonts (the drivers' CJK font, glyph ranges) · input (GLFW → router →
//   ImGui/model) · frame · RunCounter
//
// The test harness (replay, screenshots, the text check, the bench) is in
// harness.cc; app_internal.h declares what both share.
#include "app.h"
#include "app_internal.h"

#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "linli/drivers/cjk_font.h"
#include "linli/drivers/scale.h"
#include "linli/drivers/serial.h"
#include "linli/pos/catalog.h"
#include "linli/pos/store.h"
#include "linli/ui/counter_model.h"
#include "linli/ui/format.h"
#include "linli/ui/input_router.h"
#include "linli/ui/hub_enroller.h"
#include "linli/ui/sync_status.h"
#include "view.h"
#include "widgets.h"

namespace linli::ui {
namespace {

// ---- [SECTION] fonts

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

  const std::optional<FontFile> cjk = FindCjkFont();
  f.path = cjk ? cjk->path : std::string();
  ImFontConfig cfg;
  cfg.FontNo = cjk ? cjk->index : 0;
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

App* AppFrom(GLFWwindow* w) { return static_cast<App*>(glfwGetWindowUserPointer(w)); }

}  // namespace

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
    if (key == Key::kDelete && !model_->checkout().entry().empty()) continue;
    model_->OnKey(key);
  }
}

// ---- [SECTION] frame

// Text the model shows at run time may hold characters the atlas was not
// built with (a suspended sale's note, a report label): add them and rebuild
// the atlas between frames, so nothing shows "?".
void App::EnsureGlyphs() {
  std::string texts = model_->shift().state().report_text + model_->receipt().state().text + model_->prompt().input +
                      model_->prompt().title + model_->search().state().query;
  for (const Notice& n : model_->notices()) texts += n.text;
  for (const SuspendedCart& c : model_->suspended().suspended()) texts += c.label;
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
  BuildFonts(fonts_, ctx_, *db_, model_->session().store_name());
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
  if (auto g = payments::TillGateways::Open(o_.db_path); g.ok()) {
    gateways_ = std::move(g).value();
  } else {
    gateway_error_ = g.status().message();
    std::fprintf(stderr, "linli-counter: payment codes are off: %s\n", gateway_error_.c_str());
  }
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
  services.gateway = gateways_ ? &gateways_->gateway() : static_cast<PaymentGateway*>(&no_networks_);
  services.printer = printer_.get();
  services.scale = scale_.get();
  services.sync = sync_ ? static_cast<SyncStatusSource*>(sync_.get()) : &no_sync_;
  services.enroller = &enroller_;
  services.tasks = tasks_.get();
  // Replays stay deterministic: they check no receipt with a hub.
  if (!replay_) {
    hub_tasks_ = std::make_unique<ThreadTaskRunner>();
    services.checker = &checker_;
    services.hub_tasks = hub_tasks_.get();
  }
  model_ = std::make_unique<CounterModel>(services);
  if (Status st = model_->Start(); !st.ok()) {
    std::fprintf(stderr, "linli-counter: %s\n", st.message().c_str());
    return 1;
  }
  if (!gateway_error_.empty()) {
    model_->session().Notify(Notice::Level::kError, TrF("notice.payments_off", gateway_error_));
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
  BuildFonts(fonts_, ctx_, *db_, model_->session().store_name());
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
    rc = Harness(*this).RunBench();
  } else if (replay_) {
    rc = Harness(*this).RunReplay();
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
  hub_tasks_.reset();  // a receipt check in flight ends within its timeout
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return rc;
}

int RunCounter(const CounterOptions& options) {
  App app(options);
  return app.Run();
}

}  // namespace linli::ui
