// 会员 (F10): look a member up by phone, their points, visits and latest
// receipts; add one at the counter; attach them to the sale.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/pos/receipt.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class MembersView final : public View {
 public:
  MembersView() : View(Screen::kMembers, "screen.members") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    MembersModel& members = model.members();
    MembersState& st = members.state();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::TextUnformatted(Tr("members.find"));
    ImGui::PushFont(ctx.big);
    const bool focus = !ImGui::IsAnyItemActive() && model.prompt().kind == PromptKind::kNone;
    if (widgets::InputText("members.phone", &st.phone, w * 0.5f, ImGuiInputTextFlags_CharsDecimal, focus,
                           Tr("members.phone_hint"))) {
      members.Lookup();
    }
    ImGui::PopFont();
    ImGui::SameLine();
    if (widgets::Button("members.lookup", Tr("members.lookup"), ImVec2(w * 0.2f, 0))) members.Lookup();
    ImGui::SameLine();
    if (widgets::Button("members.add", Tr("members.add"), ImVec2(w * 0.2f, 0))) members.AskAdd();

    if (st.not_found) {
      widgets::Text("members.none", ctx.big, TrF("members.not_found", MaskPhone(st.phone)), kColorWarn);
    }
    if (st.found) {
      const MemberHistory& h = *st.found;
      ImGui::Separator();
      ImGui::PushFont(ctx.big);
      widgets::Text("members.name", nullptr, fmt::format("{}  {}", h.member.name, MaskPhone(h.member.phone)));
      widgets::Text("members.points", nullptr, TrF("members.points", h.member.points), kColorAccent);
      ImGui::PopFont();
      widgets::Text("members.summary", nullptr,
                    TrF("members.summary", h.visits, Yuan(h.spent_fen), LocalTime(h.created_at, model.session().time_zone())),
                    kColorMuted);
      ImGui::Spacing();
      ImGui::TextUnformatted(Tr("members.recent"));
      if (st.visit_lines.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("members.no_visits"));
      for (size_t i = 0; i < st.visit_lines.size(); ++i) {
        widgets::Text(fmt::format("members.visit.{}", i).c_str(), nullptr, st.visit_lines[i]);
      }
      ImGui::Spacing();
      if (widgets::Button("members.attach", Tr("members.attach"), ImVec2(w * 0.4f, 0), model.session().checkout() != nullptr)) {
        members.Attach();
        return;
      }
      ImGui::SameLine();
    }
    if (widgets::Button("members.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(),
                        ImVec2(w * 0.3f, 0))) {
      model.Show(Screen::kCheckout);
    }
  }
};

}  // namespace

std::unique_ptr<View> MakeMembersView() { return std::make_unique<MembersView>(); }

}  // namespace linli::ui
