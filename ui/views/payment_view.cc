// Payment: cash keypad with quick-cash buttons, the payment-code state, split
// tenders and 抹零; after the commit, the change big.
#include <algorithm>

#include <fmt/format.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

class PaymentView final : public View {
 public:
  PaymentView() : View(Screen::kPayment, "screen.payment") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    PaymentModel& pay = model.payment();
    PaymentState& p = pay.state();
    if (p.done) return DrawDone(model, ctx);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float left_w = avail.x * 0.5f;
    ImGui::BeginChild("due", ImVec2(left_w, avail.y), true);
    ImGui::TextUnformatted(Tr("pay.due"));
    widgets::Text("pay.due", ctx.huge, Yuan(pay.remaining_fen()), kColorAccent);
    const PricedCart& priced = pay.priced();
    ImGui::Text("%s %s", Tr("checkout.total"), Yuan(priced.total_fen).c_str());
    if (priced.rounding_fen) ImGui::Text("%s -%s", Tr("checkout.rounding"), Yuan(priced.rounding_fen).c_str());
    ImGui::Separator();
    // The payment code: a scan anywhere lands here.
    ImGui::TextUnformatted(Tr("pay.code"));
    const ImU32 gw_color = p.gateway == GatewayState::kApproved   ? kColorOk
                           : p.gateway == GatewayState::kDeclined ? kColorError
                           : p.gateway == GatewayState::kIdle     ? kColorMuted
                                                                  : kColorWarn;
    ImGui::PushFont(ctx.big);
    widgets::Text("pay.gateway", nullptr, Tr(GatewayStateKey(p.gateway)), gw_color);
    ImGui::PopFont();
    if (!p.gateway_message.empty()) {
      ImGui::PushTextWrapPos(0);
      widgets::Text("pay.gateway_message", nullptr, p.gateway_message, gw_color);
      ImGui::PopTextWrapPos();
    }
    if (p.gateway == GatewayState::kChecking) {
      if (widgets::Button("pay.check", Tr("pay.check_again"))) pay.CheckPaymentAgain();
    }
    ImGui::Separator();
    const float bw = (left_w - 3 * ImGui::GetStyle().ItemSpacing.x) / 2 - 8;
    if (widgets::Button("pay.rounding", Tr("key.rounding"), ImVec2(bw, 0))) model.checkout().ApplyCashRounding();
    ImGui::SameLine();
    if (widgets::Button("pay.card", Tr("pay.card"), ImVec2(bw, 0))) pay.AskCard();
    if (widgets::Button("pay.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(bw, 0))) model.Show(Screen::kCheckout);
    ImGui::EndChild();

    ImGui::SameLine();
    ImGui::BeginChild("cash", ImVec2(0, avail.y), true);
    ImGui::TextUnformatted(Tr("pay.cash"));
    ImGui::PushFont(ctx.big);
    const float w = ImGui::GetContentRegionAvail().x;
    const bool focus = !ImGui::IsAnyItemActive() && model.prompt().kind == PromptKind::kNone;
    if (widgets::InputText("pay.cash_entry", &p.cash_entry, w, ImGuiInputTextFlags_CharsDecimal, focus,
                           Tr("pay.cash_hint"))) {
      pay.PayCashEntry();
    }
    ImGui::PopFont();
    // Quick cash: exact, then the next 10, 50, 100. All on one row when
    // their labels fit, else two a row: never one left off.
    const ImGuiStyle& st = ImGui::GetStyle();
    const auto quick = pay.quick_cash();
    const size_t n = std::min<size_t>(quick.size(), 4);
    std::vector<std::string> labels;
    float widest = 0;
    for (size_t i = 0; i < n; ++i) {
      labels.push_back(i == 0 ? TrF("pay.exact", YuanPlain(quick[i])) : Yuan(quick[i]));
      widest = std::max(widest, ImGui::CalcTextSize(labels.back().c_str()).x + 2 * st.FramePadding.x);
    }
    size_t per_row = std::max<size_t>(n, 1);
    while (per_row > 1 && (w - st.ItemSpacing.x * static_cast<float>(per_row - 1)) / static_cast<float>(per_row) < widest) {
      per_row = (per_row + 1) / 2;
    }
    const float qw = (w - st.ItemSpacing.x * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
    for (size_t i = 0; i < n; ++i) {
      if (i % per_row != 0) ImGui::SameLine();
      const std::string id = fmt::format("pay.quick.{}", i);
      if (widgets::Button(id.c_str(), labels[i].c_str(), ImVec2(qw, widgets::TouchHeight() * 1.2f))) {
        pay.PayCashAmount(quick[i]);
      }
    }
    // The keypad takes the height left above 收现金 F4, its keys as tall as
    // that allows (never under a touch target, never taller than wide).
    const float ok_h = widgets::TouchHeight() * 1.2f;
    const float key_w = (w - 3 * st.ItemSpacing.x) / 4;
    const float left = ImGui::GetContentRegionAvail().y - ok_h - st.ItemSpacing.y;
    const float key_h = std::clamp((left - 4 * st.ItemSpacing.y) / 4, widgets::MinTouch(), key_w);
    ImGui::PushFont(ctx.big);
    widgets::Keypad("pay.key", [&](char k) {
      if (k == 'E') {
        pay.PayCashEntry();
      } else {
        pay.KeypadPress(k);
      }
    }, ImVec2(key_w, key_h), true);
    ImGui::PopFont();
    if (widgets::Button("pay.cash_ok", WithKey("pay.take_cash", CommandFor(Action::kPay).key_name).c_str(),
                        ImVec2(w, ok_h), true, widgets::Tone::kPrimary)) {
      pay.PayCashEntry();
    }
    ImGui::EndChild();
  }

 private:
  void DrawDone(CounterModel& model, const ViewContext& ctx) {
    PaymentModel& pay = model.payment();
    PaymentState& p = pay.state();
    const PaymentModel::Headline head = pay.DoneHeadline();
    ImGui::TextUnformatted(head.label.c_str());
    widgets::Text("pay.change", ctx.huge, Yuan(head.fen), kColorOk);
    ImGui::PushFont(ctx.big);
    widgets::Text("pay.receipt_no", nullptr, TrF("pay.receipt_no", p.sale.receipt_no));
    ImGui::Text("%s %s", Tr("checkout.total"), Yuan(p.sale.priced.total_fen).c_str());
    ImGui::PopFont();
    for (const Tender& t : p.sale.tenders) {
      ImGui::Text("%s  %s", TenderLabel(t.method, t.provider).c_str(),
                  Yuan(t.method == "cash" ? t.tendered_fen : t.amount_fen).c_str());
    }
    widgets::Text("pay.print_status", nullptr, p.print_status, kColorMuted);
    ImGui::Spacing();
    const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) && !ImGui::IsAnyItemActive();
    if (widgets::Button("pay.next", WithKey("pay.next", CommandFor(Action::kEnter).key_name).c_str(),
                        ImVec2(400 * ctx.scale, widgets::TouchHeight() * 1.3f), true, widgets::Tone::kPrimary) ||
        enter) {
      pay.FinishSale();
    }
    ImGui::SameLine();
    if (widgets::Button("pay.preview", Tr("key.receipt"), ImVec2(300 * ctx.scale, widgets::TouchHeight() * 1.3f))) {
      model.receipt().PreviewReceipt(p.sale.receipt_no);
    }
  }
};

}  // namespace

std::unique_ptr<View> MakePaymentView() { return std::make_unique<PaymentView>(); }

}  // namespace linli::ui
