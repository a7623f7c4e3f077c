// `linli sync status`: what is waiting and how the last attempts went, in
// plain words.
#include <climits>
#include <cstdint>
#include <cstdlib>

#include "linli/pos/journal.h"
#include "linli/pos/store.h"
#include "linli/sync/agent.h"

namespace linli::sync {

namespace {

std::string Age(int64_t ms) {
  if (ms < 0) return "";
  const int64_t minutes = ms / 60'000;
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return std::to_string(minutes) + " min";
  const int64_t hours = minutes / 60;
  if (hours < 48) return std::to_string(hours) + " h " + std::to_string(minutes % 60) + " min";
  return std::to_string(hours / 24) + " days";
}

std::string When(const std::string& utc, const std::string& tz) {
  if (utc.empty()) return "never";
  const int64_t ms = ParseUtc(utc);
  return ms < 0 ? utc : FormatLocal(ms, tz);
}

}  // namespace

Result<SyncStatusReport> GetSyncStatus(Database& db, const Clock& clock) {
  auto st = LoadSyncState(db);
  if (!st.ok()) return st.status();
  SyncStatusReport r;
  r.enrolled = st->enrolled;
  r.hub_url = st->hub_url;
  r.org_code = st->org_code;
  r.store_code = st->store_code;
  r.last_success_at = st->last_success_at;
  r.last_error_at = st->last_error_at;
  r.last_error = st->last_error;
  r.update_required = st->update_required;
  r.update_message = st->update_message;
  r.pull_cursor = st->pull_cursor;
  r.diverged_seq = std::atoll(GetConfig(db, kDivergedConfigKey).value_or("0").c_str());
  if (auto fork = GetConfig(db, kForkAdoptedConfigKey)) {
    const nlohmann::json f = nlohmann::json::parse(*fork, nullptr, /*allow_exceptions=*/false);
    if (f.is_object()) {
      r.fork_epoch = f.value("epoch", int64_t{0});
      r.fork_first_seq = f.value("first_seq", int64_t{0});
      r.fork_head_seq = f.value("head_seq", int64_t{0});
      r.fork_new_epoch = f.value("new_epoch", int64_t{0});
      r.fork_at = f.value("at", std::string());
    }
  }
  if (st->checkpoint) {
    r.checkpoint_seq = st->checkpoint->seq;
    r.checkpoint_epoch = st->checkpoint->epoch;
    r.checkpoint_at = st->checkpoint->signed_at;
  }
  auto refused = LoadRefusedConfig(db);
  if (!refused.ok()) return refused.status();
  r.refused_config = std::move(*refused);
  auto head = JournalHead(db);
  if (!head.ok()) return head.status();
  // The hub acknowledged up to (pushed_epoch, pushed_seq), its checkpoint.
  // Pending rows are a suffix of the journal: those after that point. After
  // a restore the hub's checkpoint can be ahead of the local head in an
  // older epoch, so the acknowledged prefix is the last row at or below
  // pushed_seq whose epoch is not newer than pushed_epoch; epochs never go
  // down along seq, so bisection finds it with primary-key lookups.
  int64_t acked = 0;
  Status s = Guard([&] {
    auto epoch_at = [&](int64_t seq) {
      Statement& q = db.Cached("SELECT epoch FROM journal WHERE seq = ?");
      q.Bind(1, seq);
      const int64_t e = q.Step() ? q.Int(0) : INT64_MAX;
      q.Reset();
      return e;
    };
    int64_t lo = 0, hi = std::min(st->pushed_seq, head->seq);
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo + 1) / 2;
      if (epoch_at(mid) <= st->pushed_epoch) lo = mid; else hi = mid - 1;
    }
    acked = lo;
  });
  if (!s.ok()) return s;
  r.pending_events = head->seq - acked;
  if (r.pending_events > 0) {
    auto rows = ReadJournal(db, acked, 1);
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) {
      r.oldest_pending_at = rows->front().occurred_at;
      const int64_t t = ParseUtc(r.oldest_pending_at);
      if (t >= 0) r.oldest_pending_age_ms = std::max<int64_t>(clock.NowMs() - t, 0);
    }
  }
  return r;
}

