// 管理 (managers and owners): the store's settings, each changed by the
// rules `linli config` uses, and the audit log in the store's zone.
#include <fmt/format.h>

#include "linli/pos/text.h"
#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class ManageView final : public View {
 public:
  ManageView() : View(Screen::kManage, "screen.manage") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    ManageModel& manage = model.manage();
    ManageState& st = manage.state();
    const float w = ImGui::GetContentRegionAvail().x;
    const float tab_w = 220 * ctx.scale;
    Tab(manage, ManageState::Tab::kSettings, "manage.tab.settings", "manage.tab_settings", tab_w);
    ImGui::SameLine();
    Tab(manage, ManageState::Tab::kAudit, "manage.tab.audit", "manage.tab_audit", tab_w);
    ImGui::SameLine();
    if (widgets::Button("manage.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(),
                        ImVec2(tab_w, 0))) {
      model.Show(Screen::kCheckout);
      return;
    }
    ImGui::Separator();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (st.tab == ManageState::Tab::kSettings) {
      if (!ImGui::BeginTable("settings", 3, flags, ImGui::GetContentRegionAvail())) return;
      ImGui::TableSetupColumn(Tr("manage.col.setting"), ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableSetupColumn(Tr("manage.col.value"), ImGuiTableColumnFlags_WidthFixed, w * 0.32f);
      ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 140 * ctx.scale);
      ImGui::TableHeadersRow();
      widgets::ScrollingContent rows;  // the list scrolls; its buttons keep touch size
      for (size_t i = 0; i < st.settings.size(); ++i) {
        const ConfigEntry& e = st.settings[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::TableNextRow(ImGuiTableRowFlags_None, widgets::TouchHeight());
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(e.info->key);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", ReadersHalf(e.info->description).c_str());
        ImGui::TableSetColumnIndex(1);
        std::string shown = e.value.empty() ? std::string(Tr("manage.empty")) : e.value;
        if (DisplayWidth(shown) > 60) shown = TruncateToWidth(shown, 57) + "…";
        ImGui::TextWrapped("%s%s", shown.c_str(), e.is_default ? Tr("manage.default") : "");
        ImGui::TableSetColumnIndex(2);
        if (widgets::Button(fmt::format("manage.edit.{}", e.info->key).c_str(), Tr("manage.edit"), ImVec2(-1, 0))) {
          manage.AskEdit(i);
        }
        ImGui::PopID();
      }
      ImGui::EndTable();
      return;
    }
    if (st.audit.empty()) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("manage.audit_none"));
      return;
    }
    if (!ImGui::BeginTable("audit", 5, flags, ImGui::GetContentRegionAvail())) return;
    ImGui::TableSetupColumn(Tr("manage.col.time"), ImGuiTableColumnFlags_WidthFixed, 200 * ctx.scale);
    ImGui::TableSetupColumn(Tr("manage.col.action"), ImGuiTableColumnFlags_WidthFixed, 170 * ctx.scale);
    ImGui::TableSetupColumn(Tr("manage.col.who"), ImGuiTableColumnFlags_WidthFixed, 170 * ctx.scale);
    ImGui::TableSetupColumn(Tr("manage.col.reason"), ImGuiTableColumnFlags_WidthFixed, 120 * ctx.scale);
    ImGui::TableSetupColumn(Tr("manage.col.change"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    widgets::ScrollingContent rows;
    for (const AuditEntry& a : st.audit) {
      ImGui::PushID(static_cast<int>(a.id));
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(a.local_time.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(a.record.action.c_str());
      ImGui::TableSetColumnIndex(2);
      const std::string who = a.record.approved_by.empty()
                                  ? a.record.user_id
                                  : TrF("manage.approved_by", a.record.user_id, a.record.approved_by);
      ImGui::TextUnformatted(who.c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(a.record.reason.value_or("").c_str());
      ImGui::TableSetColumnIndex(4);
      const std::string change = fmt::format("{} → {}", a.record.before.value_or("—"), a.record.after.value_or("—"));
      ImGui::TextWrapped("%s", change.c_str());
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

 private:
  static void Tab(ManageModel& manage, ManageState::Tab tab, const char* id, const char* label, float w) {
    const bool on = manage.state().tab == tab;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kColorAccent));
    if (widgets::Button(id, Tr(label), ImVec2(w, 0))) manage.ShowTab(tab);
    if (on) ImGui::PopStyleColor();
  }
};

}  // namespace

std::unique_ptr<View> MakeManageView() { return std::make_unique<ManageView>(); }

}  // namespace linli::ui
