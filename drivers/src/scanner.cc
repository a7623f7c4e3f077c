#include "linli/drivers/scanner.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <thread>

namespace linli {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kReadChunk = 256;

int MsUntil(SteadyClock::time_point t) {
  const auto left = std::chrono::duration_cast<milliseconds>(t - SteadyClock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

Result<ScanSuffix> ParseScanSuffix(std::string_view name) {
  if (name == "cr") return ScanSuffix::kCr;
  if (name == "lf") return ScanSuffix::kLf;
  if (name == "crlf") return ScanSuffix::kCrLf;
  if (name == "auto") return ScanSuffix::kAuto;
  if (name == "none") return ScanSuffix::kNone;
  return Status::InvalidArgument("unknown scanner suffix \"" + std::string(name) +
                                 "\"; use cr, lf, crlf, auto or none");
}

const char* ScanSuffixName(ScanSuffix suffix) {
  switch (suffix) {
    case ScanSuffix::kCr: return "cr";
    case ScanSuffix::kLf: return "lf";
    case ScanSuffix::kCrLf: return "crlf";
    case ScanSuffix::kAuto: return "auto";
    case ScanSuffix::kNone: return "none";
  }
  return "?";
}

// ---------------------------------------------------------------- ScanAssembler

std::vector<std::string> ScanAssembler::Feed(std::string_view bytes) {
  std::vector<std::string> codes;
  auto finish = [&] {
    if (auto code = Finish()) codes.push_back(std::move(*code));
  };
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (options_.suffix == ScanSuffix::kCrLf) {
      if (c == '\r') {
        if (cr_seen_) ++stats_.noise_bytes;  // the earlier CR was a lone one
        cr_seen_ = true;
        continue;
      }
      if (c == '\n') {
        if (cr_seen_) {
          cr_seen_ = false;
          finish();
        } else {
          ++stats_.noise_bytes;
        }
        continue;
      }
      if (cr_seen_) {  // CR followed by something else: noise inside the code
        ++stats_.noise_bytes;
        cr_seen_ = false;
      }
    } else if (c == '\r' || c == '\n') {
      const bool ends = options_.suffix == ScanSuffix::kAuto || options_.suffix == ScanSuffix::kNone ||
                        (options_.suffix == ScanSuffix::kCr && c == '\r') ||
                        (options_.suffix == ScanSuffix::kLf && c == '\n');
      if (ends) {
        finish();
      } else {
        ++stats_.noise_bytes;
      }
      continue;
    }
    if (c < 0x20 || c == 0x7F) {  // NUL, STX/ETX framing, BEL, ESC …
      ++stats_.noise_bytes;
      continue;
    }
    if (overlong_) continue;
    buf_.push_back(static_cast<char>(c));
    if (buf_.size() > options_.max_length) {
      overlong_ = true;
      buf_.clear();
    }
  }
  return codes;
}

std::optional<std::string> ScanAssembler::Finish() {
  if (overlong_) {
    overlong_ = false;
    buf_.clear();
    ++stats_.overlong_dropped;
    return std::nullopt;
  }
  // Keep well-formed UTF-8 (QR payloads may carry it); bytes of a broken
  // sequence are line noise, typically a baud-rate mismatch.
  std::string code;
  code.reserve(buf_.size());
  const auto* p = reinterpret_cast<const uint8_t*>(buf_.data());
  const auto n = static_cast<int32_t>(buf_.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t start = i;
    UChar32 cp;
    U8_NEXT(p, i, n, cp);
    if (cp < 0) {
      stats_.noise_bytes += i - start;
      continue;
    }
    code.append(buf_, static_cast<size_t>(start), static_cast<size_t>(i - start));
  }
  buf_.clear();
  const size_t first = code.find_first_not_of(' ');
  if (first == std::string::npos) return std::nullopt;
  code = code.substr(first, code.find_last_not_of(' ') - first + 1);
  ++stats_.codes;
  return code;
}

std::optional<std::string> ScanAssembler::Pause() {
  if (cr_seen_) {
    ++stats_.noise_bytes;
    cr_seen_ = false;
  }
  if (overlong_) return Finish();  // counted as overlong, not delivered
  if (buf_.empty()) return std::nullopt;
  if (options_.suffix == ScanSuffix::kNone || options_.deliver_fragments) return Finish();
  buf_.clear();
  ++stats_.fragments_dropped;
  return std::nullopt;
}

void ScanAssembler::Reset() {
  if (!buf_.empty() || overlong_) ++stats_.fragments_dropped;
  buf_.clear();
  overlong_ = false;
  cr_seen_ = false;
}

// ---------------------------------------------------------------- SerialScanner

SerialScanner::SerialScanner(std::unique_ptr<SerialPort> port, const ScannerOptions& options, CodeCallback on_code)
    : port_(std::move(port)), options_(options), on_code_(std::move(on_code)), assembler_(options) {
  attempted_ = true;
}

SerialScanner::SerialScanner(SerialPortOpener opener, const ScannerOptions& options, CodeCallback on_code)
    : opener_(std::move(opener)), options_(options), on_code_(std::move(on_code)), assembler_(options) {}

void SerialScanner::Deliver(std::vector<std::string> codes) {
  for (const std::string& code : codes) {
    if (on_code_) on_code_(code);
  }
}

Status SerialScanner::TryReconnect(int timeout_ms) {
  if (!opener_) {
    return Status::FailedPrecondition("the scanner's port was disconnected and cannot be reopened here; "
                                      "plug the scanner in and start listening again");
  }
  if (attempted_) {
    const auto next = last_attempt_ + milliseconds(options_.reconnect_interval_ms);
    const auto now = SteadyClock::now();
    if (now < next) {
      std::this_thread::sleep_until(std::min(next, now + milliseconds(std::max(timeout_ms, 0))));
      if (SteadyClock::now() < next) return last_failure_;  // not time yet: still what it was
    }
  }
  const bool reconnecting = attempted_;
  attempted_ = true;
  last_attempt_ = SteadyClock::now();
  auto port = opener_();
  if (!port.ok()) {
    last_failure_ = port.status();
    return last_failure_;
  }
  port_ = std::move(*port);
  if (reconnecting) ++assembler_.mutable_stats().reconnects;
  return Status::Ok();
}

Status SerialScanner::Poll(int timeout_ms) {
  if (!port_) LINLI_RETURN_IF_ERROR(TryReconnect(timeout_ms));
  const auto gap = milliseconds(std::max(options_.inter_byte_timeout_ms, 0));
  const auto deadline = SteadyClock::now() + milliseconds(std::max(timeout_ms, 0));
  // Bounded twice: by passes, and by time (deadline, plus one gap to finish a
  // code that was still arriving at the deadline).
  for (int pass = 0; pass < 100000; ++pass) {
    const auto now = SteadyClock::now();
    int wait_ms;
    if (assembler_.pending()) {
      if (now >= deadline + gap) break;  // keep the partial code for the next call
      wait_ms = MsUntil(last_byte_ + gap);
    } else {
      if (now >= deadline && pass > 0) break;
      wait_ms = MsUntil(deadline);
    }
    auto bytes = port_->Read(kReadChunk, wait_ms);
    if (!bytes.ok()) {
      assembler_.Reset();
      ++assembler_.mutable_stats().disconnects;
      port_->Close();
      port_.reset();
      last_attempt_ = SteadyClock::now();
      last_failure_ = bytes.status();
      return last_failure_;
    }
    if (bytes->empty()) {
      // The wait ran out: either the code's pause, or this call's time.
      if (!assembler_.pending()) break;
      if (auto code = assembler_.Pause()) Deliver({std::move(*code)});
      continue;
    }
    last_byte_ = SteadyClock::now();
    Deliver(assembler_.Feed(*bytes));
  }
  return Status::Ok();
}

}  // namespace linli
