// The sync agent against an in-memory hub (fake_hub.h): enrolment, batching,
// checkpoints, 426/429, pull pages with their cursor, snapshots, due prices,
// restore detection, back-off and the daemon loop.
#include <doctest/doctest.h>

#include <atomic>

#include "fake_hub.h"
#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/journal.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/store.h"
#include "linli/sync/agent.h"
#include "testing.h"

namespace linli {
namespace {

using testing::FakeHub;

constexpr int64_t kT0 = 1'763'700'000'000;  // 2025-11-21T04:53:20Z

struct Fixture {
  testing::TempDir dir;
  FakeClock clock{kT0};
  std::unique_ptr<Database> db;
  FakeHub hub;

  Fixture() {
    const std::string path = testing::MakeStore(dir);
    db = std::move(OpenStore(path)).value();
    hub.clock = &clock;
  }

  void Append(int n) {
    Transaction tx(*db);
    for (int i = 0; i < n; ++i) {
      auto e = AppendJournal(*db, "stock_movement", 1, {{"qty_milli", 1000 + i}, {"sku", "A" + std::to_string(i)}}, clock);
      REQUIRE(e.ok());
    }
    tx.Commit();
  }

  void Enroll(sync::SyncAgent& agent) {
    REQUIRE(agent.Enroll("http://127.0.0.1:9", "tok-1", "").ok());
  }

  void ImportCatalog() {
    auto r = ImportCatalogCsv(*db, "sku,barcode,name,price\nA1,6901234567892,可口可乐,3.50\n", {}, clock);
    REQUIRE(r.ok());
    REQUIRE(r->written);
  }

  int64_t Price(const std::string& sku) {
    Catalog c(*db);
    auto p = c.FindBySku(sku);
    REQUIRE(p.ok());
    REQUIRE(p->has_value());
    return (*p)->price_fen;
  }
};

sync::Change MakeChange(int64_t seq, const std::string& kind, const std::string& key, nlohmann::json data,
                        const std::string& op = "upsert") {
  sync::Change c;
  c.seq = seq;
  c.kind = kind;
  c.key = key;
  c.op = op;
  c.data = std::move(data);
  return c;
}

TEST_CASE("sync agent: enrol pins the hub key and the codes, a used token is refused") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  auto st = sync::LoadSyncState(*f.db);
  REQUIRE(st.ok());
  CHECK(st->enrolled);
  CHECK(st->org_code == "LL");
  CHECK(st->store_code == "S001");
  CHECK(st->hub_public_key == f.hub.hub_key);
  CHECK(st->hub_url == "http://127.0.0.1:9");

  Status again = agent.Enroll("http://127.0.0.1:9", "tok-1", "");
  CHECK(again.code() == Status::Code::kPermissionDenied);
  CHECK(agent.Enroll("http://hub.example.cn", "t", "").IsInvalidArgument());  // not https, not loopback
  CHECK(agent.Enroll("https://hub.example.cn", "t", "").IsInvalidArgument());  // no CA pinned
}

TEST_CASE("sync agent: pushes ≤500-event batches, keeps the verified checkpoint, re-sync sends nothing") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.Append(1200);
  sync::SyncReport r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(r.pushed == 1200);
  CHECK(r.push_requests == 3);
  CHECK(f.hub.push_event_counts == std::vector<size_t>{500, 500, 200});
  CHECK(f.hub.EventCount() == 1200);
  auto st = sync::LoadSyncState(*f.db);
  REQUIRE(st->checkpoint.has_value());
  CHECK(st->checkpoint->seq == 1200);
  auto head = JournalHead(*f.db);
  CHECK(st->checkpoint->hash_hex == HexEncode(head->hash));
  CHECK(sync::VerifyCheckpoint(*st->checkpoint, f.hub.hub_key));

  auto status = sync::GetSyncStatus(*f.db, f.clock);
  REQUIRE(status.ok());
  CHECK(status->pending_events == 0);
  CHECK(status->last_success_at == FormatUtc(kT0));

