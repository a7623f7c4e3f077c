// The refund screen's model: a receipt looked up by number or scan, the
// lines picked to refund, the refund itself and the post-void of the last
// sale (both with a manager's approval where needed).
//
// A scanned receipt QR is also checked with the hub (services().checker,
// PROTOCOL.md §9.1) off the UI thread: the answer shows on the screen when it
// comes. The check never stops a refund: offline or not enrolled, the screen
// says it could not check; only a mismatch asks the cashier to press submit
// a second time, having seen the warning.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "linli/sync/protocol.h"
#include "linli/ui/session.h"

namespace linli::ui {

// Where the hub check of the scanned receipt stands.
struct ReceiptCheckState {
  enum class Kind {
    kNone,         // no QR scanned, or no checker set up
    kChecking,     // asked; no answer yet
    kMatch,        // the hub agrees (refunded/voided said in `text`)
    kMismatch,     // the hub holds the receipt with another total, time or hash
    kNotSynced,    // unknown: the store has not synced since the receipt
    kMissing,      // unknown: the store synced since and the hub lacks it
    kNoStore,      // unknown: the hub has no such store code
    kOffline,      // the hub could not be asked
    kNotEnrolled,  // this till has no hub
    kRefused,      // the hub refused the QR text
  };
  Kind kind = Kind::kNone;
  std::string text;  // localised, for the screen
  std::optional<sync::ReceiptVerdict> verdict;
  bool warning() const { return kind == Kind::kMismatch || kind == Kind::kMissing; }
};

struct RefundState {
  std::string entry;  // receipt number typed or scanned
  std::optional<CommittedSale> sale;
  std::map<int, int64_t> picked;  // original line_no → qty_milli to refund
  bool to_cash = false;
  std::string reason = "customer";
  std::optional<CommittedSale> done;  // the committed refund/void
  ReceiptCheckState check;
  bool mismatch_confirmed = false;  // submit pressed once after a mismatch
};

class RefundModel final : public ScreenModel {
 public:
  explicit RefundModel(CounterSession& session) : session_(session) {}

  RefundState& state() { return state_; }
  const RefundState& state() const { return state_; }
  void LookupRefund();
  // A receipt code scanned: looks its sale up; a receipt QR is also checked
  // with the hub in the background. A QR that does not parse is refused with
  // the reason and looks nothing up.
  void LookupScanned(const std::string& code);
  void ToggleRefundLine(int line_no);
  // How much of one line to refund (one of two cans): asks the quantity,
  // at most what the sale holds; the answer replaces the line's pick.
  void AskRefundQty(int line_no);
  void SubmitPrompt(const Prompt& p);  // kRefundQty answered
  void SubmitRefund();                       // asks a manager's PIN when needed
  void VoidLast();                           // post-void the last sale (manager)

  bool OnShow() override {
    if (session_.screen() != Screen::kRefund) {
      state_ = RefundState{};
      ++check_generation_;  // an answer still on its way is for the last visit
    }
    return true;
  }

 private:
  void StartHubCheck(const std::string& qr_text);
  void ApplyHubCheck(const Result<sync::ReceiptVerdict>& r);

  CounterSession& session_;
  RefundState state_;
  uint64_t check_generation_ = 0;  // a late answer for an older scan is dropped
};

}  // namespace linli::ui
