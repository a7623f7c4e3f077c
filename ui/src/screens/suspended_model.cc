// The suspended-carts screen's model (screens/suspended_model.h).
#include "linli/ui/screens/suspended_model.h"

namespace linli::ui {

bool SuspendedModel::OnShow() {
  auto list = ListSuspended(session_.db());
  if (!list.ok()) {
    session_.ReportError(list.status());
    return false;
  }
  suspended_ = *list;
  return true;
}

void SuspendedModel::ResumeSuspended(int64_t id) {
  Checkout* co = session_.checkout();
  if (!co) return;
  Status st = co->Resume(id);
  if (!st.ok()) return session_.ReportError(st, "ctx.resume");
  session_.Notify(Notice::Level::kSuccess, Tr("notice.resumed"));
  session_.SetScreen(Screen::kCheckout);
  session_.cart().last_line = 0;
  session_.AfterCartChange(0);
}

}  // namespace linli::ui
