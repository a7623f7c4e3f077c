// End-to-end tests of the driver commands of the `linli` binary (issue 4):
// printing receipts to a spool directory, to a printer on a TCP port played
// by the test, and to no printer at all; the virtual printer (escpos render)
// and the code reader (decode); the audited no-sale drawer open; and the
// serial devices (scale, scanner, pole display), each played by the test on
// the master side of a pseudo-terminal while the CLI uses the slave path.
//
// Every wait here is bounded: device threads stop when the CLI has exited
// or after a deadline, and every CLI run has its own timeout option.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "linli/pos/store.h"
#include "testing.h"

using linli::testing::ReadFile;
using linli::testing::RunLinli;
using linli::testing::TempDir;
using linli::testing::WriteFile;

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string Q(const std::string& s) { return "'" + s + "'"; }
nlohmann::json Json(const std::string& s) { return nlohmann::json::parse(s); }
bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// A store with the demo catalog, a cashier (1001/1234) and a manager (9001/9999).
struct Store {
  TempDir dir;
  std::string db = linli::testing::MakeDemoStoreWithCli(dir);
  std::string D = " --db " + Q(db) + " ";
  Store() {
    REQUIRE(RunLinli("shift open" + D + "--user 1001 --pin 1234 --float 0").exit_code == 0);
  }
  linli::testing::RunResult Run(const std::string& cmd, const std::string& in = "") {
    const size_t sp = cmd.find(" -- ");
    return RunLinli(cmd.substr(0, sp) + D + (sp == std::string::npos ? "" : cmd.substr(sp + 4)), in);
  }
  // Sells two cans of cola for cash; returns the committed sale's JSON.
  nlohmann::json SellCola() {
    const std::string path = dir.File("script.json");
    WriteFile(path, R"({"cashier":"1001","pin":"1234","sales":[
      {"actions":[{"scan":"6901234567892","qty":2},{"pay":{"method":"cash","amount_fen":1000}}]}]})");
    auto r = Run("sell -- --json --script " + Q(path));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return Json(r.out)[0];
  }
};

// The *.escpos job files in a spool directory, oldest first.
std::vector<std::string> SpoolJobs(const std::string& dir) {
  std::vector<std::string> jobs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".escpos") jobs.push_back(e.path().string());
  }
  std::sort(jobs.begin(), jobs.end());
  return jobs;
}

// ---- A network receipt printer on 127.0.0.1 (raw port, like JetDirect 9100).
//
// Accepts connections (one after another) until stopped, keeps every byte
// received, and answers each DLE EOT n status request in the stream with a
// status byte: 0x12 ("ready": the fixed bits only) for n = 1, 2, 3, and
// `paper_status` for n = 4 (0x12: paper fine; 0x72: paper end).
class NetPrinter {
 public:
  explicit NetPrinter(uint8_t paper_status = 0x12) : paper_status_(paper_status) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listen_fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listen_fd_, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~NetPrinter() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  int connections() const { return connections_; }
  int status_requests() const { return status_requests_; }

 private:
  void Serve() {
    const auto deadline = SteadyClock::now() + std::chrono::seconds(60);
    while (!stop_ && SteadyClock::now() < deadline) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      Talk(fd, deadline);
      ::close(fd);
    }
  }
  void Talk(int fd, SteadyClock::time_point deadline) {
    std::string buf;
    size_t scan = 0;
    while (SteadyClock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, 50);
      if (r < 0) return;
      if (r == 0) {
        if (stop_) return;
        continue;
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;  // the host closed its side: the job is complete
      buf.append(chunk, static_cast<size_t>(n));
      {
        std::lock_guard<std::mutex> lock(mu_);
        received_.append(chunk, static_cast<size_t>(n));
      }
      // DLE EOT n (n = 1…4) → one status byte. A sequence split across
      // reads is found on the next pass (scan stops 2 bytes short).
      while (scan + 3 <= buf.size()) {
        if (buf[scan] == 0x10 && buf[scan + 1] == 0x04 && buf[scan + 2] >= 1 && buf[scan + 2] <= 4) {
          const uint8_t answer = buf[scan + 2] == 4 ? paper_status_ : uint8_t{0x12};
          ++status_requests_;
          ::send(fd, &answer, 1, MSG_NOSIGNAL);
          scan += 3;
        } else {
          ++scan;
        }
      }
    }
  }

  uint8_t paper_status_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0}, status_requests_{0};
  std::mutex mu_;
  std::string received_;
};

