// The clock, injected so tests can pin it (FakeClock), and the time formats
// and time-ordered identifiers built on it.
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
// Unix ms of a UTC calendar time; fields are not range-checked (a day past
// the month's end rolls over, as timegm does).
int64_t UtcMsOf(int year, int month, int day, int hour, int minute, int second);
// Reads "YYYY-MM-DDTHH:MM:SS[.mmm]Z" and "YYYY-MM-DD" (midnight UTC). Returns
// -1 when the fields cannot be read or are out of range (month 1-12, day
// 1-31, hour 0-23, minute 0-59, second 0-60). Lenient beyond that: what
// follows the seconds is not checked, the milliseconds are read as a number
// (".5" is 5 ms) and a day past the month's end rolls over (timegm).
int64_t ParseUtc(const std::string& s);
// Local wall time in an IANA zone, with an ICU date pattern (text.h's
// FormatInZone, where ICU is wrapped): "2026-11-21 15:30:00" for
// Asia/Shanghai. An unknown zone formats as GMT.
std::string FormatLocal(int64_t unix_ms, const std::string& tz, const char* pattern = "yyyy-MM-dd HH:mm:ss");

// UUIDv7: the 48-bit millisecond time first, so ids sort by time; the
// 74 other bits random (crypto.h's RandomBytes). Throws std::runtime_error
// when the system has no randomness, rather than return an id that may repeat.
std::string NewUuidV7(int64_t unix_ms);

}  // namespace linli
