// Search: incremental over name, pinyin initials, SKU, PLU and barcode.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class SearchView final : public View {
 public:
  SearchView() : View(Screen::kSearch, "screen.search") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    SearchModel& search = model.search();
    SearchState& s = search.state();
    ImGui::PushFont(ctx.big);
    const bool focus = !ImGui::IsAnyItemActive() && model.prompt().kind == PromptKind::kNone;
    const bool enter = widgets::InputText("search.query", &s.query, ImGui::GetContentRegionAvail().x, 0, focus,
                                          Tr("search.hint"));
    ImGui::PopFont();
    search.RunSearch();  // cheap when the query did not change
    if (enter && !s.hits.empty()) {
      search.PickSearchHit(s.selected);
      return;
    }
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s",
                       TrF("search.count", s.hits.size(), s.took_us / 1000.0).c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH;
    // The list takes what the buttons under it leave.
    const float buttons_h = widgets::TouchHeight() + ImGui::GetStyle().ItemSpacing.y;
    if (!ImGui::BeginTable("hits", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y - buttons_h))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(Tr("search.sku"), ImGuiTableColumnFlags_WidthFixed, 110 * ctx.scale);
    ImGui::TableSetupColumn(Tr("cart.name"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr("search.plu"), ImGuiTableColumnFlags_WidthFixed, 80 * ctx.scale);
    ImGui::TableSetupColumn(Tr("search.unit"), ImGuiTableColumnFlags_WidthFixed, 70 * ctx.scale);
    ImGui::TableSetupColumn(Tr("cart.price"), ImGuiTableColumnFlags_WidthFixed, 110 * ctx.scale);
    ImGui::TableHeadersRow();
    for (int i = 0; i < static_cast<int>(s.hits.size()); ++i) {
      const Product& p = s.hits[static_cast<size_t>(i)].product;
      ImGui::PushID(p.sku.c_str());  // the SKU is the product's stable id
      ImGui::TableNextRow(ImGuiTableRowFlags_None, widgets::MinTouch());
      ImGui::TableSetColumnIndex(0);
      const bool selected = i == s.selected;
      if (ImGui::Selectable(p.sku.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns,
                            ImVec2(0, widgets::MinTouch()))) {
        search.PickSearchHit(i);
        ImGui::PopID();
        break;
      }
      if (selected && scrolled_to_ != i) {
        ImGui::SetScrollHereY();
        scrolled_to_ = i;
      }
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(p.name.c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(p.plu.c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(p.unit == "kg" ? Tr("search.unit_kg") : Tr("search.unit_pcs"));
      ImGui::TableSetColumnIndex(4);
      ImGui::TextUnformatted(YuanPlain(p.price_fen).c_str());
      ImGui::PopID();
    }
    ImGui::EndTable();
    if (widgets::Button("search.add", Tr("search.add"), ImVec2(300 * ctx.scale, 0), !s.hits.empty(),
                        widgets::Tone::kPrimary)) {
      search.PickSearchHit(s.selected);
    }
    ImGui::SameLine();
    if (widgets::Button("search.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(300 * ctx.scale, 0))) {
      model.Show(Screen::kCheckout);
    }
  }

 private:
  int scrolled_to_ = -1;
};

}  // namespace

std::unique_ptr<View> MakeSearchView() { return std::make_unique<SearchView>(); }

}  // namespace linli::ui
