// The manage screen's model (管理, managers and owners): the store's settings
// that `linli config` knows, changed by the same rules and audited the same
// way (store_config.h ChangeConfig), and the audit log — who did what, who
// approved it, the reason, before and after, and when, in the store's zone.
#pragma once

#include <string>
#include <vector>

#include "linli/pos/audit.h"
#include "linli/ui/session.h"

namespace linli::ui {

struct ManageState {
  enum class Tab { kSettings, kAudit };
  Tab tab = Tab::kSettings;
  std::vector<ConfigEntry> settings;
  std::vector<AuditEntry> audit;  // newest first, at most kAuditRows
};

class ManageModel final : public ScreenModel {
 public:
  static constexpr size_t kAuditRows = 100;

  explicit ManageModel(CounterSession& session) : session_(session) {}

  ManageState& state() { return state_; }
  void ShowTab(ManageState::Tab tab);
  // Opens the value prompt for setting i, holding its value (selected).
  void AskEdit(size_t i);
  void SubmitPrompt(const Prompt& p);  // kConfigValue answered

  bool OnShow() override;  // managers and owners only

 private:
  void Reload();

  CounterSession& session_;
  ManageState state_;
};

}  // namespace linli::ui