  const int64_t pushes = f.hub.pushes;
  r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(r.push_requests == 0);
  CHECK(f.hub.pushes == pushes);
  CHECK(f.hub.EventCount() == 1200);
}

TEST_CASE("sync agent: the 1 MiB limit is on the uncompressed JSON, and bodies go gzip'd") {
  Fixture f;
  sync::AgentOptions opts;
  opts.max_batch_bytes = 8 * 1024;
  sync::SyncAgent agent(*f.db, f.hub, f.clock, opts);
  f.Enroll(agent);
  f.Append(120);
  sync::SyncReport r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(f.hub.pushes > 1);
  for (size_t s : f.hub.push_json_sizes) CHECK(s <= 8 * 1024);
  CHECK(f.hub.EventCount() == 120);
  bool gz = false;
  for (const auto& req : f.hub.seen) {
    for (const auto& [k, v] : req.headers) gz = gz || (k == sync::kHeaderEncoding && v == "gzip");
  }
  CHECK(gz);
}

TEST_CASE("sync agent: a checkpoint not signed by the pinned hub key is refused and not kept") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.Append(3);
  f.hub.sign_badly = true;
  sync::SyncReport r = agent.SyncOnce();
  CHECK(r.status.code() == Status::Code::kCorruption);
  auto st = sync::LoadSyncState(*f.db);
  CHECK_FALSE(st->checkpoint.has_value());
  CHECK(st->last_error.find("not signed by the hub key") != std::string::npos);
}

TEST_CASE("sync agent: 429 Retry-After is honoured and recorded as the last error") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.Append(2);
  f.hub.fail_next = {429};
  sync::SyncReport r = agent.SyncOnce();
  CHECK(r.status.code() == Status::Code::kUnavailable);
  CHECK(r.http_status == 429);
  CHECK(r.retry_after_ms == 7000);
  sync::SplitMix64 rng(1);
  CHECK(sync::NextDelayMs({}, 1, r.retry_after_ms, rng) >= 7000);
  auto status = sync::GetSyncStatus(*f.db, f.clock);
  CHECK(status->pending_events == 2);
  CHECK(status->oldest_pending_age_ms == 0);
  CHECK(status->last_error.find("busy") != std::string::npos);
  CHECK(status->last_success_at.empty());

  f.clock.Advance(8000);
  r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  status = sync::GetSyncStatus(*f.db, f.clock);
  CHECK(status->pending_events == 0);
  CHECK(status->last_error.empty());
}

TEST_CASE("sync agent: 426 keeps sales queued and shows update required until a sync succeeds") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.Append(4);
  f.hub.fail_next = {426};
  sync::SyncReport r = agent.SyncOnce();
  CHECK(r.update_required);
  CHECK(r.status.code() == Status::Code::kFailedPrecondition);
  auto status = sync::GetSyncStatus(*f.db, f.clock);
  CHECK(status->update_required);
  CHECK(status->pending_events == 4);
  CHECK(status->ToText("Asia/Shanghai").find("UPDATE REQUIRED") != std::string::npos);
  f.Append(1);  // the till keeps selling
  r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(f.hub.EventCount() == 5);
  CHECK_FALSE(sync::GetSyncStatus(*f.db, f.clock)->update_required);
}

TEST_CASE("sync agent: a restored database starts a new epoch instead of reusing seqs") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.Append(5);
  // The hub already holds seqs 6..10 of epoch 1 that this (restored) file lost.
  REQUIRE(agent.SyncOnce().status.ok());
  for (int64_t s = 6; s <= 10; ++s) f.hub.events[1][s] = std::string(64, 'a');
  sync::SyncReport r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(r.restored);
  auto dev = LoadDevice(*f.db);
  CHECK(dev->epoch == 2);
  CHECK(sync::GetSyncStatus(*f.db, f.clock)->pending_events == 0);
  f.Append(2);
  CHECK(sync::GetSyncStatus(*f.db, f.clock)->pending_events == 2);  // new epoch, behind the hub's old head
  r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK_FALSE(r.restored);
  CHECK(sync::GetSyncStatus(*f.db, f.clock)->pending_events == 0);
  REQUIRE(f.hub.events.count(2) == 1);
  CHECK(f.hub.events[2].begin()->first == 6);  // seq continues from the local head, new epoch
  CHECK(f.hub.events[2].size() == 2);
  CHECK(f.hub.events[1].size() == 10);
}

