// The receipt screen's model: a committed receipt previewed as the printer
// would print it, and reprinting it.
#pragma once

#include <optional>
#include <string>

#include "linli/drivers/image.h"
#include "linli/ui/session.h"

namespace linli::ui {

struct ReceiptPreviewState {
  std::string receipt_no;
  std::optional<GrayImage> image;
  std::string text;   // RenderReceiptText, for copy and tests
  int version = 0;    // bumps when image changes (views re-upload textures)
};

class ReceiptModel final : public ScreenModel {
 public:
  explicit ReceiptModel(CounterSession& session) : session_(session) {}

  ReceiptPreviewState& state() { return state_; }
  const ReceiptPreviewState& state() const { return state_; }
  // Shows the receipt screen with `receipt_no`.
  void PreviewReceipt(const std::string& receipt_no);
  void Reprint();
  const std::string& last_receipt_no() const { return session_.last_receipt_no(); }

  // With nothing shown yet, shows the last receipt.
  bool OnShow() override;

 private:
  CounterSession& session_;
  ReceiptPreviewState state_;
};

}  // namespace linli::ui