// A TCP port on 127.0.0.1 with nothing listening: bound, then closed.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// ---- A serial device on the master side of a pseudo-terminal.
//
// The CLI opens slave_path() as it would /dev/ttyUSB0. The slave is opened
// and closed once here first, so that from then on the master reports
// POLLHUP exactly while no host has the port open: host_open() tells when
// the CLI has opened it.
class PtyPeer {
 public:
  PtyPeer() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(master_ >= 0);
    REQUIRE(::grantpt(master_) == 0);
    REQUIRE(::unlockpt(master_) == 0);
    char name[256] = {};
    REQUIRE(::ptsname_r(master_, name, sizeof name) == 0);
    path_ = name;
    const int s = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(s >= 0);
    ::close(s);
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  }
  ~PtyPeer() { ::close(master_); }
  const std::string& slave_path() const { return path_; }

  bool host_open() const {
    pollfd p{master_, POLLOUT, 0};
    ::poll(&p, 1, 0);
    return (p.revents & POLLHUP) == 0;
  }
  void Write(const std::string& bytes) {
    size_t done = 0;
    for (int i = 0; i < 100 && done < bytes.size(); ++i) {
      const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EAGAIN) {
        std::this_thread::sleep_for(milliseconds(5));
      } else {
        return;  // the host went away
      }
    }
  }
  // What the host wrote, waiting up to timeout_ms for the first byte.
  std::string Read(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0 || !(p.revents & POLLIN)) {
      if (p.revents & POLLHUP) std::this_thread::sleep_for(milliseconds(timeout_ms));  // no host: don't spin
      return "";
    }
    std::string out;
    char buf[1024];
    for (int i = 0; i < 64; ++i) {
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int master_ = -1;
  std::string path_;
};

// Runs `linli args` while `device(stop)` plays the device in a thread; the
// device should return when `stop` is set. The device is stopped at the
// latest 30 s after it started, whatever the CLI does.
linli::testing::RunResult WithDevice(const std::string& args,
                                     const std::function<void(const std::atomic<bool>& stop)>& device) {
  std::atomic<bool> stop{false};
  std::thread t([&] { device(stop); });
  auto r = RunLinli(args);
  stop = true;
  t.join();
  return r;
}

// Loops `step` every `period_ms` until stopped or 30 s passed.
void Every(const std::atomic<bool>& stop, int period_ms, const std::function<void()>& step) {
  const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (!stop && SteadyClock::now() < deadline) {
    step();
    std::this_thread::sleep_for(milliseconds(period_ms));
  }
}

}  // namespace

// ---------------------------------------------------------------- printing

TEST_CASE("cli drivers: print a receipt to a spool dir, the virtual printer shows it, its QR decodes") {
  Store s;
  const nlohmann::json sale = s.SellCola();
  const std::string no = sale["receipt_no"];
  const std::string spool = s.dir.File("spool");
  auto r = s.Run("print -- --json --receipt " + no + " --printer spool:" + Q(spool));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto out = Json(r.out);
  CHECK(out["state"] == "printed");
  CHECK(out["receipt_no"] == no);
  auto jobs = SpoolJobs(spool);
  REQUIRE(jobs.size() == 1);

  const std::string txt = s.dir.File("r.txt"), png = s.dir.File("r.png");
  auto render = RunLinli("escpos render " + Q(jobs[0]) + " --text " + Q(txt) + " --png " + Q(png) + " --json");
  INFO(render.err);
  REQUIRE(render.exit_code == 0);
  auto summary = Json(render.out);
  CHECK(summary["width"] == 384);
  CHECK(summary["cuts"] == 1);
  CHECK(summary["issues"].empty());
  const std::string text = ReadFile(txt);
  CHECK(Has(text, "邻里便利店"));
  CHECK(Has(text, "可口可乐 330ml"));
  CHECK(Has(text, no));
  CHECK(Has(text, "7.00"));

  // The QR on paper carries LINLI1|store|receipt|total|time|hash-prefix.
  auto dec = RunLinli("decode " + Q(png) + " --json");
  INFO(dec.err);
  REQUIRE(dec.exit_code == 0);
  auto found = Json(dec.out);
  REQUIRE(found.size() == 1);
  std::string qr;
  for (const auto& c : found[0]["codes"]) {
    if (c["format"] == "QRCode") qr = c["text"];
  }
  const std::string expected = "LINLI1|S001|" + no + "|" + std::to_string(sale["total_fen"].get<int64_t>()) + "|" +
                               sale["occurred_at"].get<std::string>() + "|" +
                               sale["journal_hash"].get<std::string>().substr(0, 12);
  CHECK(qr == expected);
  CHECK(Has(text, "[QR " + expected + "]"));

  // A second print of the same receipt is marked as a reprint.
  REQUIRE(s.Run("print -- --receipt " + no + " --printer spool:" + Q(spool)).exit_code == 0);
  jobs = SpoolJobs(spool);
  REQUIRE(jobs.size() == 2);
  CHECK(Has(RunLinli("escpos render " + Q(jobs[1]) + " --text -").out, "重打印"));
  CHECK(!Has(RunLinli("escpos render " + Q(jobs[0]) + " --text -").out, "重打印"));
}

