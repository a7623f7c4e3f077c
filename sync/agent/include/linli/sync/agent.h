// The store's sync agent (DESIGN §6, sync/protocol/PROTOCOL.md): enrolment,
// push of the journal, the hub's signed checkpoint, pull of the change feed,
// and the daemon loop with back-off.
//
// State lives in the store database (`sync_state`, schema/store/0006_sync.sql),
// so a restart, a crash or a power cut between any two steps loses nothing:
// the journal is the queue, the hub's high-water mark says what to send next,
// and the pull cursor is committed with the page it belongs to.
//
// Everything outside the process is injected: the network (HttpTransport, see
// transport.h; tests use a fake), the clock, the random source for jitter and
// the sleeper. A SyncAgent is used by one thread at a time; the daemon's stop
// flag may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/sync/protocol.h"
#include "linli/sync/transport.h"

namespace linli::sync {

// ---------------------------------------------------------------------------
// Stored state
// ---------------------------------------------------------------------------

// The `sync_state` row as the agent keeps it.
struct SyncState {
  bool enrolled = false;
  std::string hub_url;         // "https://hub.example.cn:8443", no trailing '/'
  std::string ca_pem;          // pinned CA; "" only for a loopback http:// hub
  std::string org_code;
  std::string store_code;
  std::string hub_public_key;  // 32 raw bytes
  int64_t pushed_epoch = 0;    // the hub holds our events up to here
  int64_t pushed_seq = 0;
  int64_t pull_cursor = 0;
  std::optional<Checkpoint> checkpoint;  // the last verified hub checkpoint
  std::string last_attempt_at, last_success_at, last_error_at, last_error;
  bool update_required = false;
  std::string update_message;
};

// Reads the row. FailedPrecondition when the database predates schema 0006.
Result<SyncState> LoadSyncState(Database& db);

// A store_config value from HQ that the till refused (StoreConfigProblem,
// store_config.h) and did not apply: the till keeps its last good value and
// goes on selling. Kept until a good value (or a delete) for the key arrives.
struct RefusedConfig {
  std::string key;
  std::string value;   // as HQ sent it
  std::string reason;  // why the till refused it
  int64_t seq = 0;     // the change's seq in the hub's feed
  std::string at;      // when it arrived (ISO-8601 UTC)
};
// Every refused value, by key. Part of GetSyncStatus.
Result<std::vector<RefusedConfig>> LoadRefusedConfig(Database& db);

// What `linli sync status` shows.
struct SyncStatusReport {
  bool enrolled = false;
  std::string hub_url;
  std::string org_code, store_code;
  int64_t pending_events = 0;         // journal rows the hub has not acknowledged
  int64_t oldest_pending_age_ms = -1; // age of the oldest of them; -1 when none
  std::string oldest_pending_at;      // its occurred_at
  std::string last_success_at;        // "" = never
  std::string last_error_at;
  std::string last_error;             // plain words; "" when the last attempt succeeded
  bool update_required = false;
  std::string update_message;
  int64_t checkpoint_seq = 0, checkpoint_epoch = 0;
  std::string checkpoint_at;
  int64_t pull_cursor = 0;
  int64_t diverged_seq = 0;  // SyncReport::diverged_seq, as last found; 0 = none
  // The last fork the hub adopted (kForkAdoptedConfigKey); epoch 0 = none.
  int64_t fork_epoch = 0, fork_first_seq = 0, fork_head_seq = 0, fork_new_epoch = 0;
  std::string fork_at;
  // store_config values from HQ the till refused (LoadRefusedConfig): the
  // status bar and `sync status` show them; selling goes on.
  std::vector<RefusedConfig> refused_config;

