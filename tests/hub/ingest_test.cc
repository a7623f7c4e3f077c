// The ingest core (ingest.h) on its own, over an in-memory IngestStorage:
// duplicates, gaps, forks and bad events into quarantine, flagged events that
// do not block, epoch changes, and a rebuild that matches live ingest.
#include "linli/hub/ingest.h"

#include <map>
#include <set>
#include <tuple>

#include "hub_fixture.h"  // TestDevice and the payload helpers

namespace linli::hub::testing {
namespace {

// What the fake's projections hold, comparable as a whole.
struct Projections {
  std::map<std::pair<int64_t, std::string>, int64_t> stock;  // (store, sku) → on hand
  std::map<std::tuple<int64_t, std::string, std::string>, std::tuple<int64_t, int64_t, int64_t, int64_t>>
      sales;  // (store, date, sku) → (sales, refunds, tax, qty)
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> tenders;  // (store, date, method)
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>> receipts;  // (store, date)
  bool operator==(const Projections&) const = default;
};

// IngestStorage in memory: the fake a store's SQL is measured against.
class MemIngestStorage final : public IngestStorage {
 public:
  using Key = std::tuple<std::string, int64_t, int64_t>;  // (device, epoch, seq)
  struct Row {
    int64_t org_id = 0;
    int64_t store_id = 0;
    JournalEntry entry;
    StoredEventInfo info;
  };
  struct Quarantined {
    std::string device_id;
    int64_t epoch = 0, seq = 0;
    std::string kind, reason, event_json;
  };

  std::map<std::string, std::map<int64_t, ChainHead>> heads;
  std::map<Key, Row> events;
  std::vector<ForkRecord> forks;                                     // id = position + 1
  std::map<std::pair<int64_t, int64_t>, Row> fork_events;            // (fork, seq)
  std::map<int64_t, std::string> fork_device;                        // fork → device
  std::vector<Quarantined> quarantine;
  std::set<std::pair<int64_t, std::string>> products;  // (org, sku)
  Projections proj;
  std::map<std::string, std::string> last_sync;
  std::map<std::string, int64_t> clock_skew;

