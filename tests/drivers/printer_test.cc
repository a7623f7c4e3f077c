// The Printer service and its transports: a committed sale to a TCP listener
// on loopback, an absent printer, paper out, the spool directory, the print
// queue and reprint, and the cash drawer (after commit, cash only, no-sale
// audited).
#include "linli/drivers/printer.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "linli/drivers/codes.h"
#include "linli/drivers/escpos_render.h"
#include "linli/drivers/image.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"
#include "testing.h"

namespace linli {
namespace {

constexpr int64_t kT0 = 1795246200000;  // 2026-11-21T07:30:00Z
const std::string kColaBarcode = "6901234567892";

std::string B(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(static_cast<uint8_t>(b));
  return s;
}

// A store with one product and one cashier; sells committed sales.
struct Shop {
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  FakeClock clock{kT0};
  User cashier{"1001", "张三", Role::kCashier};

  Shop() {
    const std::string path = testing::MakeStore(dir);
    db = std::move(OpenStore(path)).value();
    auto r = ImportCatalogCsv(*db,
                              "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n"
                              "A001," + kColaBarcode + ",可口可乐 330ml,饮料,pcs,3.50,2.10,13,\n",
                              {}, clock);
    REQUIRE(r.ok());
    REQUIRE(AddUser(*db, cashier, "1234", clock).ok());
  }

  // Scans a cola and pays (cash or card); commits when `commit`.
  std::string Sell(bool cash) {
    Checkout co(*db, clock, cashier, nullptr);
    REQUIRE(co.Init().ok());
    REQUIRE(co.Scan(kColaBarcode).ok());
    if (cash) {
      REQUIRE(co.PayCash(1000).ok());
    } else {
      REQUIRE(co.PayCard(*co.RemainingFen(), "88001234").ok());
    }
    auto sale = co.Commit();
    REQUIRE(sale.ok());
    clock.Advance(60'000);
    return sale->receipt_no;
  }

  int64_t Count(const std::string& sql) {
    Statement q = db->Prepare(sql);
    REQUIRE(q.Step());
    return q.Int(0);
  }
};

PrinterConfig Config(const char* profile = "generic58", StatusQuery status = StatusQuery::kOn) {
  PrinterConfig c;
  c.profile = *FindProfile(profile);
  c.profile.status_query = status;
  c.timeout_ms = 2000;
  return c;
}

// A thermal printer on 127.0.0.1's raw port: accepts connections one after
// another, keeps what each sent, and answers DLE EOT n from `status`
// (0x12, ready, by default). Every wait is bounded; it stops by itself after
// 20 seconds.
class PrinterServer {
 public:
  // silent: takes every byte and never answers DLE EOT, as many network
  // printers do.
  explicit PrinterServer(std::map<uint8_t, uint8_t> status = {}, bool silent = false)
      : status_(std::move(status)), silent_(silent) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~PrinterServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  // The bytes of each closed connection, once `n` have closed (or after 5 s).
  std::vector<std::string> WaitForConnections(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return done_.size() >= n; });
    return done_;
  }

 private:
  void Run() {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!stop_ && std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) Serve(c);
    }
  }

  void Serve(int c) {
    std::string got;
    size_t scanned = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!stop_ && std::chrono::steady_clock::now() < end) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
      // Answer each complete DLE EOT n, as a real printer does at once.
      while (!silent_ && scanned + 3 <= got.size()) {
        if (got[scanned] == 0x10 && got[scanned + 1] == 0x04) {
          const auto q = static_cast<uint8_t>(got[scanned + 2]);
          auto it = status_.find(q);
          const char answer = static_cast<char>(it == status_.end() ? 0x12 : it->second);
          ::send(c, &answer, 1, MSG_NOSIGNAL);
          scanned += 3;
        } else {
          ++scanned;
        }
      }
    }
    ::close(c);
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(got);
    cv_.notify_all();
  }

  std::map<uint8_t, uint8_t> status_;
  bool silent_ = false;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> done_;
};

