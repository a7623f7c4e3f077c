// The receipt screen's model (screens/receipt_model.h).
#include "linli/ui/screens/receipt_model.h"

#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"

namespace linli::ui {

bool ReceiptModel::OnShow() {
  if (state_.receipt_no.empty() && !last_receipt_no().empty()) {
    PreviewReceipt(last_receipt_no());
    return false;  // PreviewReceipt went to the screen
  }
  return true;
}

void ReceiptModel::PreviewReceipt(const std::string& receipt_no) {
  session_.Touch();
  state_.receipt_no = receipt_no;
  state_.image.reset();
  state_.text.clear();
  session_.SetScreen(Screen::kReceipt);
  if (receipt_no.empty()) return;
  auto img = RenderReceiptPreview(session_.db(), receipt_no, session_.settings().printer_profile, false);
  if (!img.ok()) {
    if (img.status().IsNotFound()) {
      return session_.Notify(Notice::Level::kError, TrF("err.unknown_receipt", receipt_no));
    }
    return session_.ReportError(img.status());
  }
  state_.image = std::move(*img);
  auto model = BuildReceipt(session_.db(), receipt_no, false);
  if (model.ok()) state_.text = RenderReceiptText(*model, session_.receipt_columns());
  ++state_.version;
}

void ReceiptModel::Reprint() {
  if (state_.receipt_no.empty()) return;
  CounterPrinter* printer = session_.services().printer;
  if (!printer) return session_.Notify(Notice::Level::kInfo, Tr("print.no_printer"));
  const std::string no = state_.receipt_no;
  session_.Post([this, printer, no] {
    PrintOutcome out = printer->PrintReceipt(no, true);
    return [this, out] {
      session_.status().printer_ok = out.status.ok();
      if (out.status.ok()) {
        session_.Notify(Notice::Level::kSuccess, Tr("print.done"));
      } else {
        session_.Notify(Notice::Level::kError, TrF("print.failed", TrStatus(out.status)));
      }
    };
  });
}

}  // namespace linli::ui
