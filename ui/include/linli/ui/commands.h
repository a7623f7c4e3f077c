// The counter's commands in one table: what each key does, the label of the
// button that does the same, on which screens it works, and its line on the
// help screen (F1). CounterModel::OnKey, the checkout screen's key buttons
// and the help screen all read this table, so a binding is written once.
//
// A command with a key but no `run` is handled where it is typed (Enter by
// the focused field, the arrows by the list they move in); it is listed for
// the help screen. A command without a key is a button only.
#pragma once

#include <optional>
#include <vector>

#include "linli/ui/counter_model.h"

namespace linli::ui {

enum class Action {
  kHelp, kQuantity, kSearch, kPay, kLineDiscount, kPriceOverride, kVoidLine, kSuspend, kResume,
  kMember, kRefund, kShift, kOrderDiscount, kRounding, kReceipt, kClearCart, kQuickKeys, kEditProduct, kManage, kBack,
  kEnter, kArrows,
};

struct Command {
  // Where the command works.
  enum class Scope {
    kEveryScreen,  // any screen once signed in, no prompt open
    kCheckout,     // the checkout screen
  };

  Action action;
  const char* key_name;         // "F2", "Esc", "Up Down": on buttons and in help; "" for none
  std::optional<Key> key;       // what OnKey acts on; nullopt: not a key of OnKey's
  std::optional<Key> alt_key;   // a second key for the same (Del for F7)
  Scope scope;
  const char* button_id;        // the checkout screen's button (control id); nullptr: none
  const char* label_key;        // the button's label; nullptr: no button
  const char* help_key;         // the help screen's line; nullptr: not listed
  void (*run)(CounterModel& model);  // nullptr: handled where typed (see above)
};

// Every command, in the order of the checkout screen's buttons and of the
// help screen's lines.
const std::vector<Command>& Commands();

// The command for `action` (every Action has one).
const Command& CommandFor(Action action);

// The command `key` runs on the model's current screen, or nullptr.
const Command* CommandForKey(const CounterModel& model, Key key);

}  // namespace linli::ui
