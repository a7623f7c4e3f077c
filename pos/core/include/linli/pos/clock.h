// Time and identifiers, injected so tests can pin them.
//
// Times are stored in UTC as ISO-8601 with milliseconds ("2026-11-21T07:30:00.123Z")
// and shown in the store's zone (Asia/Shanghai by default) only when formatted
// for a person.
#pragma once

#include <cstdint>
#include <string>

namespace linli {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // Unix time in milliseconds, UTC
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

// A clock that says what the test tells it to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t ms) : ms_(ms) {}
  int64_t NowMs() const override { return ms_; }
  void Set(int64_t ms) { ms_ = ms; }
  void Advance(int64_t ms) { ms_ += ms; }

 private:
  int64_t ms_;
};

// "2026-11-21T07:30:00.123Z"
std::string FormatUtc(int64_t unix_ms);
// Accepts "YYYY-MM-DDTHH:MM:SS[.mmm]Z" and "YYYY-MM-DD" (midnight UTC); -1 if malformed.
int64_t ParseUtc(const std::string& s);
// Local wall time in an IANA zone via ICU: "2026-11-21 15:30:00" for Asia/Shanghai.
std::string FormatLocal(int64_t unix_ms, const std::string& tz, const char* pattern = "yyyy-MM-dd HH:mm:ss");

// UUIDv7 (time-ordered, random tail from OpenSSL's CSPRNG).
std::string NewUuidV7(int64_t unix_ms);

}  // namespace linli
