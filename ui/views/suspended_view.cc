// 取单: the suspended sales, newest last; pick one to resume.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class SuspendedView final : public View {
 public:
  SuspendedView() : View(Screen::kSuspended, "screen.suspended") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    SuspendedModel& suspended = model.suspended();
    const auto& list = suspended.suspended();
    if (list.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("suspended.none"));
    // The list scrolls when long; the back key stays under it.
    const float back_h = widgets::TouchHeight() + ImGui::GetStyle().ItemSpacing.y;
    bool resumed = false;
    ImGui::BeginChild("list", ImVec2(0, ImGui::GetContentRegionAvail().y - back_h), false);
    {
      widgets::ScrollingContent scrolls;
      const float w = ImGui::GetContentRegionAvail().x;
      for (const SuspendedCart& c : list) {
        const std::string id = fmt::format("suspended.{}", c.id);
        const std::string label = TrF("suspended.row", c.id, c.label, c.lines, c.cashier_id, c.created_at);
        if (widgets::Button(id.c_str(), label.c_str(), ImVec2(w, widgets::TouchHeight() * 1.2f))) {
          suspended.ResumeSuspended(c.id);
          resumed = true;
          break;
        }
      }
    }
    ImGui::EndChild();
    if (resumed) return;
    if (widgets::Button("suspended.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(300 * ctx.scale, 0))) {
      model.Show(Screen::kCheckout);
    }
  }
};

}  // namespace

std::unique_ptr<View> MakeSuspendedView() { return std::make_unique<SuspendedView>(); }

}  // namespace linli::ui
