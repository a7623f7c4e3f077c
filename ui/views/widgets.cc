#include "widgets.h"

#include <map>

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include "linli/ui/i18n.h"

namespace linli::ui::widgets {
namespace {

struct State {
  std::map<std::string, ControlRecord> controls;
  std::string pending_click;
  std::string click_now;  // the click this frame
  int list_depth = 0;     // ScrollingContent alive
};
State& S() {
  static State s;
  return s;
}

ControlRecord& Record(const char* id, const std::string& text, ImFont* font, ImVec2 text_pos, bool clickable) {
  ControlRecord r;
  r.min = ImGui::GetItemRectMin();
  r.max = ImGui::GetItemRectMax();
  r.text = text;
  r.font = font;
  r.text_pos = text_pos;
  const ImGuiWindow* w = ImGui::GetCurrentWindow();
  r.clip_min = w->ClipRect.Min;
  r.clip_max = w->ClipRect.Max;
  r.clickable = clickable;
  r.scrolls = S().list_depth > 0;
  r.layer = w->RootWindow ? w->RootWindow->ID : w->ID;
  r.face_min = r.min;
  r.face_max = r.max;
  ControlRecord& slot = S().controls[id];
  slot = std::move(r);
  return slot;
}

// The three colours of a tone's button: normal, hovered, held.
struct ToneColors {
  ImU32 normal, hovered, active, text;
};
ToneColors ColorsOf(Tone tone) {
  switch (tone) {
    case Tone::kPrimary:  // green, as 付款 on the tills shops know; white text
      return {IM_COL32(30, 140, 70, 255), IM_COL32(40, 160, 85, 255), IM_COL32(20, 110, 55, 255),
              IM_COL32(255, 255, 255, 255)};
    case Tone::kMuted:  // paler than the others, subdued brick text: not where the hand goes first
      return {IM_COL32(240, 236, 232, 255), IM_COL32(248, 224, 218, 255), IM_COL32(238, 200, 192, 255),
              IM_COL32(150, 75, 60, 255)};
    case Tone::kNormal: break;
  }
  const ImGuiStyle& st = ImGui::GetStyle();
  return {ImGui::GetColorU32(st.Colors[ImGuiCol_Button]), ImGui::GetColorU32(st.Colors[ImGuiCol_ButtonHovered]),
          ImGui::GetColorU32(st.Colors[ImGuiCol_ButtonActive]), ImGui::GetColorU32(st.Colors[ImGuiCol_Text])};
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

const std::map<std::string, ControlRecord>& Controls() { return S().controls; }

ScrollingContent::ScrollingContent() { ++S().list_depth; }
ScrollingContent::~ScrollingContent() { --S().list_depth; }

float TouchHeight() { return ImGui::GetFontSize() * 2.2f; }

float MinTouch() {
  const ImFont* f = ImGui::GetIO().FontDefault;
  return f ? f->FontSize * 2.0f : 44.0f;
}

ImU32 ToneColor(Tone tone, bool hovered) {
  const ToneColors c = ColorsOf(tone);
  return hovered ? c.hovered : c.normal;
}

ImU32 ToneTextColor(Tone tone) { return ColorsOf(tone).text; }

bool Button(const char* id, const char* label, ImVec2 size, bool enabled, Tone tone) {
  ImGui::PushID(id);
  if (size.y <= 0) size.y = TouchHeight();
  if (!enabled) ImGui::BeginDisabled();
  const bool styled = tone != Tone::kNormal;
  if (styled) {
    const ToneColors c = ColorsOf(tone);
    ImGui::PushStyleColor(ImGuiCol_Button, c.normal);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c.hovered);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, c.active);
    ImGui::PushStyleColor(ImGuiCol_Text, c.text);
  }
  bool pressed = ImGui::Button(label, size);
  if (styled) ImGui::PopStyleColor(4);
  if (!enabled) ImGui::EndDisabled();
  ControlRecord& rec = Record(id, label, ImGui::GetFont(), ImGui::GetItemRectMin(), true);
  rec.tone = tone;
  // ImGui clips a label at the button's edge; half the padding each side is
  // the least that still reads as fitting.
  rec.text_cut = ImGui::CalcTextSize(label, nullptr, true).x > rec.max.x - rec.min.x - ImGui::GetStyle().FramePadding.x;
  ImGui::PopID();
  if (TakeClick(id) && enabled) pressed = true;
  return pressed;
}

bool Checkbox(const char* id, const char* label, bool* value) {
  ImGui::PushID(id);
  const float h = TouchHeight();
  const ImVec2 label_size = ImGui::CalcTextSize(label);
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float w = h + st.ItemInnerSpacing.x + label_size.x + st.FramePadding.x;
  // One item for the box and the label: a tap on either toggles.
  bool pressed = ImGui::InvisibleButton("##check", ImVec2(w, h));
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = h * 0.12f;
  const ImVec2 b0(pos.x + pad, pos.y + pad), b1(pos.x + h - pad, pos.y + h - pad);
  const ToneColors on = ColorsOf(Tone::kPrimary);
  dl->AddRectFilled(b0, b1, *value ? on.normal : IM_COL32(255, 255, 255, 255), st.FrameRounding);
  dl->AddRect(b0, b1, *value ? on.active : (hovered ? IM_COL32(60, 110, 200, 255) : IM_COL32(120, 120, 120, 255)),
              st.FrameRounding, 0, 2.0f);
  if (*value) {
    // A check mark in lines, as ImGui's own RenderCheckMark draws it.
    const float s = b1.x - b0.x;
    const ImVec2 p0(b0.x + s * 0.22f, b0.y + s * 0.52f), p1(b0.x + s * 0.42f, b0.y + s * 0.72f),
        p2(b0.x + s * 0.78f, b0.y + s * 0.28f);
    const ImVec2 pts[3] = {p0, p1, p2};
    dl->AddPolyline(pts, 3, on.text, 0, std::max(2.0f, s * 0.12f));
  }
  const ImVec2 text_pos(pos.x + h + st.ItemInnerSpacing.x, pos.y + (h - label_size.y) * 0.5f);
  dl->AddText(text_pos, ImGui::GetColorU32(ImGuiCol_Text), label);
  ControlRecord& rec = Record(id, label, ImGui::GetFont(), text_pos, true);
  rec.face_min = b0;
  rec.face_max = b1;
  rec.tone = *value ? Tone::kPrimary : Tone::kNormal;
  ImGui::PopID();
  if (TakeClick(id)) pressed = true;
  if (pressed) *value = !*value;
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
  // The field is twice its font high. A hint too wide for the font (the
  // big scan field at 1024 px) shows in the body font, the field as high.
  const float height = ImGui::GetFontSize() * 2.0f;
  const float inner_w = (width > 0 ? width : ImGui::GetContentRegionAvail().x + width) - 2 * ImGui::GetStyle().FramePadding.x;
  ImFont* body = ImGui::GetIO().FontDefault;
  const bool small_hint = hint && value->empty() && body && ImGui::GetFont() != body &&
                          ImGui::CalcTextSize(hint).x > inner_w;
  if (small_hint) ImGui::PushFont(body);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                      ImVec2(ImGui::GetStyle().FramePadding.x, (height - ImGui::GetFontSize()) * 0.5f));
  bool enter;
  if (hint) {
    enter = ImGui::InputTextWithHint("##field", hint, value, flags | ImGuiInputTextFlags_EnterReturnsTrue,
                                     CursorToEnd, &move_to_end);
  } else {
    enter = ImGui::InputText("##field", value, flags | ImGuiInputTextFlags_EnterReturnsTrue, CursorToEnd,
                             &move_to_end);
  }
  ImGui::PopStyleVar();
  ControlRecord& rec = Record(id, *value, ImGui::GetFont(), ImGui::GetItemRectMin(), true);
  if (hint && value->empty()) {
    rec.text_cut = ImGui::CalcTextSize(hint).x > rec.max.x - rec.min.x - 2 * ImGui::GetStyle().FramePadding.x;
  }
  if (small_hint) ImGui::PopFont();
  ImGui::PopID();
  return enter;
}

