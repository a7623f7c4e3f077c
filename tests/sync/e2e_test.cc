// Stores and a real hub on 127.0.0.1, end to end (issue 5 "Tests"): two
// stores sell offline, sync over HTTPS with the CA pinned, and HQ sees the
// right stock and sales; re-running sync changes nothing; an HQ price with a
// future date reaches the till and applies on that date; through a
// fault-injecting proxy, N rounds leave the hub with each event exactly once.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

#include "fault_proxy.h"
#include "linli/hub/cert.h"
#include "linli/hub/hub_store.h"
#include "linli/hub/receipt_check.h"
#include "linli/hub/server.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"
#include "linli/pos/till_products.h"
#include "linli/pos/users.h"
#include "linli/sync/agent.h"
#include "linli/sync/verify_client.h"
#include "testing.h"

namespace linli {
namespace {

using nlohmann::json;

// 2026-11-21T07:30:00Z, 15:30 in Shanghai.
constexpr int64_t kT0 = 1795246200000;
const char* kToday = "2026-11-21";

struct Hub {
  testing::TempDir dir;
  std::unique_ptr<hub::HubStore> store;
  std::unique_ptr<hub::HubServer> server;
  hub::CertPaths certs;
  std::string ca_pem;
  int64_t org_id = 0;
  const Clock& clock;
  bool tls;

  Hub(const Clock& c, bool use_tls) : clock(c), tls(use_tls) {
    store = std::move(hub::OpenSqliteHubStore(dir.File("hub.db"), true)).value();
    REQUIRE(store->AddOrg("LL", "邻里连锁", clock.NowMs()).ok());
    org_id = *store->OrgId("LL");
    if (tls) {
      certs = *hub::InitCertificates(dir.File("certs"), {});
      ca_pem = testing::ReadFile(certs.ca_cert);
    }
    Start(0);
  }
  ~Hub() {
    if (server) server->Stop();
  }
  void Start(int port) {
    hub::ServerOptions opts;
    opts.port = port;
    opts.insecure_http = !tls;
    if (tls) {
      opts.tls_cert = certs.server_cert;
      opts.tls_key = certs.server_key;
    }
    server = std::make_unique<hub::HubServer>(*store, clock, opts);
    Status st = server->Start();
    REQUIRE_MESSAGE(st.ok(), st.ToString());
  }
  void Stop() {
    server->Stop();
  }
  std::string Url() const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(server->port());
  }
  std::string AddStore(const std::string& code) {
    auto t = store->AddStore("LL", code, "店" + code, clock.NowMs());
    REQUIRE(t.ok());
    return *t;
  }
  void Edit(const std::string& kind, const std::string& key, const json& data) {
    auto r = store->Edit(org_id, kind, key, "upsert", data, "");
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  void Catalogue() {
    Edit("category", "饮料", {{"name", "饮料"}});
    Edit("product", "A001", {{"sku", "A001"}, {"name", "可口可乐 330ml"}, {"category", "饮料"},
                             {"unit", "pcs"}, {"tax_rate_bp", 1300}, {"active", true}});
    Edit("barcode", "6901234567892", {{"code", "6901234567892"}, {"sku", "A001"}, {"pack_qty_milli", 1000}});
    Edit("price", "A001@2026-01-01T00:00:00.000Z",
         {{"sku", "A001"}, {"price_fen", 350}, {"effective_from", "2026-01-01T00:00:00.000Z"}, {"store", nullptr}});
    Edit("product", "A002", {{"sku", "A002"}, {"name", "农夫山泉 550ml"}, {"category", "饮料"},
                             {"unit", "pcs"}, {"tax_rate_bp", 1300}, {"active", true}});
    Edit("price", "A002@2026-01-01T00:00:00.000Z",
         {{"sku", "A002"}, {"price_fen", 200}, {"effective_from", "2026-01-01T00:00:00.000Z"}, {"store", nullptr}});
  }
  int64_t StockOf(const std::string& sku, const std::string& store_code) {
    auto j = store->Stock(org_id, sku, store_code);
    REQUIRE_MESSAGE(j.ok(), j.status().ToString());
    for (const json& s : (*j)["stores"]) {
      if (s["code"] == store_code) return s["on_hand_milli"].get<int64_t>();
    }
    return 0;
  }
  json SalesRow(const std::string& store_code, const std::string& from, const std::string& to) {
    auto j = store->Sales(org_id, from, to, "store");
    REQUIRE_MESSAGE(j.ok(), j.status().ToString());
    for (const json& r : (*j)["rows"]) {
      if (r["key"] == store_code) return r;
    }
    return json::object();
  }
};

struct Till {
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  const Clock& clock;
  std::unique_ptr<sync::HttpTransport> transport;
  std::unique_ptr<sync::SyncAgent> agent;
  User cashier{"1001", "张三", Role::kCashier};
  std::string code;

