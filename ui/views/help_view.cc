// F1: what every key does, from the command table (commands.h).
#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class HelpView final : public View {
 public:
  HelpView() : View(Screen::kHelp, "screen.help") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    ImGui::TextWrapped("%s", Tr("help.intro"));
    if (ImGui::BeginTable("help", 2, ImGuiTableFlags_RowBg)) {
      ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, 120 * ctx.scale);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      for (const Command& c : Commands()) {
        if (!c.help_key) continue;
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        // Key names are the keycaps' (F2, Esc); the arrow pair is words.
        ImGui::TextUnformatted(c.action == Action::kArrows ? Tr("key.up_down") : c.key_name);
        ImGui::TableSetColumnIndex(1);
        widgets::Text(c.help_key, nullptr, Tr(c.help_key));
      }
      ImGui::EndTable();
    }
    ImGui::TextWrapped("%s", Tr("help.scanner"));
    if (widgets::Button("helpscreen.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(300 * ctx.scale, 0))) {
      model.Show(Screen::kCheckout);
    }
  }
};

}  // namespace

std::unique_ptr<View> MakeHelpView() { return std::make_unique<HelpView>(); }

}  // namespace linli::ui
