// The refund screen's model (screens/refund_model.h).
#include "linli/ui/screens/refund_model.h"

#include "linli/pos/money.h"
#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"
#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

void RefundModel::LookupScanned(const std::string& code) {
  const std::string text = Trim(code);
  if (!text.starts_with("LINLI1|")) {
    state_.entry = text;
    return LookupRefund();
  }
  auto qr = ParseReceiptQr(text);
  if (!qr.ok()) {
    session_.Touch();
    return session_.Notify(Notice::Level::kError, TrStatus(qr.status()));
  }
  state_.entry = qr->receipt_no;
  LookupRefund();
  StartHubCheck(text);
}

void RefundModel::StartHubCheck(const std::string& qr_text) {
  ReceiptChecker* checker = session_.services().checker;
  if (!checker) return;
  state_.check = {ReceiptCheckState::Kind::kChecking, Tr("refund.check.checking"), std::nullopt};
  const uint64_t generation = check_generation_;
  session_.PostHub([this, checker, qr_text, generation]() -> Continuation {
    Result<sync::ReceiptVerdict> r = checker->Check(qr_text);
    return [this, generation, r = std::move(r)] {
      if (generation == check_generation_) ApplyHubCheck(r);
    };
  });
}

void RefundModel::ApplyHubCheck(const Result<sync::ReceiptVerdict>& r) {
  using Kind = ReceiptCheckState::Kind;
  ReceiptCheckState& c = state_.check;
  if (!r.ok()) {
    switch (r.status().code()) {
      case Status::Code::kInvalidArgument:
        c = {Kind::kRefused, TrF("refund.check.refused", r.status().message()), std::nullopt};
        return;
      case Status::Code::kFailedPrecondition:
        c = {Kind::kNotEnrolled, Tr("refund.check.not_enrolled"), std::nullopt};
        return;
      default:
        c = {Kind::kOffline, Tr("refund.check.offline"), std::nullopt};
        return;
    }
  }
  const sync::ReceiptVerdict& v = *r;
  c.verdict = v;
  const std::string last_sync = v.last_sync.empty() ? Tr("refund.check.never") : LocalTime(v.last_sync, session_.time_zone());
  if (v.result == sync::kVerifyMatch) {
    c.kind = Kind::kMatch;
    c.text = Tr("refund.check.match");
    if (v.voided) {
      c.text += " " + std::string(Tr("refund.check.voided"));
    } else if (v.refunded_fen > 0) {
      c.text += " " + TrF("refund.check.refunded", Yuan(v.refunded_fen));
    }
  } else if (v.result == sync::kVerifyMismatch) {
    std::string fields;
    for (const std::string& d : v.differs) {
      if (!fields.empty()) fields += Tr("refund.check.field.sep");
      fields += Tr(("refund.check.field." + d).c_str());
    }
    c.kind = Kind::kMismatch;
    c.text = TrF("refund.check.mismatch", fields);
    session_.Notify(Notice::Level::kError, c.text);
  } else if (v.reason == sync::kUnknownMissing) {
    c.kind = Kind::kMissing;
    c.text = TrF("refund.check.missing", last_sync);
    session_.Notify(Notice::Level::kError, c.text);
  } else if (v.reason == sync::kUnknownNoStore) {
    c.kind = Kind::kNoStore;
    c.text = Tr("refund.check.no_store");
  } else {
    c.kind = Kind::kNotSynced;
    c.text = TrF("refund.check.not_synced", last_sync);
  }
}

void RefundModel::LookupRefund() {
  session_.Touch();
  state_.sale.reset();
  state_.picked.clear();
  state_.done.reset();
  state_.check = {};
  state_.mismatch_confirmed = false;
  ++check_generation_;
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

void RefundModel::AskRefundQty(int line_no) {
  if (!state_.sale) return;
  for (const PricedLine& l : state_.sale->priced.lines) {
    if (l.line_no != line_no) continue;
    auto it = state_.picked.find(line_no);
    const int64_t now = it == state_.picked.end() ? l.qty_milli : it->second;
    const bool kg = l.unit == SaleUnit::kKg;
    session_.OpenPrompt(PromptKind::kRefundQty, "refund.qty.title", kg ? "prompt.weight.hint" : "prompt.qty.hint",
                        kg ? std::to_string(now) : FormatMilli(now));
    session_.prompt().title = TrF("refund.qty.title_line", line_no, l.name, QtyText(l.qty_milli, l.unit));
    session_.prompt().sku = std::to_string(line_no);
    return;
  }
}

void RefundModel::SubmitPrompt(const Prompt& p) {
  if (p.kind != PromptKind::kRefundQty || !state_.sale) return;
  const int line_no = std::atoi(p.sku.c_str());
  for (const PricedLine& l : state_.sale->priced.lines) {
    if (l.line_no != line_no) continue;
    const std::string in = Trim(p.input);
    int64_t milli = -1;
    if (l.unit == SaleUnit::kKg) {
      milli = ParseGrams(in);
    } else if (auto m = ParseMilli(in); m.ok()) {
      milli = *m;
    }
    if (milli <= 0 || milli > l.qty_milli) {
      session_.RetryPrompt(p, "refund.qty.bad");
      session_.prompt().error = TrF("refund.qty.bad", QtyText(l.qty_milli, l.unit));
      return;
    }
    state_.picked[line_no] = milli;
    return;
  }
}

void RefundModel::SubmitRefund() {
  if (!state_.sale || state_.picked.empty() || !session_.user()) {
    return session_.Notify(Notice::Level::kInfo, Tr("refund.pick_lines"));
  }
  // The hub disagrees with the paper: the cashier has seen the warning and
  // presses again to refund anyway (the check never stops a refund).
  if (state_.check.kind == ReceiptCheckState::Kind::kMismatch && !state_.mismatch_confirmed) {
    state_.mismatch_confirmed = true;
    return session_.Notify(Notice::Level::kError, Tr("refund.check.confirm_mismatch"));
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
