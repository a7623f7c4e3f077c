// Barcode scanners on a serial or USB-CDC port (/dev/ttyACM0, /dev/ttyUSB0).
// (Keyboard-wedge scanners type into the counter's focused widget and never
// reach this module; the counter routes both kinds into the same input path.)
//
// A serial scanner sends each code followed by a suffix, in as many pieces as
// the USB or UART layer likes. ScanAssembler turns that byte stream into codes;
// SerialScanner drives it from a SerialPort and reconnects after an unplug.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/drivers/serial.h"
#include "linli/pos/status.h"

namespace linli {

// What ends a code on the wire.
enum class ScanSuffix {
  kCr,    // CR (0x0D), the factory default of most scanners; LF is noise
  kLf,    // LF (0x0A); CR is noise
  kCrLf,  // CR LF; a lone CR or LF is noise
  kAuto,  // any of CR, LF, CR LF or LF CR (empty codes are never delivered)
  kNone,  // no suffix: a pause of inter_byte_timeout_ms ends the code (a CR
          // or LF, should one come, ends it too)
};

// "cr", "lf", "crlf", "auto", "none" ↔ ScanSuffix. InvalidArgument otherwise.
Result<ScanSuffix> ParseScanSuffix(std::string_view name);
const char* ScanSuffixName(ScanSuffix suffix);

struct ScannerOptions {
  ScanSuffix suffix = ScanSuffix::kAuto;
  // Longer codes are dropped whole (up to the next suffix or pause) and
  // counted in overlong_dropped: a run-on of two codes or line noise.
  size_t max_length = 128;
  // A code left without its suffix for this long is a fragment. With kNone it
  // is the code; otherwise it is dropped (counted in fragments_dropped) unless
  // deliver_fragments is set, because a truncated barcode may name another product.
  int inter_byte_timeout_ms = 150;
  bool deliver_fragments = false;
  // After a disconnect, how long to wait between attempts to reopen the port.
  int reconnect_interval_ms = 1000;
};

struct ScannerStats {
  int64_t codes = 0;             // delivered to the callback
  int64_t noise_bytes = 0;       // NUL, control characters, DEL, stray CR/LF, broken UTF-8
  int64_t overlong_dropped = 0;  // codes longer than max_length
  int64_t fragments_dropped = 0; // partial codes ended by a pause or a disconnect
  int64_t disconnects = 0;
  int64_t reconnects = 0;
};

// Byte stream → codes, with no I/O and no clock (the caller reports pauses).
// A code is printable ASCII plus well-formed UTF-8 (QR payloads); everything
// else in it is noise and removed. Leading and trailing spaces are trimmed.
class ScanAssembler {
 public:
  explicit ScanAssembler(const ScannerOptions& options) : options_(options) {}

  // Consumes bytes; returns the codes completed by them, in order.
  std::vector<std::string> Feed(std::string_view bytes);

  // The line went quiet (or away) with a partial code pending. Returns the
  // code when it should be delivered (kNone, or deliver_fragments); otherwise
  // drops it and counts a fragment. Clears the partial code either way.
  std::optional<std::string> Pause();

  // Drops any partial code without counting it delivered (a disconnect).
  void Reset();

  bool pending() const { return !buf_.empty() || overlong_ || cr_seen_; }
  const ScannerStats& stats() const { return stats_; }
  ScannerStats& mutable_stats() { return stats_; }

 private:
  std::optional<std::string> Finish();  // ends the current code
  const ScannerOptions options_;
  std::string buf_;
  bool overlong_ = false;  // the current code passed max_length
  bool cr_seen_ = false;   // kCrLf: a CR waiting for its LF
  ScannerStats stats_;
};

// A scanner on a serial port. Codes go to the callback on the thread that
// calls Poll; the counter calls Poll from a worker and posts codes to the UI
// thread, into the same path as the keyboard-wedge scanner. Not thread-safe.
class SerialScanner {
 public:
  using CodeCallback = std::function<void(const std::string& code)>;

  // A fixed port: after a disconnect Poll keeps failing with IoError.
  SerialScanner(std::unique_ptr<SerialPort> port, const ScannerOptions& options, CodeCallback on_code);
  // A port opened (and reopened after a disconnect) through `opener`. The
  // first open happens in the first Poll.
  SerialScanner(SerialPortOpener opener, const ScannerOptions& options, CodeCallback on_code);

  // Waits up to timeout_ms for codes and delivers every code that completes,
  // returning within about timeout_ms + inter_byte_timeout_ms. A code that is
  // still arriving is kept for the next call. Returns:
  //   OK                when the port is (still) usable;
  //   IoError           when the port disconnected during this call (a
  //                     partial code is dropped); with an opener, a later Poll
  //                     reopens it, at most once per reconnect_interval_ms
  //                     (sleeping up to timeout_ms for the next attempt);
  //   the opener's status when reopening fails (NotFound while unplugged);
  //                     between attempts the last failure is returned again;
  //   FailedPrecondition when the port is gone and there is no opener.
  Status Poll(int timeout_ms);

  bool connected() const { return port_ != nullptr; }
  const ScannerStats& stats() const { return assembler_.stats(); }

 private:
  void Deliver(std::vector<std::string> codes);
  Status TryReconnect(int timeout_ms);

  std::unique_ptr<SerialPort> port_;
  SerialPortOpener opener_;
  ScannerOptions options_;
  CodeCallback on_code_;
  ScanAssembler assembler_;
  bool attempted_ = false;  // an open (or a disconnect) has happened
  std::chrono::steady_clock::time_point last_byte_{};
  std::chrono::steady_clock::time_point last_attempt_{};
  Status last_failure_ = Status::IoError("the scanner is disconnected");  // repeated while waiting to reopen
};

}  // namespace linli
