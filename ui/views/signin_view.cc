// Sign-in: cashier number and PIN, by keyboard or the on-screen keypad.
#include <algorithm>

#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class SignInView final : public View {
 public:
  SignInView() : View(Screen::kSignIn, "screen.signin") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    SignInModel& signin = model.signin();
    SignInState& s = signin.state();
    const ImGuiStyle& st = ImGui::GetStyle();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // The form and the keypad side by side when the window is wide enough
    // (every till screen is), else the keypad under the form. Keys are as
    // big as the height allows, never under a touch target.
    const float w = std::min(420 * ctx.scale, avail.x);
    const float gap = 40 * ctx.scale;
    const float key_side = std::clamp((avail.y - 3 * st.ItemSpacing.y) / 4, widgets::MinTouch(), 96 * ctx.scale);
    const float pad_w = 4 * key_side + 3 * st.ItemSpacing.x;
    const bool side_by_side = w + gap + pad_w <= avail.x;
    const float total_w = side_by_side ? w + gap + pad_w : w;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail.x - total_w) * 0.5f);
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.big);
    widgets::Text("signin.title", nullptr, s.locked ? Tr("signin.locked_title") : Tr("signin.title"));
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::TextUnformatted(Tr("signin.user"));
    bool submit = widgets::InputText("signin.user", &s.user_id, w, ImGuiInputTextFlags_CharsDecimal,
                                     first_frame_ && s.user_id.empty(), Tr("signin.user_hint"));
    if (submit) focus_pin_ = true;
    ImGui::TextUnformatted(Tr("signin.pin"));
    const bool want_pin = focus_pin_ || (first_frame_ && !s.user_id.empty());
    focus_pin_ = false;
    first_frame_ = false;
    if (widgets::InputText("signin.pin", &s.pin, w, ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal,
                           want_pin, Tr("signin.pin_hint"))) {
      signin.SubmitSignIn();
      first_frame_ = true;
    }
    ImGui::Spacing();
    if (widgets::Button("signin.ok", Tr("signin.ok"), ImVec2(w, 0), true, widgets::Tone::kPrimary)) {
      signin.SubmitSignIn();
      first_frame_ = true;
    }
    // The message under the button, wrapped to the form: it never moves
    // the keypad.
    if (!s.error.empty()) {
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
      widgets::Text("signin.error", nullptr, s.error, kColorError);
      ImGui::PopTextWrapPos();
    }
    ImGui::EndGroup();
    float key = key_side;
    if (side_by_side) {
      ImGui::SameLine(0, gap);
    } else {
      key = std::max(widgets::MinTouch(), std::min((w - 3 * st.ItemSpacing.x) / 4,
                                                    (ImGui::GetContentRegionAvail().y - 3 * st.ItemSpacing.y) / 4));
      ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail.x - w) * 0.5f);
    }
    ImGui::BeginGroup();
    // Touch: the keypad types into the PIN (or the number while it is empty).
    widgets::Keypad("signin.keypad", [&](char k) {
      std::string& target = s.user_id.empty() || editing_user_ ? s.user_id : s.pin;
      if (k == 'B') {
        if (!target.empty()) target.pop_back();
      } else if (k == 'C') {
        target.clear();
      } else if (k == 'E') {
        if (&target == &s.user_id) {
          editing_user_ = false;
        } else {
          signin.SubmitSignIn();
        }
      } else if (k != '.') {
        target += k;
      }
    }, ImVec2(key, key), true);
    ImGui::EndGroup();
  }

 private:
  bool first_frame_ = true;
  bool focus_pin_ = false;
  bool editing_user_ = false;
};

}  // namespace

std::unique_ptr<View> MakeSignInView() { return std::make_unique<SignInView>(); }

}  // namespace linli::ui