  Till(const std::string& store_code, const Clock& c, const std::string& ca_pem) : clock(c), code(store_code) {
    path = testing::MakeStore(dir, store_code);
    db = std::move(OpenStore(path)).value();
    REQUIRE(AddUser(*db, cashier, "1234", clock).ok());
    transport = std::move(sync::NewCurlTransport({.ca_pem = ca_pem})).value();
    agent = std::make_unique<sync::SyncAgent>(*db, *transport, clock);
  }
  // A till on "another machine" opened from a copy of a store file.
  Till(const std::string& copy_of, const std::string& store_code, const Clock& c, const std::string& ca_pem)
      : clock(c), code(store_code) {
    path = dir.File("store.db");
    std::filesystem::copy_file(copy_of, path);
    db = std::move(OpenStore(path)).value();
    transport = std::move(sync::NewCurlTransport({.ca_pem = ca_pem})).value();
    agent = std::make_unique<sync::SyncAgent>(*db, *transport, clock);
  }
  std::string path;

  // Sells `qty` pieces of each (sku, qty) pair in one sale, paid in cash.
  CommittedSale Sell(const std::vector<std::pair<std::string, int64_t>>& items) {
    Checkout co(*db, clock, cashier, nullptr);
    REQUIRE(co.Init().ok());
    for (const auto& [sku, qty] : items) REQUIRE(co.AddSku(sku, qty * 1000).ok());
    auto due = co.RemainingFen();
    REQUIRE(due.ok());
    REQUIRE(co.PayCash(*due).ok());
    auto sale = co.Commit();
    REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
    return *sale;
  }
  int64_t LocalStock(const std::string& sku) {
    Statement s = db->Prepare(
        "SELECT COALESCE((SELECT h.qty_milli FROM stock_on_hand h JOIN products p ON p.id = h.product_id "
        "WHERE p.sku = ?), 0)");
    s.Bind(1, sku);
    s.Step();
    return s.Int(0);
  }
  int64_t LocalSalesFen() {
    Statement s = db->Prepare("SELECT COALESCE(SUM(total_fen), 0) FROM sales WHERE kind = 'sale'");
    s.Step();
    return s.Int(0);
  }
  int64_t LocalSalesCount() {
    Statement s = db->Prepare("SELECT count(*) FROM sales WHERE kind = 'sale'");
    s.Step();
    return s.Int(0);
  }
  int64_t Price(const std::string& sku) {
    Catalog c(*db);
    auto p = c.FindBySku(sku);
    REQUIRE(p.ok());
    REQUIRE(p->has_value());
    return (*p)->price_fen;
  }
};

int64_t DeviceEpoch(Database& db) {
  auto dev = LoadDevice(db);
  REQUIRE(dev.ok());
  return dev->epoch;
}

TEST_CASE("sync e2e: two stores sell offline, sync over pinned TLS, HQ sees stock and sales, re-sync changes nothing") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/true);
  hub.Catalogue();
  Till a("S001", clock, hub.ca_pem), b("S002", clock, hub.ca_pem);
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), hub.ca_pem).ok());
  REQUIRE(b.agent->Enroll(hub.Url(), hub.AddStore("S002"), hub.ca_pem).ok());

  // First sync brings HQ's catalogue to both tills.
  for (Till* t : {&a, &b}) {
    sync::SyncReport r = t->agent->SyncOnce();
    REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
    CHECK(r.pulled_changes == 6);
    CHECK(t->Price("A001") == 350);
  }

  // The hub goes away; the tills keep selling.
  const int port = hub.server->port();
  hub.Stop();
  sync::SyncReport offline = a.agent->SyncOnce();
  CHECK(offline.status.code() == Status::Code::kUnavailable);
  a.Sell({{"A001", 3}, {"A002", 2}});
  a.Sell({{"A001", 1}});
  b.Sell({{"A001", 5}});
  for (int i = 0; i < 3; ++i) b.Sell({{"A002", 1}});
  auto status = sync::GetSyncStatus(*a.db, clock);
  REQUIRE(status.ok());
  CHECK(status->pending_events == 2);
  CHECK(status->last_error.find("cannot reach the hub") != std::string::npos);

  // Back online (same address), both sync.
  hub.Start(port);
  for (Till* t : {&a, &b}) {
    sync::SyncReport r = t->agent->SyncOnce();
    REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  }
  CHECK(hub.StockOf("A001", "S001") == -4000);
  CHECK(hub.StockOf("A002", "S001") == -2000);
  CHECK(hub.StockOf("A001", "S002") == -5000);
  CHECK(hub.StockOf("A002", "S002") == -3000);
  CHECK(hub.StockOf("A001", "S001") == a.LocalStock("A001"));
  json ra = hub.SalesRow("S001", kToday, kToday), rb = hub.SalesRow("S002", kToday, kToday);
  CHECK(ra["sales_fen"].get<int64_t>() == a.LocalSalesFen());
  CHECK(ra["sales_fen"].get<int64_t>() == 4 * 350 + 2 * 200);
  CHECK(rb["sales_fen"].get<int64_t>() == 5 * 350 + 3 * 200);
  CHECK(ra.value("receipts", int64_t{-1}) == 2);
  CHECK(rb.value("receipts", int64_t{-1}) == 4);
  CHECK(ra["qty_milli"].get<int64_t>() == 6000);
  // The checkpoint the store keeps is the hub's signature over its head.
  auto st = sync::LoadSyncState(*a.db);
  REQUIRE(st->checkpoint.has_value());
  CHECK(st->checkpoint->seq == JournalHead(*a.db)->seq);
  CHECK(sync::GetSyncStatus(*a.db, clock)->pending_events == 0);

  // Re-running sync changes nothing.
  auto before = hub.store->DumpProjections();
  REQUIRE(before.ok());
  for (Till* t : {&a, &b}) {
    sync::SyncReport r = t->agent->SyncOnce();
    REQUIRE(r.status.ok());
    CHECK(r.pushed == 0);
    CHECK(r.push_requests == 0);
    CHECK(r.pulled_changes == 0);
  }
  auto after = hub.store->DumpProjections();
  CHECK(*before == *after);
}