  std::map<int64_t, ChainHead> LoadHeads(const std::string& device_id) override { return heads[device_id]; }
  std::optional<std::string> HeldHash(const std::string& device_id, int64_t epoch, int64_t seq) override {
    auto it = events.find({device_id, epoch, seq});
    if (it == events.end()) return std::nullopt;
    return it->second.entry.hash;
  }
  void SaveHead(const std::string& device_id, int64_t epoch, const ChainHead& h) override {
    auto [it, fresh] = heads[device_id].try_emplace(epoch, h);
    if (!fresh) {
      it->second.head_seq = h.head_seq;
      it->second.head_hash = h.head_hash;
    }
  }
  int64_t LastIngestOrder() override {
    int64_t order = 0;
    for (const auto& [k, row] : events) order = std::max(order, row.info.ingest_order);
    for (const auto& [k, row] : fork_events) order = std::max(order, row.info.ingest_order);
    return order;
  }
  std::vector<ForkRecord> LoadForks(const std::string& device_id) override {
    std::vector<ForkRecord> out;
    for (const ForkRecord& f : forks) {
      if (fork_device[f.id] == device_id) out.push_back(f);
    }
    return out;
  }
  std::optional<std::string> ForkHash(int64_t fork_id, int64_t seq) override {
    auto it = fork_events.find({fork_id, seq});
    if (it == fork_events.end()) return std::nullopt;
    return it->second.entry.hash;
  }
  int64_t AddFork(const Device& device, int64_t epoch, int64_t first_seq, const std::string&) override {
    ForkRecord f;
    f.id = static_cast<int64_t>(forks.size()) + 1;
    f.epoch = epoch;
    f.first_seq = first_seq;
    f.head_seq = first_seq - 1;
    forks.push_back(f);
    fork_device[f.id] = device.device_id;
    return f.id;
  }
  void InsertForkEvent(int64_t fork_id, const Device& device, const JournalEntry& e,
                       const StoredEventInfo& info) override {
    REQUIRE(fork_events.emplace(std::make_pair(fork_id, e.seq), Row{device.org_id, device.store_id, e, info}).second);
  }
  void SaveForkHead(int64_t fork_id, int64_t head_seq, const std::string& head_hash) override {
    forks.at(static_cast<size_t>(fork_id - 1)).head_seq = head_seq;
    forks.at(static_cast<size_t>(fork_id - 1)).head_hash = head_hash;
  }
  void InsertEvent(const Device& device, const JournalEntry& e, const StoredEventInfo& info) override {
    REQUIRE(events.emplace(Key{device.device_id, e.epoch, e.seq}, Row{device.org_id, device.store_id, e, info}).second);
  }
  bool InQuarantine(const std::string& device_id, int64_t epoch, int64_t seq, std::string_view kind,
                    const std::string& reason) override {
    for (const auto& q : quarantine) {
      if (q.device_id == device_id && q.epoch == epoch && q.seq == seq && q.kind == kind && q.reason == reason) {
        return true;
      }
    }
    return false;
  }
  void AddQuarantine(const Device& device, const JournalEntry& e, std::string_view kind, const std::string& reason,
                     const std::string& event_json, const std::string&) override {
    quarantine.push_back({device.device_id, e.epoch, e.seq, std::string(kind), reason, event_json});
  }
  void MarkSynced(const std::string& device_id, const std::string& now) override { last_sync[device_id] = now; }
  void RecordClockSkew(const std::string& device_id, int64_t skew_ms, const std::string&) override {
    clock_skew[device_id] = skew_ms;
  }
  bool KnownProduct(int64_t org_id, int64_t, const std::string& sku) override { return products.count({org_id, sku}) > 0; }
  void AddToProjections(int64_t store_id, const EventEffects& fx) override {
    for (const auto& d : fx.stock) proj.stock[{store_id, d.sku}] += d.qty_milli;
    for (const auto& d : fx.sales) {
      auto& [s, r, t, q] = proj.sales[{store_id, d.business_date, d.sku}];
      s += d.sales_fen;
      r += d.refunds_fen;
      t += d.tax_fen;
      q += d.qty_milli;
    }
    for (const auto& d : fx.tenders) proj.tenders[{store_id, d.business_date, d.method}] += d.amount_fen;
    if (!fx.receipt_date.empty()) {
      auto& [sales, refunds] = proj.receipts[{store_id, fx.receipt_date}];
      ++(fx.refund ? refunds : sales);
    }
  }
  void ClearProjections() override { proj = {}; }
  void ForEachStoredEvent(const std::function<void(const StoredEvent&)>& visit) override {
    std::vector<std::pair<const Row*, StoredEvent>> ordered;
    for (const auto& [k, row] : events) {
      ordered.push_back({&row, {std::get<0>(k), row.org_id, row.store_id, 0, row.entry}});
    }
    for (const auto& [k, row] : fork_events) {
      ordered.push_back({&row, {fork_device[k.first], row.org_id, row.store_id, k.first, row.entry}});
    }
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first->info.ingest_order < b.first->info.ingest_order; });
    for (const auto& [row, ev] : ordered) visit(ev);
  }
  void SetApplied(const StoredEvent& ev, bool applied, const std::string& note) override {
    Row& row = ev.fork_id ? fork_events.at({ev.fork_id, ev.entry.seq})
                          : events.at({ev.device_id, ev.entry.epoch, ev.entry.seq});
    row.info.applied = applied;
    row.info.note = note;
  }
};

struct Rig {
  MemIngestStorage storage;
  TestDevice dev;
  Device device;
  int64_t now = SystemClock().NowMs();

  Rig() {
    device.device_id = dev.id;
    device.public_key = dev.key.public_key;
    device.org_id = 7;
    device.store_id = 3;
    storage.products = {{7, "H001"}, {7, "H002"}};
  }
  IngestResult Push(const std::vector<JournalEntry>& batch) { return PushAt(batch, now); }
  IngestResult PushAt(const std::vector<JournalEntry>& batch, int64_t at) {
    return IngestBatch(storage, device, batch, Precheck(device, batch), at);
  }
  const MemIngestStorage::Row* Held(int64_t epoch, int64_t seq) {
    auto it = storage.events.find({dev.id, epoch, seq});
    return it == storage.events.end() ? nullptr : &it->second;
  }
};