TEST_CASE("cli drivers: the 80 mm profile prints 48 columns on 576 dots") {
  Store s;
  const std::string no = s.SellCola()["receipt_no"];
  const std::string spool = s.dir.File("spool80");
  REQUIRE(s.Run("print -- --receipt " + no + " --profile generic80 --printer spool:" + Q(spool)).exit_code == 0);
  auto jobs = SpoolJobs(spool);
  REQUIRE(jobs.size() == 1);
  auto r = RunLinli("escpos render " + Q(jobs[0]) + " --width 576 --text -");
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, std::string(48, '-') + "\n"));
  CHECK(!Has(r.out, std::string(49, '-')));
  CHECK(Has(r.out, no));
  auto png = s.dir.File("r80.png");
  REQUIRE(RunLinli("escpos render " + Q(jobs[0]) + " --width 576 --png " + Q(png)).exit_code == 0);
  auto dec = RunLinli("decode " + Q(png));
  CHECK(dec.exit_code == 0);
  CHECK(Has(dec.out, "QRCode\tLINLI1|S001|" + no + "|700|"));

  auto bad = s.Run("print -- --receipt " + no + " --profile generic99 --printer spool:" + Q(spool));
  CHECK(bad.exit_code != 0);
  CHECK(Has(bad.err, "generic99"));
  CHECK(Has(bad.err, "generic58"));
}

TEST_CASE("cli drivers: print to a network printer that answers status requests") {
  Store s;
  const nlohmann::json sale = s.SellCola();
  const std::string no = sale["receipt_no"];
  std::string bytes;
  {
    NetPrinter printer;
    auto r = s.Run("print -- --json --receipt " + no + " --printer " + printer.uri() + " --timeout-ms 3000");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Json(r.out)["state"] == "printed");
    bytes = printer.received();
    CHECK(printer.connections() == 1);
    CHECK(printer.status_requests() >= 2);  // DLE EOT 1 and 4 before the job
  }
  REQUIRE(bytes.size() > 6);
  CHECK(bytes.substr(0, 3) == std::string("\x10\x04\x01", 3));
  const std::string job = s.dir.File("net.escpos");
  WriteFile(job, bytes);
  auto render = RunLinli("escpos render " + Q(job) + " --text -");
  INFO(render.err);
  CHECK(render.exit_code == 0);
  CHECK(Has(render.out, "可口可乐 330ml"));
  CHECK(Has(render.out, no));
  auto queue = Json(s.Run("print queue -- --all --json").out);
  REQUIRE(queue.size() == 1);
  CHECK(queue[0]["state"] == "printed");
  CHECK(queue[0]["printer"].get<std::string>().rfind("tcp://127.0.0.1:", 0) == 0);
  CHECK(Json(s.Run("print queue -- --json").out).empty());  // nothing waiting
}

