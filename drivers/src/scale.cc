#include "linli/drivers/scale.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace linli {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kSoh = 0x01, kStx = 0x02, kEtx = 0x03, kEot = 0x04, kEnq = 0x05, kAck = 0x06, kDc1 = 0x11,
               kNak = 0x15;
constexpr size_t kCasFrameSize = 15;  // SOH STX sta sign weight(6) unit(2) bcc ETX EOT
constexpr size_t kMaxLine = 128;      // longer "lines" are noise

int MsUntil(SteadyClock::time_point t) {
  const auto left = std::chrono::duration_cast<milliseconds>(t - SteadyClock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// "kg" → 3 decimals to the gram, "g" → 0. Imperial units are refused.
Result<int> UnitDecimals(std::string_view unit) {
  std::string u;
  for (char c : Trim(unit)) u += Lower(c);
  if (u == "kg") return 3;
  if (u == "g") return 0;
  if (u == "lb" || u == "oz" || u == "lb/oz") {
    return Status::InvalidArgument("the scale weighs in " + u + "; set it to kg or g");
  }
  return Status::InvalidArgument("unknown weight unit \"" + std::string(unit) + "\"");
}

// Digits with at most one point (spaces and leading zeros allowed) in a unit
// with `decimals` places to the gram → grams, rounded half-up. Never float.
Result<int64_t> ParseMagnitude(std::string_view number, int decimals) {
  number = Trim(number);
  if (number.empty()) return Status::InvalidArgument("weight has no digits");
  int64_t whole = 0;
  int64_t frac = 0;  // first `decimals` fraction digits
  int frac_digits = 0;
  bool round_up = false;
  bool point = false;
  int digits = 0;
  for (size_t i = 0; i < number.size(); ++i) {
    const char c = number[i];
    if (c == '.') {
      if (point) return Status::InvalidArgument("weight \"" + std::string(number) + "\" has two points");
      point = true;
      continue;
    }
    if (c == ' ' && !point && digits == 0) continue;  // padding between sign and digits
    if (c < '0' || c > '9') return Status::InvalidArgument("weight \"" + std::string(number) + "\" is not a number");
    if (++digits > 12) return Status::InvalidArgument("weight \"" + std::string(number) + "\" is too long");
    if (!point) {
      whole = whole * 10 + (c - '0');
    } else if (frac_digits < decimals) {
      frac = frac * 10 + (c - '0');
      ++frac_digits;
    } else if (frac_digits == decimals) {
      round_up = c >= '5';  // the first digit past the gram decides
      ++frac_digits;
    }
  }
  if (digits == 0) return Status::InvalidArgument("weight has no digits");
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  for (int i = std::min(frac_digits, decimals); i < decimals; ++i) frac *= 10;
  return whole * scale + frac + (round_up ? 1 : 0);
}

bool AllOf(std::string_view s, char c) {
  s = Trim(s);
  if (s.empty()) return false;
  for (char x : s) {
    if (x != c) return false;
  }
  return true;
}

bool MentionsOverload(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (Lower(s[i]) == 'o' && Lower(s[i + 1]) == 'l') return true;
  }
  return AllOf(s, '+');
}

// ---------------------------------------------------------------- continuous-st

class ContinuousStScale final : public Scale {
 public:
  explicit ContinuousStScale(std::unique_ptr<SerialPort> port) : port_(std::move(port)) {}

  Result<ScaleReading> Read(int timeout_ms) override {
    const auto deadline = SteadyClock::now() + milliseconds(std::max(timeout_ms, 0));
    size_t received = 0;
    // Frames have piled up since the last call; the freshest one is the
    // weight now, so first drain what is already there and keep the last.
    std::optional<ScaleReading> latest;
    for (int pass = 0; pass < 64; ++pass) {
      auto bytes = port_->Read(256, 0);
      if (!bytes.ok()) return bytes.status();
      if (bytes->empty()) break;
      received += bytes->size();
      Consume(*bytes, &latest, /*first_only=*/false);
    }
    if (latest) return *latest;
    for (int pass = 0; pass < 100000; ++pass) {
      const int wait = MsUntil(deadline);
      auto bytes = port_->Read(256, wait);
      if (!bytes.ok()) return bytes.status();
      if (bytes->empty()) {
        if (wait == 0 || MsUntil(deadline) == 0) break;
        continue;
      }
      received += bytes->size();
      Consume(*bytes, &latest, /*first_only=*/true);
      if (latest) return *latest;
    }
    if (received > 0) {
      return Status::Unavailable("the scale on " + port_->name() + " sent " + std::to_string(received) +
                                 " bytes but no continuous-st frame within " + std::to_string(timeout_ms) +
                                 " ms; check the protocol and the baud rate");
    }
    return Status::Unavailable("no weight from the scale on " + port_->name() + " within " +
                               std::to_string(timeout_ms) +
                               " ms (protocol continuous-st); check that it is on, the cable, and that it is set "
                               "to send continuously");
  }

  Status Tare(int timeout_ms) override { return port_->Write("T\r\n", timeout_ms); }
  Status Zero(int timeout_ms) override { return port_->Write("Z\r\n", timeout_ms); }
  const char* protocol() const override { return "continuous-st"; }

 private:
  // Splits bytes into lines; each complete frame line updates *latest (or
  // only the first one when first_only, once *latest is set).
  void Consume(std::string_view bytes, std::optional<ScaleReading>* latest, bool first_only) {
    for (char c : bytes) {
      if (c != '\r' && c != '\n') {
        if (line_.size() >= kMaxLine) line_.clear();  // a run of noise with no end
        line_ += c;
        continue;
      }
      if (line_.empty()) continue;
      bool tare_frame = false;
      auto r = ParseContinuousStFrame(line_, &tare_frame);
      line_.clear();
      if (!r.ok()) continue;  // noise, a torn frame after a reconnect, …
      if (tare_frame) {
        tare_grams_ = r->grams;
        continue;
      }
      if (!r->net && !r->overload && !r->underload) tare_grams_ = 0;  // a gross reading: no tare in effect
      r->tare_grams = r->net ? tare_grams_ : 0;
      if (!(first_only && latest->has_value())) *latest = *r;
    }
  }

  std::unique_ptr<SerialPort> port_;
  std::string line_;
  int64_t tare_grams_ = 0;
};

// ---------------------------------------------------------------- cas-enq

class CasEnqScale final : public Scale {
 public:
  explicit CasEnqScale(std::unique_ptr<SerialPort> port) : port_(std::move(port)) {}

  Result<ScaleReading> Read(int timeout_ms) override {
    const auto deadline = SteadyClock::now() + milliseconds(std::max(timeout_ms, 0));
    Status last = Status::Unavailable("no answer");
    // A bad frame (BCC, noise) gets the dialogue repeated while time remains.
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto r = Dialogue(deadline, timeout_ms);
      if (r.ok()) return r;
      last = r.status();
      if (last.code() != Status::Code::kCorruption && !last.IsInvalidArgument()) return last;
      if (MsUntil(deadline) == 0) break;
    }
    return last;
  }

  Status Tare(int /*timeout_ms*/) override {
    return Status::FailedPrecondition("protocol cas-enq has no tare command; press TARE on the scale");
  }
  Status Zero(int /*timeout_ms*/) override {
    return Status::FailedPrecondition("protocol cas-enq has no zero command; press ZERO on the scale");
  }
  const char* protocol() const override { return "cas-enq"; }

 protected:
  int RepeatDelayMs() const override { return 100; }

 private:
  Result<ScaleReading> Dialogue(SteadyClock::time_point deadline, int timeout_ms) {
    LINLI_RETURN_IF_ERROR(port_->DiscardInput());
    // ENQ → ACK. A NAK or noise gets the ENQ sent again, a few times.
    std::string rest;
    bool acked = false;
    for (int enq = 0; enq < 3 && !acked; ++enq) {
      LINLI_RETURN_IF_ERROR(port_->Write(std::string_view(&kEnq, 1), std::max(MsUntil(deadline), 1)));
      bool nak = false;
      for (int pass = 0; pass < 10000 && !acked && !nak; ++pass) {
        const int wait = MsUntil(deadline);
        auto bytes = port_->Read(64, wait);
        if (!bytes.ok()) return bytes.status();
        if (bytes->empty()) {
          if (wait == 0 || MsUntil(deadline) == 0) break;
          continue;
        }
        const size_t ack = bytes->find(kAck);
        if (ack != std::string::npos) {
          acked = true;
          rest = bytes->substr(ack + 1);
        } else if (bytes->find(kNak) != std::string::npos) {
          nak = true;
        }
      }
      if (!nak && !acked) break;  // silence: no point in asking again
    }
    if (!acked) {
      return Status::Unavailable("the scale on " + port_->name() + " did not answer ENQ within " +
                                 std::to_string(timeout_ms) +
                                 " ms (protocol cas-enq); check that it is on, the cable, the baud rate, and that "
                                 "its interface is set to CAS (ENQ/DC1) mode");
    }
    // DC1 → SOH STX … ETX EOT.
    LINLI_RETURN_IF_ERROR(port_->Write(std::string_view(&kDc1, 1), std::max(MsUntil(deadline), 1)));
    std::string buf = rest;
    for (int pass = 0; pass < 10000; ++pass) {
      // Drop anything before SOH STX (a late ACK, noise).
      size_t start = buf.find(std::string{kSoh, kStx});
      if (start == std::string::npos) {
        // Keep a trailing SOH that may be followed by STX in the next read.
        buf = (!buf.empty() && buf.back() == kSoh) ? std::string(1, kSoh) : std::string();
      } else {
        buf.erase(0, start);
        if (buf.size() >= kCasFrameSize) return ParseCasFrame(std::string_view(buf).substr(0, kCasFrameSize));
      }
      const int wait = MsUntil(deadline);
      auto bytes = port_->Read(64, wait);
      if (!bytes.ok()) return bytes.status();
      if (bytes->empty()) {
        if (wait == 0 || MsUntil(deadline) == 0) break;
        continue;
      }
      buf += *bytes;
    }
    return Status::Unavailable("the scale on " + port_->name() + " answered ENQ but sent no weight within " +
                               std::to_string(timeout_ms) + " ms (protocol cas-enq)");
  }

  std::unique_ptr<SerialPort> port_;
};

}  // namespace