TEST_CASE("ingest: a batch is stored, applied and moves the head, and the same batch again is all duplicates") {
  Rig rig;
  std::vector<JournalEntry> batch = {rig.dev.Next("stock_movement", Movement("H001", 10000)),
                                     rig.dev.Next("sale", Sale("H001", 2000, 400)),
                                     rig.dev.Next("shift_open", ShiftOpen(1))};
  IngestResult r = rig.Push(batch);
  CHECK(r.error.empty());
  CHECK(r.accepted == 3);
  CHECK(r.duplicates == 0);
  CHECK(r.flagged == 0);
  CHECK(r.head_epoch == 1);
  CHECK(r.head_seq == 3);
  CHECK(r.head_hash == rig.dev.head);
  const ChainHead& h = rig.storage.heads[rig.dev.id].at(1);
  CHECK(h.first_seq == 1);
  CHECK(h.head_seq == 3);
  CHECK(h.head_hash == rig.dev.head);
  CHECK(rig.storage.proj.stock.at({3, "H001"}) == 8000);
  CHECK((rig.storage.proj.receipts.at({3, "2026-11-21"}) == std::pair<int64_t, int64_t>{1, 0}));
  CHECK(rig.Held(1, 1)->info.ingest_order == 1);
  CHECK(rig.Held(1, 3)->info.ingest_order == 3);
  CHECK(rig.storage.last_sync.at(rig.dev.id) == FormatUtc(rig.now));

  const Projections before = rig.storage.proj;
  rig.storage.last_sync.clear();
  r = rig.Push(batch);
  CHECK(r.error.empty());
  CHECK(r.accepted == 0);
  CHECK(r.duplicates == 3);
  CHECK(r.head_seq == 3);
  CHECK(rig.storage.events.size() == 3);
  CHECK(rig.storage.proj == before);                     // a duplicate applies nothing
  CHECK(rig.storage.last_sync.count(rig.dev.id) == 1);  // but counts as a sync
  CHECK(rig.storage.quarantine.empty());
}

TEST_CASE("ingest: a gap stops the batch after the events before it, and nothing is quarantined") {
  Rig rig;
  REQUIRE(rig.Push({rig.dev.Next("stock_movement", Movement("H001", 1000))}).accepted == 1);
  JournalEntry e2 = rig.dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry e3 = rig.dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry e4 = rig.dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry e5 = rig.dev.Next("stock_movement", Movement("H001", 1000));

  IngestResult r = rig.Push({e2, e4, e5});  // e3 missing
  CHECK(r.error == sync::kErrGap);
  CHECK(r.accepted == 1);
  CHECK(r.extra["expected_epoch"] == 1);
  CHECK(r.extra["expected_seq"] == 3);
  CHECK(r.head_seq == 2);
  CHECK(r.head_hash == e2.hash);
  CHECK(rig.Held(1, 4) == nullptr);
  CHECK(rig.Held(1, 5) == nullptr);
  CHECK(rig.storage.heads[rig.dev.id].at(1).head_seq == 2);
  CHECK(rig.storage.quarantine.empty());
  CHECK(rig.storage.proj.stock.at({3, "H001"}) == 2000);

  // The agent resends from the head: all of it lands.
  r = rig.Push({e3, e4, e5});
  CHECK(r.error.empty());
  CHECK(r.accepted == 3);
  CHECK(r.head_seq == 5);
}

TEST_CASE("ingest: a fork (a held seq with another hash, or a prev_hash that does not link) is refused and quarantined once") {
  Rig rig;
  TestDevice twin = rig.dev;  // the same till's key and chain, diverging after seq 1
  REQUIRE(rig.Push({rig.dev.Next("stock_movement", Movement("H001", 1000)),
                    rig.dev.Next("stock_movement", Movement("H001", 2000))})
              .accepted == 2);
  twin.Next("stock_movement", Movement("H001", 1000));
  JournalEntry other2 = twin.Next("stock_movement", Movement("H001", 5000));
  REQUIRE(other2.hash != rig.Held(1, 2)->entry.hash);

  IngestResult r = rig.Push({other2});
  CHECK(r.error == sync::kErrFork);
  CHECK(r.accepted == 0);
  CHECK(r.extra["epoch"] == 1);
  CHECK(r.extra["seq"] == 2);
  REQUIRE(rig.storage.quarantine.size() == 1);
  CHECK(rig.storage.quarantine[0].kind == "fork");
  CHECK(rig.storage.quarantine[0].reason == r.message);
  CHECK(rig.storage.quarantine[0].event_json == sync::WireEvent::FromJournal(other2).ToJson().dump());
  CHECK(rig.Held(1, 2)->entry.hash != other2.hash);  // the held event stays
  CHECK(rig.storage.proj.stock.at({3, "H001"}) == 3000);

  // Pushed again, the same refusal is not kept twice.
  CHECK(rig.Push({other2}).error == sync::kErrFork);
  CHECK(rig.storage.quarantine.size() == 1);

  // seq 3 that links to the twin's seq 2, not to the held one: a fork too.
  JournalEntry other3 = twin.Next("stock_movement", Movement("H001", 1000));
  r = rig.Push({other3});
  CHECK(r.error == sync::kErrFork);
  CHECK(r.message.find("prev_hash does not link to seq 2") != std::string::npos);
  CHECK(rig.storage.quarantine.size() == 2);
  CHECK(rig.Held(1, 3) == nullptr);
}

