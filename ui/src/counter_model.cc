// CounterModel (counter_model.h): builds the session and the screens'
// models, and routes scans, keys, the frame tick and answered prompts.
#include "linli/ui/counter_model.h"

#include "linli/ui/commands.h"
#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

CounterModel::CounterModel(CounterServices services) : session_(services) {
  session_.Attach(Screen::kSignIn, &signin_);
  session_.Attach(Screen::kCheckout, &checkout_);
  session_.Attach(Screen::kSearch, &search_);
  session_.Attach(Screen::kPayment, &payment_);
  session_.Attach(Screen::kRefund, &refund_);
  session_.Attach(Screen::kShift, &shift_);
  session_.Attach(Screen::kReceipt, &receipt_);
  session_.Attach(Screen::kSuspended, &suspended_);
  session_.Attach(Screen::kSettings, &settings_);
  session_.Attach(Screen::kMembers, &members_);
  session_.Attach(Screen::kQuickKeys, &quickkeys_);
  session_.Attach(Screen::kManage, &manage_);
}

CounterModel::~CounterModel() = default;

Status CounterModel::Start() {
  Status st = session_.Start();
  if (!st.ok()) return st;
  Tick();
  return Status::Ok();
}

void CounterModel::Tick() {
  signin_.LockWhenIdle();
  payment_.Tick();
  session_.Tick();
}

void CounterModel::OnScan(const std::string& raw) {
  CounterSession& s = session_;
  s.Touch();
  const std::string code = Trim(raw);
  if (code.empty()) return;
  if (s.prompt().kind != PromptKind::kNone && s.prompt().kind != PromptKind::kAddProduct) s.CancelPrompt();
  if (!s.user() || s.screen() == Screen::kSignIn) {
    s.Notify(Notice::Level::kInfo, Tr("notice.sign_in_first"));
    return;
  }
  if (s.busy()) {
    s.Notify(Notice::Level::kInfo, Tr("notice.busy_scan_again"));
    return;
  }
  const bool receipt_code = code.starts_with("LINLI1|") || (code.find('-') != std::string::npos && !AllDigits(code));
  switch (s.screen()) {
    case Screen::kRefund:
      refund_.LookupScanned(code);
      return;
    case Screen::kReceipt:
      if (receipt_code) {
        receipt_.PreviewReceipt(ReceiptNoFromScan(code));
        return;
      }
      break;
    case Screen::kShift:
    case Screen::kSettings:
    case Screen::kManage:
      s.Notify(Notice::Level::kInfo, Tr("notice.scan_ignored"));
      return;
    case Screen::kSignIn:
    case Screen::kCheckout:
    case Screen::kSearch:
    case Screen::kPayment:
    case Screen::kSuspended:
    case Screen::kMembers:
    case Screen::kQuickKeys:
    case Screen::kHelp:
      break;
  }
  if (receipt_code) {
    s.Show(Screen::kRefund);
    refund_.LookupScanned(code);
    return;
  }
  // "3*6901234567892" typed at the field: three of them. The code is
  // classified once, here; the checkout takes the class as it is.
  int64_t count = 1;
  std::string product_code = code;
  if (size_t star = code.find('*'); star != std::string::npos && star > 0 && AllDigits(code.substr(0, star))) {
    count = std::atoll(code.substr(0, star).c_str());
    product_code = code.substr(star + 1);
  }
  const BarcodeClass cls = ClassifyBarcode(product_code, s.layouts());
  if (cls.kind == BarcodeKind::kPaymentCode && product_code.size() == code.size()) {
    if (payment_.state().done || s.cart_empty()) {
      s.Notify(Notice::Level::kError, Tr("err.code_without_sale"));
      return;
    }
    if (s.screen() != Screen::kPayment) s.Show(Screen::kPayment);
    payment_.PayByCode(code);
    return;
  }
  payment_.FinishIfDone();  // the next customer's first item
  if (s.screen() != Screen::kCheckout) s.Show(Screen::kCheckout);
  checkout_.ScanIntoCart(cls, count);
}

bool CounterModel::OnKey(Key key) {
  CounterSession& s = session_;
  s.Touch();
  if (s.prompt().kind != PromptKind::kNone) {
    if (key == Key::kEscape) {
      s.CancelPrompt();
      return true;
    }
    return false;
  }
  if (!s.user() || s.screen() == Screen::kSignIn) return false;
  // The function keys and Esc: the command table (commands.h).
  if (const Command* c = CommandForKey(*this, key)) {
    c->run(*this);
    return true;
  }
  // Moving in the list on screen.
  if (s.screen() == Screen::kSearch) return search_.MoveSelection(key);
  if (s.screen() == Screen::kCheckout) return checkout_.MoveSelection(key);
  return false;
}

void CounterModel::SubmitPrompt() {
  session_.Touch();
  const Prompt p = session_.prompt();
  session_.prompt() = Prompt{};
  switch (p.kind) {
    case PromptKind::kNone: return;
    case PromptKind::kManagerPin: return session_.SubmitApproval(p);
    case PromptKind::kPayIn:
    case PromptKind::kPayOut: return shift_.SubmitPrompt(p);
    case PromptKind::kCardReference: return payment_.SubmitPrompt(p);
    case PromptKind::kMemberAdd: return members_.SubmitPrompt(p);
    case PromptKind::kRefundQty: return refund_.SubmitPrompt(p);
    case PromptKind::kConfigValue: return manage_.SubmitPrompt(p);
    case PromptKind::kQuantity:
    case PromptKind::kWeight:
    case PromptKind::kLineDiscount:
    case PromptKind::kOrderDiscount:
    case PromptKind::kPriceOverride:
    case PromptKind::kSuspendLabel:
    case PromptKind::kAddProduct:
    case PromptKind::kEditProduct: return checkout_.SubmitPrompt(p);
    case PromptKind::kConfirmCart: return checkout_.SubmitPrompt(p);
  }
}

}  // namespace linli::ui