// ---------------------------------------------------------------- parsers

Result<ScaleReading> ParseContinuousStFrame(std::string_view line, bool* is_tare_frame) {
  line = Trim(line);
  if (is_tare_frame) *is_tare_frame = false;
  if (line.size() < 7 || line[2] != ',' || line[5] != ',') {
    return Status::InvalidArgument("not a continuous-st frame: \"" + std::string(line) + "\"");
  }
  const std::string_view status = line.substr(0, 2);
  const std::string_view kind = line.substr(3, 2);
  ScaleReading r;
  if (status == "ST") {
    r.stable = true;
  } else if (status == "US") {
    r.stable = false;
  } else if (status == "OL") {
    r.overload = true;
  } else {
    return Status::InvalidArgument("unknown status \"" + std::string(status) + "\" in a continuous-st frame");
  }
  bool tare = false;
  if (kind == "NT") {
    r.net = true;
  } else if (kind == "TR") {
    tare = true;
  } else if (kind != "GS") {
    return Status::InvalidArgument("unknown weight kind \"" + std::string(kind) + "\" in a continuous-st frame");
  }
  std::string_view rest = Trim(line.substr(6));
  // The unit is the trailing run of letters.
  size_t unit_at = rest.size();
  while (unit_at > 0 && ((rest[unit_at - 1] >= 'a' && rest[unit_at - 1] <= 'z') ||
                         (rest[unit_at - 1] >= 'A' && rest[unit_at - 1] <= 'Z'))) {
    --unit_at;
  }
  const std::string_view unit = rest.substr(unit_at);
  std::string_view number = Trim(rest.substr(0, unit_at));
  if (r.overload || MentionsOverload(rest.substr(0, unit_at)) || (unit.size() >= 2 && MentionsOverload(unit))) {
    r.overload = true;
    r.stable = false;
    return r;
  }
  auto decimals = UnitDecimals(unit);
  if (!decimals.ok()) return decimals.status();
  bool negative = false;
  if (!number.empty() && (number.front() == '+' || number.front() == '-')) {
    negative = number.front() == '-';
    number.remove_prefix(1);
  }
  if (AllOf(number, '-')) {
    r.underload = true;
    r.stable = false;
    return r;
  }
  auto grams = ParseMagnitude(number, *decimals);
  if (!grams.ok()) return grams.status();
  r.grams = negative ? -*grams : *grams;
  if (tare) {
    if (is_tare_frame) *is_tare_frame = true;
    r.tare_grams = r.grams;
  }
  return r;
}

