// F1: what every key does.
#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class HelpView final : public View {
 public:
  HelpView() : View(Screen::kHelp, "screen.help") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    static const char* const kRows[][2] = {
        {"F1", "help.f1"}, {"F2", "help.f2"}, {"F3", "help.f3"},   {"F4", "help.f4"},   {"F5", "help.f5"},
        {"F6", "help.f6"}, {"F7", "help.f7"}, {"F8", "help.f8"},   {"F9", "help.f9"},   {"F10", "help.f10"},
        {"F11", "help.f11"}, {"F12", "help.f12"}, {"Esc", "help.esc"}, {"Enter", "help.enter"},
        {"Up Down", "help.arrows"},
    };
    ImGui::TextWrapped("%s", Tr("help.intro"));
    if (ImGui::BeginTable("help", 2, ImGuiTableFlags_RowBg)) {
      ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, 120 * ctx.scale);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      for (const auto& row : kRows) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(row[0]);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(Tr(row[1]));
      }
      ImGui::EndTable();
    }
    ImGui::TextWrapped("%s", Tr("help.scanner"));
    if (widgets::Button("helpscreen.back", WithKey("nav.back", "Esc").c_str(), ImVec2(300 * ctx.scale, 0))) {
      model.Show(Screen::kCheckout);
    }
  }
};

}  // namespace

std::unique_ptr<View> MakeHelpView() { return std::make_unique<HelpView>(); }

}  // namespace linli::ui
