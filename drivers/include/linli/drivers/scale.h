// Shop scales on a serial port: weights as exact integer grams, never float.
//
// Two wire protocols, named for `linli scale read --protocol NAME`:
//
// continuous-st — the scale sends a frame several times a second, unasked
//   (A&D-style output that many Chinese retail scales and weighing indicators
//   copy). One frame per line, ASCII, ended by CR LF (a lone CR or LF is accepted):
//
//     ST,GS,+  1.234kg\r\n          <status>,<kind>,<sign><number><unit>
//
//     status  ST stable · US unstable · OL overload (the number may be blank or junk)
//     kind    GS gross · NT net (a tare is in effect) · TR the tare weight itself
//     sign    + or -, optionally followed by spaces
//     number  digits with at most one decimal point, padded with spaces or zeros
//             ("  1.234", "0001.234", "1234"); a number of only '-' means underload
//     unit    kg or g, optionally preceded by spaces ("kg", " g", "  g")
//
//   A TR frame updates the tare reported with later readings; NT readings are
//   net weights. Lines that do not match are noise and skipped. The tare
//   command is "T\r\n" and zero is "Z\r\n" (no answer; later frames show it).
//
// cas-enq — request/response, the CAS-style dialogue of many price-computing
//   scales (and Toledo/other scales set to "CAS" mode):
//
//     host  ENQ (0x05)
//     scale ACK (0x06)                  within the timeout, or the scale is not answering
//     host  DC1 (0x11)
//     scale SOH STX <sta> <sign> <weight:6> <unit:2> <bcc> ETX EOT
//
//     sta     'S' stable · 'U' unstable · 'F' overload
//     sign    '-' negative, ' ' or '+' positive
//     weight  6 ASCII characters with the decimal point, e.g. "01.234", " 1.234",
//             " 0.000"; "OL" anywhere in it means overload, all '-' underload
//     unit    "kg", " g", "g "; "lb" and "oz" are refused (not a metric scale)
//     bcc     XOR of the bytes from <sta> through the second unit byte
//
//   The frame carries the net weight the scale shows; the protocol reports no
//   tare and has no tare command (press TARE on the scale).
//
// Weights with more than three decimals in kg (or any in g) are rounded
// half-up to the gram. A Scale is used by one thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linli/drivers/serial.h"
#include "linli/pos/status.h"

namespace linli {

struct ScaleReading {
  int64_t grams = 0;       // the weight shown: net when a tare is in effect; may be negative
  int64_t tare_grams = 0;  // tare in effect as far as the protocol reports it, else 0
  bool stable = false;     // the scale says the weight has settled
  bool net = false;        // grams is a net weight (the frame said so)
  bool overload = false;   // over capacity: grams is meaningless (0)
  bool underload = false;  // under zero range: grams is meaningless (0)
};

class Scale {
 public:
  virtual ~Scale() = default;

  // The current reading, stable or not, within timeout_ms. Unavailable when
  // the scale sent nothing usable in time (the message names the port and
  // protocol and what to check); IoError when the port disconnected.
  virtual Result<ScaleReading> Read(int timeout_ms) = 0;

  // Asks the scale to tare (or zero) itself. FailedPrecondition when the
  // protocol has no such command; the message says to use the scale's key.
  virtual Status Tare(int timeout_ms) = 0;
  virtual Status Zero(int timeout_ms) = 0;

  // The protocol's CLI name, e.g. "continuous-st".
  virtual const char* protocol() const = 0;

  // Reads until a stable reading arrives (overload and underload count as
  // settled, so the caller sees them) or timeout_ms passes. On timeout:
  // Unavailable "weight did not settle", or the last Read's error.
  Result<ScaleReading> ReadStable(int timeout_ms);

 protected:
  // How long ReadStable pauses between unsettled readings: 0 for scales
  // that pace themselves (continuous output), ~100 ms for polled ones.
  virtual int RepeatDelayMs() const { return 0; }
};

// The protocol names MakeScale knows, for help texts.
std::vector<std::string> ScaleProtocolNames();

// A scale speaking `protocol` over `port` (taking ownership).
// InvalidArgument names the known protocols when `protocol` is not one.
Result<std::unique_ptr<Scale>> MakeScale(std::string_view protocol, std::unique_ptr<SerialPort> port);

// Frame parsers, exposed for tests and for tools that log raw frames.
// One continuous-st line without its CR/LF. InvalidArgument when it is not a
// frame. A TR frame comes back with net=false and grams = the tare weight;
// `is_tare_frame` is set for it.
Result<ScaleReading> ParseContinuousStFrame(std::string_view line, bool* is_tare_frame = nullptr);
// One cas-enq answer from SOH through EOT. Corruption on a bad BCC.
Result<ScaleReading> ParseCasFrame(std::string_view frame);

// The weight of an item sold by weight, taken from the scale at the till:
// a stable weight in grams > 0, or an error the cashier can act on —
// Unavailable "did not settle" (unstable), FailedPrecondition for overload,
// underload/negative ("re-zero the scale") and zero ("put the item on the
// scale"), IoError when the scale is disconnected.
Result<int64_t> WeighForSale(Scale& scale, int timeout_ms);

// A scale that returns queued readings, for tests of the till. Each Read pops
// one reading (the last one repeats); with none queued, Read fails Unavailable.
class FakeScale final : public Scale {
 public:
  void Push(const ScaleReading& reading) { readings_.push_back(reading); }
  void Fail(Status status) { error_ = std::move(status); }  // every call fails with it
  int tares() const { return tares_; }

  Result<ScaleReading> Read(int timeout_ms) override;
  Status Tare(int timeout_ms) override;
  Status Zero(int timeout_ms) override;
  const char* protocol() const override { return "fake"; }

 private:
  std::deque<ScaleReading> readings_;
  Status error_;
  int tares_ = 0;
};

}  // namespace linli
