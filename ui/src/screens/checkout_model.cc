// The checkout screen's model (screens/checkout_model.h).
#include "linli/ui/screens/checkout_model.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "linli/pos/money.h"
#include "linli/pos/receipt.h"
#include "linli/pos/store_config.h"
#include "linli/pos/till_products.h"
#include "linli/ui/format.h"
#include "linli/ui/screens/payment_model.h"
#include "model_helpers.h"

namespace linli::ui {

void CheckoutModel::SubmitEntry() {
  session_.Touch();
  const std::string text = Trim(entry_);
  entry_.clear();
  Checkout* co = session_.checkout();
  if (text.empty() || !co || session_.busy()) return;
  payment_.FinishIfDone();
  std::string digits = text;
  if (size_t star = text.find('*'); star != std::string::npos) digits = text.substr(star + 1);
  if (AllDigits(digits) && digits.size() <= 5) {
    // A PLU typed from the shelf label.
    auto p = session_.catalog()->FindByPlu(digits);
    if (!p.ok() || !*p) {
      session_.Notify(Notice::Level::kError, TrF("err.unknown_plu", digits));
      return;
    }
    if ((*p)->unit == "kg") return AskWeight((*p)->sku, (*p)->name);
    auto r = co->AddPlu(digits, 1000);
    if (!r.ok()) return session_.ReportError(r.status(), "ctx.scan");
    session_.AfterCartChange(*r);
    return;
  }
  if (AllDigits(digits) || text.starts_with("LINLI1|")) {
    scan_(text);
    return;
  }
  entry_ = text;
  session_.Show(Screen::kSearch);
}

void CheckoutModel::ScanIntoCart(const BarcodeClass& code, int64_t count) {
  Checkout* co = session_.checkout();
  if (!co) return;
  auto r = co->Scan(code, count);
  if (!r.ok()) {
    if (r.status().IsNotFound()) {
      session_.NotifyUnknownCode(code.code);
    } else {
      session_.ReportError(r.status(), "ctx.scan");
    }
    return;
  }
  session_.AfterCartChange(*r);
}

bool CheckoutModel::MoveSelection(Key key) {
  if (key != Key::kUp && key != Key::kDown) return false;
  const std::vector<CartRow>& rows = session_.cart().rows;
  if (rows.empty()) return true;
  int& selected = session_.cart().selected_line;
  auto it = std::find_if(rows.begin(), rows.end(), [&](const CartRow& r) { return r.line_no == selected; });
  std::ptrdiff_t i = it == rows.end() ? static_cast<std::ptrdiff_t>(rows.size()) - 1 : it - rows.begin();
  i += key == Key::kUp ? -1 : 1;
  i = std::clamp<std::ptrdiff_t>(i, 0, static_cast<std::ptrdiff_t>(rows.size()) - 1);
  selected = rows[static_cast<size_t>(i)].line_no;
  return true;
}

void CheckoutModel::VoidSelected() {
  const int line = selected_line();
  if (!session_.checkout() || line == 0) return;
  Status st = session_.checkout()->VoidLine(line);
  if (!st.ok()) return session_.ReportError(st);
  session_.Notify(Notice::Level::kInfo, TrF("notice.line_voided", line));
  session_.AfterCartChange(0);
}

void CheckoutModel::ClearCart() {
  if (!session_.checkout()) return;
  Status st = session_.checkout()->Clear();
  if (!st.ok()) return session_.ReportError(st);
  payment_.Reset();
  session_.AfterCartChange(0);
}

void CheckoutModel::AskVoidSelected() {
  const CartRow* row = session_.selected_row();
  if (!row || rows().size() <= 1) return VoidSelected();
  session_.OpenPrompt(PromptKind::kConfirmCart, "prompt.confirm_void.title", "prompt.confirm_void.hint");
  session_.prompt().title = TrF("prompt.confirm_void.title", row->line_no);
  session_.prompt().hint = TrF("prompt.confirm_void.hint", row->name, QtyText(row->qty_milli, row->unit));
  confirm_clear_ = false;
  confirm_line_ = row->line_no;
}

void CheckoutModel::AskClearCart() {
  if (rows().size() <= 1) return ClearCart();
  session_.OpenPrompt(PromptKind::kConfirmCart, "prompt.confirm_clear.title", "prompt.confirm_clear.hint");
  session_.prompt().hint = TrF("prompt.confirm_clear.hint", rows().size(), Yuan(priced().total_fen));
  confirm_clear_ = true;
  confirm_line_ = 0;
}

void CheckoutModel::AskQuantity() {
  const CartRow* row = session_.selected_row();
  if (!row) return session_.Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  session_.OpenPrompt(PromptKind::kQuantity, "prompt.qty.title",
                      row->unit == SaleUnit::kKg ? "prompt.weight.hint" : "prompt.qty.hint",
                      row->unit == SaleUnit::kKg ? std::to_string(row->qty_milli) : FormatMilli(row->qty_milli));
}

void CheckoutModel::AskLineDiscount() {
  if (selected_line() == 0) return session_.Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  session_.OpenPrompt(PromptKind::kLineDiscount, "prompt.discount_line.title", "prompt.discount.hint");
}

void CheckoutModel::AskOrderDiscount() {
  if (rows().empty()) return session_.Notify(Notice::Level::kInfo, Tr("notice.cart_empty"));
  session_.OpenPrompt(PromptKind::kOrderDiscount, "prompt.discount_order.title", "prompt.discount.hint");
}

void CheckoutModel::AskPriceOverride() {
  if (selected_line() == 0) return session_.Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  session_.OpenPrompt(PromptKind::kPriceOverride, "prompt.price.title", "prompt.price.hint");
  // An override names its reason, from the store's list (override_reasons).
  std::vector<std::string> reasons;
  if (Guard([&] { reasons = LoadOverrideReasons(session_.db()); }).ok() && !reasons.empty()) {
    Prompt& p = session_.prompt();
    p.choice_title = Tr("prompt.price.reason");
    p.choice_labels = reasons;
    p.choice_values = reasons;
    p.choice = -1;  // picked by the cashier; none is assumed
  }
}

void CheckoutModel::AskSuspend() {
  if (rows().empty()) return session_.Notify(Notice::Level::kInfo, Tr("notice.cart_empty"));
  session_.OpenPrompt(PromptKind::kSuspendLabel, "prompt.suspend.title", "prompt.suspend.hint");
}

void CheckoutModel::ApplyCashRounding() {
  Checkout* co = session_.checkout();
  if (!co) return;
  auto rule = ParseCashRounding(session_.settings().cash_rounding);
  if (!rule.ok() || *rule == CashRounding::kNone) {
    return session_.Notify(Notice::Level::kInfo, Tr("notice.no_rounding_rule"));
  }
  const CashRounding r = *rule;
  session_.WithApproval([co, r](const std::optional<Approval>& a) { return co->SetCashRounding(r, a); },
                        [this] { session_.AfterCartChange(0); });
}

void CheckoutModel::AskAddProduct(const std::string& code) {
  session_.OpenPrompt(PromptKind::kAddProduct, "prompt.add_product.title", "prompt.add_product.hint");
  Prompt& p = session_.prompt();
  p.sku = code;
  p.choice_title = Tr("prompt.add_product.unit");
  p.choice_labels = {Tr("unit.pcs"), Tr("unit.kg")};
  p.choice_values = {"pcs", "kg"};
  p.choice = 0;
}

void CheckoutModel::AskEditProduct() {
  const CartRow* row = session_.selected_row();
  if (!row) return session_.Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  auto product = session_.catalog()->FindBySku(row->sku);
  if (!product.ok() || !*product) return session_.Notify(Notice::Level::kError, TrF("err.unknown_sku", row->sku));
  session_.OpenPrompt(PromptKind::kEditProduct, "prompt.edit_product.title", "prompt.edit_product.hint",
                      (*product)->name);
  Prompt& p = session_.prompt();
  p.title = TrF("prompt.edit_product.title_sku", row->sku);
  p.input2 = YuanPlain((*product)->price_fen);
  p.sku = row->sku;
}

void CheckoutModel::SaveProduct(const Prompt& p) {
  const bool add = p.kind == PromptKind::kAddProduct;
  const std::string name = Trim(p.input);
  const int64_t price = KeypadToFen(Trim(p.input2));
  if (name.empty()) return session_.RetryPrompt(p, "prompt.err.name");
  if (price <= 0) return session_.RetryPrompt(p, "prompt.err.amount");
  TillProductEdit edit;
  if (add) {
    edit.barcode = p.sku;
    edit.unit = p.chosen().empty() ? "pcs" : p.chosen();
  } else {
    edit.sku = p.sku;
  }
  edit.name = name;
  edit.price_fen = price;
  CounterSession& s = session_;
  auto result = std::make_shared<TillProductResult>();
  auto save = [&s, edit, result](const std::optional<Approval>& a) -> Status {
    if (!s.user()) return Status::FailedPrecondition("not signed in");
    auto r = SaveTillProduct(s.db(), edit, *s.user(), a, s.clock());
    if (!r.ok()) return r.status();
    *result = *r;
    return Status::Ok();
  };
  const std::string code = p.sku;
  session_.WithApproval(save, [this, add, code, result] {
    if (!result->price_applies) {
      session_.Notify(Notice::Level::kInfo, TrF("notice.product_saved_hq_price", Yuan(result->price_fen)));
    } else {
      session_.Notify(Notice::Level::kSuccess, Tr(add ? "notice.product_added" : "notice.product_saved"));
    }
    if (!add) return session_.AfterCartChange(0);
    session_.ForgetUnknownCode(code);
    ScanIntoCart(ClassifyBarcode(code, session_.layouts()), 1);
  });
}

void CheckoutModel::AskWeight(const std::string& sku, const std::string& name) {
  const bool scale = session_.services().scale != nullptr;
  session_.OpenPrompt(PromptKind::kWeight, "prompt.weight.title", scale ? "prompt.weight.hint_scale" : "prompt.weight.hint");
  session_.prompt().title = TrF("prompt.weight.title_named", name);
  session_.prompt().sku = sku;
  if (scale) WeighFromScale();
}

void CheckoutModel::AddWeighed(const std::string& sku, int64_t grams) {
  auto r = session_.checkout()->AddSku(sku, grams);
  if (!r.ok()) return session_.ReportError(r.status(), "ctx.scan");
  session_.AfterCartChange(*r);
}

void CheckoutModel::WeighFromScale() {
  Scale* scale = session_.services().scale;
  if (!scale || session_.busy()) return;
  const std::string sku = session_.prompt().sku;
  session_.prompt().error = Tr("prompt.weight.reading");
  session_.RunTask([this, scale, sku] {
    auto grams = WeighForSale(*scale, 3000);
    return [this, grams, sku] {
      Prompt& prompt = session_.prompt();
      if (prompt.kind != PromptKind::kWeight || prompt.sku != sku) return;
      if (!grams.ok()) {
        prompt.error = TrStatus(grams.status()) + " — " + Tr("prompt.weight.type_instead");
        session_.status().weight_error = TrStatus(grams.status());
        return;
      }
      session_.status().weight_g = *grams;
      prompt = Prompt{};
      AddWeighed(sku, *grams);
    };
  });
}

void CheckoutModel::SubmitPrompt(const Prompt& p) {
  Checkout* co = session_.checkout();
  const std::string in = Trim(p.input);
  auto then_refresh = [this] { session_.AfterCartChange(0); };
  switch (p.kind) {
    case PromptKind::kQuantity: {
      const CartRow* row = session_.selected_row();
      if (!row) return;
      int64_t milli = -1;
      if (row->unit == SaleUnit::kKg) {
        milli = ParseGrams(in);
      } else if (auto m = ParseMilli(in); m.ok() && *m > 0) {
        milli = *m;
      }
      if (milli <= 0) return session_.RetryPrompt(p, "prompt.err.number");
      const SettingsState& limits = session_.settings();
      const bool kg = row->unit == SaleUnit::kKg;
      if (!session_.ConfirmedLarge(p, kg ? milli : milli / 1000,
                                   kg ? limits.confirm_weight_over_g : limits.confirm_qty_over,
                                   kg ? "prompt.confirm.weight" : "prompt.confirm.qty",
                                   kg ? FormatMilli(milli) + " kg" : FormatMilli(milli))) {
        return;
      }
      Status st = co->SetQty(row->line_no, milli);
      if (!st.ok()) return session_.ReportError(st);
      return then_refresh();
    }
    case PromptKind::kWeight: {
      const int64_t grams = ParseGrams(in);
      if (grams <= 0) return session_.RetryPrompt(p, "prompt.err.grams");
      if (!session_.ConfirmedLarge(p, grams, session_.settings().confirm_weight_over_g, "prompt.confirm.weight",
                                   FormatMilli(grams) + " kg")) {
        return;
      }
      return AddWeighed(p.sku, grams);
    }
    case PromptKind::kLineDiscount:
    case PromptKind::kOrderDiscount: {
      Discount d;
      if (in.ends_with("%")) {
        auto bp = ParsePercentBp(in);
        if (!bp.ok() || *bp <= 0) return session_.RetryPrompt(p, "prompt.err.percent");
        d = Discount::PercentBp(*bp);
      } else {
        const int64_t fen = KeypadToFen(in);
        if (fen <= 0) return session_.RetryPrompt(p, "prompt.err.amount");
        d = Discount::AmountFen(fen);
      }
      const int line = selected_line();
      const bool order = p.kind == PromptKind::kOrderDiscount;
      return session_.WithApproval(
          [co, d, line, order](const std::optional<Approval>& a) {
            return order ? co->DiscountOrder(d, a) : co->DiscountLine(line, d, a);
          },
          then_refresh);
    }
    case PromptKind::kPriceOverride: {
      const int64_t fen = KeypadToFen(in);
      if (fen < 0) return session_.RetryPrompt(p, "prompt.err.amount");
      if (!p.choice_values.empty() && p.chosen().empty()) return session_.RetryPrompt(p, "prompt.price.pick_reason");
      const int line = selected_line();
      const std::string reason = p.chosen();
      // The reason travels with the approval, or alone for a manager.
      const bool manager = session_.user() && session_.user()->role >= Role::kManager;
      return session_.WithApproval(
          [co, line, fen, reason, manager](const std::optional<Approval>& a) {
            if (!a && !manager) return co->OverridePrice(line, fen, std::nullopt);  // asks the PIN
            Approval with_reason = a.value_or(Approval{});
            if (!reason.empty()) with_reason.reason = reason;
            return co->OverridePrice(line, fen, with_reason);
          },
          then_refresh);
    }
    case PromptKind::kSuspendLabel: {
      auto id = co->Suspend(in.empty() ? std::string(Tr("prompt.suspend.default")) : in);
      if (!id.ok()) return session_.ReportError(id.status(), "ctx.suspend");
      session_.Notify(Notice::Level::kSuccess, TrF("notice.suspended", *id));
      session_.ForgetSaleDetails();
      return then_refresh();
    }
    case PromptKind::kAddProduct:
    case PromptKind::kEditProduct: return SaveProduct(p);
    case PromptKind::kConfirmCart: {
      if (confirm_clear_) return ClearCart();
      // The line confirmed, even if the selection moved under the prompt.
      if (confirm_line_ == 0) return;
      SelectLine(confirm_line_);
      return VoidSelected();
    }
    case PromptKind::kNone:
    case PromptKind::kManagerPin:
    case PromptKind::kPayIn:
    case PromptKind::kPayOut:
    case PromptKind::kCardReference:
    case PromptKind::kMemberAdd:
    case PromptKind::kRefundQty:
    case PromptKind::kConfigValue: return;  // not the checkout's
  }
}

std::vector<std::string> CheckoutModel::LastItemLines() const {
  const CartRow* last = last_row();
  if (!last) return {};
  std::vector<std::string> out;
  out.push_back(fmt::format("{} × {} = {}", QtyText(last->qty_milli, last->unit), YuanPlain(last->unit_price_fen),
                            YuanPlain(last->gross_fen)));
  out.push_back(last->discount_fen != 0
                    ? TrF("checkout.last_discount", YuanPlain(last->discount_fen), YuanPlain(last->total_fen))
                    : std::string());
  return out;
}

}  // namespace linli::ui
