// Refund and void: find the sale by receipt number (scan its QR or barcode),
// pick lines, a manager's PIN.
#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/pos/money.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class RefundView final : public View {
 public:
  RefundView() : View(Screen::kRefund, "screen.refund") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    RefundModel& refund = model.refund();
    RefundState& r = refund.state();
    ImGui::TextUnformatted(Tr("refund.find"));
    ImGui::PushFont(ctx.big);
    const float w = ImGui::GetContentRegionAvail().x;
    const bool focus = !ImGui::IsAnyItemActive() && model.prompt().kind == PromptKind::kNone;
    if (widgets::InputText("refund.entry", &r.entry, w * 0.6f, 0, focus, Tr("refund.entry_hint"))) {
      refund.LookupRefund();
    }
    ImGui::PopFont();
    ImGui::SameLine();
    if (widgets::Button("refund.lookup", Tr("refund.lookup"), ImVec2(w * 0.18f, 0))) refund.LookupRefund();
    ImGui::SameLine();
    if (widgets::Button("refund.void_last", Tr("refund.void_last"), ImVec2(0, 0))) refund.VoidLast();

    if (r.done) {
      ImGui::PushFont(ctx.big);
      widgets::Text("refund.done", nullptr,
                    TrF("refund.done", r.done->receipt_no, Yuan(r.done->priced.total_fen)), kColorOk);
      ImGui::PopFont();
      for (const Tender& t : r.done->tenders) {
        ImGui::Text("%s  %s", TenderLabel(t.method, t.provider).c_str(), Yuan(t.amount_fen).c_str());
      }
    }
    // The hub's answer on the scanned receipt (refund_model.h): a warning in
    // red and large, so the cashier reads it before refunding.
    if (r.check.kind != ReceiptCheckState::Kind::kNone) {
      using Kind = ReceiptCheckState::Kind;
      const ImU32 colour = r.check.warning()                                           ? kColorError
                           : r.check.kind == Kind::kMatch                              ? kColorOk
                           : r.check.kind == Kind::kOffline || r.check.kind == Kind::kRefused ? kColorWarn
                                                                                       : kColorMuted;
      widgets::Text("refund.check", r.check.warning() ? ctx.big : nullptr, r.check.text, colour);
    }
    if (!r.sale) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("refund.scan_receipt"));
      return;
    }
    const CommittedSale& sale = *r.sale;
    ImGui::Text("%s  %s  %s", sale.receipt_no.c_str(),
                LocalTime(sale.occurred_at, model.session().time_zone()).c_str(), Yuan(sale.priced.total_fen).c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    // The lines take what the two rows under them leave; many lines scroll.
    const float table_h = ImGui::GetContentRegionAvail().y - 2 * (widgets::TouchHeight() + ImGui::GetStyle().ItemSpacing.y);
    if (ImGui::BeginTable("refund_lines", 4, flags, ImVec2(0, table_h))) {
      widgets::ScrollingContent scrolls;
      ImGui::TableSetupColumn(Tr("refund.pick"), ImGuiTableColumnFlags_WidthFixed, 80 * ctx.scale);
      ImGui::TableSetupColumn(Tr("cart.name"), ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableSetupColumn(Tr("cart.qty"), ImGuiTableColumnFlags_WidthFixed, 170 * ctx.scale);
      ImGui::TableSetupColumn(Tr("cart.total"), ImGuiTableColumnFlags_WidthFixed, 130 * ctx.scale);
      ImGui::TableHeadersRow();
      for (const PricedLine& l : sale.priced.lines) {
        ImGui::PushID(l.line_no);
        ImGui::TableNextRow(ImGuiTableRowFlags_None, widgets::MinTouch());
        ImGui::TableSetColumnIndex(0);
        const bool picked = r.picked.count(l.line_no) > 0;
        if (picked) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kColorOk));
        if (widgets::Button(fmt::format("refund.line.{}", l.line_no).c_str(),
                            picked ? Tr("refund.picked") : Tr("refund.not_picked"),
                            ImVec2(-1, widgets::MinTouch()))) {
          refund.ToggleRefundLine(l.line_no);
        }
        if (picked) ImGui::PopStyleColor();
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(l.name.c_str());
        ImGui::TableSetColumnIndex(2);
        // A picked line's quantity is a button: refund part of it (one of two cans).
        if (auto it = r.picked.find(l.line_no); it != r.picked.end()) {
          const std::string qty = it->second == l.qty_milli
                                      ? QtyText(l.qty_milli, l.unit)
                                      : QtyText(it->second, l.unit) + " / " + QtyText(l.qty_milli, l.unit);
          if (widgets::Button(fmt::format("refund.qty.{}", l.line_no).c_str(), qty.c_str(),
                              ImVec2(-1, widgets::MinTouch()))) {
            refund.AskRefundQty(l.line_no);
          }
        } else {
          ImGui::TextUnformatted(QtyText(l.qty_milli, l.unit).c_str());
        }
        ImGui::TableSetColumnIndex(3);
        ImGui::TextUnformatted(YuanPlain(l.total_fen).c_str());
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    widgets::Checkbox("refund.to_cash", Tr("refund.to_cash"), &r.to_cash);
    ImGui::SameLine();
    widgets::InputText("refund.reason", &reason_, 300 * ctx.scale, 0, false, Tr("prompt.reason"));
    r.reason = reason_.empty() ? "customer" : reason_;
    if (widgets::Button("refund.submit", Tr("refund.submit"), ImVec2(w * 0.4f, 0), !r.picked.empty(),
                        widgets::Tone::kPrimary)) {
      refund.SubmitRefund();
    }
    ImGui::SameLine();
    if (widgets::Button("refund.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(w * 0.3f, 0))) {
      model.Show(Screen::kCheckout);
    }
  }

 private:
  std::string reason_;  // typed; "customer" when left empty
};

}  // namespace

std::unique_ptr<View> MakeRefundView() { return std::make_unique<RefundView>(); }

}  // namespace linli::ui
