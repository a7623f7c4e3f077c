// Telling a barcode scanner from a person at the keyboard.
//
// A keyboard-wedge scanner "types" its code into whatever has focus: the
// characters of the code a few milliseconds apart, then Enter. The counter
// must put that code in the cart (or the payment, or the refund lookup)
// wherever the focus happens to be, and must not let it land in, say, the
// cash-tendered field. A person types the same characters 80 ms or more
// apart.
//
// The router sits between the window system and ImGui. Printable characters
// are held back briefly; when Enter arrives and every gap in the burst
// (characters and the Enter) was under `max_gap_ms`, and the burst has at
// least `min_length` characters, the whole burst is a scan: one kScan event,
// and neither the characters nor the Enter reach the focused widget.
// Otherwise the held characters are released as kText (in order) before
// whatever came after them. A gap over `max_gap_ms` releases what was held
// as typing; Poll() does that when time passes with no input at all, so a
// person's keystroke reaches the widget after at most max_gap_ms.
//
// Pure logic with explicit timestamps: tests drive it with made-up times and
// the replay driver with its virtual clock. Not thread-safe (UI thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace linli::ui {

struct RoutedInput {
  enum class Kind {
    kText,   // characters a person typed: give them to the focused widget
    kEnter,  // an Enter a person pressed: give it to the focused widget
    kScan,   // a scanned code: give it to the counter, not to the widget
  };
  Kind kind = Kind::kText;
  std::string text;  // UTF-8: the typed characters, or the scanned code

  bool operator==(const RoutedInput&) const = default;
};

class InputRouter {
 public:
  struct Options {
    int64_t max_gap_ms = 30;  // scanners send a character every 1–15 ms
    size_t min_length = 4;    // the shortest code the till scans (PLU labels are longer)
  };

  InputRouter() = default;
  explicit InputRouter(Options options) : options_(options) {}

  // A printable character (Unicode code point) at `t_ms`.
  void OnChar(char32_t c, int64_t t_ms);
  // The Enter key (main or keypad) went down at `t_ms`.
  void OnEnter(int64_t t_ms);
  // Any other key went down (arrows, F-keys, Backspace…): what was held is
  // typing, and is released first so the order of edits is kept.
  void OnOtherKey(int64_t t_ms);
  // Time passed: releases held characters older than max_gap_ms.
  void Poll(int64_t now_ms);

  // Whether characters are being held back (a scan may be in progress).
  bool holding() const { return !held_.empty(); }

  // What is ready, in order; clears the queue.
  std::vector<RoutedInput> Take();

  const Options& options() const { return options_; }

 private:
  void Release();  // held characters → kText

  Options options_;
  std::u32string held_;
  int64_t last_ms_ = 0;
  std::vector<RoutedInput> out_;
};

// UTF-8 encoding of one code point (helper shared with the app).
std::string EncodeUtf8(char32_t c);

}  // namespace linli::ui
