#include "linli/ui/input_router.h"

namespace linli::ui {

std::string EncodeUtf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

void InputRouter::Release() {
  if (held_.empty()) return;
  std::string text;
  for (char32_t c : held_) text += EncodeUtf8(c);
  held_.clear();
  // Merge with a text event just before, so typing stays one event.
  if (!out_.empty() && out_.back().kind == RoutedInput::Kind::kText) {
    out_.back().text += text;
  } else {
    out_.push_back({RoutedInput::Kind::kText, std::move(text)});
  }
}

void InputRouter::OnChar(char32_t c, int64_t t_ms) {
  // Scanners send ASCII; anything else (an IME's Chinese) is typing.
  if (c < 0x20 || c > 0x7E) {
    Release();
    std::string text = EncodeUtf8(c);
    if (!out_.empty() && out_.back().kind == RoutedInput::Kind::kText) {
      out_.back().text += text;
    } else {
      out_.push_back({RoutedInput::Kind::kText, std::move(text)});
    }
    return;
  }
  if (!held_.empty() && t_ms - last_ms_ > options_.max_gap_ms) Release();
  held_.push_back(c);
  last_ms_ = t_ms;
}

void InputRouter::OnEnter(int64_t t_ms) {
  if (held_.size() >= options_.min_length && t_ms - last_ms_ <= options_.max_gap_ms) {
    std::string code;
    for (char32_t c : held_) code += static_cast<char>(c);
    held_.clear();
    out_.push_back({RoutedInput::Kind::kScan, std::move(code)});
    return;
  }
  Release();
  out_.push_back({RoutedInput::Kind::kEnter, {}});
}

void InputRouter::OnOtherKey(int64_t /*t_ms*/) { Release(); }

void InputRouter::Poll(int64_t now_ms) {
  if (!held_.empty() && now_ms - last_ms_ > options_.max_gap_ms) Release();
}

std::vector<RoutedInput> InputRouter::Take() {
  std::vector<RoutedInput> out;
  out.swap(out_);
  return out;
}

}  // namespace linli::ui