void Text(const char* id, ImFont* font, const std::string& text, ImU32 color) {
  if (font) ImGui::PushFont(font);
  if (color) ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
  if (color) ImGui::PopStyleColor();
  // The item starts where the text does (after AlignTextToFramePadding too).
  Record(id, text, ImGui::GetFont(), ImGui::GetItemRectMin(), false);
  if (font) ImGui::PopFont();
}

void Keypad(const char* id, const std::function<void(char)>& on_key, ImVec2 key_size, bool with_enter) {
  // 7 8 9 ⌫ / 4 5 6 清除 / 1 2 3 . / 0 00 OK (the ids keep the letters: keypad.C)
  static const char* const kKeys[4][4] = {
      {"7", "8", "9", "B"}, {"4", "5", "6", "C"}, {"1", "2", "3", "."}, {"0", "00", "E", ""}};
  ImGui::PushID(id);
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      const std::string k = kKeys[r][c];
      if (k.empty() || (k == "E" && !with_enter)) continue;
      if (c > 0) ImGui::SameLine();
      const char* label = k == "B"   ? Tr("keypad.back")
                          : k == "E" ? Tr("keypad.ok")
                          : k == "C" ? Tr("keypad.clear")
                                     : k.c_str();
      const std::string name = k == "." ? "dot" : k == "E" ? "enter" : k == "B" ? "back" : k;
      const std::string kid = std::string(id) + "." + name;
      const float w = k == "E" ? key_size.x * 2 + ImGui::GetStyle().ItemSpacing.x : key_size.x;
      if (Button(kid.c_str(), label, ImVec2(w, key_size.y))) {
        for (char ch : (k == "00" ? std::string("00") : std::string(1, k[0]))) on_key(ch);
      }
    }
  }
  ImGui::PopID();
}

}  // namespace linli::ui::widgets
