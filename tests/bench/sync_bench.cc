// Sync benchmark (issue 5 "Speed"; a benchmark, not a timed test): a store
// with a backlog of N sales of 5 lines each syncs to a hub on 127.0.0.1.
//
// Prints the wall time of the sync, the agent's own part of it (the time
// outside HTTP requests: reading the journal, serialising, gzip, signing), the
// bytes and requests sent, the hub's ingest rate in events/s, and, side by
// side in the same run, two limits:
//   - raw post: the very same HTTP requests (method, path, headers and the
//     same gzip'd bodies, recorded as the agent sent them) replayed one at a
//     time over one keep-alive curl connection to a plain cpp-httplib sink on
//     127.0.0.1 that reads each body and answers 200 "{}" — what moving those
//     bytes costs with no verification, no SQL and no projections;
//   - raw SQLite: the same journal events (all their columns) inserted with
//     one prepared statement in one transaction into a fresh file with the
//     pragmas the stores use (WAL, synchronous=FULL).
//
// Usage: sync_bench [SALES] [--keep]    (default 10000; e.g. 200 for a smoke run)
// Prints a table, then one JSON line {"bench":"sync",...}.

#include <httplib.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/hub/hub_store.h"
#include "linli/hub/server.h"
#include "linli/pos/checkout.h"
#include "linli/pos/journal.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"
#include "linli/sync/agent.h"
#include "linli/sync/protocol.h"
#include "linli/sync/transport.h"

using namespace linli;  // NOLINT: a benchmark's main

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "sync_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

// Passes requests through to the real transport and, while recording, keeps a
// copy of each one as sent (bodies already gzip'd by the agent).
class RecordingTransport final : public sync::HttpTransport {
 public:
  explicit RecordingTransport(sync::HttpTransport& inner) : inner_(inner) {}
  Result<sync::HttpResponse> Send(const sync::HttpRequest& request) override {
    if (recording_) recorded_.push_back(request);
    const auto a = std::chrono::steady_clock::now();
    auto r = inner_.Send(request);
    if (recording_) send_seconds_ += Seconds(a, std::chrono::steady_clock::now());
    return r;
  }
  int64_t bytes_sent() const override { return inner_.bytes_sent(); }
  int64_t requests() const override { return inner_.requests(); }
  void Record(bool on) { recording_ = on; }
  const std::vector<sync::HttpRequest>& recorded() const { return recorded_; }
  // Wall time spent inside Send while recording: the hub's part of the sync.
  double send_seconds() const { return send_seconds_; }

 private:
  sync::HttpTransport& inner_;
  bool recording_ = false;
  double send_seconds_ = 0;
  std::vector<sync::HttpRequest> recorded_;
};

struct RawPost {
  double seconds = 0;
  int64_t bytes = 0, requests = 0, body_bytes_read = 0;
};

// The raw-post limit: `requests` replayed in order, one in flight, through a
// fresh CurlTransport (one keep-alive connection, as the agent uses) to a
// plain cpp-httplib sink on 127.0.0.1 with the hub's socket settings, which
// reads each body and answers 200 "{}". `hub_base` is replaced by the sink's.
RawPost PostRaw(const std::vector<sync::HttpRequest>& requests, const std::string& hub_base) {
  httplib::Server sink;
  std::atomic<int64_t> read{0};
  auto handler = [&](const httplib::Request& req, httplib::Response& res) {
    read += static_cast<int64_t>(req.body.size());
    res.set_content("{}", "application/json");
  };
  sink.Get(".*", handler);
  sink.Post(".*", handler);
  sink.set_tcp_nodelay(true);
  sink.set_payload_max_length(sync::kMaxRequestBody);
  sink.set_read_timeout(30, 0);
  sink.set_write_timeout(30, 0);
  const int port = sink.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "sync_bench: cannot bind the sink\n");
    std::exit(1);
  }
  std::thread th([&] { sink.listen_after_bind(); });
  for (int i = 0; i < 5000 && !sink.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto transport = std::move(sync::NewCurlTransport({})).value();
  // Open the connection first: the agent's was already open from enrolment.
  (void)transport->Send({"GET", base + "/warm-up", {}, ""});
  const int64_t b0 = transport->bytes_sent(), r0 = transport->requests();
  read = 0;
  RawPost out;
  const auto t0 = std::chrono::steady_clock::now();
  for (const sync::HttpRequest& r : requests) {
    sync::HttpRequest copy = r;
    if (copy.url.rfind(hub_base, 0) == 0) copy.url = base + copy.url.substr(hub_base.size());
    auto res = transport->Send(copy);
    if (!res.ok() || res->status != 200) {
      std::fprintf(stderr, "sync_bench: raw post to the sink failed: %s\n",
                   res.ok() ? std::to_string(res->status).c_str() : res.status().ToString().c_str());
      std::exit(1);
    }
  }
  out.seconds = Seconds(t0, std::chrono::steady_clock::now());
  out.bytes = transport->bytes_sent() - b0;
  out.requests = transport->requests() - r0;
  out.body_bytes_read = read;
  transport.reset();
  sink.stop();
  th.join();
  return out;
}