// Issue 11: a store file backed up with a plain `cp` (no .head sidecar) and
// put back in use sells at a seq the hub already holds from the old file.
// Comparing seqs only, the agent said "sent 0" and "nothing waiting" and the
// new sale never reached the hub. It must compare hashes. (Here the copy runs
// on the same machine, so the host check at open cannot see it: the case
// only the hub can catch.)
TEST_CASE("sync e2e: a copied store file that sold at a seq the hub holds is never silently in sync") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/false);
  hub.Catalogue();
  Till a("S001", clock, "");
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), "").ok());
  REQUIRE(a.agent->SyncOnce().status.ok());
  a.Sell({{"A001", 1}});
  REQUIRE(a.agent->SyncOnce().status.ok());

  // The backup: the file alone, as `cp store.db` takes it (WAL folded in first).
  a.db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  testing::TempDir backup_dir;
  const std::string backup = backup_dir.File("store.db");
  std::filesystem::copy_file(a.path, backup);

  // The old machine sells once more and syncs; then it dies.
  clock.Advance(60'000);
  a.Sell({{"A002", 2}});
  REQUIRE(a.agent->SyncOnce().status.ok());
  const int64_t hub_head = JournalHead(*a.db)->seq;

  // The copy on the new machine sells a different sale at the same seq.
  Till b(backup, "S001", clock, "");
  clock.Advance(60'000);
  const CommittedSale copy_sale = b.Sell({{"A001", 5}});
  const int64_t copy_head = JournalHead(*b.db)->seq;
  REQUIRE(copy_head >= hub_head - 1);

  sync::SyncReport r = b.agent->SyncOnce();
  // Not "ok, sent 0": the difference is found, the copy's events go to the
  // hub as a fork it adopts, and the till goes on in a new epoch.
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  CHECK(r.fork_adopted);
  CHECK(r.restored);
  CHECK(r.diverged_seq > 0);
  CHECK(r.diverged_seq <= copy_head);
  CHECK(r.pushed >= 1);
  CHECK(DeviceEpoch(*b.db) == 2);
  auto status = sync::GetSyncStatus(*b.db, clock);
  REQUIRE(status.ok());
  CHECK(status->pending_events == 0);  // nothing is left behind
  CHECK(status->diverged_seq == 0);
  CHECK(status->fork_epoch == 1);
  CHECK(status->fork_new_epoch == 2);
  CHECK(status->ToText("Asia/Shanghai").find("RESTORED COPY") != std::string::npos);
  CHECK(VerifyJournal(*b.db).ok);  // the checkpoint it keeps is over its own events
  // Every sale of both copies is at the hub: 1 + 5 of A001, 2 of A002.
  CHECK(hub.StockOf("A001", "S001") == -6000);
  CHECK(hub.StockOf("A002", "S001") == -2000);
  json row = hub.SalesRow("S001", kToday, kToday);
  CHECK(row.value("receipts", int64_t{-1}) == 3);
  // HQ sees the restore.
  auto stores = hub.store->Stores(hub.org_id, clock.NowMs());
  REQUIRE(stores.ok());
  json restores;
  for (const json& st : (*stores)["stores"]) {
    if (st["code"] == "S001") restores = st["restores"];
  }
  REQUIRE(restores.size() == 1);
  CHECK(restores[0]["epoch"] == 1);
  CHECK(restores[0]["events"].get<int64_t>() >= 1);
  // The copy's customer can check the receipt: the hub finds it in the fork.
  auto copy_receipt = BuildReceipt(*b.db, copy_sale);
  REQUIRE(copy_receipt.ok());
  auto copy_qr = ParseReceiptQr(ReceiptQrPayload(*copy_receipt));
  REQUIRE(copy_qr.ok());
  auto verdict = hub::CheckReceipt(*hub.store, *copy_qr);
  REQUIRE(verdict.ok());
  CHECK(verdict->result == sync::kVerifyMatch);

  // The copy sells on: its receipt says epoch 2, and it reaches the hub
  // chained onto the fork.
  clock.Advance(60'000);
  CommittedSale later = b.Sell({{"A002", 1}});
  CHECK(later.receipt_no.find("-E2-") != std::string::npos);
  sync::SyncReport again = b.agent->SyncOnce();
  INFO(again.status.ToString());
  REQUIRE(again.status.ok());
  CHECK_FALSE(again.fork_adopted);
  CHECK(again.pushed == 1);
  CHECK(hub.StockOf("A002", "S001") == -3000);
  CHECK(sync::GetSyncStatus(*b.db, clock)->pending_events == 0);
  // And once more changes nothing; the projections are what a rebuild gives.
  sync::SyncReport idle = b.agent->SyncOnce();
  REQUIRE(idle.status.ok());
  CHECK(idle.pushed == 0);
  CHECK(VerifyJournal(*b.db).ok);
  CHECK(VerifyJournal(*a.db).ok);
  auto live = hub.store->DumpProjections();
  REQUIRE(live.ok());
  REQUIRE(hub.store->Rebuild().ok());
  CHECK(*hub.store->DumpProjections() == *live);
}

// Issue 11: the last synced sale deleted from the file (its rows, its journal
// row, journal_head rewritten) and the .head sidecar gone: the hub's
// checkpoint kept in the file still names it, so the till takes a new epoch,
// its next receipt number is not the deleted one's, and the hub keeps both.
TEST_CASE("sync e2e: deleting the last synced sale and the .head file neither loses a sale nor reuses its number") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/false);
  hub.Catalogue();
  Till a("S001", clock, "");
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), "").ok());
  REQUIRE(a.agent->SyncOnce().status.ok());
  a.Sell({{"A001", 1}});
  clock.Advance(60'000);
  const CommittedSale deleted = a.Sell({{"A002", 2}});
  REQUIRE(a.agent->SyncOnce().status.ok());
  // The tampering, by hand, in the file.
  const std::string id = std::to_string(deleted.sale_id);
  a.db->Exec("DELETE FROM sale_tenders WHERE sale_id = " + id + "; DELETE FROM sale_lines WHERE sale_id = " + id +
             "; DELETE FROM stock_movements WHERE ref = '" + deleted.receipt_no + "'; DELETE FROM sales WHERE id = " +
             id + "; DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = " +
             std::to_string(deleted.journal_seq) + "; UPDATE journal_head SET seq = seq - 1, hash = (SELECT hash FROM "
             "journal WHERE seq = " + std::to_string(deleted.journal_seq - 1) + ") WHERE id = 1; "
             "UPDATE receipt_counters SET last_seq = last_seq - 1");
  a.db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  CHECK_FALSE(VerifyJournal(*a.db).ok);  // the hub signed the deleted event

  Till b(a.path, "S001", clock, "");  // the file alone: no .head beside it
  CHECK(DeviceEpoch(*b.db) == 2);
  clock.Advance(60'000);
  const CommittedSale next = b.Sell({{"A001", 3}});
  CHECK(next.journal_seq == deleted.journal_seq);  // the seq comes round again, in epoch 2
  CHECK(next.receipt_no != deleted.receipt_no);
  CHECK(next.receipt_no.find("-E2-") != std::string::npos);
  sync::SyncReport r = b.agent->SyncOnce();
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  CHECK(r.pushed == 1);
  CHECK(sync::GetSyncStatus(*b.db, clock)->pending_events == 0);
  // The hub holds all three sales: the deleted one too.
  CHECK(hub.StockOf("A001", "S001") == -4000);
  CHECK(hub.StockOf("A002", "S001") == -2000);
  CHECK(hub.SalesRow("S001", kToday, kToday).value("receipts", int64_t{-1}) == 3);
}

// Issue 11: the same copy, put on a machine that is not the old one, knows
// it moved when it opens (store_config host_id) and takes a new epoch before
// it sells: no fork at all, and its receipt numbers are its own.
TEST_CASE("sync e2e: a store file opened on another machine takes a new epoch before it sells") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/false);
  hub.Catalogue();
  Till a("S001", clock, "");
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), "").ok());
  REQUIRE(a.agent->SyncOnce().status.ok());  // the catalogue
  a.Sell({{"A001", 1}});
  REQUIRE(a.agent->SyncOnce().status.ok());
  a.db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  testing::TempDir backup_dir;
  const std::string backup = backup_dir.File("store.db");
  std::filesystem::copy_file(a.path, backup);
  const CommittedSale old_sale = a.Sell({{"A002", 2}});
  REQUIRE(a.agent->SyncOnce().status.ok());

  ::setenv("LINLI_HOST_ID", "another-till", 1);
  Till b(backup, "S001", clock, "");
  ::unsetenv("LINLI_HOST_ID");
  CHECK(DeviceEpoch(*b.db) == 2);
  const CommittedSale sale = b.Sell({{"A001", 5}});
  CHECK(sale.receipt_no != old_sale.receipt_no);
  CHECK(sale.receipt_no.find("-E2-") != std::string::npos);
  sync::SyncReport r = b.agent->SyncOnce();
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  CHECK_FALSE(r.fork_adopted);
  CHECK(hub.StockOf("A001", "S001") == -6000);
  CHECK(hub.StockOf("A002", "S001") == -2000);
}

