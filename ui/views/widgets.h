// Widgets every view uses: touch-sized buttons and fields with stable ids
// that the replay driver can click, and text whose drawn position is
// recorded so the end-to-end test can compare it with the font's own
// rendering. UI thread only.
#pragma once

#include <functional>
#include <string>

#include <imgui.h>

namespace linli::ui::widgets {

// What a control looked like this frame.
struct ControlRecord {
  ImVec2 min, max;          // its rectangle on screen
  std::string text;         // the text it drew (for expect-text)
  ImFont* font = nullptr;   // the font the text was drawn in
  ImVec2 text_pos;          // where the text's first line starts
};

void BeginFrame();
// The replay driver asks for a click on control `id` in the next frame.
void RequestClick(const std::string& id);
// The click requested and not yet taken by any control ("" when none).
const std::string& PendingClick();
void ClearPendingClick();
const ControlRecord* FindControl(const std::string& id);

// A button at least `size` big (0: fits the label, at least touch height).
bool Button(const char* id, const char* label, ImVec2 size = ImVec2(0, 0), bool enabled = true);
// A text field bound to `value`. Returns true when Enter was pressed in it.
// `focus`: take keyboard focus this frame. The cursor then goes to the end
// (a scan field continues what was typed) unless `select` is set: then what
// the field holds is selected, so typing replaces a pre-filled value ("1"
// then 3 is 3, not 13).
bool InputText(const char* id, std::string* value, float width, int flags = 0, bool focus = false,
               const char* hint = nullptr, bool select = false);
// Text drawn at the cursor in `font` (null: current), recorded as control `id`.
void Text(const char* id, ImFont* font, const std::string& text, ImU32 color = 0);
// A 4×4 numeric keypad: digits, '.', 'B' (backspace), 'C' (clear), and
// an optional Enter ('E'). Calls on_key with the key.
void Keypad(const char* id, const std::function<void(char)>& on_key, float key_size, bool with_enter);

// The height of a touch target (about 12 mm at arm's length).
float TouchHeight();

}  // namespace linli::ui::widgets