TEST_CASE("cli drivers: a printer out of paper fails the job with what to do, and retry prints it later") {
  Store s;
  const std::string no = s.SellCola()["receipt_no"];
  int64_t job_id = 0;
  {
    NetPrinter empty(0x72);  // DLE EOT 4: paper end
    auto r = s.Run("print -- --json --receipt " + no + " --printer " + empty.uri() + " --timeout-ms 3000");
    CHECK(r.exit_code != 0);
    CHECK(Has(r.err, "out of paper"));
    CHECK(Has(r.err, "linli print retry --job"));
    job_id = Json(r.out)["job_id"].get<int64_t>();
    // Nothing but status requests reached the printer.
    const std::string got = empty.received();
    CHECK(got.find('\x1b') == std::string::npos);
  }
  auto queue = Json(s.Run("print queue -- --json").out);
  REQUIRE(queue.size() == 1);
  CHECK(queue[0]["id"] == job_id);
  CHECK(queue[0]["state"] == "failed");
  CHECK(Has(queue[0]["last_error"].get<std::string>(), "out of paper"));

  NetPrinter fixed;
  auto retry = s.Run("print retry -- --json --job " + std::to_string(job_id) + " --printer " + fixed.uri() +
                     " --timeout-ms 3000");
  INFO(retry.err);
  REQUIRE(retry.exit_code == 0);
  CHECK(Json(retry.out)["state"] == "printed");
  CHECK(Json(s.Run("print queue -- --json").out).empty());
  auto all = Json(s.Run("print queue -- --all --json").out);
  REQUIRE(all.size() == 1);
  CHECK(all[0]["attempts"] == 2);
  // A printed job is not retried (reprint instead).
  auto again = s.Run("print retry -- --job " + std::to_string(job_id) + " --printer " + fixed.uri());
  CHECK(again.exit_code != 0);
}

TEST_CASE("cli drivers: no printer at the address: a clear error, the job queued, the sale untouched") {
  Store s;
  const std::string no = s.SellCola()["receipt_no"];
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(ClosedPort());
  const auto t0 = SteadyClock::now();
  auto r = s.Run("print -- --json --receipt " + no + " --printer " + uri + " --timeout-ms 2000");
  CHECK(SteadyClock::now() - t0 < std::chrono::seconds(10));
  CHECK(r.exit_code != 0);
  CHECK(Has(r.err, "no printer at " + uri));
  CHECK(Has(r.err, "print retry --job"));
  auto out = Json(r.out);
  CHECK(out["state"] == "failed");
  auto queue = Json(s.Run("print queue -- --json").out);
  REQUIRE(queue.size() == 1);
  CHECK(queue[0]["receipt_no"] == no);
  CHECK(queue[0]["kind"] == "receipt");
  CHECK(queue[0]["state"] == "failed");
  CHECK(queue[0]["printer"] == uri);
  CHECK(queue[0]["attempts"] == 1);
  auto text = s.Run("print queue");
  CHECK(Has(text.out, no));
  CHECK(Has(text.out, "failed"));
  // The sale was committed before printing and stays so.
  auto shown = s.Run("sale show -- " + no);
  CHECK(shown.exit_code == 0);
  CHECK(Has(shown.out, "可口可乐 330ml"));
  CHECK(s.Run("journal verify").exit_code == 0);

  // An unknown receipt and a bad URI are refused with their names.
  auto unknown = s.Run("print -- --receipt S001-20000101-9999 --printer spool:" + Q(s.dir.File("sp")));
  CHECK(unknown.exit_code != 0);
  CHECK(Has(unknown.err, "S001-20000101-9999"));
  auto bad_uri = s.Run("print -- --receipt " + no + " --printer lpt1");
  CHECK(bad_uri.exit_code != 0);
  CHECK(Has(bad_uri.err, "tcp://HOST"));
}

// ---------------------------------------------------------------- drawer

