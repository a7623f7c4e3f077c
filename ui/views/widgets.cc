#include "widgets.h"

#include <map>

#include <imgui_stdlib.h>

#include "linli/ui/i18n.h"

namespace linli::ui::widgets {
namespace {

struct State {
  std::map<std::string, ControlRecord> controls;
  std::string pending_click;
  std::string click_now;  // the click this frame
};
State& S() {
  static State s;
  return s;
}

void Record(const char* id, const std::string& text, ImFont* font, ImVec2 text_pos) {
  ControlRecord r;
  r.min = ImGui::GetItemRectMin();
  r.max = ImGui::GetItemRectMax();
  r.text = text;
  r.font = font;
  r.text_pos = text_pos;
  S().controls[id] = std::move(r);
}

// Whether the replay driver clicks `id` this frame; consumes the click.
bool TakeClick(const char* id) {
  State& s = S();
  if (!s.click_now.empty() && s.click_now == id) {
    s.click_now.clear();
    s.pending_click.clear();
    return true;
  }
  return false;
}

}  // namespace

void BeginFrame() {
  State& s = S();
  s.controls.clear();
  s.click_now = s.pending_click;
}

void RequestClick(const std::string& id) { S().pending_click = id; }
const std::string& PendingClick() { return S().pending_click; }
void ClearPendingClick() { S().pending_click.clear(); }

const ControlRecord* FindControl(const std::string& id) {
  auto it = S().controls.find(id);
  return it == S().controls.end() ? nullptr : &it->second;
}

float TouchHeight() { return ImGui::GetFontSize() * 2.2f; }

bool Button(const char* id, const char* label, ImVec2 size, bool enabled) {
  ImGui::PushID(id);
  if (size.y <= 0) size.y = TouchHeight();
  if (!enabled) ImGui::BeginDisabled();
  bool pressed = ImGui::Button(label, size);
  if (!enabled) ImGui::EndDisabled();
  Record(id, label, ImGui::GetFont(), ImGui::GetItemRectMin());
  ImGui::PopID();
  if (TakeClick(id) && enabled) pressed = true;
  return pressed;
}

// Focusing a field from code selects its text in ImGui 1.86, so the next key
// would replace it; a cashier continuing to type expects to append.
int CursorToEnd(ImGuiInputTextCallbackData* data) {
  bool* pending = static_cast<bool*>(data->UserData);
  if (*pending) {
    data->CursorPos = data->SelectionStart = data->SelectionEnd = data->BufTextLen;
    *pending = false;
  }
  return 0;
}

bool InputText(const char* id, std::string* value, float width, int flags, bool focus, const char* hint,
               bool select) {
  ImGui::PushID(id);
  static bool move_to_end = false;  // one field takes focus at a time
  if (focus || TakeClick(id)) {
    ImGui::SetKeyboardFocusHere();
    move_to_end = !select;
  }
  if (select) flags |= ImGuiInputTextFlags_AutoSelectAll;
  flags |= ImGuiInputTextFlags_CallbackAlways;
  ImGui::SetNextItemWidth(width);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                      ImVec2(ImGui::GetStyle().FramePadding.x, ImGui::GetFontSize() * 0.5f));
  bool enter;
  if (hint) {
    enter = ImGui::InputTextWithHint("##field", hint, value, flags | ImGuiInputTextFlags_EnterReturnsTrue,
                                     CursorToEnd, &move_to_end);
  } else {
    enter = ImGui::InputText("##field", value, flags | ImGuiInputTextFlags_EnterReturnsTrue, CursorToEnd,
                             &move_to_end);
  }
  ImGui::PopStyleVar();
  Record(id, *value, ImGui::GetFont(), ImGui::GetItemRectMin());
  ImGui::PopID();
  return enter;
}

void Text(const char* id, ImFont* font, const std::string& text, ImU32 color) {
  if (font) ImGui::PushFont(font);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  if (color) ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
  if (color) ImGui::PopStyleColor();
  Record(id, text, ImGui::GetFont(), pos);
  if (font) ImGui::PopFont();
}

void Keypad(const char* id, const std::function<void(char)>& on_key, float key_size, bool with_enter) {
  // 7 8 9 ⌫ / 4 5 6 C / 1 2 3 . / 0 00 OK
  static const char* const kKeys[4][4] = {
      {"7", "8", "9", "B"}, {"4", "5", "6", "C"}, {"1", "2", "3", "."}, {"0", "00", "E", ""}};
  ImGui::PushID(id);
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      const std::string k = kKeys[r][c];
      if (k.empty() || (k == "E" && !with_enter)) continue;
      if (c > 0) ImGui::SameLine();
      const char* label = k == "B" ? Tr("keypad.back") : k == "E" ? Tr("keypad.ok") : k.c_str();
      const std::string name = k == "." ? "dot" : k == "E" ? "enter" : k == "B" ? "back" : k;
      const std::string kid = std::string(id) + "." + name;
      const float w = k == "E" ? key_size * 2 + ImGui::GetStyle().ItemSpacing.x : key_size;
      if (Button(kid.c_str(), label, ImVec2(w, key_size))) {
        for (char ch : (k == "00" ? std::string("00") : std::string(1, k[0]))) on_key(ch);
      }
    }
  }
  ImGui::PopID();
}

}  // namespace linli::ui::widgets
