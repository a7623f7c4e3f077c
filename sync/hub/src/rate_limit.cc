#include "linli/hub/rate_limit.h"

#include <algorithm>

namespace linli::hub {

RateLimiter::RateLimiter(size_t capacity, int limit, int64_t window_ms)
    : capacity_(std::max<size_t>(capacity, 1)), limit_(std::max(limit, 1)), window_ms_(std::max<int64_t>(window_ms, 1)) {}

int64_t RateLimiter::Admit(const std::string& source, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = index_.find(source);
  if (it == index_.end()) {
    if (lru_.size() >= capacity_) {
      index_.erase(lru_.back().source);
      lru_.pop_back();
    }
    lru_.push_front({source, now_ms, 0});
    it = index_.emplace(source, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently seen
  }
  Entry& e = *it->second;
  // A clock that went back also starts a new window.
  if (now_ms - e.window_start >= window_ms_ || now_ms < e.window_start) {
    e.window_start = now_ms;
    e.count = 0;
  }
  if (e.count >= limit_) return std::max<int64_t>(e.window_start + window_ms_ - now_ms, 1);
  ++e.count;
  return 0;
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

}  // namespace linli::hub
