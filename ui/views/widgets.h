// Widgets every view uses: touch-sized buttons and fields with stable ids
// that the replay driver can click, and text whose drawn position is
// recorded so the end-to-end test can compare it with the font's own
// rendering. UI thread only.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <imgui.h>

namespace linli::ui::widgets {

// How a button looks: most are plain; the one primary action of a screen
// (付款) has its own colour, destructive ones (清空, 删除行) are muted.
enum class Tone { kNormal, kPrimary, kMuted };

// What a control looked like this frame.
struct ControlRecord {
  ImVec2 min, max;          // its rectangle on screen
  std::string text;         // the text it drew (for expect-text)
  ImFont* font = nullptr;   // the font the text was drawn in
  ImVec2 text_pos;          // where the text's first line starts
  // For expect-fit (ui/fit_check.h): the part of its window that shows,
  // whether it takes a tap, whether it is a row of a scrolling list, and
  // its top-level window (a prompt is drawn over the screen).
  ImVec2 clip_min, clip_max;
  bool clickable = false;
  bool scrolls = false;
  bool text_cut = false;   // its label or hint is wider than it
  unsigned layer = 0;
  Tone tone = Tone::kNormal;
  // For expect-tone: the face that shows the tone (a button's rectangle, a
  // check box's square).
  ImVec2 face_min, face_max;
};

void BeginFrame();
// The replay driver asks for a click on control `id` in the next frame.
void RequestClick(const std::string& id);
// The click requested and not yet taken by any control ("" when none).
const std::string& PendingClick();
void ClearPendingClick();
const ControlRecord* FindControl(const std::string& id);
// Every control drawn this frame, by id.
const std::map<std::string, ControlRecord>& Controls();

// While one is alive, controls are recorded as content of a scrolling list
// or panel (they may scroll out of view; expect-fit holds them to touch
// size only). Primary controls never scroll: they fit.
class ScrollingContent {
 public:
  ScrollingContent();
  ~ScrollingContent();
  ScrollingContent(const ScrollingContent&) = delete;
  ScrollingContent& operator=(const ScrollingContent&) = delete;
};

// A button at least `size` big (0: fits the label, at least touch height;
// a width < 0 fills to the right edge, as in ImGui).
bool Button(const char* id, const char* label, ImVec2 size = ImVec2(0, 0), bool enabled = true,
            Tone tone = Tone::kNormal);
// The colour of a button of `tone` (normal, hovered), and of its label.
ImU32 ToneColor(Tone tone, bool hovered = false);
ImU32 ToneTextColor(Tone tone);
// A touch-sized check box: a framed square, filled in the primary tone with
// a check mark drawn in lines when on (no glyph), and the label beside it;
// the box and the label both toggle it. Returns true when it changed.
bool Checkbox(const char* id, const char* label, bool* value);
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
// an optional Enter ('E', two keys wide). Calls on_key with the key.
// `key_size` is one key's; the pad is 4 keys and 3 spacings each way.
void Keypad(const char* id, const std::function<void(char)>& on_key, ImVec2 key_size, bool with_enter);

// The height of a touch target (about 12 mm at arm's length).
float TouchHeight();
// The least height of anything a finger taps: 44 px at scale 1 (the
// touch-target size of the usual guidelines). A list row is at least this.
float MinTouch();

}  // namespace linli::ui::widgets
