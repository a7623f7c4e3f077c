// A per-source request limit in bounded memory, for the hub's endpoints that
// take no credential (GET /v1/verify, PROTOCOL.md §9.1).
//
// Each source (the peer's address) may make `limit` requests per window of
// `window_ms`, counted from its first request in the window. The table holds
// at most `capacity` sources; when it is full, the source seen least
// recently is forgotten to make room (so an attacker with many addresses can
// only make old entries fall out, never grow memory). A forgotten source
// starts a fresh window: the limit is per source while the table holds it.
//
// Per process: several hub processes behind a proxy each count on their own,
// and behind a proxy every request has the proxy's address.
//
// Thread safety: Admit may be called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace linli::hub {

class RateLimiter {
 public:
  // capacity ≥ 1, limit ≥ 1, window_ms ≥ 1 (smaller values are raised to 1).
  RateLimiter(size_t capacity, int limit, int64_t window_ms);

  // Counts one request of `source` at now_ms. Returns 0 when it is allowed,
  // otherwise the milliseconds until the source's window ends (≥ 1); a
  // refused request is not counted.
  int64_t Admit(const std::string& source, int64_t now_ms);

  // Sources held now (≤ capacity).
  size_t size() const;

 private:
  struct Entry {
    std::string source;
    int64_t window_start = 0;
    int count = 0;
  };
  const size_t capacity_;
  const int limit_;
  const int64_t window_ms_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently seen first; guarded by mu_
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
};

}  // namespace linli::hub
