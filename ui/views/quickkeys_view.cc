// 快捷键: tiles by category for goods without a barcode. The count field
// (1, selected) sets how many; a weighed product asks the scale.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class QuickKeysView final : public View {
 public:
  QuickKeysView() : View(Screen::kQuickKeys, "screen.quickkeys") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    QuickKeysModel& quick = model.quickkeys();
    const float w = ImGui::GetContentRegionAvail().x;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    // The categories, one tab button each.
    const auto& cats = quick.categories();
    for (size_t i = 0; i < cats.size(); ++i) {
      if (i > 0) ImGui::SameLine();
      const bool on = static_cast<int>(i) == quick.category();
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kColorAccent));
      if (widgets::Button(fmt::format("quick.cat.{}", i).c_str(), cats[i].c_str(), ImVec2(140 * ctx.scale, 0))) {
        quick.SelectCategory(static_cast<int>(i));
      }
      if (on) ImGui::PopStyleColor();
    }
    ImGui::TextUnformatted(Tr("quick.count"));
    ImGui::SameLine();
    ImGui::PushFont(ctx.big);
    widgets::InputText("quick.count", &quick.count(), 160 * ctx.scale, ImGuiInputTextFlags_CharsDecimal,
                       focus_once_, nullptr, /*select=*/true);
    focus_once_ = false;
    ImGui::PopFont();
    ImGui::Separator();
    // The tiles: four to a row, each name, price and unit.
    const int per_row = 4;
    const float tw = (w - gap * (per_row - 1)) / per_row;
    const auto& tiles = quick.tiles();
    for (size_t i = 0; i < tiles.size(); ++i) {
      if (i % per_row != 0) ImGui::SameLine();
      const QuickTile& t = tiles[i];
      const std::string label = t.missing ? fmt::format("{}\n{}", t.label, Tr("quick.missing"))
                                          : fmt::format("{}\n{}{}", t.label, Yuan(t.price_fen),
                                                        t.by_weight ? Tr("quick.per_kg") : "");
      if (widgets::Button(fmt::format("quick.tile.{}", i).c_str(), label.c_str(),
                          ImVec2(tw, widgets::TouchHeight() * 1.6f), !t.missing)) {
        quick.Press(i);
        focus_once_ = true;
        return;
      }
    }
    ImGui::Spacing();
    if (widgets::Button("quick.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(),
                        ImVec2(w * 0.3f, 0))) {
      model.Show(Screen::kCheckout);
      focus_once_ = true;
    }
  }

 private:
  bool focus_once_ = true;  // the count field takes focus when the screen opens
};

}  // namespace

std::unique_ptr<View> MakeQuickKeysView() { return std::make_unique<QuickKeysView>(); }

}  // namespace linli::ui