TEST_CASE("ingest: a bad hash or signature is refused and quarantined, the events before it land and the ones after wait") {
  Rig rig;
  JournalEntry e1 = rig.dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry e2 = rig.dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry e3 = rig.dev.Next("stock_movement", Movement("H001", 1000));
  JournalEntry tampered = e2;
  tampered.payload = *CanonicalJson(Movement("H001", 9000));

  IngestResult r = rig.Push({e1, tampered, e3});
  CHECK(r.error == sync::kErrBadEvent);
  CHECK(r.accepted == 1);
  CHECK(r.message == "epoch 1 seq 2: payload or fields changed (hash mismatch)");
  CHECK(rig.Held(1, 3) == nullptr);
  REQUIRE(rig.storage.quarantine.size() == 1);
  CHECK(rig.storage.quarantine[0].kind == "bad_event");

  JournalEntry unsigned2 = e2;
  unsigned2.signature[0] ^= 1;
  r = rig.Push({unsigned2, e3});
  CHECK(r.error == sync::kErrBadEvent);
  CHECK(r.message == "epoch 1 seq 2: signature invalid");
  CHECK(rig.storage.quarantine.size() == 2);

  r = rig.Push({e2, e3});
  CHECK(r.error.empty());
  CHECK(r.accepted == 2);
}

TEST_CASE("ingest: an event the projections cannot take is stored flagged and does not block the ones after it") {
  Rig rig;
  const json no_sku = {{"qty_milli", 1000}, {"reason", "correction"}};
  const Result<EventEffects> refused = EffectsOf("stock_movement", 1, *CanonicalJson(no_sku));
  REQUIRE(!refused.ok());

  IngestResult r = rig.Push({rig.dev.Next("stock_movement", Movement("Z999", 1000)),  // not in the catalogue
                             rig.dev.Next("stock_movement", no_sku),                  // refused by the decoder
                             rig.dev.Next("stock_movement", Movement("H001", 1000))});
  CHECK(r.error.empty());
  CHECK(r.accepted == 1);
  CHECK(r.flagged == 2);
  CHECK(r.head_seq == 3);
  CHECK(!rig.Held(1, 1)->info.applied);
  CHECK(rig.Held(1, 1)->info.note == "unknown SKU Z999");
  CHECK(!rig.Held(1, 2)->info.applied);
  CHECK(rig.Held(1, 2)->info.note == refused.status().message());
  CHECK(rig.Held(1, 3)->info.applied);
  CHECK(rig.Held(1, 3)->info.note.empty());
  CHECK(rig.storage.proj.stock.count({3, "Z999"}) == 0);
  CHECK(rig.storage.proj.stock.at({3, "H001"}) == 1000);
  CHECK(rig.storage.quarantine.empty());

  // Once the product is in the catalogue, a rebuild applies the flagged event
  // and clears its flag.
  rig.storage.products.insert({7, "Z999"});
  RebuildProjections(rig.storage);
  CHECK(rig.Held(1, 1)->info.applied);
  CHECK(rig.Held(1, 1)->info.note.empty());
  CHECK(!rig.Held(1, 2)->info.applied);
  CHECK(rig.storage.proj.stock.at({3, "Z999"}) == 1000);
}

