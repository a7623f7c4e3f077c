// The settings screen's model (owner only): the counter's settings — the
// session's SettingsState — edited and saved, and hub enrolment.
#pragma once

#include <functional>

#include "linli/ui/session.h"

namespace linli::ui {

class SettingsModel final : public ScreenModel {
 public:
  explicit SettingsModel(CounterSession& session) : session_(session) {}

  SettingsState& state() { return session_.settings(); }
  const SettingsState& state() const { return session_.settings(); }
  void SaveSettings();

  // Hook for the app: a printer or scale configured in Settings.
  std::function<void(const SettingsState&)> on_settings_saved;

  bool OnShow() override;  // owners only

 private:
  CounterSession& session_;
};

}  // namespace linli::ui
