// The sign-in screen's model (screens/signin_model.h).
#include "linli/ui/screens/signin_model.h"

#include "linli/ui/screens/shift_model.h"
#include "model_helpers.h"

namespace linli::ui {

void SignInModel::SubmitSignIn() {
  session_.Touch();
  state_.error.clear();
  const std::string id = Trim(state_.user_id);
  auto u = Authenticate(session_.db(), id, state_.pin);
  state_.pin.clear();
  if (!u.ok()) {
    state_.error = u.status().code() == Status::Code::kPermissionDenied ? Tr("signin.wrong_pin")
                                                                         : Tr("signin.unknown_user");
    return;
  }
  if (state_.locked) {
    if (u->id != state_.locked_user_id && u->role == Role::kCashier) {
      state_.error = Tr("signin.locked_by_other");
      return;
    }
    state_.locked = false;
    session_.SetScreen(Screen::kCheckout);
    session_.Notify(Notice::Level::kInfo, TrF("notice.unlocked", u->name));
    return;
  }
  session_.SignIn(*u);
  shift_.RefreshShift();
  session_.Notify(Notice::Level::kSuccess, TrF("notice.welcome", u->name));
  const bool open = shift_.state().current.has_value();
  session_.SetScreen(open ? Screen::kCheckout : Screen::kShift);
  if (!open) session_.Notify(Notice::Level::kInfo, Tr("notice.open_shift_first"));
}

void SignInModel::Lock() {
  if (!session_.user()) return;
  session_.prompt() = Prompt{};
  state_ = SignInState{};
  state_.locked = true;
  state_.locked_user_id = session_.user()->id;
  state_.user_id = session_.user()->id;
  session_.SetScreen(Screen::kSignIn);
}

void SignInModel::LockWhenIdle() {
  const int64_t now = session_.clock().NowMs();
  if (session_.user() && !state_.locked && !session_.busy() && session_.screen() != Screen::kSignIn &&
      now - session_.last_activity_ms() > int64_t{session_.settings().idle_lock_s} * 1000) {
    Lock();
  }
}

}  // namespace linli::ui
