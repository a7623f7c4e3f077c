// Hub ingest benchmark (issue 7; a benchmark, not a timed test): 50 stores,
// each with its own device key and journal, push their backlogs to one hub on
// 127.0.0.1 at the same time.
//
// Setup (not timed): an embedded-SQLite hub (plain HTTP on loopback, the
// same HubServer `linli-hub serve` runs) with a 5-product catalogue and 50
// stores S001…S050. Each store is a real store database (InitStore: its own
// device id and Ed25519 key), enrolled with its own one-time token through a
// real SyncAgent over its own CurlTransport, and synced once (catalogue pulled).
// Store 1 then rings up one real 5-line cash sale through Checkout; its
// journal payload is the template every store's backlog repeats, appended
// with the pos journal API (AppendJournal: canonical JSON, SHA-256 chain,
// Ed25519 signature), so every event is a genuine sale@1 the hub verifies and
// projects.
//
// Measured: 50 client threads (one per store, bounded; each runs one
// SyncAgent::SyncOnce — high-water mark, gzip'd batches of ≤500 events one in
// flight, checkpoint, pull — then closes its connection) released together;
// wall time from release to the last thread's end. Hub ingest = events the
// hub newly stored ÷ that time.
//
// Limit, side by side in the same run: the very rows the hub stored (read
// back from its events table, all 16 columns) inserted into a copy of the
// hub database taken just before the push (VACUUM INTO: same schema, same
// parent rows for the foreign keys, empty events table), opened with the
// settings the hub opens its own with (Database::Open: WAL,
// synchronous=FULL, foreign_keys=ON), one prepared INSERT, one
// BEGIN IMMEDIATE…COMMIT per batch — the same batches as the hub's
// (consecutive rows of one device in ingest order, ≤500). One writer thread:
// SQLite has one writer, and the hub serialises its store the same way.
//
// Usage: hub_ingest_bench [EVENTS_PER_STORE] [--stores N] [--keep]
//   EVENTS_PER_STORE  default 1000 (50,000 events); e.g. 40 for a smoke run
//   --stores N        default 50 (1…200)
// Prints a table, then one JSON line {"bench":"hub_ingest",...}.

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/hub/hub_store.h"
#include "linli/hub/server.h"
#include "linli/pos/checkout.h"
#include "linli/pos/crypto.h"
#include "linli/pos/db.h"
#include "linli/pos/events.h"
#include "linli/pos/journal.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"
#include "linli/sync/agent.h"
#include "linli/sync/protocol.h"
#include "linli/sync/transport.h"

using namespace linli;  // NOLINT: a benchmark's main

namespace {

using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "hub_ingest_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}
[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "hub_ingest_bench: %s\n", what.c_str());
  std::exit(1);
}

// One stored hub row, all columns of `events`.
struct Row {
  std::string device_id;
  int64_t epoch = 0, seq = 0, store_id = 0;
  std::string event_id, type;
  int64_t type_version = 0;
  std::string occurred_at, payload, prev_hash, hash, signature, received_at;
  int64_t ingest_order = 0, applied = 0;
  std::string apply_note;
};

std::string Text(sqlite3_stmt* st, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, i))) : std::string();
}
std::string Blob(sqlite3_stmt* st, int i) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, i))) : std::string();
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string m = err ? err : "?";
    sqlite3_free(err);
    Die(sql.substr(0, 40) + ": " + m);
  }
}

// The events the hub stored after ingest_order `after`, in ingest order.
std::vector<Row> ReadHubEvents(const std::string& hub_path, int64_t after) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(hub_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open hub db");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT device_id, epoch, seq, store_id, event_id, type, type_version, occurred_at, payload, "
                     "prev_hash, hash, signature, received_at, ingest_order, applied, apply_note "
                     "FROM events WHERE ingest_order > ? ORDER BY ingest_order",
                     -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, after);
  std::vector<Row> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    Row r;
    r.device_id = Text(st, 0);
    r.epoch = sqlite3_column_int64(st, 1);
    r.seq = sqlite3_column_int64(st, 2);
    r.store_id = sqlite3_column_int64(st, 3);
    r.event_id = Text(st, 4);
    r.type = Text(st, 5);
    r.type_version = sqlite3_column_int64(st, 6);
    r.occurred_at = Text(st, 7);
    r.payload = Blob(st, 8);
    r.prev_hash = Blob(st, 9);
    r.hash = Blob(st, 10);
    r.signature = Blob(st, 11);
    r.received_at = Text(st, 12);
    r.ingest_order = sqlite3_column_int64(st, 13);
    r.applied = sqlite3_column_int64(st, 14);
    r.apply_note = Text(st, 15);
    out.push_back(std::move(r));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// The other limit: checking every event's Ed25519 signature, which the hub