// A loopback port nobody listens on: connecting is refused.
int RefusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

const std::string kReadyQueries = B({0x10, 0x04, 0x01, 0x10, 0x04, 0x04});

std::vector<PrintJob> Jobs(Database& db, bool unfinished_only) {
  auto jobs = ListPrintJobs(db, unfinished_only);
  REQUIRE(jobs.ok());
  return *jobs;
}

size_t CountOf(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("printer: a committed sale prints to a TCP listener and renders back to text, PNG and QR") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/true);
  PrinterServer server;
  auto transport = OpenTransport(server.uri());
  REQUIRE(transport.ok());
  Printer printer(*shop.db, **transport, shop.clock, Config("generic58"));

  SalePrintOutcome out = printer.PrintSale(no);
  CHECK(out.drawer_kicked);
  CHECK(out.drawer.status.ok());
  REQUIRE(out.receipt.status.ok());

  // Two connections: the drawer kick, then status requests and the receipt.
  const std::vector<std::string> got = server.WaitForConnections(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == escpos::DrawerKick(0, 100, 500));
  REQUIRE(got[1].substr(0, kReadyQueries.size()) == kReadyQueries);
  const std::string receipt_bytes = got[1].substr(kReadyQueries.size());
  auto model = BuildReceipt(*shop.db, no);
  REQUIRE(model.ok());
  auto expected = EncodeReceipt(*model, printer.config().profile);
  REQUIRE(expected.ok());
  CHECK(receipt_bytes == *expected);
  CHECK(receipt_bytes.find(B({0x1B, 0x70})) == std::string::npos);

  // The virtual printer reads it back: the text, and a picture whose QR
  // code carries the verification payload.
  RenderOptions ro;
  ro.paper_width = kPaper58mmDots;
  RenderResult rr = RenderEscPos(receipt_bytes, ro);
  CHECK(rr.issues.empty());
  CHECK(rr.cuts == 1);
  CHECK(rr.text.find("可口可乐 330ml") != std::string::npos);
  CHECK(rr.text.find(no) != std::string::npos);
  const std::string png = shop.dir.File("receipt.png");
  REQUIRE(SavePng(rr.image, png).ok());
  auto loaded = LoadImageFile(png);
  REQUIRE(loaded.ok());
  std::string qr;
  for (const DecodedCode& c : DecodeImage(*loaded)) {
    if (c.format == CodeFormat::kQrCode) qr = c.text;
  }
  CHECK(qr == ReceiptQrPayload(*model));
  CHECK(qr.find("|" + no + "|") != std::string::npos);

  // Both jobs are recorded as printed; nothing is left to reprint.
  const auto all = Jobs(*shop.db, false);
  REQUIRE(all.size() == 2);
  CHECK(all[0].kind == PrintJobKind::kReceipt);
  CHECK(all[0].state == PrintJobState::kPrinted);
  CHECK(all[0].attempts == 1);
  CHECK(all[0].printer == server.uri());
  CHECK(all[1].kind == PrintJobKind::kDrawer);
  CHECK(all[1].receipt_no == no);
  CHECK(Jobs(*shop.db, true).empty());
}