// The raw baseline: the journal rows as they are, one transaction.
double RawInsertRate(const std::string& path, const std::vector<JournalEntry>& rows,
                     const std::string& device_id) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  sqlite3_exec(db,
               "CREATE TABLE events (device_id TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, "
               "event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, type_version INTEGER NOT NULL, "
               "occurred_at TEXT NOT NULL, payload BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, "
               "signature BLOB NOT NULL, PRIMARY KEY (device_id, epoch, seq))",
               nullptr, nullptr, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, nullptr);
  for (const JournalEntry& e : rows) {
    sqlite3_bind_text(st, 1, device_id.data(), static_cast<int>(device_id.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, e.epoch);
    sqlite3_bind_int64(st, 3, e.seq);
    sqlite3_bind_text(st, 4, e.event_id.data(), static_cast<int>(e.event_id.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e.type.data(), static_cast<int>(e.type.size()), SQLITE_STATIC);
    sqlite3_bind_int(st, 6, e.type_version);
    sqlite3_bind_text(st, 7, e.occurred_at.data(), static_cast<int>(e.occurred_at.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, e.payload.data(), static_cast<int>(e.payload.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, e.prev_hash.data(), static_cast<int>(e.prev_hash.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, e.hash.data(), static_cast<int>(e.hash.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st, 11, e.signature.data(), static_cast<int>(e.signature.size()), SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  const double secs = Seconds(t0, std::chrono::steady_clock::now());
  sqlite3_close(db);
  return static_cast<double>(rows.size()) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  int sales = 10000;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep") == 0) keep = true; else sales = std::atoi(argv[i]);
  }
  if (sales < 1) sales = 1;
  char tmpl[] = "/tmp/linli-sync-bench-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const std::string dir = tmpl;
  auto file = [&](const char* name) { return dir + "/" + name; };
  SystemClock clock;

  // ---- The hub, plain HTTP on loopback, with a 5-product catalogue.
  auto hub_store = std::move(hub::OpenSqliteHubStore(file("hub.db"), true)).value();
  if (Status st = hub_store->AddOrg("LL", "邻里连锁", clock.NowMs()); !st.ok()) Die("add org", st);
  const int64_t org = *hub_store->OrgId("LL");
  const char* skus[] = {"A001", "A002", "A003", "A004", "A005"};
  for (int i = 0; i < 5; ++i) {
    (void)hub_store->Edit(org, "product", skus[i],
                          "upsert", {{"sku", skus[i]}, {"name", std::string("商品") + skus[i]}, {"unit", "pcs"},
                                     {"tax_rate_bp", 1300}, {"active", true}}, "");
    (void)hub_store->Edit(org, "price", std::string(skus[i]) + "@2020-01-01T00:00:00.000Z", "upsert",
                          {{"sku", skus[i]}, {"price_fen", 100 + 50 * i},
                           {"effective_from", "2020-01-01T00:00:00.000Z"}, {"store", nullptr}}, "");
  }
  auto token = hub_store->AddStore("LL", "S001", "幸福路店", clock.NowMs());
  hub::ServerOptions opts;
  opts.port = 0;
  opts.insecure_http = true;
  hub::HubServer server(*hub_store, clock, opts);
  if (Status st = server.Start(); !st.ok()) Die("start hub", st);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());

  // ---- The store: enrol, pull the catalogue, then sell offline.
  const std::string store_path = file("store.db");
  if (Status st = InitStore(store_path, {"S001", "幸福路店", "Asia/Shanghai"}, clock); !st.ok()) Die("init", st);
  auto db = std::move(OpenStore(store_path, OpenOptions{.synchronous_full = false})).value();
  User cashier{"1001", "张三", Role::kCashier};
  if (Status st = AddUser(*db, cashier, "1234", clock); !st.ok()) Die("add user", st);
  auto curl = std::move(sync::NewCurlTransport({})).value();
  RecordingTransport rec(*curl);
  sync::HttpTransport* transport = &rec;
  sync::SyncAgent agent(*db, rec, clock);
  if (Status st = agent.Enroll(url, *token, ""); !st.ok()) Die("enrol", st);
  if (sync::SyncReport r = agent.SyncOnce(); !r.status.ok()) Die("first sync", r.status);

  std::fprintf(stderr, "sync_bench: making a backlog of %d sales × 5 lines…\n", sales);
  const auto m0 = std::chrono::steady_clock::now();
  Checkout co(*db, clock, cashier, nullptr);
  if (Status st = co.Init(); !st.ok()) Die("checkout", st);
  for (int s = 0; s < sales; ++s) {
    for (int i = 0; i < 5; ++i) {
      if (auto r = co.AddSku(skus[i], 1000 * (1 + (s + i) % 3)); !r.ok()) Die("add", r.status());
    }
    auto due = co.RemainingFen();
    if (Status st = co.PayCash(*due); !st.ok()) Die("pay", st);
    if (auto c = co.Commit(); !c.ok()) Die("commit", c.status());
  }
  const double make_secs = Seconds(m0, std::chrono::steady_clock::now());
  const int64_t events = JournalHead(*db)->seq;
  const int64_t bytes0 = transport->bytes_sent(), req0 = transport->requests();

  // ---- The sync being measured.
  rec.Record(true);
  const auto t0 = std::chrono::steady_clock::now();
  sync::SyncReport r = agent.SyncOnce();
  const double secs = Seconds(t0, std::chrono::steady_clock::now());
  rec.Record(false);
  if (!r.status.ok()) Die("sync", r.status);
  const int64_t bytes = transport->bytes_sent() - bytes0, requests = transport->requests() - req0;
  const double ingest = static_cast<double>(r.pushed) / secs;
  const double agent_secs = secs - rec.send_seconds();

  // ---- Raw post of the same requests, same run.
  const RawPost raw_post = PostRaw(rec.recorded(), url);
  if (raw_post.bytes != bytes || raw_post.requests != requests) {
    std::fprintf(stderr, "sync_bench: note: raw post sent %lld bytes in %lld requests (sync: %lld in %lld)\n",
                 static_cast<long long>(raw_post.bytes), static_cast<long long>(raw_post.requests),
                 static_cast<long long>(bytes), static_cast<long long>(requests));
  }
  const double post_ratio = secs / raw_post.seconds;

  // ---- Raw SQLite, same rows, one transaction, same run.
  auto rows = ReadJournal(*db, 0, static_cast<int>(events) + 1);
  const double raw = RawInsertRate(file("raw.db"), *rows, LoadDevice(*db)->device_id);

  int64_t payload_bytes = 0;
  for (const JournalEntry& e : *rows) payload_bytes += static_cast<int64_t>(e.payload.size());

  std::printf("sync_bench: %d sales × 5 lines = %lld journal events (%lld payload bytes), backlog made in %.1f s\n",
              sales, static_cast<long long>(events), static_cast<long long>(payload_bytes), make_secs);
  std::printf("  %-34s %12.3f s\n", "sync (hwm + push + pull) time", secs);
  std::printf("  %-34s %12.3f s   (journal reads, serialising, gzip, signing)\n", "agent's own time (outside HTTP)",
              agent_secs);
  std::printf("  %-34s %12lld (%.1f bytes/event, gzip'd)\n", "bytes sent", static_cast<long long>(bytes),
              static_cast<double>(bytes) / static_cast<double>(events));
  std::printf("  %-34s %12lld (%lld push batches)\n", "requests", static_cast<long long>(requests),
              static_cast<long long>(r.push_requests));
  std::printf("  %-34s %12.3f s   (%lld bytes, %lld requests, %lld body bytes read)\n",
              "raw post, same requests, plain sink", raw_post.seconds, static_cast<long long>(raw_post.bytes),
              static_cast<long long>(raw_post.requests), static_cast<long long>(raw_post.body_bytes_read));
  std::printf("  %-34s %12.1f×\n", "sync time / raw post time", post_ratio);
  std::printf("  %-34s %12.0f events/s\n", "hub ingest rate (end to end)", ingest);
  std::printf("  %-34s %12.0f rows/s\n", "raw SQLite insert, same rows", raw);
  std::printf("  %-34s %12.1f×\n", "raw / hub", raw / ingest);
  char fig[160], lim[160], fig2[80], lim2[80];
  std::snprintf(fig, sizeof fig, "%.2f s, %.2f MB, %lld req", secs, static_cast<double>(bytes) / 1e6,
                static_cast<long long>(requests));
  std::snprintf(lim, sizeof lim, "%.1f ms (raw post, same requests and bytes)", raw_post.seconds * 1000.0);
  std::snprintf(fig2, sizeof fig2, "%.0f events/s", ingest);
  std::snprintf(lim2, sizeof lim2, "%.0f rows/s (raw SQLite, 1 txn)", raw);
  const nlohmann::json table_rows = nlohmann::json::array(
      {{{"what", "sync " + std::to_string(sales) + "-sale backlog to hub (loopback)"},
        {"figure", fig}, {"limit", lim}, {"ratio", post_ratio}, {"ratio_is", "time sync÷raw"},
        {"target", "none set"}, {"ok", nullptr}},
       {{"what", "hub ingest, 1 store (end to end)"},
        {"figure", fig2}, {"limit", lim2}, {"ratio", raw / ingest}, {"ratio_is", "rate raw÷hub"},
        {"target", "none set"}, {"ok", nullptr}}});
  nlohmann::json j = {{"bench", "sync"},         {"sales", sales},
                      {"events", events},        {"seconds", secs},
                      {"bytes_sent", bytes},     {"requests", requests},
                      {"push_batches", r.push_requests}, {"hub_events_per_s", ingest},
                      {"agent_seconds", agent_secs},
                      {"raw_post_seconds", raw_post.seconds}, {"raw_post_bytes", raw_post.bytes},
                      {"raw_post_requests", raw_post.requests}, {"sync_over_raw_post", post_ratio},
                      {"raw_sqlite_rows_per_s", raw}, {"rows", table_rows}};
  std::printf("%s\n", j.dump().c_str());
  server.Stop();
  if (keep) {
    std::printf("kept: %s\n", dir.c_str());
  } else {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}
