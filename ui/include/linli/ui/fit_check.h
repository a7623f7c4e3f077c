// The rule a counter screen must keep on every window size shops have
// (1024×768, 1280×800, 1920×1080): every control fully shows, clickable
// controls are touch-sized, nothing lies on top of anything else. The
// replay command `expect-fit` (docs/counter-replay.md) gathers the controls
// of the frame on screen and asks CheckFit; a pure function, so the rule
// itself has unit tests (tests/ui/fit_check_test.cc) without a window.
#pragma once

#include <string>
#include <vector>

namespace linli::ui {

// A rectangle in window pixels: [x0, x1) × [y0, y1).
struct FitRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};

// One control as it was laid out this frame.
struct FitControl {
  std::string id;       // its stable id ("signin.keypad.enter")
  FitRect rect;         // where it was laid out
  FitRect visible;      // the part of its window that shows (the window's clip rectangle)
  bool clickable = false;  // a button or a field: a touch target
  // Content of a scrolling list or panel (refund lines, suspended sales, a
  // report): it may scroll out of view, so it is held only to the touch size.
  bool scrolls = false;
  // Its label or a field's hint is wider than the control: the text shows
  // cut off ("扫码，或输入条码/PLU 回…").
  bool text_cut = false;
  int layer = 0;        // controls overlap only within one layer (a window and its children)
};

// What CheckFit found wrong; empty when the screen fits.
struct FitProblem {
  std::string id;    // the control
  std::string what;  // in words, with the rectangles
};

// Checks `controls` against the window `window`:
//  - each control (but what scrolls) lies fully inside `window` and inside
//    its `visible` rectangle: nothing cut off, nothing hidden;
//  - each clickable control is at least `min_touch_px` high;
//  - no label or hint is cut off (text_cut);
//  - no two controls of one layer overlap;
//  - every id in `required` is among the controls (the screen's command
//    buttons: a button not drawn at all is hidden too).
// `tolerance_px` absorbs rounding (ImGui snaps to pixels).
std::vector<FitProblem> CheckFit(const std::vector<FitControl>& controls, const FitRect& window, float min_touch_px,
                                 const std::vector<std::string>& required, float tolerance_px = 0.5f);

}  // namespace linli::ui