TEST_CASE("printer: an absent printer fails clearly, the sale stays, and the job reprints later") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/true);
  const int64_t sales_before = shop.Count("SELECT count(*) FROM sales");

  TcpTransport absent("127.0.0.1", RefusedPort());
  Printer down(*shop.db, absent, shop.clock, Config());
  SalePrintOutcome out = down.PrintSale(no);
  CHECK(!out.drawer_kicked);
  REQUIRE(!out.receipt.status.ok());
  CHECK(out.receipt.status.code() == Status::Code::kUnavailable);
  CHECK(out.receipt.status.message().find("no printer at " + absent.uri()) != std::string::npos);
  CHECK(out.receipt.status.message().find("refused") != std::string::npos);

  // The sale is untouched and still loads.
  CHECK(LoadSale(*shop.db, no).ok());
  CHECK(shop.Count("SELECT count(*) FROM sales") == sales_before);

  // The failed receipt waits in the reprint queue with its error.
  auto queue = Jobs(*shop.db, true);
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].id == out.receipt.job_id);
  CHECK(queue[0].state == PrintJobState::kFailed);
  CHECK(queue[0].receipt_no == no);
  CHECK(queue[0].last_error == out.receipt.status.message());
  CHECK(queue[0].attempts == 1);

  // The printer is back: the job prints, as the first copy.
  PrinterServer server;
  auto transport = OpenTransport(server.uri());
  REQUIRE(transport.ok());
  Printer up(*shop.db, **transport, shop.clock, Config());
  PrintOutcome again = up.Retry(out.receipt.job_id);
  REQUIRE(again.status.ok());
  CHECK(again.job_id == out.receipt.job_id);
  auto got = server.WaitForConnections(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].find(EncodeText("重打印", TextEncoding::kGb18030)) == std::string::npos);
  CHECK(got[0].find(B({0x1B, 0x70})) == std::string::npos);  // a reprint never opens the drawer
  CHECK(Jobs(*shop.db, true).empty());
  const auto all = Jobs(*shop.db, false);
  const auto job = std::find_if(all.begin(), all.end(), [&](const PrintJob& j) { return j.id == again.job_id; });
  REQUIRE(job != all.end());
  CHECK(job->attempts == 2);
  CHECK(job->state == PrintJobState::kPrinted);
  CHECK(job->printed_at.has_value());

  // Retrying a printed job is refused; a further copy is marked reprint.
  CHECK(up.Retry(again.job_id).status.code() == Status::Code::kFailedPrecondition);
  PrintOutcome copy = up.PrintReceipt(no);
  REQUIRE(copy.status.ok());
  got = server.WaitForConnections(2);
  REQUIRE(got.size() == 2);
  CHECK(got[1].find(EncodeText("** 重打印 **", TextEncoding::kGb18030)) != std::string::npos);
}

TEST_CASE("printer: out of paper is reported before any receipt byte is sent") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/false);
  // DLE EOT 1: offline; 2: paper end stop; 4: paper end.
  PrinterServer server({{1, 0x1A}, {2, 0x32}, {4, 0x72}});
  auto transport = OpenTransport(server.uri());
  REQUIRE(transport.ok());
  Printer printer(*shop.db, **transport, shop.clock, Config());
  PrintOutcome out = printer.PrintReceipt(no);
  REQUIRE(!out.status.ok());
  CHECK(out.status.message() == "printer out of paper: load paper and press reprint");
  auto got = server.WaitForConnections(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0] == B({0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04}));
  auto queue = Jobs(*shop.db, true);
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].last_error == out.status.message());
  CHECK(LoadSale(*shop.db, no).ok());
}

TEST_CASE("printer: status bytes map to what the cashier must do") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/false);
  FakeTransport fake;
  Printer printer(*shop.db, fake, shop.clock, Config());

  fake.status_bytes = {{1, 0x1A}, {2, 0x16}};  // offline, cover open
  PrintOutcome out = printer.PrintReceipt(no);
  CHECK(out.status.message() == "printer cover open: close the cover and press reprint");
  CHECK(fake.jobs.empty());

  fake.status_bytes = {{1, 0x1A}, {2, 0x12}};  // offline, no cause given
  CHECK(printer.PrintReceipt(no).status.message() == "printer offline: check the printer, then press reprint");

  fake.status_bytes = {{4, 0x1E}};  // paper near its end: still prints
  CHECK(printer.PrintReceipt(no).status.ok());
  CHECK(fake.jobs.size() == 1);

  fake.status_bytes = {{1, 0xFF}};  // not a status byte
  CHECK(printer.PrintReceipt(no).status.code() == Status::Code::kUnavailable);

  fake.status_bytes.clear();
  fake.status_silent = true;
  CHECK(printer.PrintReceipt(no).status.message().find("did not answer") != std::string::npos);

  // A one-way link is not asked.
  fake.status_silent = false;
  fake.two_way_ = false;
  fake.status_requests.clear();
  CHECK(printer.PrintReceipt(no).status.ok());
  CHECK(fake.status_requests.empty());
}

