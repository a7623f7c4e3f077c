// The counter's view model: one model per screen over a shared session,
// without ImGui. The views (ui/views/) draw the models each frame and call
// their actions; tests drive the same methods.
//
//   CounterSession (session.h)   user, cart, devices, tasks, notices, the
//                                prompt, manager approval, navigation
//   screens/*_model.h            each screen's state and actions
//   CounterModel (this file)     builds them, and routes what is not a
//                                screen's widget: scans, keys, the frame
//                                tick and the answered prompt
//
// Scanner input arrives through OnScan() — wherever the focus was — and is
// routed by screen: products into the cart, payment codes into the payment,
// receipt codes into the refund lookup. Keys go through the command table
// (commands.h), the arrows to the list on screen. Each prompt kind is
// answered by the model that asked it.
//
// Not thread-safe: the UI thread owns it; task continuations run there too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "linli/ui/screens/checkout_model.h"
#include "linli/ui/screens/manage_model.h"
#include "linli/ui/screens/members_model.h"
#include "linli/ui/screens/payment_model.h"
#include "linli/ui/screens/quickkeys_model.h"
#include "linli/ui/screens/receipt_model.h"
#include "linli/ui/screens/refund_model.h"
#include "linli/ui/screens/search_model.h"
#include "linli/ui/screens/settings_model.h"
#include "linli/ui/screens/shift_model.h"
#include "linli/ui/screens/signin_model.h"
#include "linli/ui/screens/suspended_model.h"
#include "linli/ui/session.h"

namespace linli::ui {

class CounterModel {
 public:
  explicit CounterModel(CounterServices services);
  ~CounterModel();
  CounterModel(const CounterModel&) = delete;
  CounterModel& operator=(const CounterModel&) = delete;

  // Loads the store's name, settings and scale layouts, resolves payment
  // attempts left unknown by a crash, and shows sign-in.
  Status Start();

  // ---- Every frame.
  // Idle lock, gateway re-checks, notices, status bar refresh.
  void Tick();

  // ---- Input that is not a widget's.
  void OnScan(const std::string& code);
  // True when the key meant something on this screen. What each key does is
  // the command table's (commands.h); the arrows move in the list on screen.
  bool OnKey(Key key);
  // The open prompt answered: by the model whose prompt it is.
  void SubmitPrompt();

  // ---- The session and the screens' models.
  CounterSession& session() { return session_; }
  const CounterSession& session() const { return session_; }
  SignInModel& signin() { return signin_; }
  CheckoutModel& checkout() { return checkout_; }
  SearchModel& search() { return search_; }
  PaymentModel& payment() { return payment_; }
  RefundModel& refund() { return refund_; }
  ShiftModel& shift() { return shift_; }
  ReceiptModel& receipt() { return receipt_; }
  SuspendedModel& suspended() { return suspended_; }
  SettingsModel& settings() { return settings_; }
  MembersModel& members() { return members_; }
  QuickKeysModel& quickkeys() { return quickkeys_; }
  ManageModel& manage() { return manage_; }

  // ---- What every screen asks, from the session.
  Screen screen() const { return session_.screen(); }
  void Show(Screen s) { session_.Show(s); }
  const std::optional<User>& user() const { return session_.user(); }
  const std::vector<Notice>& notices() const { return session_.notices(); }
  Prompt& prompt() { return session_.prompt(); }

 private:
  CounterSession session_;
  ShiftModel shift_{session_};
  SignInModel signin_{session_, shift_};
  PaymentModel payment_{session_};
  CheckoutModel checkout_{session_, payment_, [this](const std::string& code) { OnScan(code); }};
  SearchModel search_{session_, checkout_, payment_};
  RefundModel refund_{session_};
  ReceiptModel receipt_{session_};
  SuspendedModel suspended_{session_};
  SettingsModel settings_{session_};
  MembersModel members_{session_};
  QuickKeysModel quickkeys_{session_, checkout_};
  ManageModel manage_{session_};
};

}  // namespace linli::ui
