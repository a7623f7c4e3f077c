// The counter's screens. Each screen is one View with drawContent(); all of
// them are listed once, in MakeViews(). Each view draws the model of its
// screen (CounterModel::payment(), ::refund()…, screens/*_model.h) every
// frame and calls its actions, and reaches the session (counter_model.h,
// session.h) for what every screen shares: the prompt, notices, Show().
// Views keep only widget state (scroll positions, textures) and never touch
// the database or a device.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

#include "linli/ui/counter_model.h"

namespace linli::ui {

struct ViewContext {
  ImFont* regular = nullptr;  // body text, about 22 px at 1×
  ImFont* big = nullptr;      // the last item, prompts
  ImFont* huge = nullptr;     // totals and change (digits)
  float scale = 1.0f;         // DPI scale
};

class View {
 public:
  View(Screen screen, const char* title_key) : screen_(screen), title_key_(title_key) {}
  virtual ~View() = default;
  View(const View&) = delete;
  View& operator=(const View&) = delete;

  Screen screen() const { return screen_; }
  const char* title_key() const { return title_key_; }

  // Draws the screen into the current window region.
  virtual void drawContent(CounterModel& model, const ViewContext& ctx) = 0;

 private:
  Screen screen_;
  const char* title_key_;
};

// Every screen, in one list.
std::vector<std::unique_ptr<View>> MakeViews();

// Parts drawn around every screen.
void DrawTopBar(CounterModel& model, const ViewContext& ctx, const char* title);
void DrawStatusBar(CounterModel& model, const ViewContext& ctx);
void DrawNotices(CounterModel& model, const ViewContext& ctx);
void DrawPrompt(CounterModel& model, const ViewContext& ctx);

// Colours shared by the views.
inline constexpr ImU32 kColorAccent = IM_COL32(220, 60, 40, 255);   // totals (red, as shops expect)
inline constexpr ImU32 kColorOk = IM_COL32(40, 150, 70, 255);
inline constexpr ImU32 kColorWarn = IM_COL32(200, 130, 0, 255);
inline constexpr ImU32 kColorError = IM_COL32(200, 30, 30, 255);
inline constexpr ImU32 kColorMuted = IM_COL32(110, 110, 110, 255);

// "付款  F4": a label with its function key.
std::string WithKey(const char* key, const char* fkey);

}  // namespace linli::ui
