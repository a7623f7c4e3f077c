// The refund screen's model: a receipt looked up by number or scan, the
// lines picked to refund, the refund itself and the post-void of the last
// sale (both with a manager's approval where needed).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "linli/ui/session.h"

namespace linli::ui {

struct RefundState {
  std::string entry;  // receipt number typed or scanned
  std::optional<CommittedSale> sale;
  std::map<int, int64_t> picked;  // original line_no → qty_milli to refund
  bool to_cash = false;
  std::string reason = "customer";
  std::optional<CommittedSale> done;  // the committed refund/void
};

class RefundModel final : public ScreenModel {
 public:
  explicit RefundModel(CounterSession& session) : session_(session) {}

  RefundState& state() { return state_; }
  const RefundState& state() const { return state_; }
  void LookupRefund();
  // A receipt code scanned: looks its sale up.
  void LookupScanned(const std::string& code);
  void ToggleRefundLine(int line_no);
  void SubmitRefund();                       // asks a manager's PIN when needed
  void VoidLast();                           // post-void the last sale (manager)

  bool OnShow() override {
    if (session_.screen() != Screen::kRefund) state_ = RefundState{};
    return true;
  }

 private:
  CounterSession& session_;
  RefundState state_;
};

}  // namespace linli::ui
