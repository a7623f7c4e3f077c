// The one list of screens, and the parts around them.
#include <algorithm>

#include <fmt/format.h>

#include "view.h"
#include "views_internal.h"
#include "widgets.h"
#include "linli/ui/format.h"
#include "linli/ui/sync_status.h"
#include "linli/pos/clock.h"

namespace linli::ui {

std::vector<std::unique_ptr<View>> MakeViews() {
  std::vector<std::unique_ptr<View>> views;
  views.push_back(MakeSignInView());
  views.push_back(MakeCheckoutView());
  views.push_back(MakeSearchView());
  views.push_back(MakePaymentView());
  views.push_back(MakeRefundView());
  views.push_back(MakeShiftView());
  views.push_back(MakeReceiptView());
  views.push_back(MakeSuspendedView());
  views.push_back(MakeSettingsView());
  views.push_back(MakeMembersView());
  views.push_back(MakeQuickKeysView());
  views.push_back(MakeManageView());
  views.push_back(MakeHelpView());
  return views;
}

std::string WithKey(const char* key, const char* fkey) { return fmt::format("{}  {}", Tr(key), fkey); }

void DrawTopBar(CounterModel& model, const ViewContext& ctx, const char* title) {
  ImGui::PushFont(ctx.big);
  ImGui::TextUnformatted(model.session().store_name().c_str());
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "· %s", title);
  ImGui::PopFont();
  if (model.user()) {
    const float w = 360 * ctx.scale;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - w);
    if (widgets::Button("nav.lock", Tr("nav.lock"), ImVec2(w / 3 - 6, 0))) model.signin().Lock();
    ImGui::SameLine();
    if (widgets::Button("nav.signout", Tr("nav.sign_out"), ImVec2(w / 3 - 6, 0))) model.session().SignOut();
    ImGui::SameLine();
    if (widgets::Button("nav.settings", Tr("nav.settings"), ImVec2(w / 3 - 6, 0))) model.Show(Screen::kSettings);
  }
  ImGui::Separator();
}

void DrawStatusBar(CounterModel& model, const ViewContext& ctx) {
  const StatusBarState& st = model.session().status();
  ImGui::Separator();
  // Sync, in plain words.
  const SyncStatusLine sync = FormatSyncStatus(st.sync);
  ImU32 color = kColorMuted;
  switch (sync.tone) {
    case SyncStatusLine::Tone::kMuted: break;
    case SyncStatusLine::Tone::kOk: color = kColorOk; break;
    case SyncStatusLine::Tone::kWarn: color = kColorWarn; break;
    case SyncStatusLine::Tone::kError: color = kColorError; break;
  }
  widgets::Text("status.sync", nullptr, sync.text, color);
  ImGui::SameLine(0, 30 * ctx.scale);
  widgets::Text("status.printer", nullptr, TrF("status.printer", st.printer), st.printer_ok ? kColorMuted : kColorError);
  ImGui::SameLine(0, 30 * ctx.scale);
  std::string weight = st.weight_g ? TrF("status.weight", QtyText(*st.weight_g, SaleUnit::kKg))
                                   : std::string(Tr("status.weight_none"));
  widgets::Text("status.weight", nullptr, weight, kColorMuted);
  ImGui::SameLine(0, 30 * ctx.scale);
  std::string who = model.user() ? TrF("status.cashier", model.user()->name, model.user()->id)
                                 : std::string(Tr("status.signed_out"));
  widgets::Text("status.cashier", nullptr, who, kColorMuted);
  ImGui::SameLine(0, 30 * ctx.scale);
  widgets::Text("status.time", nullptr, FormatLocal(SystemClock().NowMs(), model.session().time_zone(), "HH:mm"), kColorMuted);
  if (model.session().busy()) {
    ImGui::SameLine(0, 30 * ctx.scale);
    widgets::Text("status.busy", nullptr, Tr("status.busy"), kColorWarn);
  }
}

void DrawNotices(CounterModel& model, const ViewContext& ctx) {
  // One band above the status bar: the newest notice, in plain words, with
  // what can be done about it. It never covers the cart, total or keypad.
  const auto& notices = model.notices();
  const std::vector<size_t> visible = model.session().VisibleNotices();
  if (visible.empty()) {
    ImGui::Dummy(ImVec2(0, widgets::TouchHeight()));
    return;
  }
  const size_t i = visible.back();
  const Notice& n = notices[i];
  const ImU32 c = n.level == Notice::Level::kError     ? kColorError
                  : n.level == Notice::Level::kSuccess ? kColorOk
                                                       : kColorMuted;
  ImGui::PushID("notice");
  const float buttons_w = n.unknown_code.empty() ? 140 * ctx.scale : 320 * ctx.scale;
  ImGui::BeginChild("##band", ImVec2(ImGui::GetContentRegionAvail().x - buttons_w, widgets::TouchHeight()), false,
                    ImGuiWindowFlags_NoScrollbar);
  std::string text = n.text;
  if (visible.size() > 1) text = fmt::format("({}) {}", visible.size(), text);
  // One line in the middle of the band; a longer message wraps to two
  // (the band is two lines high), never cut off at its edge.
  const float band_w = ImGui::GetContentRegionAvail().x;
  const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, band_w);
  ImGui::SetCursorPosY(std::max(0.0f, (widgets::TouchHeight() - size.y) * 0.5f));
  ImGui::PushTextWrapPos(band_w);
  widgets::Text("notices.last", nullptr, text, c);
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::SameLine();
  if (!n.unknown_code.empty()) {
    if (widgets::Button("notice.add_product", Tr("notice.add_product"), ImVec2(170 * ctx.scale, 0))) {
      model.checkout().AskAddProduct(n.unknown_code);
    }
    ImGui::SameLine();
  }
  if (widgets::Button("notice.dismiss", Tr("notice.dismiss"), ImVec2(130 * ctx.scale, 0))) model.session().DismissNotice(i);
  ImGui::PopID();
}

