// Sign-in: cashier number and PIN, by keyboard or the on-screen keypad.
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
    const float w = 420 * ctx.scale;
    const float avail = ImGui::GetContentRegionAvail().x;
    ImGui::SetCursorPosX((avail - w) * 0.5f);
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
    if (!s.error.empty()) widgets::Text("signin.error", nullptr, s.error, kColorError);
    ImGui::Spacing();
    // Touch: the keypad types into the PIN (or the number while it is empty).
    const float key = (w - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
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
    }, key, true);
    if (widgets::Button("signin.ok", Tr("signin.ok"), ImVec2(w, 0))) {
      signin.SubmitSignIn();
      first_frame_ = true;
    }
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