// Issue 11: a sale deleted from an offline till after its receipt was
// printed left no trace at the till; the customer's paper is the anchor.
TEST_CASE("sync e2e: a receipt's QR checked at the hub over the till's pinned TLS: not yet synced, match, "
          "altered, deleted at the till, hub down") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/true);
  hub.Catalogue();
  Till a("S001", clock, hub.ca_pem);
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), hub.ca_pem).ok());
  REQUIRE(a.agent->SyncOnce().status.ok());
  auto qr_of = [&](const CommittedSale& sale) {
    auto receipt = BuildReceipt(*a.db, sale);
    REQUIRE(receipt.ok());
    return ReceiptQrPayload(*receipt);
  };
  auto check = [&](Till& t, const std::string& qr) {
    auto v = sync::VerifyReceiptWithStoreHub(*t.db, qr);
    REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    return *v;
  };

  clock.Advance(5 * 60'000);
  const std::string qr = qr_of(a.Sell({{"A001", 2}}));
  sync::ReceiptVerdict v = check(a, qr);
  CHECK(v.result == sync::kVerifyUnknown);
  CHECK(v.reason == sync::kUnknownNotYetSynced);  // printed after the last sync: on its way

  REQUIRE(a.agent->SyncOnce().status.ok());
  v = check(a, qr);
  CHECK(v.result == sync::kVerifyMatch);
  CHECK(v.total_fen == 700);

  std::string altered = qr;
  altered.replace(altered.find("|700|"), 5, "|70|");
  v = check(a, altered);
  CHECK(v.result == sync::kVerifyMismatch);
  CHECK(v.differs == std::vector<std::string>{"total"});

  // The deleted sale: sold and printed on the till, then gone from its file
  // before it synced (here: the till ran from a copy that was thrown away).
  std::string deleted_qr;
  {
    a.db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    Till copy(a.path, "S001", clock, hub.ca_pem);
    copy.cashier = a.cashier;
    clock.Advance(60'000);
    auto receipt = BuildReceipt(*copy.db, copy.Sell({{"A002", 1}}));
    REQUIRE(receipt.ok());
    deleted_qr = ReceiptQrPayload(*receipt);
  }
  // The till goes on and syncs the next day.
  clock.Advance(24 * 3600'000LL);
  a.Sell({{"A002", 1}});
  REQUIRE(a.agent->SyncOnce().status.ok());
  v = check(a, deleted_qr);
  CHECK(v.result == sync::kVerifyUnknown);
  CHECK(v.reason == sync::kUnknownMissing);
  CHECK(v.message.find("可能已从收银机删除") != std::string::npos);

  // The hub down: the check says it could not ask, quickly.
  hub.Stop();
  auto down = sync::VerifyReceiptWithStoreHub(*a.db, qr);
  CHECK(down.status().code() == Status::Code::kUnavailable);
}

TEST_CASE("sync e2e: a price set at HQ for a future date reaches the till and applies from that date") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/true);
  hub.Catalogue();
  Till a("S001", clock, hub.ca_pem);
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), hub.ca_pem).ok());
  REQUIRE(a.agent->SyncOnce().status.ok());
  // Tomorrow 00:00 Shanghai = 16:00Z today.
  const std::string from = "2026-11-21T16:00:00.000Z";
  hub.Edit("price", std::string("A001@") + from,
           {{"sku", "A001"}, {"price_fen", 299}, {"effective_from", from}, {"store", nullptr}});
  sync::SyncReport r = a.agent->SyncOnce();
  REQUIRE(r.status.ok());
  CHECK(r.pulled_changes == 1);
  CHECK(a.Price("A001") == 350);
  CHECK(a.Sell({{"A001", 1}}).priced.total_fen == 350);

  // The hub is unreachable from now on; the date arrives anyway.
  hub.Stop();
  clock.Set(ParseUtc(from) - 1);
  CHECK(a.Sell({{"A001", 1}}).priced.total_fen == 350);
  clock.Set(ParseUtc(from) + 60'000);
  CHECK(a.Sell({{"A001", 1}}).priced.total_fen == 299);  // applied at sale start, offline
  CHECK(a.Price("A001") == 299);
}

