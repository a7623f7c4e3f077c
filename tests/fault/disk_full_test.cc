// Disk full and I/O errors during a commit (issue 7, "Never lose a sale").
//
// FaultVfs fails one step of a sale's commit with SQLITE_FULL or an I/O
// error: the k-th write, for every k a commit makes, then the k-th sync and
// the k-th truncate, with and without a checkpoint inside the commit. The
// fault stays until "space is back" (ClearFailures), as a full disk does.
// After each: the sale is whole (Commit() said OK) or absent to the last row
// (it said why, in words a cashier can act on); the store passes every
// check; a retry while the disk is still full fails the same clean way; and
// once space is back the same Checkout commits the same cart.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "fault_store.h"
#include "fault_vfs.h"
#include "testing.h"

namespace linli {
namespace {

using fault::Join;
using fault::SaleFootprint;
using testing::FaultVfs;
using Footprint = std::map<std::string, int64_t>;

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// What one committed sale adds to the footprint.
Footprint SaleDelta(const Checkout& co) {
  int64_t lines = 0, qty = 0;
  for (const CartLine& l : co.lines()) {
    if (l.voided) continue;
    ++lines;
    qty += l.qty_milli;
  }
  return {{"sales", 1},        {"sale_lines", lines},  {"sale_tenders", 1},        {"sale_promotions", 0},
          {"stock_movements", lines}, {"journal", 1},  {"audit_log", 0},          {"stock_on_hand.sum", -qty},
          {"receipt_counters.sum", 1}, {"journal_head.seq", 1}};
}

Footprint Plus(Footprint a, const Footprint& d) {
  for (const auto& [k, v] : d) a[k] += v;
  return a;
}

std::string Show(const Footprint& f) {
  std::string s;
  for (const auto& [k, v] : f) s += k + "=" + std::to_string(v) + " ";
  return s;
}

int64_t SalesWithUuid(Database& db, const std::string& uuid) {
  Statement s = db.Prepare("SELECT count(*) FROM sales WHERE sale_uuid = ?");
  s.Bind(1, uuid);
  s.Step();
  return s.Int(0);
}

struct Fault {
  FaultVfs::Op op;
  int code;
  const char* name;
  const char* words;    // what the cashier must read
  const char* outcome;  // ... and what it says about the sale
  bool known_absent;    // the refused sale stays out even after a crash
};

// A failed write means the commit never reached the WAL whole: the sale is
// absent, and the message says so. A failed sync leaves the outcome unknown
// (the frames are in the file; a crash before the next write brings the sale
// back, whole), and the message says that instead.
const Fault kFaults[] = {
    {FaultVfs::Op::kWrite, SQLITE_FULL, "write: SQLITE_FULL", "the disk is full", "nothing was saved", true},
    {FaultVfs::Op::kWrite, SQLITE_IOERR_WRITE, "write: SQLITE_IOERR_WRITE", "the disk reported an error",
     "nothing was saved", true},
    {FaultVfs::Op::kSync, SQLITE_IOERR_FSYNC, "sync: SQLITE_IOERR_FSYNC", "the disk reported an error",
     "may or may not have been kept", false},
    {FaultVfs::Op::kTruncate, SQLITE_IOERR_TRUNCATE, "truncate: SQLITE_IOERR_TRUNCATE",
     "the disk reported an error", "nothing was saved", true},
    {FaultVfs::Op::kTruncate, SQLITE_FULL, "truncate: SQLITE_FULL", "the disk is full", "nothing was saved", true},
};

int64_t CountOf(const FaultVfs::Counts& c, FaultVfs::Op op) {
  switch (op) {
    case FaultVfs::Op::kWrite: return c.writes;
    case FaultVfs::Op::kSync: return c.syncs;
    case FaultVfs::Op::kTruncate: return c.truncates;
  }
  return 0;
}

// The files as a crash at this moment would leave them (the process dies,
// the kernel keeps what it was given): the database and its WAL, copied while
// the connection is still open. Returns whether the sale `uuid` is in that
// copy; the copy must pass every check either way.
bool InCrashCopy(const std::string& path, const std::string& dir, const std::string& uuid) {
  const std::string copy = dir + "/crash.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(copy + suffix);
  std::filesystem::copy_file(path, copy);
  if (std::filesystem::exists(path + "-wal")) std::filesystem::copy_file(path + "-wal", copy + "-wal");
  auto db = OpenStore(copy);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  std::vector<std::string> problems = fault::StoreProblems(**db);
  CHECK_MESSAGE(problems.empty(), Join(problems));
  return SalesWithUuid(**db, uuid) == 1;
}

}  // namespace

TEST_CASE("disk full: a fault at any write, sync or truncate of a commit leaves the sale whole or absent") {
  const uint64_t seed = fault::EnvU64("LINLI_DISK_FULL_SEED", std::random_device{}());
  MESSAGE("disk full: seed=" << seed << " (replay: LINLI_DISK_FULL_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  FaultVfs& vfs = FaultVfs::TEST_Install();
  vfs.Reset();
  testing::TempDir dir;
  const std::string path = dir.File("store.db");
  REQUIRE(fault::MakeFaultStore(path) == "");

  int64_t steps = 0, failed = 0, whole_anyway = 0, reappear_after_crash = 0;
  // 0: SQLite's default checkpointing (rarely inside a commit); 1: a
  // checkpoint after every commit, so its writes and syncs are steps too.
  for (int autocheckpoint : {0, 1}) {
    CAPTURE(autocheckpoint);
    OpenOptions o;
    o.vfs = FaultVfs::kName;
    auto db = OpenStore(path, o);
    REQUIRE_MESSAGE(db.ok(), db.status().ToString());
    if (autocheckpoint) (*db)->Exec("PRAGMA wal_autocheckpoint=1");
    SystemClock clock;

    // How many of each step one commit makes (measured on a warm connection).
    FaultVfs::Counts per_commit;
    for (int i = 0; i < 2; ++i) {
      Checkout co(**db, clock, fault::kCashier, nullptr);
      REQUIRE(co.Init().ok());
      REQUIRE(fault::FillRandomCart(co, rng) == "");
      vfs.ResetCounts();
      REQUIRE(co.Commit().ok());
      per_commit = vfs.counts();
    }
    MESSAGE("disk full: autocheckpoint=" << autocheckpoint << ": one commit makes " << per_commit.writes
                                         << " writes, " << per_commit.syncs << " syncs, " << per_commit.truncates
                                         << " truncates");
    REQUIRE(per_commit.writes > 0);
    REQUIRE(per_commit.syncs > 0);

    for (const Fault& f : kFaults) {
      const std::string fault_name = f.name;
    CAPTURE(fault_name);
      // Every step, and a few past the last, since commits vary in size.
      const int64_t last = CountOf(per_commit, f.op) + 3;
      for (int64_t k = 1; k <= last; ++k) {
        CAPTURE(k);
        ++steps;
        Checkout co(**db, clock, fault::kCashier, nullptr);
        REQUIRE(co.Init().ok());
        REQUIRE(fault::FillRandomCart(co, rng) == "");
        const std::string uuid = co.sale_uuid();
        const Footprint before = SaleFootprint(**db);
        const Footprint whole = Plus(before, SaleDelta(co));

        vfs.FailFrom(f.op, k, f.code);
        const int64_t injected_before = vfs.failures_injected();
        auto sale = co.Commit();
        const bool hit = vfs.failures_injected() > injected_before;
        if (sale.ok()) {
          // The fault came after the commit point (a checkpoint's write) or
          // not at all: the sale is there, whole.
          if (hit) ++whole_anyway;
          CHECK(SalesWithUuid(**db, uuid) == 1);
          CHECK_MESSAGE(SaleFootprint(**db) == whole, Show(SaleFootprint(**db)) << " vs " << Show(whole));
        } else {
          ++failed;
          CHECK(hit);
          const std::string msg = sale.status().message();
          CHECK_MESSAGE(Has(msg, f.words), msg);
          CHECK_MESSAGE(Has(msg, f.outcome), msg);
          CHECK(SalesWithUuid(**db, uuid) == 0);
          CHECK_MESSAGE(SaleFootprint(**db) == before, Show(SaleFootprint(**db)) << " vs " << Show(before));
          // The cashier tries again before freeing space: the same clean refusal.
          auto again = co.Commit();
          CHECK_FALSE(again.ok());
          if (!again.ok()) CHECK_MESSAGE(Has(again.status().message(), f.outcome), again.status().message());
          CHECK(SaleFootprint(**db) == before);
          // Were the till to crash now, before anything else is written.
          if (InCrashCopy(path, dir.path().string(), uuid)) {
            ++reappear_after_crash;
            CHECK_MESSAGE(!f.known_absent, "a crash after a refused commit brought the sale back");
          }
        }
        std::vector<std::string> problems = fault::StoreProblems(**db);
        CHECK_MESSAGE(problems.empty(), Join(problems));

        // Space is back: the same checkout finishes the same cart.
        vfs.ClearFailures();
        if (!sale.ok()) {
          auto retry = co.Commit();
          REQUIRE_MESSAGE(retry.ok(), retry.status().ToString());
          CHECK(SalesWithUuid(**db, uuid) == 1);
          CHECK_MESSAGE(SaleFootprint(**db) == whole, Show(SaleFootprint(**db)) << " vs " << Show(whole));
        }
      }
    }
  }

  // After all that, the store reopens with the normal VFS, checks clean, and sells.
  auto db = OpenStore(path);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  std::vector<std::string> problems = fault::StoreProblems(**db);
  REQUIRE_MESSAGE(problems.empty(), Join(problems));
  SystemClock clock;
  Checkout co(**db, clock, fault::kCashier, nullptr);
  REQUIRE(co.Init().ok());
  REQUIRE(fault::FillRandomCart(co, rng) == "");
  REQUIRE(co.Commit().ok());
  MESSAGE("disk full: " << steps << " fault points; " << failed << " commits refused cleanly and retried OK, "
                        << whole_anyway << " faults after the commit point left the sale whole; " << reappear_after_crash
                        << " refused sales (all failed syncs) would come back, whole, after a crash");
  CHECK(failed > 0);
}

}  // namespace linli
