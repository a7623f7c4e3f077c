// What the counter application (app.cc) and its test harness (harness.cc)
// share: the App, which owns the window, the store, the devices, the model
// and the frame loop, and the Harness, which plays replay scripts (with
// screenshots and the pixel text check) and runs the frame bench over an
// App. Internal to linli_ui; RunCounter (app.h) is the only way in.
#pragma once

#include <GLFW/glfw3.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include "app.h"
#include "linli/drivers/scale.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/payments/till_gateways.h"
#include "linli/pos/payments.h"
#include "linli/ui/counter_model.h"
#include "linli/ui/hub_enroller.h"
#include "linli/ui/input_router.h"
#include "linli/ui/sync_status.h"
#include "linli/ui/tasks.h"
#include "view.h"

namespace linli::ui {

struct Fonts {
  ImVector<ImWchar> ranges;       // must outlive the atlas build
  ImVector<ImWchar> digit_ranges;
  std::string path;
  int missing_glyphs = 0;         // catalog characters the font lacks
  std::string extra;              // characters met at run time (typed labels, reports)
};

class App {
 public:
  explicit App(const CounterOptions& o) : o_(o) {}

  int Run();

  // GLFW callbacks (through the window's user pointer).
  void OnKey(int key, int scancode, int action, int mods);
  void OnChar(unsigned int c);

 private:
  friend class Harness;  // drives frames and input as a person and a scanner would

  bool OpenWindow();
  bool OpenStoreAndDevices();
  void Frame();
  void EnsureGlyphs();
  void Dispatch();
  void PressKey(int glfw_key);
  void ModelKeys();
  int64_t RouterNowMs() const;

  CounterOptions o_;
  GLFWwindow* window_ = nullptr;
  ViewContext ctx_;
  Fonts fonts_;
  std::unique_ptr<Database> db_;
  SystemClock clock_;
  // The payment-code gateway from the store's settings (payments::
  // TillGateways): the sandbox, its state beside the store so `linli refund`
  // and `linli void` can undo what the counter took, unless payment.mode is
  // live. Live settings that do not hold leave no network accepted
  // (no_networks_): the counter keeps selling, for other tenders.
  std::unique_ptr<payments::TillGateways> gateways_;
  RoutingGateway no_networks_{nullptr};
  std::string gateway_error_;
  std::unique_ptr<CounterPrinter> printer_;
  std::unique_ptr<Scale> scale_;
  FakeScale* fake_scale_ = nullptr;
  NoSync no_sync_;
  std::unique_ptr<AgentSyncStatus> sync_;  // reads the sync agent's state off the UI thread
  AgentEnroller enroller_{o_.db_path, clock_};  // Settings → hub enrolment
  std::unique_ptr<CounterModel> model_;
  std::unique_ptr<ThreadTaskRunner> tasks_;  // declared after model_: joined first
  AgentReceiptChecker checker_{o_.db_path};   // refund screen → GET /v1/verify
  std::unique_ptr<ThreadTaskRunner> hub_tasks_;  // receipt checks; joined before model_ goes
  std::vector<std::unique_ptr<View>> views_;
  InputRouter router_;
  std::set<unsigned int> glyphs_tried_;  // added to the atlas once each
  std::vector<int> pressed_;       // keys injected for the next frame
  bool replay_ = false;
  int64_t virtual_ms_ = 0;
};

// Replay scripts and the bench over an App whose window, store and model are
// open (App::Run makes one after opening them). Each returns the process
// exit code: 0, or 1 when a check failed.
class Harness {
 public:
  explicit Harness(App& app) : app_(app) {}

  // Plays o_.replay_path: events, expectations, screenshots; writes one JSON
  // line per check to o_.report_path.
  int RunReplay();
  // Frame times with a big cart and the search open (o_.bench_*).
  int RunBench();

 private:
  bool Screenshot(const std::string& name);
  bool ReadPixels();
  nlohmann::json CheckText(const std::string& control);
  // expect-fit: every control of this frame against the window (ui/fit_check.h).
  nlohmann::json CheckFit();
  // expect-tone: "ID TONE", the button drawn in the colour of that tone.
  nlohmann::json CheckTone(const std::string& arg);
  void Fail(const std::string& what);
  void Report(const nlohmann::json& j);

  App& app_;
  int failures_ = 0;
  std::vector<unsigned char> pixels_;  // last read frame, RGBA, top row first
  int pix_w_ = 0, pix_h_ = 0;
  std::ofstream report_;
};

}  // namespace linli::ui