TEST_CASE("sync e2e: through a fault-injecting proxy, N rounds leave each event at the hub exactly once") {
  SystemClock clock;
  Hub hub(clock, /*tls=*/false);
  hub.Catalogue();
  // LINLI_SYNC_SEED=<n> replays a run.
  const char* env_seed = std::getenv("LINLI_SYNC_SEED");
  const uint64_t seed = env_seed ? std::strtoull(env_seed, nullptr, 10) : std::random_device{}();
  std::cout << "sync e2e fault proxy: seed " << seed << "\n";
  INFO("fault proxy seed " << seed);
  testing::FaultProxy::Options po;
  po.fault_percent = 45;
  po.delay_max_ms = 100;
  po.stall_ms = 200;  // below the agent's timeout here: a slow hub, not a lost answer
  po.hold_max_ms = 200;
  testing::FaultProxy proxy(hub.server->port(), seed, po);
  const std::string url = "http://127.0.0.1:" + std::to_string(proxy.port());
  Till a("S001", clock, ""), b("S002", clock, "");
  // Enrolment goes direct: a lost enrolment answer burns the one-time token.
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), "").ok());
  REQUIRE(b.agent->Enroll(hub.Url(), hub.AddStore("S002"), "").ok());
  REQUIRE(a.agent->SyncOnce().status.ok());
  REQUIRE(b.agent->SyncOnce().status.ok());
  for (Till* t : {&a, &b}) t->db->Prepare("UPDATE sync_state SET hub_url = ?").Bind(1, url).Run();

  sync::AgentOptions small;
  small.max_batch_events = 3;  // many batches, so faults land between them
  sync::SyncAgent agent_a(*a.db, *a.transport, clock, small), agent_b(*b.db, *b.transport, clock, small);
  std::mt19937_64 rng(seed);
  constexpr int kRounds = 25;
  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (Till* t : {&a, &b}) {
      const int sales = static_cast<int>(rng() % 4);
      for (int i = 0; i < sales; ++i) t->Sell({{rng() % 2 ? "A001" : "A002", 1 + static_cast<int64_t>(rng() % 3)}});
    }
    failures += agent_a.SyncOnce().status.ok() ? 0 : 1;
    failures += agent_b.SyncOnce().status.ok() ? 0 : 1;
  }
  proxy.set_fault_percent(0);
  proxy.Flush();
  bool clean = false;
  for (int i = 0; i < 10 && !clean; ++i) {
    clean = agent_a.SyncOnce().status.ok() & agent_b.SyncOnce().status.ok();
  }
  REQUIRE(clean);
  std::cout << "sync e2e fault proxy: " << failures << " failed rounds; " << proxy.CountsText() << "\n";
  CHECK(failures > 0);

  for (Till* t : {&a, &b}) {
    auto dev = LoadDevice(*t->db);
    auto heads = hub.store->Heads(dev->device_id);
    REQUIRE(heads.ok());
    REQUIRE(heads->size() == 1);
    CHECK((*heads)[0].first_seq == 1);
    CHECK((*heads)[0].head_seq == JournalHead(*t->db)->seq);
    CHECK((*heads)[0].head_hash_hex == HexEncode(JournalHead(*t->db)->hash));
    for (const char* sku : {"A001", "A002"}) CHECK(hub.StockOf(sku, t->code) == t->LocalStock(sku));
    json row = hub.SalesRow(t->code, "2000-01-01", "2100-01-01");
    CHECK(row.value("sales_fen", int64_t{0}) == t->LocalSalesFen());
    CHECK(row.value("receipts", int64_t{0}) == t->LocalSalesCount());
    CHECK(sync::GetSyncStatus(*t->db, clock)->pending_events == 0);
  }
}

