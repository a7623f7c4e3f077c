// End-to-end tests of the hub and sync commands as a shopkeeper and an HQ
// admin use them (issue 5): the real `linli-hub` binary sets up a hub
// (init, org, store, user, cert init) and serves HTTPS on 127.0.0.1 as a
// child process; the real `linli` enrols, sells, syncs and reports its sync
// status; HQ edits the catalogue over HTTPS (the only way it can) and reads
// stock and sales through the linli-hub CLI mirrors.
//
// The in-process hub and the agent are covered by tests/sync and tests/hub;
// here the point is the command-line surface: exit codes, output shapes and
// messages, and two processes talking over TLS.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "linli/pos/clock.h"
#include "testing.h"

extern char** environ;

using linli::testing::ReadFile;
using linli::testing::RunLinli;
using linli::testing::RunResult;
using linli::testing::TempDir;
using linli::testing::WriteFile;
using nlohmann::json;

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string Q(const std::string& s) { return "'" + s + "'"; }
bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
json Json(const std::string& s) {
  json j = json::parse(s, nullptr, false);
  if (j.is_discarded()) FAIL("not JSON: " << s);
  return j;
}

// Runs linli-hub with a shell-quoted argument string; stdin from `input`.
RunResult RunHub(const std::string& args, const std::string& input = "") {
  TempDir io;
  const std::string in = io.File("stdin"), out = io.File("stdout"), err = io.File("stderr");
  WriteFile(in, input);
  const std::string cmd = std::string("'") + LINLI_HUB_BIN + "' " + args + " <'" + in + "' >'" + out + "' 2>'" +
                          err + "'";
  const int rc = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

// The last non-empty line of a text.
std::string LastLine(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

// `linli-hub serve` as a child process. Start() waits (bounded) for the
// "serving https://127.0.0.1:PORT" line; Stop() sends SIGTERM and waits
// (bounded), killing it if it does not stop.
class HubServe {
 public:
  ~HubServe() { Stop(); }

  // listen: "127.0.0.1:0" for an ephemeral port.
  bool Start(const std::string& db, const std::string& certs, const std::string& listen, std::string* why) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    err_path_ = dir_.File("serve.err");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    const std::string cert = certs + "/server.pem", key = certs + "/server.key";
    std::vector<std::string> args = {LINLI_HUB_BIN, "serve", "--db", db, "--listen", listen,
                                     "--tls-cert", cert, "--tls-key", key};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, LINLI_HUB_BIN, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    out_fd_ = fds[0];
    if (rc != 0) {
      pid_ = -1;
      *why = "posix_spawn failed";
      return false;
    }
    const auto deadline = SteadyClock::now() + std::chrono::seconds(20);
    const std::string marker = "serving https://127.0.0.1:";
    while (SteadyClock::now() < deadline) {
      ReadOut(200);
      const size_t at = out_.find(marker);
      if (at != std::string::npos && out_.find('\n', at) != std::string::npos) {
        port_ = std::atoi(out_.c_str() + at + marker.size());
        return port_ > 0;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        *why = "linli-hub serve exited: " + ReadFile(err_path_);
        return false;
      }
    }
    *why = "linli-hub serve did not say where it listens within 20 s: " + out_ + ReadFile(err_path_);
    return false;
  }

  // Returns the exit status (or -1 when it had to be killed).
  int Stop() {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    bool done = false;
    while (SteadyClock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        done = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!done) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    ReadOut(100);
    ::close(out_fd_);
    out_fd_ = -1;
    exit_status_ = done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_;
  }

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& out() const { return out_; }

 private:
  void ReadOut(int timeout_ms) {
    for (int i = 0; i < 64 && out_fd_ >= 0; ++i) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, i == 0 ? timeout_ms : 0) <= 0) return;
      char buf[512];
      const ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) return;
      out_.append(buf, static_cast<size_t>(n));
    }
  }

  TempDir dir_;
  std::string err_path_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
  std::string out_;
};

