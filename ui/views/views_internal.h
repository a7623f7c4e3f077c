// Factories for the screens, used only by MakeViews() (views.cc).
#pragma once

#include <memory>

#include "view.h"

namespace linli::ui {

std::unique_ptr<View> MakeSignInView();
std::unique_ptr<View> MakeCheckoutView();
std::unique_ptr<View> MakeSearchView();
std::unique_ptr<View> MakePaymentView();
std::unique_ptr<View> MakeRefundView();
std::unique_ptr<View> MakeShiftView();
std::unique_ptr<View> MakeReceiptView();
std::unique_ptr<View> MakeSuspendedView();
std::unique_ptr<View> MakeSettingsView();
std::unique_ptr<View> MakeMembersView();
std::unique_ptr<View> MakeQuickKeysView();
std::unique_ptr<View> MakeManageView();
std::unique_ptr<View> MakeHelpView();

}  // namespace linli::ui