TEST_CASE("sync e2e: linli enroll, sync and sync status on the command line") {
  SystemClock clock;
  Hub hub(clock, /*tls=*/true);
  hub.Catalogue();
  testing::TempDir dir;
  const std::string db = testing::MakeStore(dir, "S001");
  const std::string token = hub.AddStore("S001");
  auto r = testing::RunLinli("enroll --db '" + db + "' --hub " + hub.Url() + " --token " + token + " --ca '" +
                             hub.certs.ca_cert + "'");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("enrolled with") != std::string::npos);
  r = testing::RunLinli("sync --db '" + db + "' --json");
  REQUIRE_MESSAGE(r.exit_code == 0, (r.err + r.out));
  json j = json::parse(r.out);
  CHECK(j["ok"] == true);
  CHECK(j["pulled_changes"] == 6);
  r = testing::RunLinli("sync status --db '" + db + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Nothing waiting to be sent") != std::string::npos);
  CHECK(r.out.find("Last successful sync: 20") != std::string::npos);
  r = testing::RunLinli("sync --db '" + db + "' --daemon --max-rounds 2");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("sync ok") != std::string::npos);

  // A wrong CA is refused, and said so in plain words.
  hub::CertPaths other = *hub::InitCertificates(dir.File("other"), {});
  testing::TempDir dir2;
  const std::string db2 = testing::MakeStore(dir2, "S002");
  r = testing::RunLinli("enroll --db '" + db2 + "' --hub " + hub.Url() + " --token " + hub.AddStore("S002") +
                        " --ca '" + other.ca_cert + "'");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("pinned CA") != std::string::npos);
}

}  // namespace

