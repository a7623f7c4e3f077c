// The status bar's sync corner (issue 6): the agent's report → SyncSummary →
// words, in both languages, and the adapter that reads the store database.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "linli/pos/clock.h"
#include "linli/pos/store.h"
#include "linli/ui/i18n.h"
#include "linli/ui/sync_status.h"
#include "testing.h"

namespace linli::ui {
namespace {

// 2026-11-21T07:30:00Z (15:30 in Shanghai).
constexpr int64_t kT0 = 1795246200000;

sync::SyncStatusReport Enrolled() {
  sync::SyncStatusReport r;
  r.enrolled = true;
  r.hub_url = "https://hub.example.cn:8443";
  r.org_code = "LL";
  r.store_code = "S001";
  r.last_success_at = "2026-11-21T07:00:00.000Z";
  return r;
}

// Sets the language for one scope, then back to zh_CN (the default).
struct InLanguage {
  explicit InLanguage(Language l) { Lang().SetLanguage(l); }
  ~InLanguage() { Lang().SetLanguage(Language::kZhCn); }
};

TEST_CASE("sync status: each state from the agent's report") {
  sync::SyncStatusReport none;
  CHECK(SummarizeSync(none, kT0).state == SyncSummary::State::kNotEnrolled);

  auto synced = Enrolled();
  CHECK(SummarizeSync(synced, kT0).state == SyncSummary::State::kSynced);

  auto pending = Enrolled();
  pending.pending_events = 12;
  pending.oldest_pending_at = "2026-11-21T04:25:00.000Z";
  pending.oldest_pending_age_ms = 1;  // stale: the age is taken at now_ms
  SyncSummary p = SummarizeSync(pending, kT0);
  CHECK(p.state == SyncSummary::State::kPending);
  CHECK(p.pending == 12);
  CHECK(p.oldest_age_ms == (3 * 60 + 5) * 60000LL);

  auto offline = pending;
  offline.last_error = "cannot reach the hub https://hub.example.cn:8443 (Connection refused); will retry";
  offline.last_error_at = "2026-11-21T07:29:00.000Z";
  SyncSummary o = SummarizeSync(offline, kT0);
  CHECK(o.state == SyncSummary::State::kOffline);
  CHECK(o.offline_since_ms == kT0 - 30 * 60000);
  CHECK(o.pending == 12);
  offline.last_error = "the hub did not answer in time (Timeout was reached); will retry";
  CHECK(SummarizeSync(offline, kT0).state == SyncSummary::State::kOffline);
  offline.last_success_at = "";
  CHECK(SummarizeSync(offline, kT0).offline_since_ms == 0);

  auto error = pending;
  error.last_error = "the hub's certificate is not signed by the pinned CA (SSL peer certificate); call support";
  SyncSummary e = SummarizeSync(error, kT0);
  CHECK(e.state == SyncSummary::State::kError);
  CHECK(e.error == error.last_error);

  auto update = error;
  update.update_required = true;
  update.update_message = "protocol 1 is no longer supported; install Linli 2";
  SyncSummary u = SummarizeSync(update, kT0);
  CHECK(u.state == SyncSummary::State::kUpdateRequired);
  CHECK(u.error == update.update_message);

  CHECK(IsOfflineError("cannot find the hub https://x (Could not resolve host); check the address"));
  CHECK(IsOfflineError("the connection to the hub broke off (Recv failure); will retry"));
  CHECK(!IsOfflineError("the hub is busy and asked us to wait 30 s"));
  CHECK(!IsOfflineError(""));
}

TEST_CASE("sync status: the words for each state, in English and Chinese") {
  SyncSummary s;
  {
    InLanguage en(Language::kEn);
    CHECK(FormatSyncStatus(s).text == "Not connected to the hub");
    CHECK(FormatSyncStatus(s).tone == SyncStatusLine::Tone::kMuted);
    s.state = SyncSummary::State::kSynced;
    CHECK(FormatSyncStatus(s).text == "Synced");
    CHECK(FormatSyncStatus(s).tone == SyncStatusLine::Tone::kOk);
    s.state = SyncSummary::State::kPending;
    s.pending = 12;
    s.oldest_age_ms = (3 * 60 + 5) * 60000LL;
    CHECK(FormatSyncStatus(s).text == "12 waiting to upload, oldest 3 h 5 min");
    CHECK(FormatSyncStatus(s).tone == SyncStatusLine::Tone::kWarn);
    s.state = SyncSummary::State::kOffline;
    s.offline_since_ms = kT0;
    CHECK(FormatSyncStatus(s).text == "Offline since 11-21 15:30, 12 waiting");
    CHECK(FormatSyncStatus(s, "UTC").text == "Offline since 11-21 07:30, 12 waiting");
    CHECK(FormatSyncStatus(s).tone == SyncStatusLine::Tone::kWarn);
    s.offline_since_ms = 0;
    CHECK(FormatSyncStatus(s).text == "Not yet reached the hub, 12 waiting");
    s.state = SyncSummary::State::kError;
    s.error = "store S001 was revoked at HQ";
    CHECK(FormatSyncStatus(s).text == "Sync error: store S001 was revoked at HQ");
    CHECK(FormatSyncStatus(s).tone == SyncStatusLine::Tone::kError);
    s.state = SyncSummary::State::kUpdateRequired;
    CHECK(FormatSyncStatus(s).text == "Update required: the hub needs a newer Linli (12 waiting, kept on this till)");
    CHECK(FormatSyncStatus(s).tone == SyncStatusLine::Tone::kError);
  }
  {
    InLanguage zh(Language::kZhCn);
    s = SyncSummary{};
    CHECK(FormatSyncStatus(s).text == "未连接总部");
    s.state = SyncSummary::State::kSynced;
    CHECK(FormatSyncStatus(s).text == "已同步");
    s.state = SyncSummary::State::kPending;
    s.pending = 3;
    s.oldest_age_ms = 45000;
    CHECK(FormatSyncStatus(s).text == "待上传 3 笔，最早 45 秒 前");
    s.state = SyncSummary::State::kOffline;
    s.offline_since_ms = kT0;
    CHECK(FormatSyncStatus(s).text == "离线（自 11-21 15:30），待上传 3 笔");
    s.offline_since_ms = 0;
    CHECK(FormatSyncStatus(s).text == "尚未连上总部，待上传 3 笔");
    s.state = SyncSummary::State::kError;
    s.error = "x";
    CHECK(FormatSyncStatus(s).text == "同步出错：x");
    s.state = SyncSummary::State::kUpdateRequired;
    CHECK(FormatSyncStatus(s).text.find("需要升级") == 0);
  }
  // Every key the corner uses is in both tables.
  for (Language l : kAllLanguages) {
    auto table = StringTable::Parse(EmbeddedTable(l));
    REQUIRE(table.ok());
    for (const char* k : {"status.sync_not_enrolled", "status.sync_ok", "status.sync_pending", "status.sync_offline",
                          "status.sync_offline_never", "status.sync_error", "status.sync_update"}) {
      CAPTURE(k);
      CHECK(table->Find(k) != nullptr);
    }
  }
}

TEST_CASE("sync status: the adapter reads the agent's state from the store database") {
  linli::testing::TempDir dir;
  const std::string path = linli::testing::MakeStore(dir);
  FakeClock clock(kT0);
  auto source = AgentSyncStatus::Open(path, clock, /*poll_ms=*/0);
  REQUIRE(source.ok());
  CHECK((*source)->Read().state == SyncSummary::State::kNotEnrolled);

  auto db = OpenStore(path);
  REQUIRE(db.ok());
  (*db)->Exec(
      "UPDATE sync_state SET enrolled = 1, hub_url = 'https://hub', org_code = 'LL', store_code = 'S001', "
      "last_success_at = '2026-11-21T07:00:00.000Z' WHERE id = 1");
  CHECK((*source)->Read().state == SyncSummary::State::kNotEnrolled);  // not read yet
  (*source)->Refresh();
  CHECK((*source)->Read().state == SyncSummary::State::kSynced);

  (*db)->Exec(
      "UPDATE sync_state SET last_error = 'cannot reach the hub https://hub (Connection refused); will retry', "
      "last_error_at = '2026-11-21T07:29:00.000Z' WHERE id = 1");
  (*source)->Refresh();
  SyncSummary off = (*source)->Read();
  CHECK(off.state == SyncSummary::State::kOffline);
  CHECK(off.offline_since_ms == kT0 - 30 * 60000);

  (*db)->Exec("UPDATE sync_state SET update_required = 1, update_message = 'upgrade to 2.0' WHERE id = 1");
  (*source)->Refresh();
  CHECK((*source)->Read().state == SyncSummary::State::kUpdateRequired);
  CHECK((*source)->Read().error == "upgrade to 2.0");

  // With a polling thread, a change shows within a few polls, and the
  // source stops cleanly when destroyed.
  auto polled = AgentSyncStatus::Open(path, clock, /*poll_ms=*/20);
  REQUIRE(polled.ok());
  CHECK((*polled)->Read().state == SyncSummary::State::kUpdateRequired);
  (*db)->Exec("UPDATE sync_state SET update_required = 0, update_message = '', last_error = '' WHERE id = 1");
  bool seen = false;
  for (int i = 0; i < 250 && !seen; ++i) {
    seen = (*polled)->Read().state == SyncSummary::State::kSynced;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(seen);
  polled->reset();

  CHECK(!AgentSyncStatus::Open(dir.File("missing.db"), clock, 0).ok());
}

}  // namespace
}  // namespace linli::ui
