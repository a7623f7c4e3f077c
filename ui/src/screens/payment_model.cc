// The payment screen's model (screens/payment_model.h).
#include "linli/ui/screens/payment_model.h"

#include "linli/pos/pricing.h"
#include "linli/pos/shifts.h"
#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

const char* GatewayStateKey(GatewayState s) {
  switch (s) {
    case GatewayState::kIdle: return "pay.gw.idle";
    case GatewayState::kWaiting: return "pay.gw.waiting";
    case GatewayState::kApproved: return "pay.gw.approved";
    case GatewayState::kDeclined: return "pay.gw.declined";
    case GatewayState::kChecking: return "pay.gw.checking";
  }
  return "pay.gw.idle";
}

bool PaymentModel::OnShow() {
  if (session_.cart_empty()) {
    if (!state_.done) {
      session_.Notify(Notice::Level::kInfo, Tr("notice.cart_empty"));
      return false;
    }
  } else {
    session_.RefreshCart();
    state_.cash_entry.clear();
  }
  return true;
}

void PaymentModel::Tick() {
  if (state_.gateway == GatewayState::kChecking && !session_.busy() &&
      session_.clock().NowMs() >= state_.next_check_ms) {
    CheckPaymentAgain();
  }
}

std::vector<int64_t> PaymentModel::quick_cash() const { return QuickCashSuggestions(remaining_fen()); }

void PaymentModel::KeypadPress(char c) {
  session_.Touch();
  std::string& e = state_.cash_entry;
  if (c == 'C') {
    e.clear();
  } else if (c == 'B') {
    if (!e.empty()) e.pop_back();
  } else if (c == '.') {
    if (e.find('.') == std::string::npos) e += e.empty() ? "0." : ".";
  } else if (c >= '0' && c <= '9') {
    size_t dot = e.find('.');
    if (dot != std::string::npos && e.size() - dot > 2) return;  // two decimals at most
    if (e.size() < 9) e += c;
  }
}

void PaymentModel::PayCashEntry() {
  if (state_.done) return FinishSale();
  const std::string typed = Trim(state_.cash_entry);
  if (typed.empty()) return PayCashAmount(remaining_fen());  // exact cash
  const int64_t fen = KeypadToFen(typed);
  if (fen <= 0) return session_.Notify(Notice::Level::kError, Tr("err.cash_amount"));
  PayCashAmount(fen);
}

void PaymentModel::PayCashAmount(int64_t fen) {
  session_.Touch();
  Checkout* co = session_.checkout();
  if (!co || session_.busy() || state_.done) return;
  if (fen <= 0) return;
  Status st = co->PayCash(fen);
  if (!st.ok()) return session_.ReportError(st, "ctx.pay");
  state_.cash_entry.clear();
  session_.RefreshCart();
  TryCommit();
}

void PaymentModel::PayByCode(const std::string& code) {
  Checkout* co = session_.checkout();
  if (!co || session_.busy() || state_.done) return;
  if (!session_.payments()) return session_.Notify(Notice::Level::kError, Tr("err.no_gateway"));
  state_.gateway = GatewayState::kWaiting;
  state_.gateway_message.clear();
  session_.RunTask([this, co, code] {
    auto r = co->PayByCode(code, std::nullopt);
    return [this, r] { ApplyPaymentResult(r); };
  });
}

void PaymentModel::ApplyPaymentResult(const Result<PaymentResult>& r) {
  if (!r.ok()) {
    state_.gateway = GatewayState::kDeclined;
    state_.gateway_message = TrStatus(r.status());
    return;
  }
  switch (r->outcome) {
    case PaymentOutcome::kApproved:
      state_.gateway = GatewayState::kApproved;
      state_.gateway_message = TrF("pay.gw.approved_amount", Yuan(r->amount_fen));
      session_.RefreshCart();
      TryCommit();
      return;
    case PaymentOutcome::kUnknown:
      state_.gateway = GatewayState::kChecking;
      state_.pending_attempt = r->attempt_key;
      state_.gateway_message = Tr("pay.gw.keep_customer");
      state_.next_check_ms = session_.clock().NowMs() + 3000;
      return;
    case PaymentOutcome::kOffline:
      state_.gateway = GatewayState::kDeclined;
      state_.gateway_message = Tr("pay.gw.offline");
      return;
    case PaymentOutcome::kDeclined:
    case PaymentOutcome::kCancelled:
    case PaymentOutcome::kReversed:
      state_.gateway = GatewayState::kDeclined;
      state_.gateway_message = r->message;
      return;
  }
}

void PaymentModel::CheckPaymentAgain() {
  Checkout* co = session_.checkout();
  if (!co || session_.busy()) return;
  state_.next_check_ms = session_.clock().NowMs() + 3000;
  session_.RunTask([this, co] {
    Status st = co->ResolvePendingPayments();
    return [this, st] {
      session_.RefreshCart();
      if (st.code() == Status::Code::kUnavailable) return;  // still unknown: ask again later
      if (!st.ok()) {
        state_.gateway_message = TrStatus(st);
        return;
      }
      state_.pending_attempt.clear();
      const Checkout* now = session_.checkout();
      if (now && !now->tenders().empty() && now->tenders().back().method == "payment_code") {
        state_.gateway = GatewayState::kApproved;
        TryCommit();
      } else {
        state_.gateway = GatewayState::kDeclined;
        state_.gateway_message = Tr("pay.gw.not_taken");
      }
    };
  });
}

void PaymentModel::AskCard() {
  if (remaining_fen() <= 0) return;
  session_.OpenPrompt(PromptKind::kCardReference, "prompt.card.title", "prompt.card.hint");
}

void PaymentModel::SubmitPrompt(const Prompt& p) {
  const std::string in = Trim(p.input);
  if (in.empty()) return session_.RetryPrompt(p, "prompt.err.reference");
  Status st = session_.checkout()->PayCard(remaining_fen(), in);
  if (!st.ok()) return session_.ReportError(st, "ctx.pay");
  session_.RefreshCart();
  TryCommit();
}

void PaymentModel::TryCommit() {
  if (session_.cart_empty()) return;
  if (remaining_fen() > 0) {
    session_.Notify(Notice::Level::kInfo, TrF("notice.still_due", Yuan(remaining_fen())));
    return;
  }
  auto sale = session_.checkout()->Commit();
  if (!sale.ok()) return session_.ReportError(sale.status(), "ctx.commit");
  state_.done = true;
  state_.sale = *sale;
  state_.cash_entry.clear();
  session_.set_last_receipt_no(sale->receipt_no);
  session_.ForgetSaleDetails();
  session_.RefreshCart();
  session_.PrintCommitted(*sale, [this](const std::string& status) { state_.print_status = status; });
}

void PaymentModel::FinishSale() {
  Reset();
  session_.SetScreen(Screen::kCheckout);
}

PaymentModel::Headline PaymentModel::DoneHeadline() const {
  const CommittedSale& sale = state_.sale;
  for (const Tender& t : sale.tenders) {
    if (t.method == "cash") return {Tr("pay.change"), sale.change_fen};
  }
  std::string how;
  for (const Tender& t : sale.tenders) {
    if (!how.empty()) how += " + ";
    how += TenderLabel(t.method, t.provider);
  }
  return {TrF("pay.received", how), sale.priced.total_fen};
}

}  // namespace linli::ui