  nlohmann::json ToJson() const;
  // Several lines for a shopkeeper, e.g. "待上传 12 笔 / 12 events waiting,
  // oldest 3 h 5 min", "last success 2026-11-21 15:30:00", …
  std::string ToText(const std::string& time_zone) const;
};
Result<SyncStatusReport> GetSyncStatus(Database& db, const Clock& clock);

// ---------------------------------------------------------------------------
// The agent
// ---------------------------------------------------------------------------

struct AgentOptions {
  int max_batch_events = kMaxBatchEvents;  // ≤ 500
  size_t max_batch_bytes = kMaxBatchBytes; // ≤ 1 MiB of uncompressed JSON
  int changes_page = kDefaultChangesPage;
  bool gzip = true;                        // gzip push bodies
  int max_push_batches = 10'000;           // per SyncOnce: bounds the loop
  int max_pull_pages = 10'000;             // per SyncOnce
};

// What one SyncOnce did, and how it ended.
// store_config key where the agent keeps SyncReport::diverged_seq.
inline constexpr char kDivergedConfigKey[] = "sync_diverged_seq";
// store_config key where the agent notes the last fork the hub adopted, as
// JSON {"epoch", "first_seq", "head_seq", "new_epoch", "at"}.
inline constexpr char kForkAdoptedConfigKey[] = "sync_fork_adopted";

struct SyncReport {
  Status status;               // OK, or why it stopped (also stored as last_error)
  int http_status = 0;         // of the failing answer, 0 for network errors
  int64_t retry_after_ms = -1; // from a 429/503 Retry-After; -1 when none
  bool update_required = false;// the hub answered 426
  bool restored = false;       // a restore was detected and the epoch bumped
  // The first seq at which this journal is known to hold another event than
  // the hub (a store file copied back while the old till kept selling); 0
  // when none. The agent then takes a new epoch and sends its events of the
  // old one from there as a fork, which the hub adopts and shows to HQ
  // (PROTOCOL.md §6.5); fork_adopted says it did. Only when the hub refuses
  // the fork too does sync stop with Corruption, the events kept here.
  int64_t diverged_seq = 0;
  bool fork_adopted = false;
  int64_t pushed = 0;          // events the hub newly stored
  int64_t duplicates = 0;      // events it already had
  int64_t push_requests = 0;
  int64_t pulled_changes = 0;
  int64_t pull_pages = 0;
  bool snapshot = false;       // a snapshot replaced the synced catalogue
  int prices_applied = 0;      // scheduled prices that took effect
  // The hub's clock minus this till's, as last learned from the hub's
  // Linli-Hub-Time (PROTOCOL.md §3.1); requests are signed with the till's
  // clock plus this. Beyond sync::kClockSkewFlagMs the hub flags the events.
  int64_t clock_offset_ms = 0;
};

class SyncAgent {
 public:
  // `db` must be a store database at schema ≥ 0006. The agent does not own
  // its arguments; they must outlive it.
  SyncAgent(Database& db, HttpTransport& transport, const Clock& clock, AgentOptions options = {});

  // Registers this till's existing device key (made by `linli init`) with the
  // hub using a one-time token, pins the hub's checkpoint key and CA, and
  // stores the hub URL. `hub_url` must be https://, or http:// to loopback.
  // The transport must already be set up for that URL and CA.
  // PermissionDenied for a used, expired or unknown token; Unavailable when
  // the hub cannot be reached; FailedPrecondition after 426.
  Status Enroll(const std::string& hub_url, const std::string& token, const std::string& ca_pem);

  // One round: ask the hub's high-water mark, push what follows in batches
  // (one in flight), verify and keep each checkpoint, then pull change pages
  // until caught up, each page applied with its cursor in one transaction,
  // then apply due prices. The outcome is recorded in sync_state (last
  // success or last error; 426 also sets update_required) in every case.
  // Bounded by AgentOptions::max_push_batches / max_pull_pages.
  SyncReport SyncOnce();