nlohmann::json SyncStatusReport::ToJson() const {
  nlohmann::json refused = nlohmann::json::array();
  for (const RefusedConfig& c : refused_config) {
    refused.push_back({{"key", c.key}, {"value", c.value}, {"reason", c.reason}, {"seq", c.seq}, {"at", c.at}});
  }
  return {{"enrolled", enrolled},
          {"refused_config", refused},
          {"hub_url", hub_url},
          {"org_code", org_code},
          {"store_code", store_code},
          {"pending_events", pending_events},
          {"oldest_pending_at", oldest_pending_at},
          {"oldest_pending_age_ms", oldest_pending_age_ms},
          {"last_success_at", last_success_at},
          {"last_error_at", last_error_at},
          {"last_error", last_error},
          {"update_required", update_required},
          {"update_message", update_message},
          {"checkpoint", {{"epoch", checkpoint_epoch}, {"seq", checkpoint_seq}, {"signed_at", checkpoint_at}}},
          {"pull_cursor", pull_cursor},
          {"diverged_seq", diverged_seq},
          {"fork_adopted", fork_epoch ? nlohmann::json{{"epoch", fork_epoch},
                                                      {"first_seq", fork_first_seq},
                                                      {"head_seq", fork_head_seq},
                                                      {"new_epoch", fork_new_epoch},
                                                      {"at", fork_at}}
                                      : nlohmann::json()}};
}

std::string SyncStatusReport::ToText(const std::string& tz) const {
  std::string out;
  if (!enrolled) {
    out += "Not enrolled with a hub: run `linli enroll --hub URL --token T --ca CERT`.\n";
  } else {
    out += "Hub: " + hub_url + " (organisation " + org_code + ", store " + store_code + ")\n";
  }
  if (update_required) {
    out += "UPDATE REQUIRED: the hub does not understand this version of Linli. "
           "Sales are kept on this till and will be sent after the update.\n";
    if (!update_message.empty()) out += "  The hub said: " + update_message + "\n";
  }
  if (diverged_seq > 0) {
    out += "STOPPED: this till's journal differs from the hub's from event " + std::to_string(diverged_seq) +
           ": the store file was copied back (or restored) while another copy kept selling. Nothing is lost: "
           "the events are kept here, and the hub keeps them in quarantine for HQ. Do not delete anything; "
           "call support.\n";
  }
  if (fork_epoch > 0 && diverged_seq == 0) {
    out += "RESTORED COPY: this store file sold at events the hub already held from another copy (epoch " +
           std::to_string(fork_epoch) + ", from event " + std::to_string(fork_first_seq) +
           "). Its sales were sent and the hub keeps them beside the other copy's, shown to HQ as a restore; " +
           "this till now writes epoch " + std::to_string(fork_new_epoch) + ". Nothing was lost" +
           (fork_at.empty() ? std::string() : "; found " + When(fork_at, tz)) + ".\n";
  }
  if (pending_events == 0) {
    out += "Nothing waiting to be sent.\n";
  } else {
    out += std::to_string(pending_events) + " event" + (pending_events == 1 ? "" : "s") +
           " waiting to be sent; the oldest is " + Age(oldest_pending_age_ms) + " old.\n";
  }
  out += "Last successful sync: " + When(last_success_at, tz) + "\n";
  if (!last_error.empty()) {
    out += "Last problem (" + When(last_error_at, tz) + "): " + last_error + "\n";
  }
  for (const RefusedConfig& c : refused_config) {
    out += "HQ 设置有误 / refused setting from HQ: store_config \"" + c.key + "\" (change " +
           std::to_string(c.seq) + ", " + When(c.at, tz) + ") " + c.reason +
           ". The till keeps its last good value and goes on selling; fix it at HQ.\n";
  }
  if (checkpoint_seq > 0) {
    out += "Hub checkpoint: event " + std::to_string(checkpoint_seq) + " (epoch " +
           std::to_string(checkpoint_epoch) + "), signed " + When(checkpoint_at, tz) + "\n";
  }
  return out;
}

}  // namespace linli::sync
