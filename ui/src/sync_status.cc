#include "linli/ui/sync_status.h"

#include <algorithm>
#include <chrono>

#include "linli/pos/store.h"
#include "linli/ui/format.h"
#include "linli/ui/i18n.h"

namespace linli::ui {

bool IsOfflineError(std::string_view m) {
  for (std::string_view p : {"cannot find the hub", "cannot reach the hub", "the hub did not answer in time",
                             "the connection to the hub broke off", "talking to the hub failed"}) {
    if (m.substr(0, p.size()) == p) return true;
  }
  return false;
}

SyncSummary SummarizeSync(const sync::SyncStatusReport& r, int64_t now_ms) {
  SyncSummary s;
  s.pending = r.pending_events;
  if (r.pending_events > 0 && !r.oldest_pending_at.empty()) {
    const int64_t t = ParseUtc(r.oldest_pending_at);
    s.oldest_age_ms = t >= 0 ? std::max<int64_t>(now_ms - t, 0) : r.oldest_pending_age_ms;
  } else {
    s.oldest_age_ms = r.oldest_pending_age_ms;
  }
  if (!r.enrolled) {
    s.state = SyncSummary::State::kNotEnrolled;
  } else if (r.update_required) {
    s.state = SyncSummary::State::kUpdateRequired;
    s.error = r.update_message.empty() ? r.last_error : r.update_message;
  } else if (!r.last_error.empty() && IsOfflineError(r.last_error)) {
    s.state = SyncSummary::State::kOffline;
    const int64_t since = r.last_success_at.empty() ? -1 : ParseUtc(r.last_success_at);
    s.offline_since_ms = since > 0 ? since : 0;
    s.error = r.last_error;
  } else if (!r.last_error.empty()) {
    s.state = SyncSummary::State::kError;
    s.error = r.last_error;
  } else if (r.pending_events > 0) {
    s.state = SyncSummary::State::kPending;
  } else {
    s.state = SyncSummary::State::kSynced;
  }
  return s;
}

SyncStatusLine FormatSyncStatus(const SyncSummary& s, const std::string& tz) {
  using Tone = SyncStatusLine::Tone;
  switch (s.state) {
    case SyncSummary::State::kNotEnrolled: return {Tr("status.sync_not_enrolled"), Tone::kMuted};
    case SyncSummary::State::kSynced: return {Tr("status.sync_ok"), Tone::kOk};
    case SyncSummary::State::kPending:
      return {TrF("status.sync_pending", s.pending, AgeText(s.oldest_age_ms)), Tone::kWarn};
    case SyncSummary::State::kOffline:
      if (s.offline_since_ms <= 0) return {TrF("status.sync_offline_never", s.pending), Tone::kWarn};
      return {TrF("status.sync_offline", FormatLocal(s.offline_since_ms, tz, "MM-dd HH:mm"), s.pending), Tone::kWarn};
    case SyncSummary::State::kError: return {TrF("status.sync_error", s.error), Tone::kError};
    case SyncSummary::State::kUpdateRequired: return {TrF("status.sync_update", s.pending), Tone::kError};
  }
  return {Tr("status.sync_not_enrolled"), Tone::kMuted};
}

// ---- AgentSyncStatus

Result<std::unique_ptr<AgentSyncStatus>> AgentSyncStatus::Open(const std::string& db_path, const Clock& clock,
                                                               int poll_ms) {
  auto db = OpenStore(db_path);
  if (!db.ok()) return db.status();
  std::unique_ptr<AgentSyncStatus> s(new AgentSyncStatus(std::move(*db), clock));
  s->Refresh();  // the first answer is there before the first frame
  if (poll_ms > 0) {
    AgentSyncStatus* self = s.get();
    s->thread_ = std::thread([self, poll_ms] { self->Loop(poll_ms); });
  }
  return s;
}

AgentSyncStatus::AgentSyncStatus(std::unique_ptr<Database> db, const Clock& clock)
    : db_(std::move(db)), clock_(clock) {}

AgentSyncStatus::~AgentSyncStatus() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AgentSyncStatus::Loop(int poll_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (cv_.wait_for(lock, std::chrono::milliseconds(poll_ms), [this] { return stop_; })) break;
    lock.unlock();
    Refresh();
    lock.lock();
  }
}

void AgentSyncStatus::Refresh() {
  std::lock_guard<std::mutex> db_lock(db_mu_);
  auto r = sync::GetSyncStatus(*db_, clock_);
  std::lock_guard<std::mutex> lock(mu_);
  if (r.ok()) {
    last_ = std::move(*r);
    read_error_.clear();
  } else if (r.status().code() == Status::Code::kFailedPrecondition) {
    last_.reset();  // a database from before sync: not enrolled
    read_error_.clear();
  } else {
    read_error_ = r.status().message();  // e.g. busy: keep showing the last answer
  }
}

SyncSummary AgentSyncStatus::Read() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!last_) {
    SyncSummary s;
    if (!read_error_.empty()) {
      s.state = SyncSummary::State::kError;
      s.error = read_error_;
    }
    return s;
  }
  return SummarizeSync(*last_, clock_.NowMs());
}

}  // namespace linli::ui
