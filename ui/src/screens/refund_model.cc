// The refund screen's model (screens/refund_model.h).
#include "linli/ui/screens/refund_model.h"

#include "linli/pos/sales.h"
#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

void RefundModel::LookupScanned(const std::string& code) {
  state_.entry = ReceiptNoFromScan(code);
  LookupRefund();
}

void RefundModel::LookupRefund() {
  session_.Touch();
  state_.sale.reset();
  state_.picked.clear();
  state_.done.reset();
  const std::string no = ReceiptNoFromScan(Trim(state_.entry));
  state_.entry = no;
  if (no.empty()) return;
  auto sale = LoadSale(session_.db(), no);
  if (!sale.ok()) {
    if (sale.status().IsNotFound()) return session_.Notify(Notice::Level::kError, TrF("err.unknown_receipt", no));
    return session_.ReportError(sale.status());
  }
  if (sale->kind != "sale") return session_.Notify(Notice::Level::kError, TrF("err.not_a_sale", no));
  state_.sale = *sale;
  for (const PricedLine& l : sale->priced.lines) state_.picked[l.line_no] = l.qty_milli;
}

void RefundModel::ToggleRefundLine(int line_no) {
  if (!state_.sale) return;
  auto it = state_.picked.find(line_no);
  if (it != state_.picked.end()) {
    state_.picked.erase(it);
    return;
  }
  for (const PricedLine& l : state_.sale->priced.lines) {
    if (l.line_no == line_no) state_.picked[line_no] = l.qty_milli;
  }
}

void RefundModel::SubmitRefund() {
  if (!state_.sale || state_.picked.empty() || !session_.user()) {
    return session_.Notify(Notice::Level::kInfo, Tr("refund.pick_lines"));
  }
  RefundRequest req;
  req.receipt_no = state_.sale->receipt_no;
  for (const auto& [line, qty] : state_.picked) req.lines.push_back({line, qty});
  req.to_cash = state_.to_cash;
  req.reason = state_.reason;
  session_.WithApproval([this, req](const std::optional<Approval>& a) mutable -> Status {
    if (session_.NeedsManager() && !a) return Status::PermissionDenied(Tr("refund.needs_manager"));
    req.approval = a;
    const CounterServices& s = session_.services();
    auto r = RefundSale(*s.db, *s.clock, *session_.user(), req, s.gateway);
    if (!r.ok()) return r.status();
    state_.done = *r;
    state_.sale.reset();
    session_.set_last_receipt_no(r->receipt_no);
    session_.Notify(Notice::Level::kSuccess, TrF("notice.refunded", r->receipt_no, Yuan(r->priced.total_fen)));
    session_.PrintCommitted(*r);
    return Status::Ok();
  });
}

void RefundModel::VoidLast() {
  if (!session_.user()) return;
  session_.WithApproval([this](const std::optional<Approval>& a) -> Status {
    if (!a) return Status::PermissionDenied(Tr("refund.void_needs_manager"));
    const CounterServices& s = session_.services();
    auto r = VoidLastSale(*s.db, *s.clock, *session_.user(), *a, s.gateway);
    if (!r.ok()) return r.status();
    state_.done = *r;
    session_.set_last_receipt_no(r->receipt_no);
    session_.Notify(Notice::Level::kSuccess, TrF("notice.voided", r->original_receipt_no));
    session_.PrintCommitted(*r);
    return Status::Ok();
  });
}

}  // namespace linli::ui
