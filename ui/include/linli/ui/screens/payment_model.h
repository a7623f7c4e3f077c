// The payment screen's model: cash from the keypad or quick-cash buttons,
// payment codes through the gateway (with re-checks while the answer is
// unknown), card references, the commit and the receipt it prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linli/ui/session.h"

namespace linli::ui {

enum class GatewayState { kIdle, kWaiting, kApproved, kDeclined, kChecking };
const char* GatewayStateKey(GatewayState s);  // string-table key, "pay.gw.waiting" …

struct PaymentState {
  std::string cash_entry;  // keypad digits, yuan: "50", "12.5"
  GatewayState gateway = GatewayState::kIdle;
  std::string gateway_message;  // the service's words for decline/unknown
  std::string pending_attempt;  // attempt key while unknown
  int64_t next_check_ms = 0;    // when to ask the gateway again
  bool done = false;            // committed: show change until next scan/Enter
  CommittedSale sale;           // the committed sale, when done
  std::string print_status;     // localised outcome of printing
};

class PaymentModel final : public ScreenModel {
 public:
  explicit PaymentModel(CounterSession& session) : session_(session) {}

  PaymentState& state() { return state_; }
  const PaymentState& state() const { return state_; }
  int64_t remaining_fen() const { return session_.cart().remaining_fen; }
  const PricedCart& priced() const { return session_.cart().priced; }
  std::vector<int64_t> quick_cash() const;
  // The big line once the sale is committed: with cash, the change to hand
  // back ("找零"); paid by code or card alone, what was received and how
  // ("微信 已收款"), never a change of ¥0.00.
  struct Headline {
    std::string label;
    int64_t fen = 0;
  };
  Headline DoneHeadline() const;
  void KeypadPress(char c);                  // '0'..'9', '.', 'C' clear, 'B' backspace
  void PayCashEntry();                       // the typed amount
  void PayCashAmount(int64_t fen);           // a quick-cash button
  void PayByCode(const std::string& code);
  void AskCard();
  void CheckPaymentAgain();
  void FinishSale();                         // "next customer"
  // A scan or entry for the next customer: ends a finished sale first.
  void FinishIfDone() {
    if (state_.done) FinishSale();
  }
  // Forgets the payment (the cart was cleared).
  void Reset() { state_ = PaymentState{}; }
  // Every frame: asks the gateway again when an answer is due.
  void Tick();
  // The card-reference prompt, answered.
  void SubmitPrompt(const Prompt& p);

  bool OnShow() override;
  void OnLeave() override {
    if (state_.done) Reset();
  }
  void OnSignOut() override { Reset(); }

 private:
  void ApplyPaymentResult(const Result<PaymentResult>& r);
  void TryCommit();

  CounterSession& session_;
  PaymentState state_;
};

}  // namespace linli::ui
