// The daemon loop and its back-off (DESIGN §6: "Retries back off with jitter
// and honour 429/Retry-After").
#include <algorithm>
#include <chrono>
#include <thread>

#include "linli/sync/agent.h"

namespace linli::sync {

uint64_t SplitMix64::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void RealSleeper::SleepMs(int64_t ms, const std::atomic<bool>& stop) {
  // Short slices so a stop request (Ctrl-C) is honoured within 100 ms.
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(ms, 0));
  while (!stop.load() && std::chrono::steady_clock::now() < end) {
    const auto left = end - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(100)));
  }
}

int64_t NextDelayMs(const BackoffPolicy& policy, int failures, int64_t retry_after_ms, Random& rng) {
  int64_t delay = policy.idle_ms;
  if (failures > 0) {
    delay = policy.initial_ms;
    // Doubling stops at the cap, so the loop runs at most ~64 times.
    for (int i = 1; i < failures && delay < policy.max_ms; ++i) delay *= 2;
    delay = std::min(delay, policy.max_ms);
    // Equal jitter: half fixed, half random, so a store that lost its link
    // at the same moment as its neighbours does not come back in step.
    const int64_t half = delay / 2;
    delay = half + static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(delay - half + 1));
  }
  if (retry_after_ms >= 0) delay = std::max(delay, retry_after_ms);
  return delay;
}

int64_t RunDaemon(SyncAgent& agent, const Clock& clock, Sleeper& sleeper, Random& rng,
                  const DaemonOptions& options, const std::atomic<bool>& stop) {
  const int64_t start = clock.NowMs();
  const int64_t deadline = options.max_seconds >= 0 ? start + options.max_seconds * 1000 : -1;
  int failures = 0;
  int64_t rounds = 0;
  while (!stop.load() && (options.max_rounds < 0 || rounds < options.max_rounds)) {
    if (deadline >= 0 && clock.NowMs() >= deadline) break;
    SyncReport report = agent.SyncOnce();
    ++rounds;
    failures = report.status.ok() ? 0 : std::min(failures + 1, 1000);
    int64_t delay = NextDelayMs(options.backoff, failures, report.retry_after_ms, rng);
    if (report.update_required) delay = std::max(delay, options.backoff.update_required_ms);
    if (options.on_round) options.on_round(report, delay);
    if (options.max_rounds >= 0 && rounds >= options.max_rounds) break;
    if (deadline >= 0) delay = std::min(delay, std::max<int64_t>(deadline - clock.NowMs(), 0));
    sleeper.SleepMs(delay, stop);
  }
  return rounds;
}

}  // namespace linli::sync