TEST_CASE("cli drivers: drawer open without a sale is audited and counted in the X report") {
  Store s;
  const std::string spool = s.dir.File("drawer");
  auto r = s.Run("drawer open -- --user 1001 --pin 1234 --reason 换零钱 --printer spool:" + Q(spool));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "no-sale recorded"));
  auto jobs = SpoolJobs(spool);
  REQUIRE(jobs.size() == 1);
  CHECK(Has(ReadFile(jobs[0]), "\x1bp"));  // ESC p: the drawer kick
  auto render = RunLinli("escpos render " + Q(jobs[0]) + " --json");
  REQUIRE(render.exit_code == 0);
  CHECK(Json(render.out)["drawer_kicks"] == 1);

  auto x = Json(s.Run("report x -- --json").out);
  CHECK(x["no_sales"] == 1);
  bool counted = false;
  for (const auto& c : x["cashiers"]) {
    if (c["user_id"] == "1001") counted = c["no_sales"] == 1;
  }
  CHECK(counted);

  // A wrong PIN opens nothing and records nothing.
  auto wrong = s.Run("drawer open -- --user 1001 --pin 0000 --reason x --printer spool:" + Q(spool));
  CHECK(wrong.exit_code != 0);
  CHECK(SpoolJobs(spool).size() == 1);
  CHECK(Json(s.Run("report x -- --json").out)["no_sales"] == 1);

  // The PIN may come on stdin; an absent printer fails the kick but the
  // attempt stays audited.
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(ClosedPort());
  auto absent = s.Run("drawer open -- --user 9001 --reason 找零 --timeout-ms 2000 --printer " + uri, "9999\n");
  CHECK(absent.exit_code != 0);
  CHECK(Has(absent.err, "no printer at"));
  CHECK(Json(s.Run("report x -- --json").out)["no_sales"] == 2);
  // Drawer jobs are history, not a reprint queue.
  CHECK(Json(s.Run("print queue -- --json").out).empty());
  CHECK(Json(s.Run("print queue -- --all --json").out).size() == 2);
}

// ---------------------------------------------------------------- escpos render, decode

TEST_CASE("cli drivers: escpos render names the byte offset of a truncated or garbage stream and never crashes") {
  Store s;
  const std::string no = s.SellCola()["receipt_no"];
  const std::string spool = s.dir.File("spool");
  REQUIRE(s.Run("print -- --receipt " + no + " --printer spool:" + Q(spool)).exit_code == 0);
  const std::string job = ReadFile(SpoolJobs(spool).at(0));
  REQUIRE(job.size() > 100);

  // A command cut short at the end: exit 2 and the offset where it starts.
  const std::string trunc = s.dir.File("trunc.bin");
  WriteFile(trunc, std::string("\x1b@hello\n\x1d(k", 11));
  auto r = RunLinli("escpos render " + Q(trunc) + " --text -");
  CHECK(r.exit_code == 2);
  CHECK(Has(r.out, "hello"));
  CHECK(Has(r.err, "byte 8"));
  CHECK(Has(r.err, "truncated"));

  // The real job cut at many places, and pseudo-random garbage: never a
  // crash; issues come with byte offsets inside the file.
  std::mt19937 rng(20261121);
  std::vector<std::string> inputs;
  for (size_t cut : {size_t{1}, size_t{2}, size_t{3}, job.size() / 7, job.size() / 3, job.size() / 2,
                     job.size() - 40, job.size() - 3, job.size() - 1}) {
    inputs.push_back(job.substr(0, cut));
  }
  for (int i = 0; i < 6; ++i) {
    std::string g(static_cast<size_t>(200 + i * 700), '\0');
    for (char& c : g) c = static_cast<char>(rng() & 0xFF);
    inputs.push_back(g);
  }
  // Garbage after a valid start, and huge sizes claimed by raster and QR headers.
  inputs.push_back(std::string("\x1d\x76\x30\x00\xff\xff\xff\xff", 8) + "abc");
  inputs.push_back(std::string("\x1d(k\xff\xff\x31\x50\x30", 9) + "x");
  for (size_t i = 0; i < inputs.size(); ++i) {
    CAPTURE(i);
    const std::string f = s.dir.File("in" + std::to_string(i) + ".bin");
    WriteFile(f, inputs[i]);
    auto res = RunLinli("escpos render " + Q(f) + " --text " + Q(s.dir.File("o.txt")) + " --png " +
                        Q(s.dir.File("o.png")));
    CHECK((res.exit_code == 0 || res.exit_code == 2));
    if (res.exit_code == 2) {
      CHECK(Has(res.err, "linli: " + f + ": byte "));
    }
  }
  auto missing = RunLinli("escpos render " + Q(s.dir.File("nope.bin")));
  CHECK(missing.exit_code == 1);
  CHECK(Has(missing.err, "cannot read"));
}

