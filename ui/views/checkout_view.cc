// Checkout: the scan/search field, the cart, the last item big, the total
// huge, and the function keys as buttons.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class CheckoutView final : public View {
 public:
  CheckoutView() : View(Screen::kCheckout, "screen.checkout") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    CheckoutModel& checkout = model.checkout();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float right_w = avail.x * 0.38f;
    const float left_w = avail.x - right_w - ImGui::GetStyle().ItemSpacing.x;
    const int key_rows = (KeyCount() + kKeysPerRow - 1) / kKeysPerRow;
    const float keys_h = widgets::TouchHeight() * key_rows + ImGui::GetStyle().ItemSpacing.y * (key_rows + 1);

    ImGui::BeginChild("cart_side", ImVec2(left_w, avail.y - keys_h), false);
    // The field keeps focus unless the cashier is in another widget.
    ImGui::PushFont(ctx.big);
    const bool focus = !ImGui::IsAnyItemActive() && model.prompt().kind == PromptKind::kNone;
    if (widgets::InputText("checkout.entry", &checkout.entry(), left_w, 0, focus, Tr("checkout.entry_hint"))) {
      checkout.SubmitEntry();
    }
    ImGui::PopFont();
    DrawCart(checkout, ctx);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("total_side", ImVec2(right_w, avail.y - keys_h), true);
    DrawTotals(checkout, ctx);
    ImGui::EndChild();
    DrawKeys(model, avail.x);
  }

 private:
  void DrawCart(CheckoutModel& checkout, const ViewContext& ctx) {
    const auto& rows = checkout.rows();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH;
    if (!ImGui::BeginTable("cart", 5, flags, ImGui::GetContentRegionAvail())) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 40 * ctx.scale);
    ImGui::TableSetupColumn(Tr("cart.name"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr("cart.qty"), ImGuiTableColumnFlags_WidthFixed, 120 * ctx.scale);
    ImGui::TableSetupColumn(Tr("cart.price"), ImGuiTableColumnFlags_WidthFixed, 100 * ctx.scale);
    ImGui::TableSetupColumn(Tr("cart.total"), ImGuiTableColumnFlags_WidthFixed, 130 * ctx.scale);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    const bool scroll_to_end = rows.size() != last_count_;
    last_count_ = rows.size();
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const CartRow& r = rows[static_cast<size_t>(i)];
        ImGui::PushID(r.line_no);  // line numbers are stable for the sale
        // A row is a touch target: 44 px, its text in the middle.
        const float row_h = widgets::MinTouch();
        const float text_dy = (row_h - ImGui::GetFontSize()) * 0.5f;
        ImGui::TableNextRow(ImGuiTableRowFlags_None, row_h);
        ImGui::TableSetColumnIndex(0);
        const bool selected = r.line_no == checkout.selected_line();
        ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0, 0.5f));
        if (ImGui::Selectable(fmt::format("{}", r.line_no).c_str(), selected,
                              ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, row_h))) {
          checkout.SelectLine(r.line_no);
        }
        ImGui::PopStyleVar();
        auto cell = [text_dy](int col) {
          ImGui::TableSetColumnIndex(col);
          ImGui::SetCursorPosY(ImGui::GetCursorPosY() + text_dy);
        };
        cell(1);
        ImGui::TextUnformatted(r.name.c_str());
        if (r.discount_fen != 0 || r.overridden) {
          ImGui::SameLine();
          ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorAccent), "%s",
                             r.overridden ? Tr("cart.overridden") : TrF("cart.saved", Yuan(r.discount_fen)).c_str());
        }
        cell(2);
        ImGui::TextUnformatted(QtyText(r.qty_milli, r.unit).c_str());
        cell(3);
        ImGui::TextUnformatted(YuanPlain(r.unit_price_fen).c_str());
        cell(4);
        ImGui::TextUnformatted(YuanPlain(r.total_fen).c_str());
        ImGui::PopID();
      }
    }
    for (const PromotionApplication& p : checkout.promotions()) {
      ImGui::PushID(p.promo_id.c_str());
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(1);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorAccent), "%s %s", Tr("cart.promotion"), p.name.c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorAccent), "-%s", YuanPlain(p.discount_fen).c_str());
      ImGui::PopID();
    }
    if (scroll_to_end) ImGui::SetScrollHereY(1.0f);
    ImGui::EndTable();
  }

  void DrawTotals(const CheckoutModel& checkout, const ViewContext& ctx) {
    const CartRow* last = checkout.last_row();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("checkout.last_item"));
    if (last) {
      ImGui::PushTextWrapPos(0);
      widgets::Text("checkout.last_name", ctx.big, last->name);
      ImGui::PopTextWrapPos();
      const std::vector<std::string> lines = checkout.LastItemLines();
      widgets::Text("checkout.last_qty", ctx.big, lines[0]);
      if (!lines[1].empty()) widgets::Text("checkout.last_discount", nullptr, lines[1], kColorAccent);
    } else {
      widgets::Text("checkout.last_name", ctx.big, Tr("checkout.scan_first"), kColorMuted);
    }
    ImGui::Separator();
    const PricedCart& p = checkout.priced();
    // Two figures a line, so the total keeps its place on a 768 px screen
    // with a discount, 抹零 and a member.
    const float gap = 24 * ctx.scale;
    ImGui::Text("%s  %s", Tr("checkout.items"), fmt::format("{}", checkout.rows().size()).c_str());
    ImGui::SameLine(0, gap);
    ImGui::Text("%s  %s", Tr("checkout.subtotal"), Yuan(p.subtotal_fen).c_str());
    if (p.discount_fen) ImGui::Text("%s  -%s", Tr("checkout.discount"), Yuan(p.discount_fen).c_str());
    if (p.discount_fen && p.rounding_fen) ImGui::SameLine(0, gap);
    if (p.rounding_fen) ImGui::Text("%s  -%s", Tr("checkout.rounding"), Yuan(p.rounding_fen).c_str());
    if (!checkout.member_phone().empty()) ImGui::Text("%s  %s", Tr("checkout.member"), MaskPhone(checkout.member_phone()).c_str());
    ImGui::Spacing();
    ImGui::TextUnformatted(Tr("checkout.total"));
    widgets::Text("checkout.total", ctx.huge, Yuan(p.total_fen), kColorAccent);
  }

  // The key buttons: every command of the table (commands.h) that has one.
  static constexpr int kKeysPerRow = 8;
  static int KeyCount() {
    int n = 0;
    for (const Command& c : Commands()) n += c.button_id && c.run ? 1 : 0;
    return n;
  }
  void DrawKeys(CounterModel& model, float width) {
    const int per_row = kKeysPerRow;
    const float bw = (width - ImGui::GetStyle().ItemSpacing.x * (per_row - 1)) / per_row;
    int i = 0;
    for (const Command& c : Commands()) {
      if (!c.button_id || !c.run) continue;
      if (i % per_row != 0) ImGui::SameLine();
      std::string label = c.key_name[0] ? WithKey(c.label_key, c.key_name) : std::string(Tr(c.label_key));
      // 付款 stands out; what throws the sale away (清空, 删除行) does not.
      const widgets::Tone tone = c.action == Action::kPay                                          ? widgets::Tone::kPrimary
                                 : c.action == Action::kClearCart || c.action == Action::kVoidLine ? widgets::Tone::kMuted
                                                                                                   : widgets::Tone::kNormal;
      if (widgets::Button(c.button_id, label.c_str(), ImVec2(bw, 0), true, tone)) c.run(model);
      ++i;
    }
  }

  size_t last_count_ = 0;
};

}  // namespace

std::unique_ptr<View> MakeCheckoutView() { return std::make_unique<CheckoutView>(); }

}  // namespace linli::ui