TEST_CASE("printer: a spool directory gets one whole file per job") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/true);
  const std::string dir = shop.dir.File("spool/till1");  // created on first use
  auto transport = OpenTransport("spool:" + dir);
  REQUIRE(transport.ok());
  CHECK(!(*transport)->two_way());
  Printer printer(*shop.db, **transport, shop.clock, Config("generic80"));
  SalePrintOutcome out = printer.PrintSale(no);
  REQUIRE(out.receipt.status.ok());
  CHECK(out.drawer_kicked);

  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() == 2);  // no temporary file left behind
  for (const std::string& n : names) {
    CHECK(n[0] != '.');
    CHECK(n.size() > 7);
    CHECK(n.substr(n.size() - 7) == ".escpos");
  }
  CHECK(testing::ReadFile(dir + "/" + names[0]) == escpos::DrawerKick(0, 100, 500));
  auto model = BuildReceipt(*shop.db, no);
  REQUIRE(model.ok());
  CHECK(testing::ReadFile(dir + "/" + names[1]) == *EncodeReceipt(*model, printer.config().profile));
}

TEST_CASE("printer: file transport writes jobs, a missing device is the printer absent") {
  testing::TempDir dir;
  FileTransport file(dir.File("lp0.out"));
  REQUIRE(file.Write("one", 1000).ok());
  REQUIRE(file.Write("two", 1000).ok());
  CHECK(testing::ReadFile(dir.File("lp0.out")) == "onetwo");
  CHECK(file.uri() == "file:" + dir.File("lp0.out"));

  FileTransport device("/dev/linli-no-such-printer");
  Status st = device.Write("x", 1000);
  CHECK(st.code() == Status::Code::kUnavailable);
  CHECK(st.message().find("no printer at /dev/linli-no-such-printer") != std::string::npos);
  CHECK(!std::filesystem::exists("/dev/linli-no-such-printer"));
}

TEST_CASE("printer: OpenTransport parses tcp, file and spool URIs") {
  auto tcp = OpenTransport("tcp://192.168.1.50:9100");
  REQUIRE(tcp.ok());
  CHECK((*tcp)->uri() == "tcp://192.168.1.50:9100");
  CHECK((*tcp)->two_way());
  auto no_port = OpenTransport("tcp://printer.local");
  REQUIRE(no_port.ok());
  CHECK((*no_port)->uri() == "tcp://printer.local:9100");
  auto v6 = OpenTransport("tcp://[::1]:9101");
  REQUIRE(v6.ok());
  CHECK((*v6)->uri() == "tcp://[::1]:9101");
  auto lp = OpenTransport("file:/dev/usb/lp0");
  REQUIRE(lp.ok());
  CHECK((*lp)->uri() == "file:/dev/usb/lp0");
  CHECK(!(*lp)->two_way());
  CHECK((*OpenTransport("file:///tmp/x.prn"))->uri() == "file:/tmp/x.prn");
  CHECK((*OpenTransport("/dev/usb/lp1"))->uri() == "file:/dev/usb/lp1");
  CHECK((*OpenTransport("spool:/var/spool/linli"))->uri() == "spool:/var/spool/linli");
  for (const char* bad : {"lpt1", "tcp://", "tcp://host:", "tcp://host:99999", "tcp://host:9x", "file:", "http://x"}) {
    CAPTURE(bad);
    auto r = OpenTransport(bad);
    REQUIRE(!r.ok());
    CHECK(r.status().IsInvalidArgument());
  }
}

