// The shift screen's model: opening the drawer with a float, pay-in and
// pay-out (their prompts), the X report, and closing with a count (Z report).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "linli/pos/reports.h"
#include "linli/pos/shifts.h"
#include "linli/ui/session.h"

namespace linli::ui {

struct ShiftState {
  std::optional<Shift> current;
  std::optional<DrawerSummary> drawer;
  std::string float_entry = "200";
  std::string float_confirmed;  // a float over the bound, given once: the same again opens
  std::map<int64_t, std::string> counts;  // denomination fen → count typed
  std::string report_title;               // localised "X 报表" / "Z 报表"
  std::string report_text;                // the printable report
  std::optional<ShiftCloseReport> closed;
};

class ShiftModel final : public ScreenModel {
 public:
  explicit ShiftModel(CounterSession& session) : session_(session) {}

  ShiftState& state() { return state_; }
  const ShiftState& state() const { return state_; }
  void RefreshShift();
  void OpenShiftWithFloat();
  void AskPayIn();
  void AskPayOut();
  void ShowXReport(bool print);
  void CloseShiftWithCount();                // then shows and prints the Z report
  int64_t counted_fen() const;               // sum of the denomination counts
  static const std::vector<int64_t>& Denominations();
  // The pay-in and pay-out prompts, answered.
  void SubmitPrompt(const Prompt& p);

  bool OnShow() override {
    RefreshShift();
    return true;
  }

 private:
  CounterSession& session_;
  ShiftState state_;
};

}  // namespace linli::ui