TEST_CASE("cli drivers: decode reads EAN-13 and Code 128 printed by the virtual printer") {
  TempDir dir;
  // GS h 80 (bar height), GS w 2, GS k 67 EAN13 with 13 digits, then
  // GS k 73 CODE128 with "{B" + "LINLI-123" (11 bytes).
  const std::string bin = dir.File("codes.bin");
  WriteFile(bin, std::string("\x1b@\x1dh\x50\x1dw\x02\x1dk\x43\x0d", 12) + "6901234567892\n" +
                     std::string("\x1dk\x49\x0b", 4) + "{BLINLI-123\n");
  const std::string png = dir.File("codes.png");
  auto r = RunLinli("escpos render " + Q(bin) + " --png " + Q(png) + " --text -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "6901234567892"));
  auto d = RunLinli("decode " + Q(png));
  INFO(d.err);
  REQUIRE(d.exit_code == 0);
  CHECK(Has(d.out, png + "\tEAN-13\t6901234567892\t"));
  CHECK(Has(d.out, png + "\tCode128\tLINLI-123\t"));
  auto j = Json(RunLinli("decode " + Q(png) + " --json").out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["file"] == png);
  REQUIRE(j[0]["codes"].size() == 2);
  for (const auto& c : j[0]["codes"]) {
    CHECK(c["position"].size() == 4);
    CHECK((c["format"] == "EAN-13" || c["format"] == "Code128"));
  }

  // A picture without codes: exit 3; a file that is no image: exit 1.
  const std::string text_bin = dir.File("text.bin"), text_png = dir.File("text.png");
  WriteFile(text_bin, "\x1b@hello, no codes here\n");
  REQUIRE(RunLinli("escpos render " + Q(text_bin) + " --png " + Q(text_png)).exit_code == 0);
  auto none = RunLinli("decode " + Q(text_png));
  CHECK(none.exit_code == 3);
  CHECK(Has(none.out, "(no code found)"));
  const std::string junk = dir.File("junk.png");
  WriteFile(junk, "not a picture");
  auto bad = RunLinli("decode " + Q(junk) + " " + Q(png));
  CHECK(bad.exit_code == 1);
  CHECK(Has(bad.err, junk));
  CHECK(Has(bad.out, "EAN-13"));  // the good file is still read
}

// ---------------------------------------------------------------- serial devices

TEST_CASE("cli drivers: scale read, continuous-st, from a scale on a pseudo-terminal") {
  PtyPeer scale;
  auto r = WithDevice("scale read --port " + Q(scale.slave_path()) + " --protocol continuous-st --json --timeout-ms 5000",
                      [&](const std::atomic<bool>& stop) {
                        int n = 0;
                        Every(stop, 50, [&] {
                          if (!scale.host_open()) return;
                          scale.Read(0);  // whatever the host sent
                          // Settling: two unstable frames first, then stable ones.
                          scale.Write(++n < 3 ? "US,GS,+  1.100kg\r\n" : "ST,GS,+  1.234kg\r\n");
                        });
                      });
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = Json(r.out);
  CHECK(j["protocol"] == "continuous-st");
  CHECK(j["grams"] == 1234);
  CHECK(j["stable"] == true);
  CHECK(j["net"] == false);
  CHECK(j["overload"] == false);

  // A tare frame, then net weights; text output.
  PtyPeer tared;
  auto t = WithDevice("scale read --port " + Q(tared.slave_path()) + " --protocol continuous-st --timeout-ms 5000",
                      [&](const std::atomic<bool>& stop) {
                        Every(stop, 50, [&] {
                          if (!tared.host_open()) return;
                          tared.Read(0);
                          tared.Write("ST,TR,+  0.150kg\r\nST,NT,+  0.850kg\r\n");
                        });
                      });
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.out == "0.850 kg net stable tare 0.150 kg\n");
}

