// The customer display (pole display, VFD/LCD, 2 lines × 20 columns) on a
// serial port: the item just added and the running total, the amount to pay,
// then "thank you" and the change.
//
// Bytes on the wire, for the two command sets such displays answer to:
//
//   step         epson (ESC/POS display, DM-D)    cd5220
//   initialise   ESC @        1B 40               ESC @        1B 40
//   clear        FF           0C                  FF           0C
//   cursor x,y   US $ x y     1F 24 x y           ESC l x y    1B 6C x y
//                (x 1–20, y 1–2, one-based)
//
// The display is initialised and cleared once, before the first screen. Each
// screen then writes both lines from column 1, each padded with spaces to the
// full width, so the old text is overwritten without a flicker.
//
// Text is laid out by display columns (CJK characters take two, see
// DisplayWidth) and never split inside a character, then encoded:
//   gb18030  Chinese-capable displays: GB18030 through ICU (GB2312 text is
//            the same bytes); labels in Chinese: 合计, 请付款, 谢谢惠顾, 找零.
//   ascii    Latin-only displays: Chinese names become toneless pinyin in
//            (可口可乐 → "ke kou ke le"), anything else left is a "?";
//            labels in English: TOTAL, PLEASE PAY, THANK YOU, CHANGE.
// Amounts are yuan with two decimals (FormatYuan), no currency sign (¥ is not
// in many display fonts).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "linli/drivers/serial.h"
#include "linli/pos/status.h"

namespace linli {

enum class DisplayEncoding { kGb18030, kAscii };
enum class DisplayCommandSet { kEpson, kCd5220 };

// "gb18030" | "ascii", "epson" | "cd5220"; InvalidArgument otherwise.
Result<DisplayEncoding> ParseDisplayEncoding(std::string_view name);
Result<DisplayCommandSet> ParseDisplayCommandSet(std::string_view name);

struct PoleDisplayOptions {
  DisplayEncoding encoding = DisplayEncoding::kGb18030;
  DisplayCommandSet commands = DisplayCommandSet::kEpson;
  int columns = 20;         // per line
  int write_timeout_ms = 500;
};

class PoleDisplay {
 public:
  // Writes to *port, which must outlive the display.
  PoleDisplay(SerialPort* port, const PoleDisplayOptions& options);
  ~PoleDisplay();
  PoleDisplay(const PoleDisplay&) = delete;
  PoleDisplay& operator=(const PoleDisplay&) = delete;

  // Each returns the port's status: IoError when the display is disconnected,
  // Unavailable when it stops taking bytes. A failed screen may be repeated.
  Status Clear();
  // Two lines of UTF-8, laid out and encoded as above.
  Status ShowLines(std::string_view line1, std::string_view line2);
  // "可口可乐330ml   3.50" / "合计          12.50"
  Status ShowItem(std::string_view name, int64_t price_fen, int64_t total_fen);
  // "请付款" / "合计          12.50"
  Status ShowTotal(int64_t total_fen);
  // "谢谢惠顾" / "找零           7.50"
  Status ShowThanks(int64_t change_fen);

  // The bytes ShowLines would send after initialisation (for tests and the
  // CLI's dry run). InvalidArgument when the text is not valid UTF-8.
  Result<std::string> EncodeScreen(std::string_view line1, std::string_view line2);

 private:
  Status Send(std::string bytes);
  std::string FitLine(std::string_view utf8);            // layout: exactly `columns` wide
  std::string LabelAndAmount(std::string_view label, int64_t fen);
  Result<std::string> Encode(std::string_view utf8);     // to the display's encoding
  std::string Cursor(int x, int y) const;

  SerialPort* port_;
  PoleDisplayOptions options_;
  bool initialised_ = false;
  struct Transliterator;
  std::unique_ptr<Transliterator> ascii_;  // made on first use (ICU, costly)
};

}  // namespace linli
