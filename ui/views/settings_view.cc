// Settings (owner): printer, scale, hub enrolment, 抹零 rule, language.
#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class SettingsView final : public View {
 public:
  SettingsView() : View(Screen::kSettings, "screen.settings") {}

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    SettingsModel& settings = model.settings();
    SettingsState& s = settings.state();
    const float label_w = 260 * ctx.scale;
    const float field_w = ImGui::GetContentRegionAvail().x - label_w - 20;
    auto field = [&](const char* id, const char* label_key, std::string* value, int flags = 0) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(Tr(label_key));
      ImGui::SameLine(label_w);
      widgets::InputText(id, value, field_w, flags);
    };
    ImGui::PushFont(ctx.big);
    ImGui::TextUnformatted(Tr("settings.printer"));
    ImGui::PopFont();
    field("settings.printer_uri", "settings.printer_uri", &s.printer_uri);
    Choice("settings.profile", "settings.printer_profile", &s.printer_profile,
           {"generic58", "generic80", "generic58-noqr", "generic80-noqr"}, label_w, "printer_profile.");
    ImGui::PushFont(ctx.big);
    ImGui::TextUnformatted(Tr("settings.scale"));
    ImGui::PopFont();
    field("settings.scale_port", "settings.scale_port", &s.scale_port);
    Choice("settings.scale_protocol", "settings.scale_protocol", &s.scale_protocol, {"continuous-st", "cas-enq"},
           label_w, "scale_protocol.");
    ImGui::PushFont(ctx.big);
    ImGui::TextUnformatted(Tr("settings.hub"));
    ImGui::PopFont();
    field("settings.hub_url", "settings.hub_url", &s.hub_url);
    field("settings.hub_token", "settings.hub_token", &s.hub_token, ImGuiInputTextFlags_Password);
    field("settings.hub_ca", "settings.hub_ca", &s.hub_ca_path);
    ImGui::PushFont(ctx.big);
    ImGui::TextUnformatted(Tr("settings.store"));
    ImGui::PopFont();
    Choice("settings.rounding", "settings.rounding", &s.cash_rounding,
           {"none", "jiao_down", "yuan_down", "jiao_nearest"}, label_w, "rounding.");
    Choice("settings.language", "settings.language", &s.language, {"zh_CN", "en"}, label_w, "language.");
    ImGui::Spacing();
    if (widgets::Button("settings.save", Tr("settings.save"), ImVec2(300 * ctx.scale, 0))) settings.SaveSettings();
    ImGui::SameLine();
    if (widgets::Button("settings.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(300 * ctx.scale, 0))) {
      model.Show(Screen::kCheckout);
    }
  }

 private:
  // A row of touch buttons, one per value; `prefix` names a string key for
  // each value ("rounding.none"), or shows the value itself.
  void Choice(const char* id, const char* label_key, std::string* value, std::initializer_list<const char*> values,
              float label_w, const char* prefix = nullptr) {
    ImGui::PushID(id);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr(label_key));
    ImGui::SameLine(label_w);
    for (const char* v : values) {
      const bool on = *value == v;
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      const std::string bid = std::string(id) + "." + v;
      const std::string label = prefix ? Tr(std::string(prefix) + v) : v;
      if (widgets::Button(bid.c_str(), label.c_str())) *value = v;
      if (on) ImGui::PopStyleColor();
      ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::PopID();
  }
};

}  // namespace

std::unique_ptr<View> MakeSettingsView() { return std::make_unique<SettingsView>(); }

}  // namespace linli::ui