TEST_CASE("cli drivers: scale read, cas-enq dialogue, and a silent scale") {
  PtyPeer scale;
  std::string asked;
  auto r = WithDevice("scale read --port " + Q(scale.slave_path()) + " --protocol cas-enq --json --timeout-ms 5000",
                      [&](const std::atomic<bool>& stop) {
                        const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
                        while (!stop && SteadyClock::now() < deadline) {
                          const std::string in = scale.Read(50);
                          for (char c : in) {
                            asked += c;
                            if (c == 0x05) scale.Write("\x06");  // ENQ → ACK
                            if (c == 0x11) {                      // DC1 → the weight frame
                              std::string body = "S  2.345kg";
                              char bcc = 0;
                              for (char b : body) bcc = static_cast<char>(bcc ^ b);
                              scale.Write(std::string("\x01\x02", 2) + body + bcc + "\x03\x04");
                            }
                          }
                        }
                      });
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = Json(r.out);
  CHECK(j["protocol"] == "cas-enq");
  CHECK(j["grams"] == 2345);
  CHECK(j["stable"] == true);
  CHECK(Has(asked, "\x05"));
  CHECK(Has(asked, "\x11"));

  // A scale that says nothing: a timely error that names the port.
  PtyPeer silent;
  const auto t0 = SteadyClock::now();
  auto quiet = WithDevice("scale read --port " + Q(silent.slave_path()) + " --protocol continuous-st --timeout-ms 600",
                          [&](const std::atomic<bool>& stop) { Every(stop, 50, [&] { silent.Read(0); }); });
  CHECK(SteadyClock::now() - t0 < std::chrono::seconds(10));
  CHECK(quiet.exit_code != 0);
  CHECK(Has(quiet.err, silent.slave_path()));

  auto unknown = RunLinli("scale read --port " + Q(silent.slave_path()) + " --protocol toledo-8217");
  CHECK(unknown.exit_code != 0);
  CHECK(Has(unknown.err, "continuous-st"));
  auto missing = RunLinli("scale read --port /dev/ttyNOPE99 --protocol continuous-st");
  CHECK(missing.exit_code != 0);
  CHECK(Has(missing.err, "/dev/ttyNOPE99"));
  auto not_tty = RunLinli("scale read --port /dev/null --protocol continuous-st");
  CHECK(not_tty.exit_code != 0);
  CHECK(Has(not_tty.err, "/dev/null"));
}

TEST_CASE("cli drivers: scanner listen prints each code from a serial scanner and stops at --count") {
  PtyPeer scanner;
  auto r = WithDevice("scanner listen --port " + Q(scanner.slave_path()) + " --count 2 --seconds 20",
                      [&](const std::atomic<bool>& stop) {
                        const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
                        while (!stop && !scanner.host_open() && SteadyClock::now() < deadline) {
                          std::this_thread::sleep_for(milliseconds(20));
                        }
                        std::this_thread::sleep_for(milliseconds(400));  // the host sets the line up
                        // A code in two pieces, CR-terminated; then one with CR LF.
                        scanner.Write("690123");
                        std::this_thread::sleep_for(milliseconds(20));
                        scanner.Write("4567892\r");
                        std::this_thread::sleep_for(milliseconds(100));
                        scanner.Write("LINLI1|S001|S001-20261121-0001|700|x|y\r\n");
                        Every(stop, 50, [&] { scanner.Read(0); });
                      });
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "6901234567892\nLINLI1|S001|S001-20261121-0001|700|x|y\n");

  PtyPeer json_scanner;
  auto j = WithDevice("scanner listen --port " + Q(json_scanner.slave_path()) + " --count 1 --json --suffix lf --seconds 20",
                      [&](const std::atomic<bool>& stop) {
                        const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
                        while (!stop && !json_scanner.host_open() && SteadyClock::now() < deadline) {
                          std::this_thread::sleep_for(milliseconds(20));
                        }
                        std::this_thread::sleep_for(milliseconds(400));
                        json_scanner.Write("6920202888883\n");
                        Every(stop, 50, [&] { json_scanner.Read(0); });
                      });
  INFO(j.err);
  REQUIRE(j.exit_code == 0);
  CHECK(Json(j.out) == Json(R"({"code":"6920202888883"})"));

  // No scanner there: a usage error at once, naming the port.
  auto missing = RunLinli("scanner listen --port /dev/ttyNOPE99 --count 1 --seconds 5");
  CHECK(missing.exit_code != 0);
  CHECK(Has(missing.err, "/dev/ttyNOPE99"));
  auto bad_suffix = RunLinli("scanner listen --port /dev/ttyNOPE99 --suffix tab");
  CHECK(bad_suffix.exit_code != 0);
  CHECK(Has(bad_suffix.err, "tab"));
}