Result<ScaleReading> ParseCasFrame(std::string_view frame) {
  if (frame.size() != kCasFrameSize || frame[0] != kSoh || frame[1] != kStx || frame[13] != kEtx ||
      frame[14] != kEot) {
    return Status::InvalidArgument("not a cas-enq weight frame (expected SOH STX … ETX EOT, 15 bytes)");
  }
  unsigned char bcc = 0;
  for (size_t i = 2; i <= 11; ++i) bcc ^= static_cast<unsigned char>(frame[i]);
  if (bcc != static_cast<unsigned char>(frame[12])) {
    return Status::Corruption("cas-enq frame failed its BCC check (line noise?)");
  }
  ScaleReading r;
  const char sta = frame[2];
  const char sign = frame[3];
  const std::string_view weight = frame.substr(4, 6);
  const std::string_view unit = frame.substr(10, 2);
  if (sta == 'F' || MentionsOverload(weight)) {
    r.overload = true;
    return r;
  }
  if (sta != 'S' && sta != 'U') {
    return Status::InvalidArgument(std::string("unknown status '") + sta + "' in a cas-enq frame");
  }
  r.stable = sta == 'S';
  if (AllOf(weight, '-')) {
    r.underload = true;
    r.stable = false;
    return r;
  }
  auto decimals = UnitDecimals(unit);
  if (!decimals.ok()) return decimals.status();
  if (sign != '-' && sign != '+' && sign != ' ') {
    return Status::InvalidArgument(std::string("bad sign '") + sign + "' in a cas-enq frame");
  }
  auto grams = ParseMagnitude(weight, *decimals);
  if (!grams.ok()) return grams.status();
  r.grams = sign == '-' ? -*grams : *grams;
  return r;
}