// A hub database with organisation LL, HQ admin alice and a CA, made with
// the linli-hub admin commands; Serve() starts it.
struct Hub {
  TempDir dir;
  std::string db = dir.File("hub.db");
  std::string certs = dir.File("certs");
  std::string ca = certs + "/ca.pem";
  HubServe serve;

  Hub() {
    auto init = RunHub("init --db " + Q(db));
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    CHECK(Has(init.out, "hub key: "));
    REQUIRE(RunHub("org add --db " + Q(db) + " --code LL --name 邻里连锁").exit_code == 0);
    auto user = RunHub("user add --db " + Q(db) + " --org LL --name alice --role admin", "alice-pass\n");
    REQUIRE_MESSAGE(user.exit_code == 0, user.err);
    auto cert = RunHub("cert init --dir " + Q(certs));
    REQUIRE_MESSAGE(cert.exit_code == 0, cert.err);
    CHECK(Has(cert.out, ca));
  }
  // `linli-hub store add`; returns the token (alone on the last line).
  std::string AddStore(const std::string& code, const std::string& name) {
    auto r = RunHub("store add --db " + Q(db) + " --org LL --code " + code + " --name " + Q(name));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string token = LastLine(r.out);
    CHECK(token.rfind("lle_", 0) == 0);
    CHECK(token.find(' ') == std::string::npos);
    return token;
  }
  void Serve(const std::string& listen = "127.0.0.1:0") {
    std::string why;
    REQUIRE_MESSAGE(serve.Start(db, certs, listen, &why), why);
  }
  std::unique_ptr<httplib::Client> Client() const {
    auto c = std::make_unique<httplib::Client>(serve.url());
    c->set_ca_cert_path(ca.c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(10, 0);
    return c;
  }
  // HQ login over HTTPS; the bearer token.
  std::string Login(const std::string& name, const std::string& password) {
    auto r = Client()->Post("/v1/hq/login", json{{"org", "LL"}, {"name", name}, {"password", password}}.dump(),
                            "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    return Json(r->body)["token"];
  }
  void HqPost(const std::string& bearer, const std::string& path, const json& body) {
    auto r = Client()->Post(path, {{"Authorization", "Bearer " + bearer}}, body.dump(), "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
  }
  json HqGet(const std::string& bearer, const std::string& target) {
    auto r = Client()->Get(target, {{"Authorization", "Bearer " + bearer}});
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    return Json(r->body);
  }
  // HQ's catalogue: cola and water, as the demo store sells them.
  void Catalogue(const std::string& bearer) {
    HqPost(bearer, "/v1/hq/categories", {{"name", "饮料"}});
    HqPost(bearer, "/v1/hq/products",
           {{"sku", "YL0001"}, {"name", "可口可乐 330ml"}, {"category", "饮料"}, {"tax_rate_bp", 1300},
            {"barcodes", {"6901234567892"}}});
    HqPost(bearer, "/v1/hq/prices", {{"sku", "YL0001"}, {"price_fen", 350}, {"effective_from", "2026-01-01"}});
  }
  json Mirror(const std::string& args) {
    auto r = RunHub(args);
    INFO(args << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return Json(r.out);
  }
};

// A till: the demo store with cashier 1001/1234.
struct Till {
  TempDir dir;
  std::string db = dir.File("store.db");
  std::string D = " --db " + Q(db) + " ";
  explicit Till(const std::string& code) {
    REQUIRE(RunLinli("init" + D + "--store-code " + code + " --name 邻里便利店").exit_code == 0);
    REQUIRE(RunLinli("catalog import" + D + Q(std::string(LINLI_SOURCE_DIR) + "/packaging/demo/catalog.csv"))
                .exit_code == 0);
    REQUIRE(RunLinli("user add" + D + "--id 1001 --name 张三 --role cashier", "1234\n").exit_code == 0);
    REQUIRE(RunLinli("shift open" + D + "--user 1001 --pin 1234 --float 0").exit_code == 0);
  }
  RunResult Run(const std::string& cmd, const std::string& rest = "") { return RunLinli(cmd + D + rest); }
  // Sells `qty` colas for cash; the committed sale.
  json SellCola(int qty) {
    const std::string path = dir.File("script.json");
    WriteFile(path, R"({"cashier":"1001","pin":"1234","sales":[{"actions":[{"scan":"6901234567892","qty":)" +
                        std::to_string(qty) + R"(},{"pay":{"method":"cash","amount_fen":10000}}]}]})");
    auto r = Run("sell", "--json --script " + Q(path));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return Json(r.out)[0];
  }
  json Sync() {
    auto r = Run("sync", "--json");
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    json j = Json(r.out);
    CHECK(j["ok"] == true);
    return j;
  }
  json Status() {
    auto r = Run("sync status", "--json");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return Json(r.out);
  }
  int64_t OnHand(const std::string& sku) {
    auto r = Run("stock show", "--sku " + sku + " --json");
    REQUIRE(r.exit_code == 0);
    return Json(r.out)["on_hand_milli"].get<int64_t>();
  }
};

// The stores[] entry for `code` in a linli-hub stock answer.
json StoreEntry(const json& stock, const std::string& code) {
  for (const json& s : stock["stores"]) {
    if (s["code"] == code) return s;
  }
  return json::object();
}

}  // namespace

TEST_CASE("cli sync: enrol, sell, sync, and HQ sees stock and sales through linli-hub and over HTTPS") {
  Hub hub;
  const std::string token = hub.AddStore("S001", "幸福路店");
  hub.Serve();
  CHECK(Has(hub.serve.out(), "(protocol "));
  const std::string alice = hub.Login("alice", "alice-pass");
  hub.Catalogue(alice);

  const int64_t set_up_at = linli::SystemClock().NowMs();
  Till till("S001");
  // Before enrolment: status says so, sync says what to run.
  auto st0 = till.Status();
  CHECK(st0["enrolled"] == false);
  CHECK(Has(till.Run("sync status").out, "linli enroll"));
  auto not_enrolled = till.Run("sync");
  CHECK(not_enrolled.exit_code != 0);
  CHECK(Has(not_enrolled.err, "linli enroll"));

  auto e = till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " + Q(hub.ca));
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  CHECK(Has(e.err, "as store S001 of organisation LL"));
  // The token was for one use.
  Till other("S001");
  auto reuse = other.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " + Q(hub.ca));
  CHECK(reuse.exit_code != 0);
  CHECK(!reuse.err.empty());

  // Goods in, then two sales.
  REQUIRE(till.Run("stock adjust", "--sku YL0001 --qty 24 --reason receive").exit_code == 0);
  const json s1 = till.SellCola(2);
  const json s2 = till.SellCola(3);
  const int64_t asked_at = linli::SystemClock().NowMs();
  auto pending = till.Status();
  const int64_t answered_at = linli::SystemClock().NowMs();
  CHECK(pending["enrolled"] == true);
  CHECK(pending["org_code"] == "LL");
  CHECK(pending["store_code"] == "S001");
  CHECK(pending["pending_events"].get<int64_t>() >= 3);
  // The age is the status command's now minus the time of the oldest pending
  // event, which it names: an event of this till, recorded after it was set
  // up. linli reads the system clock, so its now lies between asked_at and
  // answered_at.
  const int64_t oldest_at = linli::ParseUtc(pending["oldest_pending_at"].get<std::string>());
  CHECK(oldest_at >= set_up_at);
  CHECK(oldest_at <= asked_at);
  const int64_t age = pending["oldest_pending_age_ms"].get<int64_t>();
  CHECK(age >= asked_at - oldest_at);
  CHECK(age <= answered_at - oldest_at);
  CHECK(Has(till.Run("sync status").out, "waiting to be sent"));

  json first = till.Sync();
  CHECK(first["pushed"] == pending["pending_events"]);
  CHECK(first["push_requests"].get<int64_t>() >= 1);
  CHECK(first["pulled_changes"].get<int64_t>() >= 3);  // HQ's category, product, barcode, price
  auto synced = till.Status();
  CHECK(synced["pending_events"] == 0);
  CHECK(synced["oldest_pending_age_ms"] == -1);
  CHECK(synced["last_error"] == "");
  CHECK(synced["last_success_at"].get<std::string>().rfind("20", 0) == 0);
  CHECK(synced["checkpoint"]["seq"].get<int64_t>() >= 3);
  auto text = till.Run("sync status");
  CHECK(text.exit_code == 0);
  CHECK(Has(text.out, "Nothing waiting to be sent."));
  CHECK(Has(text.out, "Last successful sync: 20"));
  // Nothing new: a second sync sends nothing.
  json again = till.Sync();
  CHECK(again["pushed"] == 0);
  CHECK(again["duplicates"] == 0);

  // HQ, through the CLI mirrors.
  const int64_t local = till.OnHand("YL0001");
  CHECK(local == 24000 - 5000);
  json stock = hub.Mirror("stock --db " + Q(hub.db) + " --org LL --sku YL0001");
  CHECK(stock["sku"] == "YL0001");
  CHECK(stock["total_milli"] == local);
  REQUIRE(stock["stores"].size() == 1);
  const json entry = stock["stores"][0];
  CHECK(entry["code"] == "S001");
  CHECK(entry["on_hand_milli"] == local);
  CHECK(entry["last_sync"].get<std::string>().rfind("20", 0) == 0);
  // …and the same over HTTPS.
  CHECK(hub.HqGet(alice, "/v1/hq/stock?sku=YL0001") == stock);

  const std::string day = s1["business_date"];
  json sales = hub.Mirror("sales --db " + Q(hub.db) + " --org LL --from " + day + " --to " + day + " --group store");
  REQUIRE(sales["rows"].size() == 1);
  const json row = sales["rows"][0];
  CHECK(row["key"] == "S001");
  CHECK(row["sales_fen"] == s1["total_fen"].get<int64_t>() + s2["total_fen"].get<int64_t>());
  CHECK(row["receipts"] == 2);
  CHECK(row["qty_milli"] == 5000);
  json by_sku = hub.Mirror("sales --db " + Q(hub.db) + " --org LL --from " + day + " --to " + day + " --group sku");
  REQUIRE(by_sku["rows"].size() == 1);
  CHECK(by_sku["rows"][0]["key"] == "YL0001");
  CHECK(hub.HqGet(alice, "/v1/hq/sales?from=" + day + "&to=" + day + "&group=store") == sales);
  json stores = hub.Mirror("stores --db " + Q(hub.db) + " --org LL");
  REQUIRE(stores["stores"].size() == 1);
  CHECK(stores["stores"][0]["code"] == "S001");
  CHECK(stores["stores"][0]["flagged"] == 0);
  CHECK(stores["stores"][0]["forks"] == 0);
  CHECK(stores["stores"][0]["events"] == pending["pending_events"]);

  // The admin commands refuse what they should, in words.
  auto no_org = RunHub("stock --db " + Q(hub.db) + " --org XX --sku YL0001");
  CHECK(no_org.exit_code == 1);
  CHECK(Has(no_org.err, "XX"));
  auto short_pw = RunHub("user add --db " + Q(hub.db) + " --org LL --name bob --role viewer", "short\n");
  CHECK(short_pw.exit_code == 1);
  CHECK(Has(short_pw.err, "at least 8"));
  auto again_ca = RunHub("cert init --dir " + Q(hub.certs));
  CHECK(again_ca.exit_code == 1);
  auto no_db = RunHub("stock --db " + Q(hub.dir.File("none.db")) + " --org LL --sku YL0001");
  CHECK(no_db.exit_code == 1);
  CHECK(Has(no_db.err, "linli-hub init"));

  CHECK(hub.serve.Stop() == 0);
  CHECK(Has(hub.serve.out(), "linli-hub stopped"));
}

TEST_CASE("cli sync: a sale of a SKU HQ does not know is kept flagged, and rebuild counts it once HQ adds it") {
  Hub hub;
  const std::string token = hub.AddStore("S001", "幸福路店");
  hub.Serve();
  Till till("S001");
  REQUIRE(till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " + Q(hub.ca)).exit_code == 0);
  const json sale = till.SellCola(2);
  json r = till.Sync();
  CHECK(r["pushed"] == 2);  // the shift's opening and the sale, stored at the hub though not yet counted
  CHECK(till.Status()["pending_events"] == 0);
  json stores = hub.Mirror("stores --db " + Q(hub.db) + " --org LL");
  CHECK(stores["stores"][0]["flagged"] == 1);
  CHECK(hub.Mirror("stock --db " + Q(hub.db) + " --org LL --sku YL0001")["total_milli"] == 0);

  const std::string alice = hub.Login("alice", "alice-pass");
  hub.Catalogue(alice);
  auto rebuilt = RunHub("rebuild --db " + Q(hub.db));
  INFO(rebuilt.err);
  REQUIRE(rebuilt.exit_code == 0);
  CHECK(hub.Mirror("stores --db " + Q(hub.db) + " --org LL")["stores"][0]["flagged"] == 0);
  json stock = hub.Mirror("stock --db " + Q(hub.db) + " --org LL --sku YL0001");
  CHECK(StoreEntry(stock, "S001")["on_hand_milli"] == -2000);
  const std::string day = sale["business_date"];
  json sales = hub.Mirror("sales --db " + Q(hub.db) + " --org LL --from " + day + " --to " + day);
  REQUIRE(sales["rows"].size() == 1);
  CHECK(sales["rows"][0]["sales_fen"] == sale["total_fen"]);
}

TEST_CASE("cli sync: the hub goes away, sales queue and the status says so, and back on the same port they go through") {
  Hub hub;
  const std::string token = hub.AddStore("S001", "幸福路店");
  hub.Serve();
  const int port = hub.serve.port();
  const std::string alice = hub.Login("alice", "alice-pass");
  hub.Catalogue(alice);
  Till till("S001");
  REQUIRE(till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " + Q(hub.ca)).exit_code == 0);
  till.Sync();
  CHECK(hub.serve.Stop() == 0);

  till.SellCola(1);
  till.SellCola(1);
  auto down = till.Run("sync");
  CHECK(down.exit_code == 2);
  CHECK(Has(down.err, "sync failed: "));
  auto down_json = till.Run("sync", "--json");
  CHECK(down_json.exit_code == 2);
  CHECK(Json(down_json.out)["ok"] == false);
  CHECK(!Json(down_json.out)["error"].get<std::string>().empty());
  json st = till.Status();
  CHECK(st["pending_events"] == 2);
  CHECK(st["last_error"].get<std::string>() != "");
  CHECK(st["last_error_at"].get<std::string>().rfind("20", 0) == 0);
  auto text = till.Run("sync status");
  CHECK(text.exit_code == 0);
  CHECK(Has(text.out, "2 events waiting to be sent"));
  CHECK(Has(text.out, "Last problem ("));
  // The till still sells while the hub is away.
  CHECK(till.Run("journal verify").exit_code == 0);

  // Back on the same address: the queue drains and the error clears.
  hub.Serve("127.0.0.1:" + std::to_string(port));
  json r = till.Sync();
  CHECK(r["pushed"] == 2);
  json after = till.Status();
  CHECK(after["pending_events"] == 0);
  CHECK(after["last_error"] == "");
  CHECK(StoreEntry(hub.Mirror("stock --db " + Q(hub.db) + " --org LL --sku YL0001"), "S001")["on_hand_milli"] ==
        till.OnHand("YL0001"));

  // A revoked store can no longer sync, and is told so.
  REQUIRE(RunHub("store revoke --db " + Q(hub.db) + " --org LL --code S001").exit_code == 0);
  till.SellCola(1);
  auto revoked = till.Run("sync", "--json");
  CHECK(revoked.exit_code == 2);
  CHECK(Json(revoked.out)["ok"] == false);
  CHECK(till.Status()["pending_events"] == 1);
}

TEST_CASE("cli sync: enrolment mistakes are refused in plain words") {
  Hub hub;
  const std::string token = hub.AddStore("S001", "幸福路店");
  hub.Serve();
  Till till("S001");
  // A token that was never issued.
  auto bad = till.Run("enroll", "--hub " + hub.serve.url() + " --token lle_" + std::string(64, '0') + " --ca " +
                                    Q(hub.ca));
  CHECK(bad.exit_code != 0);
  CHECK(!bad.err.empty());
  // A CA that is not the hub's.
  TempDir other;
  REQUIRE(RunHub("cert init --dir " + Q(other.File("c"))).exit_code == 0);
  auto wrong_ca = till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " +
                                         Q(other.File("c") + "/ca.pem"));
  CHECK(wrong_ca.exit_code != 0);
  CHECK(Has(wrong_ca.err, "pinned CA"));
  // A missing CA file.
  auto no_ca = till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " +
                                      Q(other.File("nope.pem")));
  CHECK(no_ca.exit_code != 0);
  CHECK(Has(no_ca.err, "nope.pem"));
  // The token survived the failed attempts: it was never used.
  auto ok = till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " + Q(hub.ca));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  // A fresh token from the admin for a second till of the same store.
  auto fresh = RunHub("store token --db " + Q(hub.db) + " --org LL --code S001");
  REQUIRE(fresh.exit_code == 0);
  Till second("S001");
  auto e2 = second.Run("enroll", "--hub " + hub.serve.url() + " --token " + LastLine(fresh.out) + " --ca " +
                                     Q(hub.ca));
  INFO(e2.err);
  CHECK(e2.exit_code == 0);
}

TEST_CASE("issue 11: catalog find shows whose price applies and why, as HQ's rule arrives by sync") {
  Hub hub;
  const std::string token = hub.AddStore("S001", "幸福路店");
  hub.Serve();
  const std::string alice = hub.Login("alice", "alice-pass");
  hub.Catalogue(alice);  // HQ: YL0001 at 3.50 from 2026-01-01
  hub.HqPost(alice, "/v1/hq/prices", {{"sku", "YL0001"}, {"price_fen", 320}, {"effective_from", "2026-01-02"}});
  Till till("S001");  // its own price for YL0001: the demo catalogue's
  auto before = Json(till.Run("catalog find", "YL0001 --json").out)[0]["price_rule"];
  CHECK(before["applies"] == "store");
  CHECK(before["reason"] == "no_hq_price");
  auto e = till.Run("enroll", "--hub " + hub.serve.url() + " --token " + token + " --ca " + Q(hub.ca));
  REQUIRE(e.exit_code == 0);
  till.Sync();
  auto hq = Json(till.Run("catalog find", "YL0001 --json").out)[0];
  CHECK(hq["price_fen"] == 320);
  CHECK(hq["price_rule"]["applies"] == "hq");
  CHECK(hq["price_rule"]["reason"] == "hq_rule");
  CHECK(hq["price_rule"]["effective_from"] == "2026-01-02");
  const std::string text = till.Run("catalog find", "YL0001").out;
  CHECK(Has(text, "HQ价 ¥3.20（总部统一定价，自 2026-01-02 起"));
  // HQ lets this store set its own prices.
  hub.HqPost(alice, "/v1/hq/store_config", {{"store", "S001"}, {"key", "price_authority_override"}, {"value", "store"}});
  till.Sync();
  auto own = Json(till.Run("catalog find", "YL0001 --json").out)[0];
  CHECK(own["price_rule"]["applies"] == "store");
  CHECK(own["price_rule"]["rule_from"] == "store_override");
  CHECK(Has(own["price_rule"]["text"].get<std::string>(), "本店价 ¥"));
  CHECK(Has(own["price_rule"]["text"].get<std::string>(), "HQ价 ¥3.20 未采用"));
}