TEST_CASE("cli drivers: display test sends the three screens to a pole display") {
  auto capture = [](const std::string& options, std::string* bytes) {
    PtyPeer display;
    auto r = WithDevice("display test --port " + Q(display.slave_path()) + " --pause-ms 0 " + options,
                        [&](const std::atomic<bool>& stop) {
                          Every(stop, 10, [&] { *bytes += display.Read(10); });
                          for (int i = 0; i < 5; ++i) *bytes += display.Read(10);  // what is left
                        });
    return r;
  };
  std::string zh;
  auto r = capture("", &zh);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "display test sent to"));
  // ESC @, FF, then each screen from US $ 1 1 (epson), GB18030 text.
  CHECK(zh.substr(0, 7) == std::string("\x1b\x40\x0c\x1f\x24\x01\x01", 7));
  CHECK(Has(zh, "\xbf\xc9\xbf\xda\xbf\xc9\xc0\xd6 330ml"));  // 可口可乐 330ml
  CHECK(Has(zh, "\xc7\xeb\xb8\xb6\xbf\xee"));                // 请付款
  CHECK(Has(zh, "\xd0\xbb\xd0\xbb\xbb\xdd\xb9\xcb"));        // 谢谢惠顾
  CHECK(Has(zh, "\xd5\xd2\xc1\xe3"));                        // 找零
  CHECK(Has(zh, "12.47"));
  CHECK(Has(zh, "7.53"));
  CHECK(Has(zh, std::string("\x1f\x24\x01\x02", 4)));
  CHECK(zh.find('\x0c', 3) == std::string::npos);  // cleared once, then overwritten

  std::string en;
  auto a = capture("--encoding ascii --commands cd5220", &en);
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(en.substr(0, 7) == std::string("\x1b\x40\x0c\x1b\x6c\x01\x01", 7));
  CHECK(Has(en, "PLEASE PAY"));
  CHECK(Has(en, "THANK YOU"));
  CHECK(Has(en, "CHANGE"));
  for (char c : en) CHECK(static_cast<unsigned char>(c) < 0x80);
  // Every screen is two full lines of 20 columns.
  const size_t pos = en.find("THANK YOU");
  REQUIRE(pos != std::string::npos);
  CHECK(en.substr(pos, 24) == "THANK YOU           \x1b\x6c\x01\x02");

  auto bad = RunLinli("display test --port /dev/null --commands vt100");
  CHECK(bad.exit_code != 0);
  CHECK(Has(bad.err, "vt100"));
}

// Issue 12: printer profiles as they are in shops: a list, and a store's own.
TEST_CASE("cli drivers: printer profiles lists the shipped ones and the store's own, which print") {
  Store s;
  auto list = s.Run("printer profiles -- --json");
  INFO(list.err);
  REQUIRE(list.exit_code == 0);
  auto rows = Json(list.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[2]["name"] == "generic58-noqr");
  CHECK(rows[2]["supports_qr"] == false);
  CHECK(rows[0]["status_query"] == "auto");
  {
    auto db = std::move(linli::OpenStore(s.db)).value();
    linli::SetConfig(*db, "printer.profiles",
                     R"([{"name":"shop80","base":"generic80","supports_cut":false,"status_query":"off"}])");
  }
  rows = Json(s.Run("printer profiles -- --json").out);
  REQUIRE(rows.size() == 5);
  CHECK(rows[4]["name"] == "shop80");
  CHECK(rows[4]["source"] == "store");
  CHECK(rows[4]["columns"] == 48);
  auto text = s.Run("printer profiles");
  CHECK(text.out.find("shop80") != std::string::npos);
  CHECK(text.out.find("status query:off") != std::string::npos);
  auto zh = s.Run("printer profiles -- --lang zh_CN");
  CHECK(zh.out.find("本店") != std::string::npos);
  CHECK(zh.out.find("状态查询:off") != std::string::npos);

  const std::string no = s.SellCola()["receipt_no"];
  const std::string spool = s.dir.File("spool");
  auto printed = s.Run("print -- --receipt " + no + " --printer spool:" + Q(spool) + " --profile shop80");
  INFO(printed.err);
  CHECK(printed.exit_code == 0);
  auto unknown = s.Run("print -- --receipt " + no + " --printer spool:" + Q(spool) + " --profile epson");
  CHECK(unknown.exit_code != 0);
  CHECK(unknown.err.find("shop80") != std::string::npos);  // the known ones are named
}