TEST_CASE("sync agent: pull applies pages with their cursor, re-applying changes nothing") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.hub.log = {
      MakeChange(1, "category", "饮料", {{"name", "饮料"}}),
      MakeChange(2, "product", "H001", {{"sku", "H001"}, {"name", "农夫山泉 550ml"}, {"category", "饮料"},
                                        {"unit", "pcs"}, {"tax_rate_bp", 1300}, {"active", true}}),
      MakeChange(3, "barcode", "6921168509256", {{"code", "6921168509256"}, {"sku", "H001"}, {"pack_qty_milli", 1000}}),
      MakeChange(4, "price", "H001@2025-11-01T00:00:00.000Z",
                 {{"sku", "H001"}, {"price_fen", 200}, {"effective_from", "2025-11-01T00:00:00.000Z"}, {"store", nullptr}}),
      MakeChange(5, "barcode", "000", {{"code", "000"}, {"sku", "NOPE"}, {"pack_qty_milli", 1000}}),
      MakeChange(6, "store_config", "points_per_yuan", {{"key", "points_per_yuan"}, {"value", "2"}}),
      MakeChange(7, "store_config", "store_code", {{"key", "store_code"}, {"value", "EVIL"}}),
  };
  sync::AgentOptions opts;
  opts.changes_page = 3;
  sync::SyncAgent paged(*f.db, f.hub, f.clock, opts);
  sync::SyncReport r = paged.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(r.pull_pages == 3);
  CHECK(r.pulled_changes == 5);  // the unknown SKU's barcode and store_code were skipped, not blocking
  CHECK(f.Price("H001") == 200);
  Catalog cat(*f.db);
  auto hit = cat.FindByBarcode("6921168509256");
  REQUIRE(hit.ok());
  REQUIRE(hit->has_value());
  CHECK((*hit)->product.sku == "H001");
  CHECK(GetConfig(*f.db, "points_per_yuan") == "2");
  CHECK(GetConfig(*f.db, "store_code") == "S001");
  CHECK(sync::LoadSyncState(*f.db)->pull_cursor == 7);

  // The same page again (a lost answer) leaves everything as it was.
  sync::ChangesResponse page;
  page.cursor = 7;
  page.changes = f.hub.log;
  auto again = sync::ApplyChangesPage(*f.db, page, f.clock);
  REQUIRE(again.ok());
  CHECK(f.Price("H001") == 200);
  Statement n = f.db->Prepare("SELECT count(*) FROM products");
  n.Step();
  CHECK(n.Int(0) == 1);
}

