// Settings (owner): printer, scale, hub enrolment, 抹零 rule, language.
#include <algorithm>

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
    const ImGuiStyle& st = ImGui::GetStyle();
    // Labels as wide as the widest, then the field or the choices.
    label_w_ = 0;
    for (const char* k : {"settings.printer_uri", "settings.printer_profile", "settings.scale_port",
                          "settings.scale_protocol", "settings.hub_url", "settings.hub_token", "settings.hub_ca",
                          "settings.rounding", "settings.language"}) {
      label_w_ = std::max(label_w_, ImGui::CalcTextSize(Tr(k)).x);
    }
    label_w_ += 2 * st.ItemSpacing.x;
    // Two columns (the devices; the hub and the store) when the window is
    // wide enough for both, else one under the other (scrolling in a narrow
    // window: no till screen is one).
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const bool two = avail_w >= 2 * (label_w_ + 300 * ctx.scale);
    const float save_h = widgets::TouchHeight() + st.ItemSpacing.y;
    const float col_h = ImGui::GetContentRegionAvail().y - save_h;
    const float col_w = two ? (avail_w - st.ItemSpacing.x) / 2 : avail_w;
    {
      ImGui::BeginChild("devices", ImVec2(col_w, col_h), false);
      Section(ctx, "settings.printer");
      Field("settings.printer_uri", "settings.printer_uri", &s.printer_uri);
      Choice("settings.profile", "settings.printer_profile", &s.printer_profile,
             {"generic58", "generic80", "generic58-noqr", "generic80-noqr"}, "printer_profile.");
      Section(ctx, "settings.scale");
      Field("settings.scale_port", "settings.scale_port", &s.scale_port);
      Choice("settings.scale_protocol", "settings.scale_protocol", &s.scale_protocol, {"continuous-st", "cas-enq"},
             "scale_protocol.");
      if (two) {
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("hub_store", ImVec2(col_w, col_h), false);
      }
      Section(ctx, "settings.hub");
      Field("settings.hub_url", "settings.hub_url", &s.hub_url);
      Field("settings.hub_token", "settings.hub_token", &s.hub_token, ImGuiInputTextFlags_Password);
      Field("settings.hub_ca", "settings.hub_ca", &s.hub_ca_path);
      Section(ctx, "settings.store");
      Choice("settings.rounding", "settings.rounding", &s.cash_rounding,
             {"none", "jiao_down", "yuan_down", "jiao_nearest"}, "rounding.");
      Choice("settings.language", "settings.language", &s.language, {"zh_CN", "en"}, "language.");
      ImGui::EndChild();
    }
    if (widgets::Button("settings.save", Tr("settings.save"), ImVec2(300 * ctx.scale, 0), true,
                        widgets::Tone::kPrimary)) {
      settings.SaveSettings();
    }
    ImGui::SameLine();
    if (widgets::Button("settings.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(300 * ctx.scale, 0))) {
      model.Show(Screen::kCheckout);
    }
  }

 private:
  void Section(const ViewContext& ctx, const char* key) {
    ImGui::PushFont(ctx.big);
    ImGui::TextUnformatted(Tr(key));
    ImGui::PopFont();
  }

  // A label, then the text field to the column's edge.
  void Field(const char* id, const char* label_key, std::string* value, int flags = 0) {
    Label(label_key, widgets::MinTouch());
    widgets::InputText(id, value, -1, flags);
  }

  // The label at the left of a row `row_h` high, the cursor after it.
  void Label(const char* label_key, float row_h) {
    const float y = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(y + (row_h - ImGui::GetFontSize()) * 0.5f);
    ImGui::TextUnformatted(Tr(label_key));
    ImGui::SameLine(label_w_);
    ImGui::SetCursorPosY(y);
  }

  // A row of touch buttons, one per value; `prefix` names a string key for
  // each value ("rounding.none"). They wrap to more lines under the first
  // when the column is narrow.
  void Choice(const char* id, const char* label_key, std::string* value, std::initializer_list<const char*> values,
              const char* prefix) {
    ImGui::PushID(id);
    Label(label_key, widgets::TouchHeight());
    const float line_x = ImGui::GetCursorPosX();
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    bool first = true;
    for (const char* v : values) {
      const std::string label = Tr(std::string(prefix) + v);
      const float bw = ImGui::CalcTextSize(label.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x;
      if (!first) {
        ImGui::SameLine();
        if (ImGui::GetCursorScreenPos().x + bw > right) {
          ImGui::NewLine();
          ImGui::SetCursorPosX(line_x);
        }
      }
      first = false;
      const bool on = *value == v;
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      const std::string bid = std::string(id) + "." + v;
      if (widgets::Button(bid.c_str(), label.c_str(), ImVec2(bw, 0))) *value = v;
      if (on) ImGui::PopStyleColor();
    }
    ImGui::PopID();
  }

  float label_w_ = 0;
};

}  // namespace

std::unique_ptr<View> MakeSettingsView() { return std::make_unique<SettingsView>(); }

}  // namespace linli::ui