TEST_CASE("drawer: kicks only after commit, and only for cash") {
  Shop shop;
  FakeTransport fake;
  Printer printer(*shop.db, fake, shop.clock, Config());
  std::vector<std::string> committed_at_kick;
  fake.on_write = [&](std::string_view job) {
    if (job.find(B({0x1B, 0x70})) == std::string_view::npos) return;
    // At the moment the drawer opens, the sale must already be in the
    // database (LoadSale sees only committed rows).
    Statement q = shop.db->Prepare("SELECT receipt_no FROM sales ORDER BY id DESC LIMIT 1");
    committed_at_kick.push_back(q.Step() ? q.Text(0) : "");
  };

  // A cart paid but not committed: there is no receipt to print, no kick.
  {
    Checkout co(*shop.db, shop.clock, shop.cashier, nullptr);
    REQUIRE(co.Init().ok());
    REQUIRE(co.Scan(kColaBarcode).ok());
    REQUIRE(co.PayCash(1000).ok());
    SalePrintOutcome before = printer.PrintSale("S001-20261121-0001");
    CHECK(before.receipt.status.IsNotFound());
    CHECK(!before.drawer_kicked);
    CHECK(fake.jobs.empty());
  }

  const std::string cash_no = shop.Sell(/*cash=*/true);
  SalePrintOutcome cash = printer.PrintSale(cash_no);
  CHECK(cash.drawer_kicked);
  REQUIRE(fake.jobs.size() == 2);
  CHECK(fake.jobs[0] == escpos::DrawerKick(0, 100, 500));
  CHECK(CountOf(fake.AllBytes(), B({0x1B, 0x70})) == 1);
  CHECK(committed_at_kick == std::vector<std::string>{cash_no});

  // The same sale printed again, or reprinted: no second kick.
  CHECK(!printer.PrintSale(cash_no).drawer_kicked);
  CHECK(printer.PrintReceipt(cash_no, true).status.ok());
  CHECK(CountOf(fake.AllBytes(), B({0x1B, 0x70})) == 1);

  // A card sale prints without opening the drawer.
  const std::string card_no = shop.Sell(/*cash=*/false);
  fake.jobs.clear();
  SalePrintOutcome card = printer.PrintSale(card_no);
  CHECK(card.receipt.status.ok());
  CHECK(!card.drawer_kicked);
  REQUIRE(fake.jobs.size() == 1);
  CHECK(fake.jobs[0].find(B({0x1B, 0x70})) == std::string::npos);

  // A failed kick is recorded but never retried.
  const std::string cash2 = shop.Sell(/*cash=*/true);
  fake.fail_with = Status::Unavailable("printer unplugged");
  SalePrintOutcome failed = printer.PrintSale(cash2);
  CHECK(!failed.drawer_kicked);
  REQUIRE(failed.drawer.job_id != 0);
  fake.fail_with = Status::Ok();
  CHECK(printer.Retry(failed.drawer.job_id).status.code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("drawer: a no-sale open is audited first, then kicked") {
  Shop shop;
  FakeTransport fake;
  Printer printer(*shop.db, fake, shop.clock, Config());
  int64_t audits_at_kick = -1;
  fake.on_write = [&](std::string_view) {
    audits_at_kick = shop.Count("SELECT count(*) FROM audit_log WHERE action = 'no_sale'");
  };

  REQUIRE(OpenDrawerNoSale(*shop.db, printer, shop.cashier, "换零钱").ok());
  REQUIRE(fake.jobs.size() == 1);
  CHECK(fake.jobs[0] == escpos::DrawerKick(0, 100, 500));
  CHECK(audits_at_kick == 1);
  Statement q = shop.db->Prepare("SELECT user_id, reason FROM audit_log WHERE action = 'no_sale'");
  REQUIRE(q.Step());
  CHECK(q.Text(0) == "1001");
  CHECK(q.Text(1).find("换零钱") != std::string::npos);
  const auto all = Jobs(*shop.db, false);
  REQUIRE(all.size() == 1);
  CHECK(all[0].kind == PrintJobKind::kDrawer);
  CHECK(all[0].receipt_no.empty());

  // No reason, or an unknown user: nothing audited, no kick.
  CHECK(!OpenDrawerNoSale(*shop.db, printer, shop.cashier, "  ").ok());
  CHECK(!OpenDrawerNoSale(*shop.db, printer, User{"9999", "nobody", Role::kCashier}, "test").ok());
  CHECK(fake.jobs.size() == 1);
  CHECK(shop.Count("SELECT count(*) FROM audit_log WHERE action = 'no_sale'") == 1);

  // The printer down: the audit stands, the error says so.
  fake.fail_with = Status::Unavailable("no printer at fake:");
  Status st = OpenDrawerNoSale(*shop.db, printer, shop.cashier, "找零");
  CHECK(st.code() == Status::Code::kUnavailable);
  CHECK(shop.Count("SELECT count(*) FROM audit_log WHERE action = 'no_sale'") == 2);
}

TEST_CASE("printer: a report prints, and a failed one reprints from its kept text") {
  Shop shop;
  FakeTransport fake;
  Printer printer(*shop.db, fake, shop.clock, Config());
  const std::string text = "X 报表\n销售 1 笔 3.50\n";
  fake.fail_with = Status::Unavailable("printer out of paper: load paper and press reprint");
  PrintOutcome out = printer.PrintReport(text);
  CHECK(!out.status.ok());
  auto queue = Jobs(*shop.db, true);
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].kind == PrintJobKind::kReport);
  fake.fail_with = Status::Ok();
  REQUIRE(printer.Retry(out.job_id).status.ok());
  REQUIRE(fake.jobs.size() == 1);
  CHECK(fake.jobs[0] == EncodeTextJob(text, printer.config().profile));
  CHECK(Jobs(*shop.db, true).empty());
  CHECK(printer.Retry(424242).status.IsNotFound());
}

