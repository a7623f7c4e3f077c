// The sign-in screen's model: the user id and PIN typed, sign-in, the idle
// lock and unlocking it.
#pragma once

#include <string>

#include "linli/ui/session.h"

namespace linli::ui {

class ShiftModel;

struct SignInState {
  std::string user_id;
  std::string pin;
  bool locked = false;          // the till locked on idle with a sale kept
  std::string locked_user_id;   // who may unlock (or any manager)
  std::string error;
};

class SignInModel final : public ScreenModel {
 public:
  // `shift`: after sign-in, an open shift goes to the checkout, none to the shift screen.
  SignInModel(CounterSession& session, ShiftModel& shift) : session_(session), shift_(shift) {}

  SignInState& state() { return state_; }
  const SignInState& state() const { return state_; }
  void SubmitSignIn();
  void Lock();
  // Every frame: locks the till after the idle time the settings say.
  void LockWhenIdle();

  void OnSignOut() override { state_ = SignInState{}; }

 private:
  CounterSession& session_;
  ShiftModel& shift_;
  SignInState state_;
};

}  // namespace linli::ui