void DrawPrompt(CounterModel& model, const ViewContext& ctx) {
  Prompt& p = model.prompt();
  if (p.kind == PromptKind::kNone) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Dim what is behind.
  ImGui::GetBackgroundDrawList();
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.42f), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->Size.x * 0.9f, 620 * ctx.scale), 0));
  ImGui::SetNextWindowFocus();
  ImGui::Begin("##prompt", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::PushFont(ctx.big);
  widgets::Text("prompt.title", nullptr, p.title);
  ImGui::PopFont();
  ImGui::TextWrapped("%s", p.hint.c_str());
  const float w = ImGui::GetContentRegionAvail().x;
  const bool product = p.kind == PromptKind::kAddProduct || p.kind == PromptKind::kEditProduct;
  const bool two = product || p.kind == PromptKind::kPayIn || p.kind == PromptKind::kPayOut;
  // Widget state: focus the field once per prompt, and again when the prompt
  // comes back with an error or a question (Enter let go of the field), so
  // that the cashier can type the answer or press Enter to confirm.
  static PromptKind focused_for = PromptKind::kNone;
  static std::string error_for;
  const bool focus = focused_for != p.kind || error_for != p.error;
  focused_for = p.kind;
  error_for = p.error;
  // A confirmation has nothing to type: Enter is OK.
  const bool question = p.kind == PromptKind::kConfirmCart;
  bool enter = question && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
  ImGui::PushFont(ctx.big);
  if (!question) {
    enter = widgets::InputText("prompt.input", &p.input, w, p.secret ? ImGuiInputTextFlags_Password : 0, focus,
                               product ? Tr("prompt.add_product.name") : nullptr,
                               /*select=*/true);
  }
  if (two) {
    enter |= widgets::InputText("prompt.input2", &p.input2, w, 0, false,
                                product ? Tr("prompt.add_product.price") : Tr("prompt.reason"));
  }
  ImGui::PopFont();
  if (!p.choice_labels.empty()) {
    // The choice (reason code, unit): one touch button each, the picked one lit.
    ImGui::TextUnformatted(p.choice_title.c_str());
    float x = 0;
    for (size_t i = 0; i < p.choice_labels.size(); ++i) {
      const std::string& label = p.choice_labels[i];
      const float bw_i = std::max(110 * ctx.scale, ImGui::CalcTextSize(label.c_str()).x + 32 * ctx.scale);
      if (i > 0) {
        if (x + bw_i <= w) {
          ImGui::SameLine();
        } else {
          x = 0;  // on to the next row
        }
      }
      x += bw_i + ImGui::GetStyle().ItemSpacing.x;
      const bool picked = static_cast<int>(i) == p.choice;
      if (picked) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kColorOk));
      if (widgets::Button(fmt::format("prompt.choice.{}", i).c_str(), label.c_str(), ImVec2(bw_i, 0))) {
        p.choice = static_cast<int>(i);
      }
      if (picked) ImGui::PopStyleColor();
    }
  }
  if (!p.error.empty()) widgets::Text("prompt.error", nullptr, p.error, kColorError);
  if (p.kind == PromptKind::kWeight && model.session().status().weight_g.has_value() == false) {
    // nothing: the scale reading arrives by itself
  }
  const float bw = (w - ImGui::GetStyle().ItemSpacing.x) / 2;
  if (p.kind == PromptKind::kWeight) {
    if (widgets::Button("prompt.weigh", Tr("prompt.weight.read_scale"), ImVec2(w, 0))) model.checkout().WeighFromScale();
  }
  if (widgets::Button("prompt.ok", Tr("prompt.ok"), ImVec2(bw, 0)) || enter) {
    model.SubmitPrompt();
  } else {
    ImGui::SameLine();
    if (widgets::Button("prompt.cancel", Tr("prompt.cancel"), ImVec2(bw, 0))) model.session().CancelPrompt();
  }
  if (model.prompt().kind == PromptKind::kNone) focused_for = PromptKind::kNone;
  ImGui::End();
}

}  // namespace linli::ui
