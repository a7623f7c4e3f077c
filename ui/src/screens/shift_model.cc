// The shift screen's model (screens/shift_model.h).
#include "linli/ui/screens/shift_model.h"

#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

const std::vector<int64_t>& ShiftModel::Denominations() {
  static const std::vector<int64_t> kValues = {10000, 5000, 2000, 1000, 500, 100, 50, 10};
  return kValues;
}

void ShiftModel::RefreshShift() {
  auto cur = CurrentShift(session_.db());
  if (!cur.ok()) return session_.ReportError(cur.status());
  state_.current = *cur;
  state_.drawer.reset();
  if (state_.current) {
    auto d = SummarizeDrawer(session_.db(), state_.current->id);
    if (d.ok()) state_.drawer = *d;
  }
}

void ShiftModel::OpenShiftWithFloat() {
  if (!session_.user()) return;
  const int64_t fen = KeypadToFen(Trim(state_.float_entry));
  if (fen < 0) return session_.Notify(Notice::Level::kError, Tr("err.cash_amount"));
  // A float beyond the bound (¥200,200.00 for a mistyped 200) opens only
  // when the same figure is given twice.
  if (fen > session_.settings().confirm_cash_over_fen && state_.float_confirmed != state_.float_entry) {
    state_.float_confirmed = state_.float_entry;
    return session_.Notify(Notice::Level::kError, TrF("shift.confirm_float", Yuan(fen)));
  }
  state_.float_confirmed.clear();
  auto s = OpenShift(session_.db(), session_.user()->id, fen, session_.clock());
  if (!s.ok()) return session_.ReportError(s.status(), "ctx.shift");
  session_.Notify(Notice::Level::kSuccess, TrF("notice.shift_opened", Yuan(fen)));
  state_.closed.reset();
  state_.report_text.clear();
  RefreshShift();
  session_.SetScreen(Screen::kCheckout);
}

void ShiftModel::AskPayIn() { session_.OpenPrompt(PromptKind::kPayIn, "prompt.pay_in.title", "prompt.pay_inout.hint"); }
void ShiftModel::AskPayOut() { session_.OpenPrompt(PromptKind::kPayOut, "prompt.pay_out.title", "prompt.pay_inout.hint"); }

void ShiftModel::ShowXReport(bool print) {
  auto r = BuildXReport(session_.db(), session_.clock());
  if (!r.ok()) return session_.ReportError(r.status());
  state_.report_title = Tr("shift.x_report");
  state_.report_text = r->RenderText(session_.receipt_columns());
  if (print) session_.PrintText(state_.report_text);
}

int64_t ShiftModel::counted_fen() const {
  int64_t total = 0;
  for (int64_t v : Denominations()) {
    auto it = state_.counts.find(v);
    if (it == state_.counts.end()) continue;
    const std::string c = Trim(it->second);
    if (AllDigits(c) && c.size() < 7) total += v * std::atoll(c.c_str());
  }
  return total;
}

void ShiftModel::CloseShiftWithCount() {
  if (!session_.user()) return;
  if (!session_.cart_empty()) return session_.Notify(Notice::Level::kError, Tr("err.close_with_cart"));
  std::vector<Denomination> denoms;
  for (int64_t v : Denominations()) {
    auto it = state_.counts.find(v);
    if (it == state_.counts.end()) continue;
    const std::string c = Trim(it->second);
    if (c.empty()) continue;
    if (!AllDigits(c) || c.size() >= 7) return session_.Notify(Notice::Level::kError, Tr("err.count"));
    denoms.push_back({v, std::atoll(c.c_str())});
  }
  Database& db = session_.db();
  const Clock& clock = session_.clock();
  auto closed = CloseShift(db, session_.user()->id, counted_fen(), denoms, clock);
  if (!closed.ok()) return session_.ReportError(closed.status(), "ctx.shift");
  state_.closed = *closed;
  const int cols = session_.receipt_columns();
  std::string text = closed->RenderText(cols, session_.time_zone());
  auto z = BuildZReport(db, BusinessDate(clock.NowMs(), session_.time_zone()), clock);
  if (z.ok()) {
    text += "\n" + z->RenderText(cols);
  } else {
    session_.ReportError(z.status());
  }
  state_.report_title = Tr("shift.z_report");
  state_.report_text = text;
  state_.counts.clear();
  session_.Notify(Notice::Level::kSuccess, TrF("notice.shift_closed", Yuan(closed->variance_fen)));
  session_.PrintText(text);
  RefreshShift();
}

void ShiftModel::SubmitPrompt(const Prompt& p) {
  const std::string in = Trim(p.input);
  const int64_t fen = KeypadToFen(in);
  if (fen <= 0) return session_.RetryPrompt(p, "prompt.err.amount");
  const std::string reason = Trim(p.input2);
  if (reason.empty()) return session_.RetryPrompt(p, "prompt.err.reason");
  if (!session_.ConfirmedLarge(p, fen, session_.settings().confirm_cash_over_fen, "prompt.confirm.cash", Yuan(fen))) {
    return;
  }
  const bool out = p.kind == PromptKind::kPayOut;
  CounterSession& s = session_;
  s.WithApproval(
      [&s, out, fen, reason](const std::optional<Approval>& a) -> Status {
        if (out && s.NeedsManager()) {
          if (!a) return Status::PermissionDenied(Tr("shift.payout_needs_manager"));
          auto m = CheckApproval(s.db(), *a);
          if (!m.ok()) return m.status();
        }
        auto r = out ? PayOut(s.db(), s.user()->id, fen, reason, s.clock())
                     : PayIn(s.db(), s.user()->id, fen, reason, s.clock());
        return r.status();
      },
      [this, out, fen] {
        session_.Notify(Notice::Level::kSuccess, TrF(out ? "notice.paid_out" : "notice.paid_in", Yuan(fen)));
        RefreshShift();
      });
}

}  // namespace linli::ui
