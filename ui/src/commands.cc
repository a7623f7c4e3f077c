#include "linli/ui/commands.h"

namespace linli::ui {
namespace {

using Scope = Command::Scope;

void Help(CounterModel& m) { m.Show(m.screen() == Screen::kHelp ? Screen::kCheckout : Screen::kHelp); }
void Pay(CounterModel& m) {
  // On the payment screen F4 takes the cash typed (or the exact amount).
  if (m.screen() == Screen::kPayment) {
    m.payment().PayCashEntry();
  } else {
    m.Show(Screen::kPayment);
  }
}
void Back(CounterModel& m) {
  if (m.screen() == Screen::kPayment && m.payment().state().done) {
    m.payment().FinishSale();
  } else if (m.screen() == Screen::kCheckout) {
    m.checkout().entry().clear();
  } else {
    m.Show(Screen::kCheckout);
  }
}

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {Action::kHelp, "F1", Key::kF1, {}, Scope::kEveryScreen, "checkout.help", "key.help", "help.f1", Help},
      {Action::kQuantity, "F2", Key::kF2, {}, Scope::kCheckout, "checkout.qty", "key.qty", "help.f2",
       [](CounterModel& m) { m.checkout().AskQuantity(); }},
      {Action::kSearch, "F3", Key::kF3, {}, Scope::kEveryScreen, "checkout.search", "key.search", "help.f3",
       [](CounterModel& m) { m.Show(Screen::kSearch); }},
      {Action::kPay, "F4", Key::kF4, {}, Scope::kEveryScreen, "checkout.pay", "key.pay", "help.f4", Pay},
      {Action::kLineDiscount, "F5", Key::kF5, {}, Scope::kCheckout, "checkout.discount", "key.discount", "help.f5",
       [](CounterModel& m) { m.checkout().AskLineDiscount(); }},
      {Action::kPriceOverride, "F6", Key::kF6, {}, Scope::kCheckout, "checkout.price", "key.price", "help.f6",
       [](CounterModel& m) { m.checkout().AskPriceOverride(); }},
      {Action::kVoidLine, "F7", Key::kF7, Key::kDelete, Scope::kCheckout, "checkout.void", "key.void", "help.f7",
       [](CounterModel& m) { m.checkout().AskVoidSelected(); }},
      {Action::kSuspend, "F8", Key::kF8, {}, Scope::kCheckout, "checkout.suspend", "key.suspend", "help.f8",
       [](CounterModel& m) { m.checkout().AskSuspend(); }},
      {Action::kResume, "F9", Key::kF9, {}, Scope::kCheckout, "checkout.resume", "key.resume", "help.f9",
       [](CounterModel& m) { m.Show(Screen::kSuspended); }},
      {Action::kMember, "F10", Key::kF10, {}, Scope::kCheckout, "checkout.member", "key.member", "help.f10",
       [](CounterModel& m) { m.Show(Screen::kMembers); }},
      {Action::kRefund, "F11", Key::kF11, {}, Scope::kEveryScreen, "checkout.refund", "key.refund", "help.f11",
       [](CounterModel& m) { m.Show(Screen::kRefund); }},
      {Action::kShift, "F12", Key::kF12, {}, Scope::kEveryScreen, "checkout.shift", "key.shift", "help.f12",
       [](CounterModel& m) { m.Show(Screen::kShift); }},
      {Action::kOrderDiscount, "", {}, {}, Scope::kCheckout, "checkout.order_discount", "key.order_discount", nullptr,
       [](CounterModel& m) { m.checkout().AskOrderDiscount(); }},
      {Action::kRounding, "", {}, {}, Scope::kCheckout, "checkout.rounding", "key.rounding", nullptr,
       [](CounterModel& m) { m.checkout().ApplyCashRounding(); }},
      {Action::kReceipt, "", {}, {}, Scope::kCheckout, "checkout.receipt", "key.receipt", nullptr,
       [](CounterModel& m) { m.Show(Screen::kReceipt); }},
      {Action::kClearCart, "", {}, {}, Scope::kCheckout, "checkout.clear", "key.clear", nullptr,
       [](CounterModel& m) { m.checkout().AskClearCart(); }},
      {Action::kQuickKeys, "", {}, {}, Scope::kCheckout, "checkout.quick", "key.quick", nullptr,
       [](CounterModel& m) { m.Show(Screen::kQuickKeys); }},
      {Action::kEditProduct, "", {}, {}, Scope::kCheckout, "checkout.edit_product", "key.edit_product", nullptr,
       [](CounterModel& m) { m.checkout().AskEditProduct(); }},
      {Action::kManage, "", {}, {}, Scope::kCheckout, "checkout.manage", "key.manage", nullptr,
       [](CounterModel& m) { m.Show(Screen::kManage); }},
      {Action::kBack, "Esc", Key::kEscape, {}, Scope::kEveryScreen, nullptr, nullptr, "help.esc", Back},
      {Action::kEnter, "Enter", {}, {}, Scope::kEveryScreen, nullptr, nullptr, "help.enter", nullptr},
      {Action::kArrows, "Up Down", {}, {}, Scope::kEveryScreen, nullptr, nullptr, "help.arrows", nullptr},
  };
  return kCommands;
}

const Command& CommandFor(Action action) {
  for (const Command& c : Commands()) {
    if (c.action == action) return c;
  }
  return Commands().front();  // unreachable: the table lists every Action
}

const Command* CommandForKey(const CounterModel& model, Key key) {
  for (const Command& c : Commands()) {
    if (!c.run || (c.key != key && c.alt_key != key)) continue;
    if (c.scope == Scope::kCheckout && model.screen() != Screen::kCheckout) continue;
    return &c;
  }
  return nullptr;
}

}  // namespace linli::ui