 private:
  // Signs with the device key (PROTOCOL.md §3), gzips the body when asked,
  // and sends; the answer is returned whatever its status.
  Result<HttpResponse> Signed(const std::string& method, const std::string& path_and_query,
                              const std::string& body, bool gzip);
  Status Push(SyncReport& report);
  // Sends this journal's events of `epoch` from `from_seq` on as a fork
  // (PROTOCOL.md §6.5). *no_fork: the hub holds none of those seqs, so
  // there is nothing to adopt and a plain push sends them.
  Status PushFork(int64_t epoch, int64_t from_seq, SyncReport& report, bool* no_fork);
  // After a fork is found at `seq` of `epoch`: takes a new epoch when this
  // till still writes that one, and sends the fork from `from_seq`.
  Status AdoptFork(int64_t epoch, int64_t seq, int64_t from_seq, SyncReport& report, bool* no_fork);
  Status Pull(SyncReport& report);
  Status StoreCheckpoint(const Checkpoint& c);
  Status HttpError(const HttpResponse& r, SyncReport& report);
  void Record(const SyncReport& report);

  Database& db_;
  HttpTransport& transport_;
  const Clock& clock_;
  AgentOptions options_;
  SyncState state_;
  int64_t clock_offset_ms_ = 0;  // hub clock − our clock (see SyncReport)
};

// Applies one page of the change feed and stores `cursor` with it, in ONE
// transaction: either all of it (page and cursor) is saved or none. With
// `snapshot`, the synced catalogue is replaced: products, barcodes and
// promotions not in the page are switched off / removed first. A change that
// cannot be applied (an unknown SKU for a barcode, a promotion that does not
// parse) is skipped and counted, never allowed to block the feed. Exposed for
// tests.
struct ApplyResult {
  int applied = 0;
  int skipped = 0;
  std::vector<std::string> problems;  // one sentence per skipped change
};
Result<ApplyResult> ApplyChangesPage(Database& db, const ChangesResponse& page, const Clock& clock);

// ---------------------------------------------------------------------------
// Daemon
// ---------------------------------------------------------------------------

// Uniform random numbers for jitter.
class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next() = 0;
};
// A seeded xorshift-style generator (splitmix64); seed from std::random_device
// in production, fixed in tests.
class SplitMix64 final : public Random {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() override;

 private:
  uint64_t state_;
};

// Waits. The real one sleeps in short slices and returns early when `stop`
// is set; the fake records what it was asked and advances a FakeClock.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepMs(int64_t ms, const std::atomic<bool>& stop) = 0;
};
class RealSleeper final : public Sleeper {
 public:
  void SleepMs(int64_t ms, const std::atomic<bool>& stop) override;
};

struct BackoffPolicy {
  int64_t initial_ms = 2'000;       // first retry after a failure (before jitter)
  int64_t max_ms = 5 * 60'000;      // cap
  int64_t idle_ms = 30'000;         // between rounds after a success
  int64_t update_required_ms = 30 * 60'000;  // after a 426: check again rarely
};

// The wait before the next round after `failures` consecutive failures
// (0 = the last round succeeded: idle_ms). Exponential: initial · 2^(n−1),
// capped at max_ms, with "equal jitter": uniform in [d/2, d]. A Retry-After
// from the hub (retry_after_ms ≥ 0) is a floor, never shortened by jitter.
int64_t NextDelayMs(const BackoffPolicy& policy, int failures, int64_t retry_after_ms, Random& rng);

struct DaemonOptions {
  BackoffPolicy backoff;
  int64_t max_rounds = -1;   // -1: until stopped
  int64_t max_seconds = -1;  // -1: until stopped (measured on the clock)
  // Called after each round (the CLI prints a line); may be empty.
  std::function<void(const SyncReport&, int64_t next_delay_ms)> on_round;
};

// Repeats SyncOnce until `stop` is set or a limit is reached, waiting
// NextDelayMs between rounds. Never gives up on its own: a network failure,
// 429, 5xx or 426 only lengthens the wait, and sales keep queueing in the
// journal meanwhile. Returns the number of rounds run.
int64_t RunDaemon(SyncAgent& agent, const Clock& clock, Sleeper& sleeper, Random& rng,
                  const DaemonOptions& options, const std::atomic<bool>& stop);

}  // namespace linli::sync