// Issue 12: a network printer that never answers DLE EOT could never print:
// every job and every retry waited for the status, then failed.
TEST_CASE("printer: a printer that never answers status: on fails, auto prints and asks no more, off never asks") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/false);
  PrinterServer server({}, /*silent=*/true);
  auto transport = OpenTransport(server.uri());
  REQUIRE(transport.ok());
  const std::string status_request("\x10\x04\x01", 3);
  auto starts_with_status = [&](const std::string& bytes) { return bytes.rfind(status_request, 0) == 0; };

  PrinterConfig on = Config("generic58", StatusQuery::kOn);
  on.timeout_ms = 300;
  PrintOutcome refused = Printer(*shop.db, **transport, shop.clock, on).PrintReceipt(no);
  CHECK(refused.status.message().find("did not answer a status request") != std::string::npos);
  CHECK(refused.note.empty());

  PrinterConfig autocfg = Config("generic58", StatusQuery::kAuto);
  autocfg.timeout_ms = 300;
  Printer printer(*shop.db, **transport, shop.clock, autocfg);
  PrintOutcome first = printer.PrintReceipt(no, /*reprint=*/true);
  INFO(first.status.message());
  CHECK(first.status.ok());
  CHECK(first.note.find("打印机不回应状态查询") != std::string::npos);
  CHECK(GetConfig(*shop.db, "printer.status_silent").value_or("").find(server.uri()) != std::string::npos);
  PrintOutcome second = printer.PrintReceipt(no, /*reprint=*/true);
  CHECK(second.status.ok());
  CHECK(second.note.empty());  // said once
  auto got = server.WaitForConnections(3);
  REQUIRE(got.size() == 3);
  CHECK(starts_with_status(got[0]));         // on: asked, and gave up
  CHECK(starts_with_status(got[1]));         // auto: asked once…
  CHECK(got[1].find(escpos::Initialize()) != std::string::npos);  // …then printed the job
  CHECK_FALSE(starts_with_status(got[2]));   // and asks no more
  CHECK(got[2].find(escpos::Initialize()) != std::string::npos);

  PrinterServer quiet({}, /*silent=*/true);
  auto quiet_transport = OpenTransport(quiet.uri());
  REQUIRE(quiet_transport.ok());
  CHECK(Printer(*shop.db, **quiet_transport, shop.clock, Config("generic58", StatusQuery::kOff)).PrintReceipt(no, true)
            .status.ok());
  auto quiet_got = quiet.WaitForConnections(1);
  REQUIRE(quiet_got.size() == 1);
  CHECK_FALSE(starts_with_status(quiet_got[0]));
}