// must do and which no storage choice removes, on all cores at once.
struct VerifyResult {
  double seconds = 0;
  int64_t verified = 0;
  unsigned threads = 1;
};

VerifyResult VerifyCeiling(const std::string& hub_path, const std::vector<Row>& rows) {
  std::map<std::string, std::string> keys;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(hub_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open hub db");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT device_id, public_key FROM devices", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) keys[Text(st, 0)] = Blob(st, 1);
  sqlite3_finalize(st);
  sqlite3_close(db);

  VerifyResult out;
  out.threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<int64_t> ok{0};
  const auto t0 = SteadyClock::now();
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < out.threads; ++w) {
    workers.emplace_back([&, w] {
      std::map<std::string, Ed25519Key> parsed;  // one key per device, as Ingest does per batch
      int64_t n = 0;
      for (size_t i = w; i < rows.size(); i += out.threads) {
        auto it = parsed.find(rows[i].device_id);
        if (it == parsed.end()) {
          auto k = Ed25519Key::Public(keys[rows[i].device_id]);
          if (!k.ok()) Die("device key", k.status());
          it = parsed.emplace(rows[i].device_id, std::move(k).value()).first;
        }
        n += it->second.Verify(rows[i].hash, rows[i].signature) ? 1 : 0;
      }
      ok += n;
    });
  }
  for (std::thread& t : workers) t.join();
  out.seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  out.verified = ok.load();
  if (out.verified != static_cast<int64_t>(rows.size())) Die("a stored signature did not verify");
  return out;
}

struct RawResult {
  double seconds = 0;
  int64_t rows = 0, batches = 0;
};