TEST_CASE("ingest: a new epoch links to seq - 1 of the latest earlier epoch that reaches it") {
  Rig rig;
  std::vector<JournalEntry> epoch1;
  for (int i = 0; i < 4; ++i) epoch1.push_back(rig.dev.Next("stock_movement", Movement("H001", 1000)));
  REQUIRE(rig.Push(epoch1).accepted == 4);

  // A restore back to seq 2: epoch 2 continues at seq 3 from seq 2's hash.
  TestDevice restored = rig.dev;
  restored.epoch = 2;
  restored.seq = 2;
  restored.head = epoch1[1].hash;

  SUBCASE("linked: accepted, the old epoch's later events stay") {
    JournalEntry e3 = restored.Next("stock_movement", Movement("H001", 5000));
    JournalEntry e4 = restored.Next("stock_movement", Movement("H001", 5000));
    IngestResult r = rig.Push({e3, e4});
    CHECK(r.error.empty());
    CHECK(r.accepted == 2);
    CHECK(r.head_epoch == 2);
    CHECK(r.head_seq == 4);
    CHECK(r.head_hash == e4.hash);
    const auto& heads = rig.storage.heads[rig.dev.id];
    REQUIRE(heads.size() == 2);
    CHECK(heads.at(1).head_seq == 4);
    CHECK(heads.at(2).first_seq == 3);
    CHECK(heads.at(2).head_seq == 4);
    CHECK(rig.Held(1, 4) != nullptr);
    CHECK(rig.Held(2, 3) != nullptr);
    // Nothing more to send: the result names the latest epoch's head.
    r = rig.Push({});
    CHECK(r.head_epoch == 2);
    CHECK(r.head_seq == 4);
  }
  SUBCASE("a prev_hash that is not the held seq - 1: fork") {
    restored.head = epoch1[2].hash;  // links to seq 3's hash, not seq 2's
    IngestResult r = rig.Push({restored.Next("stock_movement", Movement("H001", 5000))});
    CHECK(r.error == sync::kErrFork);
    CHECK(r.message == "epoch 2 seq 3: prev_hash does not link to epoch 1 seq 2 (fork)");
    CHECK(rig.storage.quarantine.size() == 1);
    CHECK(rig.storage.heads[rig.dev.id].count(2) == 0);
  }
  SUBCASE("the earlier epoch stops short: gap where it stops") {
    restored.seq = 9;  // epoch 2 would start at seq 10; the hub holds epoch 1 up to 4
    IngestResult r = rig.Push({restored.Next("stock_movement", Movement("H001", 5000))});
    CHECK(r.error == sync::kErrGap);
    CHECK(r.extra["expected_epoch"] == 1);
    CHECK(r.extra["expected_seq"] == 5);
    CHECK(rig.storage.quarantine.empty());
  }
  SUBCASE("a new epoch from seq 1 needs a zero prev_hash") {
    TestDevice fresh = rig.dev;
    fresh.epoch = 3;
    fresh.seq = 0;
    fresh.head = epoch1[0].hash;
    IngestResult r = rig.Push({fresh.Next("stock_movement", Movement("H001", 5000))});
    CHECK(r.error == sync::kErrFork);
    CHECK(r.message == "epoch 3 seq 1: the first event must have a zero prev_hash");
  }
}

TEST_CASE("ingest: clock skew is recorded and flags events, never refuses them") {
  Rig rig;
  rig.device.clock_skew_ms = 2 * sync::kClockSkewFlagMs;
  IngestResult r = rig.Push({rig.dev.Next("stock_movement", Movement("H001", 1000))});
  CHECK(r.accepted == 1);
  CHECK(rig.Held(1, 1)->info.clock_skew_ms == 2 * sync::kClockSkewFlagMs);
  CHECK(rig.storage.clock_skew.at(rig.dev.id) == 2 * sync::kClockSkewFlagMs);

  rig.device.clock_skew_ms.reset();
  JournalEntry future = rig.dev.Next("stock_movement", Movement("H001", 1000));
  const int64_t occurred = ParseUtc(future.occurred_at);
  r = rig.PushAt({future}, occurred - 2 * sync::kClockSkewFlagMs);
  CHECK(r.accepted == 1);
  CHECK(rig.Held(1, 2)->info.clock_skew_ms == 2 * sync::kClockSkewFlagMs);
}

