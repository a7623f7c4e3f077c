// Shift: open with a float, pay-in/out, X report, close with a count by
// denomination and the Z report — on screen and printed.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class ShiftView final : public View {
 public:
  ShiftView() : View(Screen::kShift, "screen.shift") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    ShiftModel& shift = model.shift();
    ShiftState& s = shift.state();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ImGui::BeginChild("shift_actions", ImVec2(avail.x * 0.5f, avail.y), true);
    const float w = ImGui::GetContentRegionAvail().x;
    if (!s.current) {
      ImGui::PushFont(ctx.big);
      widgets::Text("shift.state", nullptr, Tr("shift.none_open"));
      ImGui::PopFont();
      ImGui::TextUnformatted(Tr("shift.float"));
      ImGui::PushFont(ctx.big);
      const bool focus = !ImGui::IsAnyItemActive() && model.prompt().kind == PromptKind::kNone;
      const bool enter = widgets::InputText("shift.float", &s.float_entry, w, ImGuiInputTextFlags_CharsDecimal, focus,
                                            nullptr, /*select=*/true);
      ImGui::PopFont();
      if (widgets::Button("shift.open", Tr("shift.open"), ImVec2(w, widgets::TouchHeight() * 1.2f)) || enter) {
        shift.OpenShiftWithFloat();
      }
    } else {
      const Shift& sh = *s.current;
      ImGui::PushFont(ctx.big);
      widgets::Text("shift.state", nullptr, TrF("shift.open_since", sh.user_name, LocalTime(sh.opened_at, model.session().time_zone())), kColorOk);
      ImGui::PopFont();
      if (s.drawer) {
        const DrawerSummary& d = *s.drawer;
        ImGui::Text("%s %s", Tr("shift.float"), Yuan(d.float_fen).c_str());
        ImGui::Text("%s %s", Tr("shift.cash_sales"), Yuan(d.cash_sales_fen).c_str());
        ImGui::Text("%s %s / %s %s", Tr("shift.pay_in"), Yuan(d.pay_in_fen).c_str(), Tr("shift.pay_out"),
                    Yuan(d.pay_out_fen).c_str());
        ImGui::PushFont(ctx.big);
        ImGui::Text("%s %s", Tr("shift.expected"), Yuan(d.expected_cash_fen).c_str());
        ImGui::PopFont();
      }
      const float bw = (w - 2 * ImGui::GetStyle().ItemSpacing.x) / 3;
      if (widgets::Button("shift.pay_in", Tr("shift.pay_in"), ImVec2(bw, 0))) shift.AskPayIn();
      ImGui::SameLine();
      if (widgets::Button("shift.pay_out", Tr("shift.pay_out"), ImVec2(bw, 0))) shift.AskPayOut();
      ImGui::SameLine();
      if (widgets::Button("shift.x", Tr("shift.x_report"), ImVec2(bw, 0))) shift.ShowXReport(true);
      ImGui::Separator();
      ImGui::TextUnformatted(Tr("shift.count"));
      const float cw = (w - ImGui::GetStyle().ItemSpacing.x) / 2;
      int col = 0;
      for (int64_t v : ShiftModel::Denominations()) {
        ImGui::PushID(static_cast<int>(v));  // the denomination is the stable id
        if (col++ % 2) ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextUnformatted(Yuan(v).c_str());
        ImGui::SameLine(cw * 0.35f);
        widgets::InputText(fmt::format("shift.count.{}", v).c_str(), &s.counts[v], cw * 0.6f,
                           ImGuiInputTextFlags_CharsDecimal);
        ImGui::EndGroup();
        ImGui::PopID();
      }
      ImGui::PushFont(ctx.big);
      widgets::Text("shift.counted", nullptr, TrF("shift.counted", Yuan(shift.counted_fen())));
      ImGui::PopFont();
      if (widgets::Button("shift.close", Tr("shift.close"), ImVec2(w, widgets::TouchHeight() * 1.2f))) {
        shift.CloseShiftWithCount();
      }
    }
    if (widgets::Button("shift.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(w, 0))) model.Show(Screen::kCheckout);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("shift_report", ImVec2(0, avail.y), true);
    if (s.report_text.empty()) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("shift.no_report"));
    } else {
      ImGui::PushFont(ctx.big);
      ImGui::TextUnformatted(s.report_title.c_str());
      ImGui::PopFont();
      widgets::Text("shift.report", nullptr, s.report_text);
    }
    ImGui::EndChild();
  }
};

}  // namespace

std::unique_ptr<View> MakeShiftView() { return std::make_unique<ShiftView>(); }

}  // namespace linli::ui
