// Replay scripts: a file of input events linli-counter plays into its own
// window, frame by frame, through the same input router a real keyboard and
// scanner go through. Used by the end-to-end tests and the headless demo.
//
//   # comment
//   type 1001          characters typed at a person's pace (100 ms apart)
//   key Enter          Enter, Tab, Esc, Backspace, Up, Down, Del, F1 … F12
//   scan 6901234567892 a scanner burst: the characters 5 ms apart, then Enter
//   click pay.cash     a click on the control with that stable id
//   weight 1234        the (fake) scale now reads 1234 g, stable
//   wait 5             let 5 frames pass (background tasks finish meanwhile)
//   screenshot a.png   saves the window as PNG into the screenshot directory
//   expect-screen checkout   fails the run unless that screen is showing
//   expect-text checkout.last_name  compares the text drawn in that control
//                      with the font's own rasterisation (see app.h)
//   expect-fit         every control of the frame fully shows, touch targets
//                      are 44 px high, the screen's command buttons are all
//                      drawn (ui/fit_check.h)
//   expect-tone checkout.pay primary  the button is drawn in that tone's
//                      colour (primary, muted or normal)
//   quit
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/status.h"

namespace linli::ui {

struct ReplayEvent {
  enum class Kind {
    kType, kKey, kScan, kClick, kWeight, kWait, kScreenshot, kExpectScreen, kExpectText, kExpectFit, kExpectTone,
    kQuit,
  };
  Kind kind = Kind::kWait;
  std::string arg;
  int line = 0;  // in the script, for messages
};

// InvalidArgument naming the line for an unknown command or missing argument.
Result<std::vector<ReplayEvent>> ParseReplay(std::string_view text);

}  // namespace linli::ui