TEST_CASE("printer: auto does not take a printer that is not there for a silent one") {
  Shop shop;
  const std::string no = shop.Sell(/*cash=*/false);
  auto transport = OpenTransport("tcp://127.0.0.1:" + std::to_string(RefusedPort()));
  REQUIRE(transport.ok());
  PrinterConfig c = Config("generic58", StatusQuery::kAuto);
  c.timeout_ms = 300;
  PrintOutcome out = Printer(*shop.db, **transport, shop.clock, c).PrintReceipt(no);
  CHECK_FALSE(out.status.ok());
  CHECK(out.note.empty());
  CHECK_FALSE(GetConfig(*shop.db, "printer.status_silent").has_value());
}

TEST_CASE("printer profiles: the shipped ones, and a store's own from store_config, validated") {
  Shop shop;
  for (const char* name : {"generic58", "generic80", "generic58-noqr", "generic80-noqr"}) {
    auto p = FindProfile(name);
    REQUIRE(p.ok());
    CHECK(p->encoding == TextEncoding::kGb18030);
    CHECK(p->status_query == StatusQuery::kAuto);
  }
  CHECK_FALSE(FindProfile("generic58-noqr")->supports_qr);
  CHECK(FindProfile("generic80-noqr")->columns == kReceiptColumns80);
  CHECK(FindProfile("nope").status().message().find("generic80-noqr") != std::string::npos);

  SetConfig(*shop.db, "printer.profiles",
            R"([{"name":"shop58","base":"generic58","encoding":"GBK","supports_qr":false,"status_query":"off"}])");
  auto own = FindProfile(*shop.db, "shop58");
  REQUIRE(own.ok());
  CHECK(own->encoding == TextEncoding::kGbk);
  CHECK(own->columns == kReceiptColumns58);
  CHECK_FALSE(own->supports_qr);
  CHECK(own->status_query == StatusQuery::kOff);
  CHECK(AllProfiles(*shop.db)->size() == 5);
  CHECK(FindProfile(*shop.db, "generic80").ok());

  struct Bad {
    const char* json;
    const char* says;
  };
  for (const Bad& b : {Bad{"{}", "JSON array"}, Bad{R"([{"base":"generic58"}])", "\"name\""},
                       Bad{R"([{"name":"generic58"}])", "shipped profile"},
                       Bad{R"([{"name":"a"},{"name":"a"}])", "named twice"},
                       Bad{R"([{"name":"a","encoding":"BIG5"}])", "GB18030, GBK or UTF-8"},
                       Bad{R"([{"name":"a","columns":7}])", "from 16 to 64"},
                       Bad{R"([{"name":"a","status_query":"sometimes"}])", "on, off or auto"},
                       Bad{R"([{"name":"a","colour":"red"}])", "unknown field \"colour\""},
                       Bad{R"([{"name":"a","base":"epson"}])", "unknown printer profile 'epson'"}}) {
    auto r = ParseStoreProfiles(b.json);
    INFO(b.json);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(b.says) != std::string::npos);
  }
  // A malformed store list is an error for every lookup, never ignored.
  SetConfig(*shop.db, "printer.profiles", "not json");
  CHECK(FindProfile(*shop.db, "generic58").status().message().find("printer.profiles") != std::string::npos);
}

}  // namespace linli