TEST_CASE("ingest: a large batch is checked across threads and still stops at its first bad event") {
  Rig rig;
  std::vector<JournalEntry> batch;
  for (int i = 0; i < 600; ++i) batch.push_back(rig.dev.Next("sale", Sale(i % 2 ? "H001" : "H002", 1000, 200)));
  batch[450].signature[5] ^= 1;
  IngestResult r = rig.Push(batch);
  CHECK(r.error == sync::kErrBadEvent);
  CHECK(r.accepted == 450);
  CHECK(r.head_seq == 450);

  // Rebuilt projections equal the live ones.
  const Projections live = rig.storage.proj;
  RebuildProjections(rig.storage);
  CHECK(rig.storage.proj == live);
  CHECK(rig.storage.proj.receipts.at({3, "2026-11-21"}).first == 450);
}


// PROTOCOL.md §6.5: a restored copy sold at seqs the hub already held. Its
// events are adopted as a fork, applied, and a later epoch chains onto it.
TEST_CASE("ingest: a fork is adopted from where the chains part, extended, resent, and a new epoch links to it") {
  Rig rig;
  REQUIRE(rig.Push({rig.dev.Next("stock_movement", Movement("H001", 10000))}).accepted == 1);
  TestDevice copy = rig.dev;  // the file copied here
  REQUIRE(rig.Push({rig.dev.Next("sale", Sale("H001", 1000, 200)), rig.dev.Next("sale", Sale("H001", 1000, 200))})
              .accepted == 2);
  // The copy sells two other sales at seqs 2 and 3.
  const JournalEntry c2 = copy.Next("sale", Sale("H002", 3000, 900));
  const JournalEntry c3 = copy.Next("sale", Sale("H001", 2000, 400));

  // Pushed as a chain they are refused: the hub holds seq 2 with another hash.
  IngestResult refused = rig.Push({c2});
  CHECK(refused.error == sync::kErrFork);

  // As a fork, the first is adopted; then the fork is extended by the next.
  IngestResult r = IngestFork(rig.storage, rig.device, {c2}, Precheck(rig.device, {c2}), rig.now);
  CHECK(r.error.empty());
  CHECK(r.accepted == 1);
  REQUIRE(rig.storage.forks.size() == 1);
  CHECK(rig.storage.forks[0].epoch == 1);
  CHECK(rig.storage.forks[0].first_seq == 2);
  r = IngestFork(rig.storage, rig.device, {c2, c3}, Precheck(rig.device, {c2, c3}), rig.now);
  CHECK(r.error.empty());
  CHECK(r.duplicates == 1);
  CHECK(r.accepted == 1);
  CHECK(r.head_seq == 3);
  CHECK(r.head_hash == c3.hash);
  CHECK(rig.storage.forks.size() == 1);
  // Both tills' sales count: 1 + 1 (old) + 3 + 2 (copy) kg out of 10.
  CHECK(rig.storage.proj.stock.at({3, "H001"}) == 10000 - 1000 - 1000 - 2000);
  CHECK(rig.storage.proj.stock.at({3, "H002"}) == -3000);
  const Projections live = rig.storage.proj;
  RebuildProjections(rig.storage);
  CHECK(rig.storage.proj == live);

  // The copy takes epoch 2 and goes on from its own head: linked to the fork.
  copy.epoch = 2;
  const JournalEntry c4 = copy.Next("sale", Sale("H001", 1000, 200));
  r = rig.Push({c4});
  CHECK(r.error.empty());
  CHECK(r.accepted == 1);
  CHECK(rig.Held(2, 4) != nullptr);

  // A "fork" the hub does not hold a seq for is no fork; one that links to
  // nothing it holds is a gap; both write nothing.
  TestDevice other = rig.dev;
  const JournalEntry beyond = other.Next("sale", Sale("H001", 1000, 200));  // seq 4 of epoch 1: not held
  r = IngestFork(rig.storage, rig.device, {beyond}, Precheck(rig.device, {beyond}), rig.now);
  CHECK(r.error == sync::kErrBadRequest);
  TestDevice stray = copy;
  stray.epoch = 1;
  stray.seq = 1;
  stray.head = std::string(32, '\x07');
  const JournalEntry unlinked = stray.Next("sale", Sale("H001", 1000, 200));  // seq 2, links to nothing
  r = IngestFork(rig.storage, rig.device, {unlinked}, Precheck(rig.device, {unlinked}), rig.now);
  CHECK(r.error == sync::kErrGap);
  CHECK(rig.storage.forks.size() == 1);
  CHECK(rig.storage.fork_events.size() == 2);
}

}  // namespace
}  // namespace linli::hub::testing
