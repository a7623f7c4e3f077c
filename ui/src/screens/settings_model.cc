// The settings screen's model (screens/settings_model.h).
#include "linli/ui/screens/settings_model.h"

#include "linli/drivers/printer.h"
#include "linli/pos/store.h"

namespace linli::ui {
namespace {

Status PutConfig(Database& db, const std::string& key, const std::string& value) {
  try {
    SetConfig(db, key, value);
    return Status::Ok();
  } catch (const DbError& e) {
    return Status::IoError(std::string("could not save the setting: ") + e.what());
  }
}

}  // namespace

bool SettingsModel::OnShow() {
  if (session_.user()->role != Role::kOwner) {
    session_.Notify(Notice::Level::kError, Tr("err.owner_only"));
    return false;
  }
  return true;
}

void SettingsModel::SaveSettings() {
  const std::optional<User>& user = session_.user();
  if (!user || user->role != Role::kOwner) return session_.Notify(Notice::Level::kError, Tr("err.owner_only"));
  SettingsState& st = session_.settings();
  auto lang = ParseLanguage(st.language);
  if (!lang.ok()) return session_.ReportError(lang.status());
  if (!ParseCashRounding(st.cash_rounding).ok()) return session_.Notify(Notice::Level::kError, Tr("err.rounding_rule"));
  if (!FindProfile(session_.db(), st.printer_profile).ok()) return session_.Notify(Notice::Level::kError, Tr("err.printer_profile"));
  Database& db = session_.db();
  const std::pair<const char*, std::string> kv[] = {
      {"counter.printer_uri", st.printer_uri},
      {"counter.printer_profile", st.printer_profile},
      {"counter.scale_port", st.scale_port},
      {"counter.scale_protocol", st.scale_protocol},
      {"counter.hub_url", st.hub_url},
      {"cash_rounding", st.cash_rounding},
      {"counter.language", st.language},
      {"counter.idle_lock_s", std::to_string(st.idle_lock_s)},
  };
  for (const auto& [k, v] : kv) {
    Status put = PutConfig(db, k, v);
    if (!put.ok()) return session_.ReportError(put);
  }
  Lang().SetLanguage(*lang);
  session_.Notify(Notice::Level::kSuccess, Tr("notice.settings_saved"));
  if (!st.hub_token.empty()) {
    if (HubEnroller* enroller = session_.services().enroller; !enroller) {
      session_.Notify(Notice::Level::kInfo, TrF("settings.enrol_cli", st.hub_url));
    } else {
      // Enrolment talks to the hub: off the UI thread.
      const std::string url = st.hub_url, token = st.hub_token, ca = st.hub_ca_path;
      session_.Notify(Notice::Level::kInfo, Tr("settings.enrolling"));
      session_.Post([this, enroller, url, token, ca] {
        Status enrolled = enroller->Enroll(url, token, ca);
        return [this, enrolled, url] {
          if (enrolled.ok()) session_.Notify(Notice::Level::kSuccess, TrF("settings.enrolled", url));
          else session_.Notify(Notice::Level::kError, TrF("settings.enrol_failed", TrStatus(enrolled)));
        };
      });
    }
    st.hub_token.clear();
  }
  if (on_settings_saved) on_settings_saved(st);
}

}  // namespace linli::ui