// ---------------------------------------------------------------- Scale

Result<ScaleReading> Scale::ReadStable(int timeout_ms) {
  const auto deadline = SteadyClock::now() + milliseconds(std::max(timeout_ms, 0));
  bool seen_unsettled = false;
  for (int pass = 0; pass < 100000; ++pass) {
    auto r = Read(pass == 0 ? timeout_ms : std::max(MsUntil(deadline), 1));
    if (!r.ok()) {
      if (seen_unsettled && r.status().code() == Status::Code::kUnavailable) break;
      return r.status();
    }
    if (r->stable || r->overload || r->underload) return r;
    seen_unsettled = true;
    if (MsUntil(deadline) == 0) break;
    // Request/response scales would otherwise be asked hundreds of times a second.
    if (const int pause = RepeatDelayMs(); pause > 0) {
      std::this_thread::sleep_for(milliseconds(std::min(pause, MsUntil(deadline))));
    }
  }
  return Status::Unavailable("the weight did not settle within " + std::to_string(timeout_ms) +
                             " ms; keep the item still on the scale and try again");
}

std::vector<std::string> ScaleProtocolNames() { return {"continuous-st", "cas-enq"}; }

Result<std::unique_ptr<Scale>> MakeScale(std::string_view protocol, std::unique_ptr<SerialPort> port) {
  if (protocol == "continuous-st") return std::unique_ptr<Scale>(new ContinuousStScale(std::move(port)));
  if (protocol == "cas-enq") return std::unique_ptr<Scale>(new CasEnqScale(std::move(port)));
  return Status::InvalidArgument("unknown scale protocol \"" + std::string(protocol) +
                                 "\"; use continuous-st or cas-enq");
}

Result<int64_t> WeighForSale(Scale& scale, int timeout_ms) {
  auto r = scale.ReadStable(timeout_ms);
  if (!r.ok()) return r.status();
  if (r->overload) return Status::FailedPrecondition("the scale is over its capacity; take the item off and weigh less");
  if (r->underload || r->grams < 0) {
    return Status::FailedPrecondition("the scale shows a negative weight; empty it and press ZERO");
  }
  if (r->grams == 0) return Status::FailedPrecondition("the scale shows 0 g; put the item on the scale");
  return r->grams;
}

// ---------------------------------------------------------------- FakeScale

Result<ScaleReading> FakeScale::Read(int /*timeout_ms*/) {
  if (!error_.ok()) return error_;
  if (readings_.empty()) return Status::Unavailable("the fake scale has no reading");
  ScaleReading r = readings_.front();
  if (readings_.size() > 1) readings_.pop_front();
  return r;
}

Status FakeScale::Tare(int /*timeout_ms*/) {
  if (!error_.ok()) return error_;
  ++tares_;
  return Status::Ok();
}

Status FakeScale::Zero(int /*timeout_ms*/) { return error_; }

}  // namespace linli
