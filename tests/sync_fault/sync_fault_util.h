// Shared pieces of the sync-under-faults tests (issue 7): an in-process hub
// on plain HTTP (loopback), a till with its agent, and the invariant checks
// read straight from the hub's database.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "linli/hub/hub_store.h"
#include "linli/hub/server.h"
#include "linli/pos/checkout.h"
#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"
#include "linli/sync/agent.h"
#include "testing.h"

namespace linli::sync_fault {

using nlohmann::json;

// The seed of a run: LINLI_SYNC_SEED replays one; printed either way.
inline uint64_t SeedFromEnv(const char* test) {
  const char* env = std::getenv("LINLI_SYNC_SEED");
  const uint64_t seed = env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  MESSAGE(std::string(test) << ": LINLI_SYNC_SEED=" << seed);
  return seed;
}

inline int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

struct Hub {
  testing::TempDir dir;
  std::string path;
  std::unique_ptr<hub::HubStore> store;
  std::unique_ptr<hub::HubServer> server;
  const Clock& clock;

  explicit Hub(const Clock& c) : clock(c) {
    path = dir.File("hub.db");
    store = std::move(hub::OpenSqliteHubStore(path, true)).value();
    Start();
  }
  ~Hub() {
    if (server) server->Stop();
  }
  void Start() {
    hub::ServerOptions opts;
    opts.port = 0;
    opts.insecure_http = true;
    server = std::make_unique<hub::HubServer>(*store, clock, opts);
    Status st = server->Start();
    REQUIRE_MESSAGE(st.ok(), st.ToString());
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  void Org(const std::string& code) { REQUIRE(store->AddOrg(code, "组织" + code, clock.NowMs()).ok()); }
  std::string AddStore(const std::string& org, const std::string& code) {
    auto t = store->AddStore(org, code, "店" + code, clock.NowMs());
    REQUIRE_MESSAGE(t.ok(), t.status().ToString());
    return *t;
  }
  void Edit(const std::string& org, const std::string& kind, const std::string& key, const json& data,
            const std::string& store_code = "") {
    auto r = store->Edit(*store->OrgId(org), kind, key, "upsert", data, store_code);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  void Product(const std::string& org, const std::string& sku, int64_t price_fen) {
    Edit(org, "category", "饮料", {{"name", "饮料"}});
    Edit(org, "product", sku, {{"sku", sku}, {"name", "商品" + sku}, {"category", "饮料"}, {"unit", "pcs"},
                               {"tax_rate_bp", 1300}, {"active", true}});
    Edit(org, "price", sku + "@2020-01-01T00:00:00.000Z",
         {{"sku", sku}, {"price_fen", price_fen}, {"effective_from", "2020-01-01T00:00:00.000Z"}, {"store", nullptr}});
  }
};

struct Till {
  testing::TempDir dir;
  std::string path;
  std::unique_ptr<Database> db;
  const Clock& clock;
  std::unique_ptr<sync::HttpTransport> transport;
  std::unique_ptr<sync::SyncAgent> agent;
  User cashier{"1001", "张三", Role::kCashier};
  std::string code;
  sync::AgentOptions agent_options;
  int64_t timeout_ms;

  Till(const std::string& store_code, const Clock& c, int64_t timeout = 10'000) : clock(c), code(store_code), timeout_ms(timeout) {
    path = testing::MakeStore(dir, store_code);
    Open();
    REQUIRE(AddUser(*db, cashier, "1234", clock).ok());
  }
  void Open() {
    auto d = OpenStore(path);
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    db = std::move(*d);
    sync::CurlOptions co;
    co.timeout_ms = timeout_ms;
    co.connect_timeout_ms = std::min<int64_t>(timeout_ms, 5'000);
    transport = std::move(sync::NewCurlTransport(co)).value();
    agent = std::make_unique<sync::SyncAgent>(*db, *transport, clock, agent_options);
  }
  void Close() {
    agent.reset();
    transport.reset();
    db.reset();
  }
  void Enroll(const std::string& url, const std::string& token) {
    Status st = agent->Enroll(url, token, "");
    REQUIRE_MESSAGE(st.ok(), st.ToString());
  }
  void PointAt(const std::string& url) { db->Prepare("UPDATE sync_state SET hub_url = ?").Bind(1, url).Run(); }
  // One sale of (sku, pieces) pairs, paid in cash. Returns the total.
  int64_t Sell(const std::vector<std::pair<std::string, int64_t>>& items) {
    Checkout co(*db, clock, cashier, nullptr);
    REQUIRE(co.Init().ok());
    for (const auto& [sku, qty] : items) {
      auto line = co.AddSku(sku, qty * 1000);
      REQUIRE_MESSAGE(line.ok(), line.status().ToString());
    }
    auto due = co.RemainingFen();
    REQUIRE(due.ok());
    REQUIRE(co.PayCash(*due).ok());
    auto sale = co.Commit();
    REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
    return sale->priced.total_fen;
  }
  int64_t Pending() {
    auto s = sync::GetSyncStatus(*db, clock);
    REQUIRE(s.ok());
    return s->pending_events;
  }
  // Syncs until the hub holds everything (at most `rounds` tries).
  void SyncClean(int rounds = 20) {
    sync::SyncReport last;
    for (int i = 0; i < rounds; ++i) {
      last = agent->SyncOnce();
      if (last.status.ok() && Pending() == 0) return;
    }
    FAIL("till " << code << " did not reach zero pending: " << last.status.ToString());
  }
  std::string DeviceId() { return LoadDevice(*db)->device_id; }
  std::vector<JournalEntry> Journal() {
    std::vector<JournalEntry> out;
    for (int page = 0; page < 10'000; ++page) {
      auto rows = ReadJournal(*db, out.empty() ? 0 : out.back().seq, 500);
      REQUIRE(rows.ok());
      if (rows->empty()) break;
      out.insert(out.end(), rows->begin(), rows->end());
    }
    return out;
  }
};

// The events the hub holds for a device, in (epoch, seq) order, with their
// arrival order; read from the hub's database file.
struct HubEvent {
  JournalEntry e;
  int64_t ingest_order = 0;
};
inline std::vector<HubEvent> HubEvents(const std::string& hub_db, const std::string& device_id) {
  auto db = Database::Open(hub_db, OpenOptions{});
  REQUIRE(db.ok());
  Statement s = (*db)->Prepare(
      "SELECT seq, event_id, type, type_version, epoch, occurred_at, payload, prev_hash, hash, signature, "
      "ingest_order FROM events WHERE device_id = ? ORDER BY epoch, seq");
  s.Bind(1, device_id);
  std::vector<HubEvent> out;
  while (s.Step()) {
    HubEvent h;
    h.e.seq = s.Int(0);
    h.e.event_id = s.Text(1);
    h.e.type = s.Text(2);
    h.e.type_version = static_cast<int>(s.Int(3));
    h.e.epoch = s.Int(4);
    h.e.occurred_at = s.Text(5);
    h.e.payload = s.Blob(6);
    h.e.prev_hash = s.Blob(7);
    h.e.hash = s.Blob(8);
    h.e.signature = s.Blob(9);
    h.ingest_order = s.Int(10);
    out.push_back(std::move(h));
  }
  return out;
}

// The hub's copy of one device's chain verifies: each hash recomputes, each
// signature verifies with the device key, seqs run without gaps inside an
// epoch and link by prev_hash, and a new epoch's first event links to seq−1
// of the latest earlier epoch holding it (PROTOCOL.md §6.4). Within an epoch
// the hub stored them in chain order (ingest_order ascending).
inline void CheckHubChain(const std::vector<HubEvent>& events, const std::string& device_id,
                          const std::string& public_key) {
  std::map<std::pair<int64_t, int64_t>, std::string> hash_at;  // (epoch, seq) → hash
  std::set<std::string> ids;
  const HubEvent* prev = nullptr;
  for (const HubEvent& h : events) {
    const JournalEntry& e = h.e;
    INFO("epoch " << e.epoch << " seq " << e.seq);
    CHECK(ComputeJournalHash(device_id, e) == e.hash);
    CHECK(Ed25519Verify(public_key, e.hash, e.signature));
    CHECK(ids.insert(e.event_id).second);  // every event once
    if (prev && prev->e.epoch == e.epoch) {
      CHECK(e.seq == prev->e.seq + 1);
      CHECK(e.prev_hash == prev->e.hash);
      CHECK(h.ingest_order > prev->ingest_order);
    } else if (e.seq == 1) {
      CHECK(e.prev_hash == JournalGenesisHash());
    } else {
      std::string link;
      for (auto it = hash_at.rbegin(); it != hash_at.rend(); ++it) {
        if (it->first.first < e.epoch && it->first.second == e.seq - 1) {
          link = it->second;
          break;
        }
      }
      CHECK_MESSAGE(link == e.prev_hash, "a new epoch's first event does not link to the hub's seq " << e.seq - 1);
    }
    hash_at[{e.epoch, e.seq}] = e.hash;
    prev = &h;
  }
}

// Every event of the till's journal is at the hub exactly once, with the
// same hash; with `exact`, the hub holds nothing else for this device.
inline void CheckHubHolds(const std::string& hub_db, Till& till, bool exact) {
  auto dev = LoadDevice(*till.db);
  REQUIRE(dev.ok());
  const auto hub = HubEvents(hub_db, dev->device_id);
  CheckHubChain(hub, dev->device_id, dev->public_key);
  std::map<std::pair<int64_t, int64_t>, int> seen;
  std::map<std::pair<int64_t, int64_t>, std::string> hub_hash;
  for (const HubEvent& h : hub) {
    ++seen[{h.e.epoch, h.e.seq}];
    hub_hash[{h.e.epoch, h.e.seq}] = h.e.hash;
  }
  const auto local = till.Journal();
  int missing = 0;
  for (const JournalEntry& e : local) {
    auto it = seen.find({e.epoch, e.seq});
    if (it == seen.end() || it->second != 1 || hub_hash[{e.epoch, e.seq}] != e.hash) ++missing;
  }
  CHECK_MESSAGE(missing == 0, "store " << till.code << ": " << missing << " of " << local.size()
                                       << " events are not at the hub exactly once");
  if (exact) CHECK(hub.size() == local.size());
}

// Projections equal a fresh rebuild from the stored events.
inline void CheckProjectionsRebuild(hub::HubStore& store) {
  auto live = store.DumpProjections();
  REQUIRE(live.ok());
  REQUIRE(store.Rebuild().ok());
  auto rebuilt = store.DumpProjections();
  REQUIRE(rebuilt.ok());
  CHECK(*live == *rebuilt);
}

}  // namespace linli::sync_fault