// Issue 11: a store_config value from HQ that the till cannot read
// (scale_layouts not JSON) stopped the till selling after sync. It is
// refused, the last good value stays, and `sync status` says so.
TEST_CASE("sync agent: a bad store_config value from HQ is refused and reported, the last good one stays") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.hub.log = {
      MakeChange(1, "store_config", "scale_layouts", {{"key", "scale_layouts"}, {"value", "[]"}}),
      MakeChange(2, "store_config", "cash_rounding", {{"key", "cash_rounding"}, {"value", "jiao_down"}}),
      MakeChange(3, "store_config", "scale_layouts", {{"key", "scale_layouts"}, {"value", "[{not json"}}),
      MakeChange(4, "store_config", "cash_rounding", {{"key", "cash_rounding"}, {"value", "yuan_up"}}),
      MakeChange(5, "store_config", "receipt_footer", {{"key", "receipt_footer"}, {"value", "谢谢\x1Bp"}}),
  };
  sync::SyncReport r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(GetConfig(*f.db, "scale_layouts") == "[]");
  CHECK(GetConfig(*f.db, "cash_rounding") == "jiao_down");
  CHECK_FALSE(GetConfig(*f.db, "receipt_footer").has_value());
  // What a checkout loads at start: still readable, so selling goes on.
  REQUIRE(LoadScaleLayouts(*f.db).ok());
  CHECK(LoadScaleLayouts(*f.db)->empty());
  REQUIRE(LoadCheckoutSettings(*f.db).ok());
  CHECK(LoadCheckoutSettings(*f.db)->cash_rounding == CashRounding::kJiaoDown);

  auto status = sync::GetSyncStatus(*f.db, f.clock);
  REQUIRE(status.ok());
  REQUIRE(status->refused_config.size() == 3);
  const sync::RefusedConfig& layouts = status->refused_config[2];  // by key
  CHECK(layouts.key == "scale_layouts");
  CHECK(layouts.value == "[{not json");
  CHECK(layouts.seq == 3);
  CHECK(layouts.reason.find("not valid JSON") != std::string::npos);
  const std::string text = status->ToText("Asia/Shanghai");
  CHECK(text.find("store_config \"scale_layouts\" (change 3") != std::string::npos);
  CHECK(text.find("keeps its last good value") != std::string::npos);
  CHECK(text.find('\x1B') == std::string::npos);
  CHECK(status->ToJson()["refused_config"].size() == 3);

  // A good value for the key clears its report.
  f.hub.log.push_back(
      MakeChange(6, "store_config", "scale_layouts", {{"key", "scale_layouts"}, {"value", "[]"}}));
  REQUIRE(agent.SyncOnce().status.ok());
  CHECK(sync::GetSyncStatus(*f.db, f.clock)->refused_config.size() == 2);
}