TEST_CASE("sync e2e: a product a manager adds at the till travels to the hub, and its sales count at HQ") {
  FakeClock clock(kT0);
  Hub hub(clock, /*tls=*/true);
  hub.Catalogue();
  Till a("S001", clock, hub.ca_pem);
  REQUIRE(a.agent->Enroll(hub.Url(), hub.AddStore("S001"), hub.ca_pem).ok());
  REQUIRE(a.agent->SyncOnce().status.ok());
  // Offline, the shop adds a product for a barcode HQ does not know, and sells it.
  User manager{"2001", "李店长", Role::kManager};
  REQUIRE(AddUser(*a.db, manager, "9999", clock).ok());
  TillProductEdit edit;
  edit.barcode = "6970000000017";
  edit.name = "手工馒头";
  edit.price_fen = 150;
  auto saved = SaveTillProduct(*a.db, edit, manager, std::nullopt, clock);
  REQUIRE_MESSAGE(saved.ok(), saved.status().ToString());
  a.Sell({{"N6970000000017", 4}, {"A001", 1}});
  sync::SyncReport r = a.agent->SyncOnce();
  REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  // HQ sees the store's product, its stock and the whole sale (not flagged).
  CHECK(hub.StockOf("N6970000000017", "S001") == -4000);
  const json row = hub.SalesRow("S001", "2026-01-01", "2100-01-01");
  CHECK(row["sales_fen"] == 4 * 150 + 350);
  auto listed = hub.store->StoreProducts(hub.org_id, "S001");
  REQUIRE(listed.ok());
  REQUIRE((*listed)["products"].size() == 1);
  CHECK((*listed)["products"][0]["name"] == "手工馒头");
  CHECK((*listed)["products"][0]["in_org_catalog"] == false);
  auto stores = hub.store->Stores(hub.org_id, clock.NowMs());
  REQUIRE(stores.ok());
  CHECK((*stores)["stores"][0]["flagged"] == 0);
}

}  // namespace linli
