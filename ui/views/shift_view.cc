// Shift: open with a float, pay-in/out, X report, close with a count by
// denomination and the Z report — on screen and printed.
#include <algorithm>

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
      if (widgets::Button("shift.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(w, 0))) {
        model.Show(Screen::kCheckout);
      }
    } else {
      DrawOpen(model, ctx, w);
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("shift_report", ImVec2(0, avail.y), true);
    if (s.report_text.empty()) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("shift.no_report"));
    } else {
      ImGui::PushFont(ctx.big);
      ImGui::TextUnformatted(s.report_title.c_str());
      ImGui::PopFont();
      widgets::ScrollingContent scrolls;  // a long report scrolls in its panel
      widgets::Text("shift.report", nullptr, s.report_text);
    }
    ImGui::EndChild();
  }

 private:
  // An open shift: the drawer, the cash actions, the count and 交班. Laid
  // out to fit 1024x768: the drawer in two columns, the actions and the back
  // key on one row, the count in a grid, the total beside the close button.
  void DrawOpen(CounterModel& model, const ViewContext& ctx, float w) {
    ShiftModel& shift = model.shift();
    ShiftState& s = shift.state();
    const ImGuiStyle& st = ImGui::GetStyle();
    const Shift& sh = *s.current;
    ImGui::PushFont(ctx.big);
    ImGui::PushTextWrapPos(0);
    widgets::Text("shift.state", nullptr,
                  TrF("shift.open_since", sh.user_name, LocalTime(sh.opened_at, model.session().time_zone())), kColorOk);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    if (s.drawer && ImGui::BeginTable("drawer", 2)) {
      const DrawerSummary& d = *s.drawer;
      ImGui::TableNextColumn();
      ImGui::Text("%s %s", Tr("shift.float"), Yuan(d.float_fen).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s %s", Tr("shift.cash_sales"), Yuan(d.cash_sales_fen).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s %s / %s %s", Tr("shift.pay_in"), Yuan(d.pay_in_fen).c_str(), Tr("shift.pay_out"),
                  Yuan(d.pay_out_fen).c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorAccent), "%s %s", Tr("shift.expected"),
                         Yuan(d.expected_cash_fen).c_str());
      ImGui::EndTable();
    }
    const float bw = (w - 3 * st.ItemSpacing.x) / 4;
    if (widgets::Button("shift.pay_in", Tr("shift.pay_in"), ImVec2(bw, 0))) shift.AskPayIn();
    ImGui::SameLine();
    if (widgets::Button("shift.pay_out", Tr("shift.pay_out"), ImVec2(bw, 0))) shift.AskPayOut();
    ImGui::SameLine();
    if (widgets::Button("shift.x", Tr("shift.x_report"), ImVec2(bw, 0))) shift.ShowXReport(true);
    ImGui::SameLine();
    if (widgets::Button("shift.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(bw, 0))) {
      model.Show(Screen::kCheckout);
    }
    ImGui::Separator();
    ImGui::TextUnformatted(Tr("shift.count"));
    // Two denominations a row: the value, then its count.
    if (ImGui::BeginTable("count", 4)) {
      const float label_w = ImGui::CalcTextSize("¥100.00").x;
      for (int i = 0; i < 2; ++i) {
        ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthFixed, label_w);
        ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthStretch);
      }
      for (int64_t v : ShiftModel::Denominations()) {
        ImGui::PushID(static_cast<int>(v));  // the denomination is the stable id
        ImGui::TableNextColumn();
        // Level with the field's text (widgets::InputText pads half its font).
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                            ImVec2(ImGui::GetStyle().FramePadding.x, ImGui::GetFontSize() * 0.5f));
        ImGui::AlignTextToFramePadding();
        ImGui::PopStyleVar();
        ImGui::TextUnformatted(Yuan(v).c_str());
        ImGui::TableNextColumn();
        widgets::InputText(fmt::format("shift.count.{}", v).c_str(), &s.counts[v], -1, ImGuiInputTextFlags_CharsDecimal);
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    // The count's total beside 交班, so the cashier reads it before pressing.
    const float close_h = widgets::TouchHeight() * 1.2f;
    if (ImGui::BeginTable("close", 2)) {
      ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthStretch);
      const float label_w = ImGui::CalcTextSize(Tr("shift.close")).x + 2 * ImGui::GetStyle().FramePadding.x;
      ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthFixed, std::max(w * 0.4f, label_w));
      ImGui::TableNextColumn();
      ImGui::PushFont(ctx.big);
      ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                          ImVec2(ImGui::GetStyle().FramePadding.x, (close_h - ImGui::GetFontSize()) * 0.5f));
      ImGui::AlignTextToFramePadding();
      ImGui::PopStyleVar();
      widgets::Text("shift.counted", nullptr, TrF("shift.counted", Yuan(shift.counted_fen())));
      ImGui::PopFont();
      ImGui::TableNextColumn();
      if (widgets::Button("shift.close", Tr("shift.close"), ImVec2(-1, close_h))) shift.CloseShiftWithCount();
      ImGui::EndTable();
    }
  }
};

}  // namespace

std::unique_ptr<View> MakeShiftView() { return std::make_unique<ShiftView>(); }

}  // namespace linli::ui