TEST_CASE("sync agent: a page that fails to apply leaves the cursor where it was") {
  Fixture f;
  f.db->Exec(
      "CREATE TRIGGER t_fail BEFORE INSERT ON barcodes WHEN NEW.code = 'BAD' "
      "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
  sync::ChangesResponse page;
  page.cursor = 3;
  page.changes = {
      MakeChange(1, "product", "P1", {{"sku", "P1"}, {"name", "苹果"}, {"unit", "kg"}}),
      MakeChange(2, "barcode", "BAD", {{"code", "BAD"}, {"sku", "P1"}}),
  };
  auto r = sync::ApplyChangesPage(*f.db, page, f.clock);
  CHECK_FALSE(r.ok());
  CHECK(sync::LoadSyncState(*f.db)->pull_cursor == 0);
  Statement n = f.db->Prepare("SELECT count(*) FROM products WHERE sku = 'P1'");
  n.Step();
  CHECK(n.Int(0) == 0);  // the product went with the page
}

TEST_CASE("sync agent: an expired cursor gets a snapshot that replaces the synced catalogue, once") {
  Fixture f;
  f.ImportCatalog();  // A1, not in the hub's snapshot
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.hub.log_floor = 50;
  f.hub.log = {MakeChange(60, "category", "x", {{"name", "x"}})};
  f.hub.snapshot_state = {
      MakeChange(0, "product", "H002", {{"sku", "H002"}, {"name", "康师傅红烧牛肉面"}, {"unit", "pcs"}}),
      MakeChange(0, "price", "H002@2025-01-01T00:00:00.000Z",
                 {{"sku", "H002"}, {"price_fen", 450}, {"effective_from", "2025-01-01T00:00:00.000Z"}}),
  };
  sync::SyncReport r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(r.snapshot);
  CHECK(r.pull_pages == 1);
  CHECK(sync::LoadSyncState(*f.db)->pull_cursor == 60);
  CHECK(f.Price("H002") == 450);
  Catalog cat(*f.db);
  auto a1 = cat.FindByBarcode("6901234567892");
  REQUIRE(a1.ok());
  CHECK_FALSE(a1->has_value());  // replaced by the snapshot
  // Next round continues from the cursor, no second snapshot.
  r = agent.SyncOnce();
  REQUIRE(r.status.ok());
  CHECK_FALSE(r.snapshot);
}

TEST_CASE("sync agent: a future price from HQ takes effect on its date, offline, at the next sale start") {
  Fixture f;
  f.ImportCatalog();
  const int64_t tomorrow = kT0 + 24 * 3600 * 1000;
  sync::ChangesResponse page;
  page.cursor = 1;
  page.changes = {MakeChange(1, "price", "A1@x", {{"sku", "A1"}, {"price_fen", 299}, {"effective_from", FormatUtc(tomorrow)}})};
  REQUIRE(sync::ApplyChangesPage(*f.db, page, f.clock).ok());
  CHECK(f.Price("A1") == 350);
  auto none = ApplyDuePrices(*f.db, f.clock);
  REQUIRE(none.ok());
  CHECK(*none == 0);
  f.clock.Set(tomorrow - 1);
  CHECK(*ApplyDuePrices(*f.db, f.clock) == 0);
  CHECK(f.Price("A1") == 350);
  f.clock.Set(tomorrow);
  CHECK(*ApplyDuePrices(*f.db, f.clock) == 1);
  CHECK(f.Price("A1") == 299);
  CHECK(*ApplyDuePrices(*f.db, f.clock) == 0);  // applied once
}

TEST_CASE("sync agent: a later-dated price already in force is not overwritten by an older schedule") {
  Fixture f;
  f.ImportCatalog();
  Statement id = f.db->Prepare("SELECT id FROM products WHERE sku = 'A1'");
  REQUIRE(id.Step());
  const int64_t pid = id.Int(0);
  {
    Transaction tx(*f.db);
    RecordPrice(*f.db, {pid, PriceOrigin::kHq, "", FormatUtc(kT0 + 1000), kT0 + 1000, 300, "hub", 1}, f.clock);  // scheduled
    tx.Commit();
  }
  f.clock.Set(kT0 + 3000);
  {
    Transaction tx(*f.db);
    RecordPrice(*f.db, {pid, PriceOrigin::kHq, "", FormatUtc(kT0 + 2000), kT0 + 2000, 280, "hub", 2}, f.clock);  // newer, already started
    tx.Commit();
  }
  CHECK(f.Price("A1") == 280);
  CHECK(*ApplyDuePrices(*f.db, f.clock) == 1);
  CHECK(f.Price("A1") == 280);
}

TEST_CASE("sync agent: back-off doubles with equal jitter, caps, and resets after success") {
  sync::BackoffPolicy p;
  p.initial_ms = 1000;
  p.max_ms = 16000;
  p.idle_ms = 30000;
  sync::SplitMix64 rng(42);
  CHECK(sync::NextDelayMs(p, 0, -1, rng) == 30000);
  for (int n = 1; n <= 12; ++n) {
    const int64_t full = std::min<int64_t>(1000LL << std::min(n - 1, 20), 16000);
    for (int k = 0; k < 50; ++k) {
      const int64_t d = sync::NextDelayMs(p, n, -1, rng);
      CHECK(d >= full / 2);
      CHECK(d <= full);
    }
  }
  CHECK(sync::NextDelayMs(p, 1, 60000, rng) == 60000);  // Retry-After is a floor
}

struct FakeSleeper final : sync::Sleeper {
  FakeClock* clock;
  std::vector<int64_t> waits;
  explicit FakeSleeper(FakeClock* c) : clock(c) {}
  void SleepMs(int64_t ms, const std::atomic<bool>&) override {
    waits.push_back(ms);
    clock->Advance(ms);
  }
};

TEST_CASE("sync agent: the daemon backs off through failures, honours Retry-After, and stops when told") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  f.Enroll(agent);
  f.Append(3);
  f.hub.fail_next = {0, 500, 0, 429};
  FakeSleeper sleeper(&f.clock);
  sync::SplitMix64 rng(7);
  std::atomic<bool> stop{false};
  sync::DaemonOptions opts;
  opts.backoff.initial_ms = 1000;
  opts.backoff.idle_ms = 30000;
  opts.max_rounds = 6;
  std::vector<bool> oks;
  opts.on_round = [&](const sync::SyncReport& r, int64_t) { oks.push_back(r.status.ok()); };
  const int64_t rounds = sync::RunDaemon(agent, f.clock, sleeper, rng, opts, stop);
  CHECK(rounds == 6);
  CHECK(oks == std::vector<bool>{false, false, false, false, true, true});
  REQUIRE(sleeper.waits.size() == 5);
  CHECK(sleeper.waits[0] >= 500);
  CHECK(sleeper.waits[0] <= 1000);
  CHECK(sleeper.waits[1] >= 1000);
  CHECK(sleeper.waits[1] <= 2000);
  CHECK(sleeper.waits[2] >= 2000);
  CHECK(sleeper.waits[2] <= 4000);
  CHECK(sleeper.waits[3] >= 7000);  // Retry-After: 7
  CHECK(sleeper.waits[4] == 30000);
  CHECK(f.hub.EventCount() == 3);

  stop = true;
  CHECK(sync::RunDaemon(agent, f.clock, sleeper, rng, opts, stop) == 0);

  // max_seconds bounds the loop on the clock.
  stop = false;
  opts.max_rounds = -1;
  opts.max_seconds = 120;
  const int64_t n = sync::RunDaemon(agent, f.clock, sleeper, rng, opts, stop);
  CHECK(n >= 4);
  CHECK(n <= 6);
}

