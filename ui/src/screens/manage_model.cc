// The manage screen's model (screens/manage_model.h).
#include "linli/ui/screens/manage_model.h"

#include "linli/pos/store_config.h"
#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {

bool ManageModel::OnShow() {
  if (session_.screen() == Screen::kManage) return true;
  if (!session_.user() || session_.user()->role < Role::kManager) {
    session_.Notify(Notice::Level::kError, Tr("manage.needs_manager"));
    return false;
  }
  state_ = ManageState{};
  Reload();
  return true;
}

void ManageModel::Reload() {
  auto entries = ListConfig(session_.db());
  if (!entries.ok()) return session_.ReportError(entries.status());
  state_.settings = *entries;
  AuditFilter filter;
  filter.timezone = session_.time_zone();
  auto rows = ListAudit(session_.db(), filter);
  if (!rows.ok()) return session_.ReportError(rows.status());
  state_.audit = std::move(*rows);
  if (state_.audit.size() > kAuditRows) state_.audit.resize(kAuditRows);
}

void ManageModel::ShowTab(ManageState::Tab tab) {
  state_.tab = tab;
  Reload();
}

void ManageModel::AskEdit(size_t i) {
  if (i >= state_.settings.size()) return;
  const ConfigEntry& e = state_.settings[i];
  session_.OpenPrompt(PromptKind::kConfigValue, "manage.edit.title", "manage.edit.hint", e.value);
  Prompt& p = session_.prompt();
  p.title = TrF("manage.edit.title_key", e.info->key);
  p.hint = ReadersHalf(e.info->description);
  p.sku = e.info->key;
}

void ManageModel::SubmitPrompt(const Prompt& p) {
  if (p.kind != PromptKind::kConfigValue || !session_.user()) return;
  auto change = ChangeConfig(session_.db(), *session_.user(), p.sku, Trim(p.input), session_.clock());
  if (!change.ok()) {
    // Shown in the prompt, which stays open with what was typed.
    session_.prompt() = p;
    session_.prompt().error = TrStatus(change.status());
    return;
  }
  if (Status st = session_.LoadSettings(); !st.ok()) return session_.ReportError(st);
  session_.Notify(Notice::Level::kSuccess, TrF("manage.saved", p.sku));
  Reload();
}

}  // namespace linli::ui
