// The status bar's sync corner: the agent's report (sync/agent, the same
// GetSyncStatus that `linli sync status` prints) turned into a SyncSummary,
// and a summary turned into words.
//
// The sync agent runs outside the counter (`linli sync --daemon`); it keeps
// its state in the store database. AgentSyncStatus reads that state on its
// OWN connection, on its own thread, every few seconds, so the UI thread's
// Read() only copies the last answer under a lock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/sync/agent.h"
#include "linli/ui/devices.h"

namespace linli::ui {

// Pure. The state, by precedence:
//   not enrolled → kNotEnrolled
//   the hub answered 426 → kUpdateRequired (update_message kept in `error`)
//   the last attempt failed because the hub could not be reached → kOffline
//     (offline_since_ms: the last success, 0 when there never was one)
//   the last attempt failed otherwise → kError (the agent's words)
//   events waiting → kPending (with the oldest one's age at now_ms)
//   else → kSynced
SyncSummary SummarizeSync(const sync::SyncStatusReport& report, int64_t now_ms);

// True for the agent's messages that mean "the network or the hub is down"
// (curl_transport.cc: cannot find/reach the hub, no answer in time, the
// connection broke off), as opposed to the hub refusing something.
bool IsOfflineError(std::string_view message);

// The words and the tone the status bar shows for a summary, in the
// current language. Times are shown in `time_zone` ("MM-dd HH:mm").
struct SyncStatusLine {
  enum class Tone { kMuted, kOk, kWarn, kError };
  std::string text;
  Tone tone = Tone::kMuted;
};
SyncStatusLine FormatSyncStatus(const SyncSummary& summary, const std::string& time_zone = "Asia/Shanghai");

// Polls GetSyncStatus on a connection of its own to the store at db_path.
// With a positive poll_ms a thread refreshes every poll_ms; with 0 nothing
// runs by itself and Refresh() is called by hand (tests).
class AgentSyncStatus final : public SyncStatusSource {
 public:
  // IoError/NotFound when the database cannot be opened.
  static Result<std::unique_ptr<AgentSyncStatus>> Open(const std::string& db_path, const Clock& clock,
                                                       int poll_ms = 3000);
  ~AgentSyncStatus() override;
  AgentSyncStatus(const AgentSyncStatus&) = delete;
  AgentSyncStatus& operator=(const AgentSyncStatus&) = delete;

  // The last report summarised at the clock's now (so ages keep counting
  // between polls). UI thread; takes a lock, never touches the database.
  SyncSummary Read() override;

  // Reads the database now (the polling thread calls this).
  void Refresh();

 private:
  AgentSyncStatus(std::unique_ptr<Database> db, const Clock& clock);
  void Loop(int poll_ms);

  std::unique_ptr<Database> db_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::optional<sync::SyncStatusReport> last_;  // guarded by mu_
  std::string read_error_;                      // guarded by mu_
  std::mutex db_mu_;                            // one Refresh at a time
  std::thread thread_;
};

}  // namespace linli::ui
