// Several stores sell while syncing through the fault proxy (issue 7):
// drops before and after the hub commits, resets mid-response, truncation,
// duplicated and reordered requests, delays and stalls. Afterwards: the hub
// holds every store event exactly once, in order, with the chain verified;
// the projections equal a fresh rebuild and the tills' own totals; the
// agents reach zero pending once the faults stop.
//
// LINLI_SYNC_SEED=<n> replays a run; LINLI_SYNC_FAULT_ROUNDS=<n> (default
// 200 per store) makes it longer. See tests/sync_fault/README.md.
#include <doctest/doctest.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "fault_proxy.h"
#include "sync_fault_util.h"

namespace linli::sync_fault {
namespace {

constexpr int kStores = 3;

TEST_CASE("sync under faults: three stores sell and sync through the fault proxy, exactly once, chain verified, projections rebuild") {
  const uint64_t seed = SeedFromEnv("sync fault storm");
  const int64_t rounds = std::max<int64_t>(1, EnvInt("LINLI_SYNC_FAULT_ROUNDS", 200));
  SystemClock clock;
  Hub hub(clock);
  hub.Org("LL");
  for (const char* sku : {"A001", "A002", "A003"}) hub.Product("LL", sku, 100 + sku[3] * 7);

  testing::FaultProxy::Options po;
  po.fault_percent = 30;
  po.delay_max_ms = 120;
  po.stall_ms = 1'300;  // above the tills' 1 s timeout: the hub commits after the till gave up
  testing::FaultProxy proxy(hub.server->port(), seed, po);
  const std::string url = "http://127.0.0.1:" + std::to_string(proxy.port());

  std::vector<std::unique_ptr<Till>> tills;
  for (int i = 0; i < kStores; ++i) {
    const std::string code = "S00" + std::to_string(i + 1);
    auto t = std::make_unique<Till>(code, clock, /*timeout=*/1'000);
    t->agent_options.max_batch_events = 2 + i * 2;  // many batches, so faults land between them
    t->Open();
    // Enrolment goes direct: a lost enrolment answer burns the one-time token.
    t->Enroll(hub.Url(), hub.AddStore("LL", code));
    t->SyncClean();  // the catalogue arrives
    t->PointAt(url);
    tills.push_back(std::move(t));
  }

  // The stores sell and sync concurrently; HQ edits prices meanwhile.
  std::atomic<int> failed_rounds{0}, done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      Till& t = *tills[i];
      std::mt19937_64 rng(seed + 1000 * (i + 1));
      for (int64_t r = 0; r < rounds; ++r) {
        const int sales = static_cast<int>(rng() % 3);
        for (int s = 0; s < sales; ++s) {
          const std::string sku = std::string("A00") + static_cast<char>('1' + rng() % 3);
          t.Sell({{sku, 1 + static_cast<int64_t>(rng() % 3)}});
        }
        if (!t.agent->SyncOnce().status.ok()) ++failed_rounds;
      }
      ++done;
    });
  }
  std::mt19937_64 hq(seed);
  for (int i = 0; i < 100'000 && done.load() < kStores; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    const std::string sku = std::string("A00") + static_cast<char>('1' + hq() % 3);
    hub.Edit("LL", "price", sku + "@2020-01-01T00:00:00.000Z",
             {{"sku", sku}, {"price_fen", 100 + static_cast<int64_t>(hq() % 500)},
              {"effective_from", "2020-01-01T00:00:00.000Z"}, {"store", nullptr}});
  }
  for (std::thread& th : threads) th.join();

  // The faults stop; every agent drains.
  proxy.set_fault_percent(0);
  proxy.Flush();
  for (auto& t : tills) t->SyncClean();
  proxy.Flush();
  const auto counts = proxy.counts();
  std::cout << "sync fault storm: seed " << seed << ", " << rounds << " rounds x " << kStores << " stores, "
            << failed_rounds.load() << " failed rounds; faults:" << proxy.CountsText() << "\n";
  CHECK(failed_rounds.load() > 0);
  if (rounds >= 200) {
    for (int f = testing::FaultProxy::kDropBefore; f < testing::FaultProxy::kFaultCount; ++f) {
      auto it = counts.find(static_cast<testing::FaultProxy::Fault>(f));
      CHECK_MESSAGE(it != counts.end(), "fault " << testing::FaultProxy::Name(static_cast<testing::FaultProxy::Fault>(f))
                                                 << " never happened");
    }
  }

  // Invariants.
  const int64_t org = *hub.store->OrgId("LL");
  for (auto& t : tills) {
    INFO("store " << t->code);
    CHECK(t->Pending() == 0);
    CheckHubHolds(hub.path, *t, /*exact=*/true);
    auto heads = hub.store->Heads(t->DeviceId());
    REQUIRE(heads.ok());
    REQUIRE(heads->size() == 1);  // faults never made a till take a new epoch
    CHECK((*heads)[0].head_seq == JournalHead(*t->db)->seq);
    // HQ's numbers are the till's own.
    Statement s = t->db->Prepare("SELECT COALESCE(SUM(total_fen), 0), count(*) FROM sales WHERE kind = 'sale'");
    s.Step();
    auto sales = hub.store->Sales(org, "2000-01-01", "2100-01-01", "store");
    REQUIRE(sales.ok());
    json row;
    for (const json& r : (*sales)["rows"]) {
      if (r["key"] == t->code) row = r;
    }
    CHECK(row.value("sales_fen", int64_t{-1}) == s.Int(0));
    CHECK(row.value("receipts", int64_t{-1}) == s.Int(1));
    // The change feed reached every till, prices included.
    auto st = sync::LoadSyncState(*t->db);
    auto feed = hub.store->Changes(*hub.store->FindDevice(t->DeviceId()), st->pull_cursor, 10);
    REQUIRE(feed.ok());
    CHECK(feed->changes.empty());
  }
  auto stores = hub.store->Stores(org, clock.NowMs());
  REQUIRE(stores.ok());
  for (const json& s : (*stores)["stores"]) {
    CHECK(s["forks"] == 0);
    CHECK(s["quarantined"] == 0);
    CHECK(s["flagged"] == 0);
  }
  CheckProjectionsRebuild(*hub.store);
}

}  // namespace
}  // namespace linli::sync_fault