// The limit: `rows` into `raw_path` (a pre-push copy of the hub database),
// one transaction per batch (consecutive rows of one device, ≤ max_batch).
RawResult RawInserts(const std::string& raw_path, const std::vector<Row>& rows, size_t max_batch) {
  OpenOptions opts;  // what OpenSqliteHubStore passes: WAL, synchronous=FULL, foreign keys on
  auto db = Database::Open(raw_path, opts);
  if (!db.ok()) Die("open raw db", db.status());
  sqlite3* h = (*db)->TEST_raw_handle();
  sqlite3_stmt* ins = nullptr;
  if (sqlite3_prepare_v2(h,
                         "INSERT INTO events (device_id, epoch, seq, store_id, event_id, type, type_version, "
                         "occurred_at, payload, prev_hash, hash, signature, received_at, ingest_order, applied, "
                         "apply_note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                         -1, &ins, nullptr) != SQLITE_OK) {
    Die(std::string("prepare raw insert: ") + sqlite3_errmsg(h));
  }
  RawResult out;
  const auto t0 = SteadyClock::now();
  size_t i = 0;
  while (i < rows.size()) {
    size_t end = i + 1;
    while (end < rows.size() && end - i < max_batch && rows[end].device_id == rows[i].device_id) ++end;
    Exec(h, "BEGIN IMMEDIATE");
    for (size_t k = i; k < end; ++k) {
      const Row& r = rows[k];
      auto text = [&](int n, const std::string& v) {
        sqlite3_bind_text(ins, n, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
      };
      auto blob = [&](int n, const std::string& v) {
        sqlite3_bind_blob(ins, n, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
      };
      text(1, r.device_id);
      sqlite3_bind_int64(ins, 2, r.epoch);
      sqlite3_bind_int64(ins, 3, r.seq);
      sqlite3_bind_int64(ins, 4, r.store_id);
      text(5, r.event_id);
      text(6, r.type);
      sqlite3_bind_int64(ins, 7, r.type_version);
      text(8, r.occurred_at);
      blob(9, r.payload);
      blob(10, r.prev_hash);
      blob(11, r.hash);
      blob(12, r.signature);
      text(13, r.received_at);
      sqlite3_bind_int64(ins, 14, r.ingest_order);
      sqlite3_bind_int64(ins, 15, r.applied);
      text(16, r.apply_note);
      if (sqlite3_step(ins) != SQLITE_DONE) Die(std::string("raw insert: ") + sqlite3_errmsg(h));
      sqlite3_reset(ins);
    }
    Exec(h, "COMMIT");
    out.rows += static_cast<int64_t>(end - i);
    ++out.batches;
    i = end;
  }
  out.seconds = Seconds(t0, SteadyClock::now());
  sqlite3_finalize(ins);
  return out;
}

struct StoreRig {
  std::string code;
  std::unique_ptr<Database> db;
  std::unique_ptr<sync::HttpTransport> transport;
  std::unique_ptr<sync::SyncAgent> agent;
  sync::SyncReport report;
  double finished_s = 0;
  int64_t requests = 0, bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  int per_store = 1000;
  int stores = 50;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep") == 0) {
      keep = true;
    } else if (std::strcmp(argv[i], "--stores") == 0 && i + 1 < argc) {
      stores = std::atoi(argv[++i]);
    } else {
      per_store = std::atoi(argv[i]);
      if (per_store <= 0) Die(std::string("usage: hub_ingest_bench [EVENTS_PER_STORE] [--stores N] [--keep]"));
    }
  }
  stores = std::clamp(stores, 1, 200);
  std::string tmpl = (std::filesystem::temp_directory_path() / "linli-hub-ingest-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) Die("mkdtemp");
  const std::string dir = tmpl;
  auto file = [&](const std::string& name) { return dir + "/" + name; };
  SystemClock clock;

  // ---- The hub: plain HTTP on loopback, a 5-product catalogue, N stores.
  const std::string hub_path = file("hub.db");
  auto hub_store = std::move(hub::OpenSqliteHubStore(hub_path, true)).value();
  if (Status st = hub_store->AddOrg("LL", "邻里连锁", clock.NowMs()); !st.ok()) Die("add org", st);
  const int64_t org = *hub_store->OrgId("LL");
  const char* skus[] = {"A001", "A002", "A003", "A004", "A005"};
  for (int i = 0; i < 5; ++i) {
    (void)hub_store->Edit(org, "product", skus[i], "upsert",
                          {{"sku", skus[i]}, {"name", std::string("商品") + skus[i]}, {"unit", "pcs"},
                           {"tax_rate_bp", 1300}, {"active", true}},
                          "");
    (void)hub_store->Edit(org, "price", std::string(skus[i]) + "@2020-01-01T00:00:00.000Z", "upsert",
                          {{"sku", skus[i]}, {"price_fen", 100 + 50 * i},
                           {"effective_from", "2020-01-01T00:00:00.000Z"}, {"store", nullptr}},
                          "");
  }
  hub::ServerOptions opts;
  opts.port = 0;
  opts.insecure_http = true;
  hub::HubServer server(*hub_store, clock, opts);
  if (Status st = server.Start(); !st.ok()) Die("start hub", st);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());

  // ---- The stores: init, enrol, first sync (catalogue).
  std::fprintf(stderr, "hub_ingest_bench: enrolling %d stores…\n", stores);
  std::vector<StoreRig> rigs(static_cast<size_t>(stores));
  for (int s = 0; s < stores; ++s) {
    StoreRig& rig = rigs[static_cast<size_t>(s)];
    char code[8];
    std::snprintf(code, sizeof code, "S%03d", s + 1);
    rig.code = code;
    auto token = hub_store->AddStore("LL", rig.code, "店" + rig.code, clock.NowMs());
    if (!token.ok()) Die("add store", token.status());
    const std::string path = file(rig.code + ".db");
    if (Status st = InitStore(path, {rig.code, "店" + rig.code, "Asia/Shanghai"}, clock); !st.ok()) Die("init", st);
    rig.db = std::move(OpenStore(path, OpenOptions{.synchronous_full = false})).value();
    rig.transport = std::move(sync::NewCurlTransport({})).value();
    rig.agent = std::make_unique<sync::SyncAgent>(*rig.db, *rig.transport, clock);
    if (Status st = rig.agent->Enroll(url, *token, ""); !st.ok()) Die("enrol " + rig.code, st);
    if (sync::SyncReport r = rig.agent->SyncOnce(); !r.status.ok()) Die("first sync " + rig.code, r.status);
  }

  // ---- One real 5-line sale at store 1: the template payload.
  User cashier{"1001", "张三", Role::kCashier};
  if (Status st = AddUser(*rigs[0].db, cashier, "1234", clock); !st.ok()) Die("add user", st);
  {
    Checkout co(*rigs[0].db, clock, cashier, nullptr);
    if (Status st = co.Init(); !st.ok()) Die("checkout", st);
    for (int i = 0; i < 5; ++i) {
      if (auto r = co.AddSku(skus[i], 1000 * (1 + i % 3)); !r.ok()) Die("add", r.status());
    }
    if (Status st = co.PayCash(*co.RemainingFen()); !st.ok()) Die("pay", st);
    if (auto c = co.Commit(); !c.ok()) Die("commit", c.status());
  }
  JournalEntry sale_tmpl;
  {
    auto head = JournalHead(*rigs[0].db);
    if (!head.ok()) Die("journal head", head.status());
    auto all = ReadJournal(*rigs[0].db, 0, static_cast<int>(head->seq) + 1);
    if (!all.ok()) Die("read journal", all.status());
    for (const JournalEntry& e : *all)
      if (e.type == "sale") sale_tmpl = e;
    if (sale_tmpl.type.empty()) Die("no sale in the template store's journal");
  }
  // The template as a typed event (strict decode: the bench fails loudly if
  // the commit ever wrote something sale@1 does not accept).
  auto sale_event = events::SaleEvent::FromPayload(sale_tmpl.payload);
  if (!sale_event.ok()) Die("decode the template sale", sale_event.status());

  // ---- Backlogs: each store's own chain, signed with its own key.
  std::fprintf(stderr, "hub_ingest_bench: appending %d sale events × %d stores…\n", per_store, stores);
  const auto m0 = SteadyClock::now();
  int64_t backlog = 0;
  for (StoreRig& rig : rigs) {
    const int64_t before = JournalHead(*rig.db)->seq;
    const int n = std::max(0, per_store - static_cast<int>(before));  // store 1 holds its real sale already
    Transaction tx(*rig.db);
    for (int i = 0; i < n; ++i) {
      auto e = AppendEvent(*rig.db, *sale_event, clock);
      if (!e.ok()) Die("append", e.status());
    }
    tx.Commit();
    backlog += JournalHead(*rig.db)->seq;
  }
  const double make_s = Seconds(m0, SteadyClock::now());

  // ---- The limit's database: the hub as it is now (no events yet).
  // (Events already held — any the stores' first sync pushed — stay in the
  // copy; only those stored by the measured push are inserted again.)
  const std::string raw_path = file("raw.db");
  int64_t order0 = 0;
  {
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(hub_path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open hub copy");
    Exec(h, "VACUUM INTO '" + raw_path + "'");
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(h, "SELECT coalesce(max(ingest_order), 0) FROM events", -1, &q, nullptr);
    if (sqlite3_step(q) == SQLITE_ROW) order0 = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(h);
  }

  // ---- The measured push: all stores at once.
  std::fprintf(stderr, "hub_ingest_bench: %lld events from %d stores pushing at once…\n",
               static_cast<long long>(backlog), stores);
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  std::atomic<int> ready{0};
  SteadyClock::time_point t0;
  std::vector<std::thread> threads;
  threads.reserve(rigs.size());
  for (StoreRig& rig : rigs) {
    threads.emplace_back([&, r = &rig] {
      {
        std::unique_lock lock(mu);
        ++ready;
        cv.wait(lock, [&] { return go; });
      }
      const int64_t q0 = r->transport->requests(), b0 = r->transport->bytes_sent();
      r->report = r->agent->SyncOnce();
      r->requests = r->transport->requests() - q0;
      r->bytes = r->transport->bytes_sent() - b0;
      r->agent.reset();
      r->transport.reset();  // closes the keep-alive connection, freeing a hub worker
      r->finished_s = Seconds(t0, SteadyClock::now());
    });
  }
  for (int i = 0; i < 10000 && ready.load() < stores; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::lock_guard lock(mu);
    t0 = SteadyClock::now();
    go = true;
  }
  cv.notify_all();
  for (std::thread& t : threads) t.join();
  double secs = 0, first_done = 1e300;
  int64_t pushed = 0, requests = 0, batches = 0, bytes = 0;
  for (const StoreRig& rig : rigs) {
    if (!rig.report.status.ok()) Die("sync " + rig.code, rig.report.status);
    secs = std::max(secs, rig.finished_s);
    first_done = std::min(first_done, rig.finished_s);
    pushed += rig.report.pushed;
    batches += rig.report.push_requests;
    requests += rig.requests;
    bytes += rig.bytes;
  }
  const double hub_rate = static_cast<double>(pushed) / secs;
  server.Stop();

  // ---- The limit: the same rows, same schema and settings, same batches.
  const std::vector<Row> rows = ReadHubEvents(hub_path, order0);
  if (static_cast<int64_t>(rows.size()) != pushed) {
    std::fprintf(stderr, "hub_ingest_bench: note: hub holds %zu events, agents report %lld pushed\n", rows.size(),
                 static_cast<long long>(pushed));
  }
  int64_t flagged = 0;
  for (const Row& r : rows) flagged += r.applied ? 0 : 1;
  const RawResult raw = RawInserts(raw_path, rows, static_cast<size_t>(sync::kMaxBatchEvents));
  const double raw_rate = static_cast<double>(raw.rows) / raw.seconds;
  const double ratio = raw_rate / hub_rate;
  const VerifyResult ver = VerifyCeiling(hub_path, rows);
  const double verify_rate = static_cast<double>(ver.verified) / ver.seconds;
  const double verify_ratio = verify_rate / hub_rate;

  std::printf("hub_ingest_bench: %d stores × %d sale@1 events (5 lines; %zu-byte payload) = %lld events; backlog made in %.1f s\n",
              stores, per_store, sale_tmpl.payload.size(), static_cast<long long>(backlog), make_s);
  std::printf("  %-44s %12.3f s   (first store done at %.3f s)\n", "all stores synced (wall)", secs, first_done);
  std::printf("  %-44s %12lld   (%lld push batches, %lld flagged)\n", "events the hub stored", static_cast<long long>(pushed),
              static_cast<long long>(batches), static_cast<long long>(flagged));
  std::printf("  %-44s %12lld   (%.2f MB sent)\n", "HTTP requests", static_cast<long long>(requests),
              static_cast<double>(bytes) / 1e6);
  std::printf("  %-44s %12.0f events/s\n", "hub ingest, all stores at once", hub_rate);
  std::printf("  %-44s %12.0f rows/s   (%lld rows, %lld txns, %.3f s)\n", "raw SQLite, same rows/schema/batches", raw_rate,
              static_cast<long long>(raw.rows), static_cast<long long>(raw.batches), raw.seconds);
  std::printf("  %-44s %12.1f×\n", "raw / hub", ratio);
  std::printf("  %-44s %12.0f sigs/s   (%u threads, %.3f s)\n", "Ed25519 verify alone, same events", verify_rate,
              ver.threads, ver.seconds);
  std::printf("  %-44s %12.1f×\n", "verify alone / hub", verify_ratio);

  char fig[96], lim[96], what[96];
  std::snprintf(fig, sizeof fig, "%.0f events/s", hub_rate);
  std::snprintf(lim, sizeof lim, "%.0f rows/s (raw SQLite, %lld txns)", raw_rate, static_cast<long long>(raw.batches));
  std::snprintf(what, sizeof what, "hub ingest, %d stores at once (%lld events)", stores, static_cast<long long>(pushed));
  char vlim[96];
  std::snprintf(vlim, sizeof vlim, "%.0f signatures/s (Ed25519 verify alone, %u threads)", verify_rate, ver.threads);
  const nlohmann::json out_rows = nlohmann::json::array(
      {{{"what", what}, {"figure", fig}, {"limit", lim}, {"ratio", ratio}, {"ratio_is", "rate raw÷hub"},
        {"target", "none set"}, {"ok", nullptr}},
       {{"what", std::string(what) + ", against signature checking"}, {"figure", fig}, {"limit", vlim},
        {"ratio", verify_ratio}, {"ratio_is", "rate verify÷hub"}, {"target", "none set"}, {"ok", nullptr}}});
  nlohmann::json j = {{"bench", "hub_ingest"},
                      {"stores", stores},
                      {"events_per_store", per_store},
                      {"events", pushed},
                      {"flagged", flagged},
                      {"push_batches", batches},
                      {"requests", requests},
                      {"bytes_sent", bytes},
                      {"seconds", secs},
                      {"hub_events_per_s", hub_rate},
                      {"raw_rows", raw.rows},
                      {"raw_txns", raw.batches},
                      {"raw_seconds", raw.seconds},
                      {"raw_sqlite_rows_per_s", raw_rate},
                      {"raw_over_hub", ratio},
                      {"verify_sigs_per_s", verify_rate},
                      {"verify_over_hub", verify_ratio},
                      {"sqlite", sqlite3_libversion()},
                      {"rows", out_rows}};
  std::printf("%s\n", j.dump().c_str());
  rigs.clear();
  if (keep) {
    std::printf("kept: %s\n", dir.c_str());
  } else {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}
