// The hub process is killed (SIGKILL) while a large push is in flight and
// restarted on the same database (issue 7): the batch either committed whole
// or not at all, and after the restart the till's events are at the hub
// exactly once, the chain verifies and the projections equal a rebuild.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "sync_fault_util.h"

extern char** environ;

namespace linli::sync_fault {
namespace {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// `linli-hub serve` as a child process.
class HubProcess {
 public:
  HubProcess(std::string db, int port) : db_(std::move(db)), port_(port) {}
  ~HubProcess() { Kill(SIGKILL); }

  void Start() {
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    const std::string log = db_ + ".log";
    std::vector<std::string> args = {LINLI_HUB_BIN, "serve", "--db", db_, "--listen", listen, "--insecure-http"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    REQUIRE(posix_spawn(&pid_, LINLI_HUB_BIN, &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    // Up within 10 s.
    sync::CurlOptions co;
    co.connect_timeout_ms = 200;
    co.timeout_ms = 500;
    auto t = std::move(sync::NewCurlTransport(co)).value();
    for (int i = 0; i < 100; ++i) {
      sync::HttpRequest req;
      req.url = "http://127.0.0.1:" + std::to_string(port_) + sync::kPathHealth;
      auto r = t->Send(req);
      if (r.ok() && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("linli-hub did not come up; see " << log);
  }
  void Kill(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }

 private:
  std::string db_;
  int port_;
  pid_t pid_ = -1;
};

// Passes requests through and SIGKILLs the hub `delay_ms` after the n-th
// push request has started going out.
class KillingTransport final : public sync::HttpTransport {
 public:
  KillingTransport(sync::HttpTransport& inner, HubProcess& hub) : inner_(inner), hub_(hub) {}
  ~KillingTransport() override {
    if (killer_.joinable()) killer_.join();
  }
  void Arm(int nth_push, int delay_ms) {
    if (killer_.joinable()) killer_.join();
    nth_ = nth_push;
    delay_ms_ = delay_ms;
    pushes_ = 0;
    killed_ = false;
  }
  bool killed() const { return killed_; }

  Result<sync::HttpResponse> Send(const sync::HttpRequest& r) override {
    if (r.url.find(sync::kPathPush) != std::string::npos && ++pushes_ == nth_ && !killed_) {
      killed_ = true;
      const pid_t pid = hub_.pid();
      killer_ = std::thread([pid, d = delay_ms_] {
        std::this_thread::sleep_for(std::chrono::milliseconds(d));
        kill(pid, SIGKILL);
      });
    }
    return inner_.Send(r);
  }
  int64_t bytes_sent() const override { return inner_.bytes_sent(); }
  int64_t requests() const override { return inner_.requests(); }

 private:
  sync::HttpTransport& inner_;
  HubProcess& hub_;
  std::thread killer_;
  int nth_ = 0, delay_ms_ = 0, pushes_ = 0;
  bool killed_ = false;
};

TEST_CASE("sync under faults: the hub process is SIGKILLed mid-batch and restarted, every event lands exactly once") {
  const uint64_t seed = SeedFromEnv("sync fault hub kill");
  std::mt19937_64 rng(seed);
  SystemClock clock;
  testing::TempDir dir;
  const std::string hub_db = dir.File("hub.db");
  std::string token;
  {
    auto store = std::move(hub::OpenSqliteHubStore(hub_db, true)).value();
    REQUIRE(store->AddOrg("LL", "邻里", clock.NowMs()).ok());
    token = *store->AddStore("LL", "S001", "幸福路店", clock.NowMs());
    const int64_t org = *store->OrgId("LL");
    const json product = {{"sku", "A001"}, {"name", "可乐"}, {"category", ""}, {"unit", "pcs"},
                          {"tax_rate_bp", 1300}, {"active", true}};
    REQUIRE(store->Edit(org, "product", "A001", "upsert", product, "").ok());
  }
  const int port = FreePort();
  HubProcess hub(hub_db, port);
  hub.Start();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  Till till("S001", clock);
  till.Enroll(url, token);
  till.SyncClean();
  // A big backlog: 3,000 events (six full batches), written the way every
  // fact is, through AppendJournal inside a transaction.
  constexpr int kEvents = 3'000;
  REQUIRE(Guard([&] {
            Transaction tx(*till.db);
            for (int i = 0; i < kEvents; ++i) {
              const int64_t fen = 100 + static_cast<int64_t>(i % 50);
              events::SaleEvent sale;
              sale.sale_uuid = "kill-" + std::to_string(i);
              sale.receipt_no = "S001-" + std::to_string(i);
              sale.business_date = "2026-11-21";
              sale.cashier = "1001";
              sale.lines.push_back({1, "A001", 1000, fen, fen, 0, 0, fen, 0, 0, std::nullopt});
              sale.subtotal_fen = fen;
              sale.total_fen = fen;
              sale.tenders.push_back({"cash", fen, std::nullopt, std::nullopt});
              auto e = AppendEvent(*till.db, sale, clock);
              if (!e.ok()) throw DbError(1, e.status().message());
            }
            tx.Commit();
          }).ok());

  KillingTransport killing(*till.transport, hub);
  sync::SyncAgent agent(*till.db, killing, clock);
  int kills = 0;
  for (int cycle = 0; cycle < 3; ++cycle) {
    killing.Arm(/*nth_push=*/2, /*delay_ms=*/static_cast<int>(rng() % 40));
    sync::SyncReport r = agent.SyncOnce();
    if (killing.killed()) {
      ++kills;
      hub.Kill(SIGKILL);  // reaps it
      CHECK_FALSE(r.status.ok());
      MESSAGE("cycle " << cycle << ": killed mid-push; " << r.pushed << " events acknowledged before");
      hub.Start();  // same database, same port
    }
  }
  CHECK(kills >= 1);
  till.SyncClean();
  hub.Kill(SIGTERM);

  auto store = std::move(hub::OpenSqliteHubStore(hub_db, false)).value();
  CheckHubHolds(hub_db, till, /*exact=*/true);
  CHECK(HubEvents(hub_db, till.DeviceId()).size() == static_cast<size_t>(JournalHead(*till.db)->seq));
  auto heads = store->Heads(till.DeviceId());
  REQUIRE(heads.ok());
  CHECK(heads->size() == 1);
  CheckProjectionsRebuild(*store);
  auto db = Database::Open(hub_db, OpenOptions{});
  Statement ic = (*db)->Prepare("PRAGMA integrity_check");
  REQUIRE(ic.Step());
  CHECK(ic.Text(0) == "ok");
}

}  // namespace
}  // namespace linli::sync_fault