TEST_CASE("sync agent: not enrolled is a plain error, and due prices still apply") {
  Fixture f;
  sync::SyncAgent agent(*f.db, f.hub, f.clock);
  sync::SyncReport r = agent.SyncOnce();
  CHECK(r.status.code() == Status::Code::kFailedPrecondition);
  CHECK(r.status.message().find("not enrolled") != std::string::npos);
  CHECK(f.hub.requests() == 0);
}

TEST_CASE("issue 11: HQ's price effective today (a bare date) applies from 00:00 in the store's zone") {
  Fixture f;
  f.ImportCatalog();  // A1 at 3.50, the store's own price
  f.clock.Set(1'796'229'000'000);  // 2026-12-02T16:30Z = 2026-12-03 00:30 in Asia/Shanghai
  sync::ChangesResponse page;
  page.cursor = 3;
  page.changes = {
      MakeChange(1, "price", "A1@2026-12-03", {{"sku", "A1"}, {"price_fen", 300}, {"effective_from", "2026-12-03"},
                                               {"store", nullptr}}),
      MakeChange(2, "price", "A1@2026-12-04T00:00:00", {{"sku", "A1"}, {"price_fen", 1}, {"effective_from", "2026-12-04T00:00:00"}}),
  };
  auto r = sync::ApplyChangesPage(*f.db, page, f.clock);
  REQUIRE(r.ok());
  CHECK(f.Price("A1") == 300);  // before issue 11: 350 until 08:00 local
  CHECK(r->applied == 1);
  REQUIRE(r->problems.size() == 1);
  CHECK(r->problems[0].find("effective_from \"2026-12-04T00:00:00\"") != std::string::npos);
  // The org's rule travels as store_config: a co-op lets the store's price apply.
  page.cursor = 4;
  page.changes = {MakeChange(4, "store_config", "price_authority", {{"key", "price_authority"}, {"value", "store"}})};
  REQUIRE(sync::ApplyChangesPage(*f.db, page, f.clock).ok());
  CHECK(f.Price("A1") == 350);
  page.cursor = 5;
  page.changes = {MakeChange(5, "store_config", "price_authority_override",
                             {{"key", "price_authority_override"}, {"value", "hq"}})};
  REQUIRE(sync::ApplyChangesPage(*f.db, page, f.clock).ok());
  CHECK(f.Price("A1") == 300);
  // A delete of HQ's price by its key brings the store's price back.
  page.cursor = 6;
  page.changes = {MakeChange(6, "price", "A1@2026-12-03", {}, "delete")};
  REQUIRE(sync::ApplyChangesPage(*f.db, page, f.clock)->applied == 1);
  CHECK(f.Price("A1") == 350);
}

}  // namespace
}  // namespace linli
