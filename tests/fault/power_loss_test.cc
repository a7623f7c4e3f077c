// Power-loss simulation (issue 7, "Never lose a sale"). The till sells
// through FaultVfs; at a random write, sync or truncate the power goes; the
// files are rewritten to what a disk keeps after a power cut (only what a
// completed fsync covered, or that plus a random part of the rest) and the
// store is reopened with the normal VFS.
//
// With synchronous=FULL no acknowledged sale (Commit() returned OK before
// the cut) is ever lost. The NORMAL case is here to keep the choice of FULL
// explained: in WAL mode NORMAL does not sync at commit, only at checkpoints,
// so a cut loses the sales since the last checkpoint, and the till then hands
// out their receipt numbers again.
//
// LINLI_POWER_CUTS (default 100) sets the FULL cuts, LINLI_POWER_SEED replays.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fault_store.h"
#include "fault_vfs.h"
#include "testing.h"

namespace linli {
namespace {

using fault::Join;
using testing::FaultVfs;

struct Acked {
  std::string receipt_no;
  int64_t total_fen = 0;
  int64_t lines = 0;
};

struct CutOutcome {
  int64_t acknowledged = 0;  // Commit() returned OK before the cut
  int64_t lost = 0;          // of those, missing after the power came back
  int64_t reissued = 0;      // lost receipt numbers the next sale used again
  int64_t ops = 0;           // writes + syncs + truncates before the cut
  bool cut_while_idle = false;
  FaultVfs::SurvivalReport survival;
};

struct CutPlan {
  bool full = true;
  FaultVfs::LossModel model = FaultVfs::LossModel::kDropAllUnsynced;
  int64_t cut_after_ops = 0;      // 0: sell max_sales, then cut while idle
  int64_t wal_autocheckpoint = 0; // 0: SQLite's default (1000 pages)
  int max_sales = 12;
};

// One power cut against the store at `path`; the checks that must hold with
// either synchronous setting are REQUIREd here, the loss is returned.
CutOutcome PowerCut(const std::string& path, const CutPlan& plan, std::mt19937_64& rng) {
  FaultVfs& vfs = FaultVfs::TEST_Install();
  vfs.Reset();
  CutOutcome out;
  std::vector<Acked> acked;
  {
    OpenOptions o;
    o.vfs = FaultVfs::kName;
    o.synchronous_full = plan.full;
    vfs.CutPowerAfterOps(plan.cut_after_ops);
    // The cut may land anywhere from here on, opening included.
    auto db = OpenStore(path, o);
    if (db.ok()) {
      SystemClock clock;
      Status st = Guard([&] {
        if (plan.wal_autocheckpoint > 0) {
          (*db)->Exec("PRAGMA wal_autocheckpoint=" + std::to_string(plan.wal_autocheckpoint));
        }
      });
      Checkout co(**db, clock, fault::kCashier, nullptr);
      if (st.ok()) st = co.Init();
      for (int i = 0; st.ok() && i < plan.max_sales; ++i) {
        REQUIRE(fault::FillRandomCart(co, rng) == "");
        auto sale = co.Commit();
        if (!sale.ok()) {
          st = sale.status();
          break;
        }
        acked.push_back({sale->receipt_no, sale->priced.total_fen,
                         static_cast<int64_t>(sale->priced.lines.size())});
      }
      // Only the power cut may stop the till.
      REQUIRE_MESSAGE((st.ok() || vfs.power_cut()), st.ToString());
    } else {
      REQUIRE_MESSAGE(vfs.power_cut(), db.status().ToString());
    }
    out.ops = vfs.counts().total();
    if (!vfs.power_cut()) {
      out.cut_while_idle = true;
      vfs.CutPower();
    }
    // The connection closes with the power off: nothing more reaches the disk.
  }
  out.survival = vfs.RestoreDurableState(plan.model, rng);
  out.acknowledged = static_cast<int64_t>(acked.size());

  // The power is back: the till starts with the normal VFS.
  auto db = OpenStore(path);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  std::set<std::string> lost;
  for (const Acked& a : acked) {
    Statement s = (*db)->Prepare(
        "SELECT s.total_fen, (SELECT count(*) FROM sale_lines l WHERE l.sale_id = s.id) FROM sales s "
        "WHERE s.receipt_no = ?");
    s.Bind(1, a.receipt_no);
    if (!s.Step()) {
      lost.insert(a.receipt_no);
      continue;
    }
    CHECK(s.Int(0) == a.total_fen);
    CHECK(s.Int(1) == a.lines);
  }
  out.lost = static_cast<int64_t>(lost.size());
  // Whatever survived is whole and consistent, with either setting.
  std::vector<std::string> problems = fault::StoreProblems(**db);
  REQUIRE_MESSAGE(problems.empty(), Join(problems));
  // And the till sells again.
  SystemClock clock;
  Checkout co(**db, clock, fault::kCashier, nullptr);
  REQUIRE(co.Init().ok());
  REQUIRE(fault::FillRandomCart(co, rng) == "");
  auto sale = co.Commit();
  REQUIRE_MESSAGE(sale.ok(), sale.status().ToString());
  if (lost.count(sale->receipt_no)) ++out.reissued;
  return out;
}

void FreshStore(const std::string& templ, const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
  std::filesystem::copy_file(templ, path);
}

// Writes + syncs + truncates one sale makes, to spread the cut points.
int64_t OpsPerSale(const std::string& templ, const std::string& path, bool full, std::mt19937_64& rng) {
  FreshStore(templ, path);
  CutPlan plan;
  plan.full = full;
  plan.cut_after_ops = 0;
  plan.max_sales = 10;
  CutOutcome o = PowerCut(path, plan, rng);
  return std::max<int64_t>(1, o.ops / plan.max_sales);
}

}  // namespace

TEST_CASE("power loss: with synchronous=FULL no acknowledged sale is lost in N cuts") {
  const uint64_t cuts = fault::EnvU64("LINLI_POWER_CUTS", 100);
  const uint64_t seed = fault::EnvU64("LINLI_POWER_SEED", std::random_device{}());
  MESSAGE("power loss FULL: cuts=" << cuts << " seed=" << seed << " (replay: LINLI_POWER_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  testing::TempDir dir;
  const std::string templ = dir.File("template.db"), path = dir.File("store.db");
  REQUIRE(fault::MakeFaultStore(templ) == "");
  const int64_t per_sale = OpsPerSale(templ, path, /*full=*/true, rng);

  int64_t acked = 0, lost = 0, idle = 0, dropped = 0, kept = 0;
  for (uint64_t i = 0; i < cuts; ++i) {
    if (i % 20 == 0) FreshStore(templ, path);  // keeps the journal short to verify
    CutPlan plan;
    plan.full = true;
    // Half the cuts drop every unsynced write; half keep a random part of
    // them. Half checkpoint every few pages, so cuts land in checkpoints too.
    plan.model = i % 2 ? FaultVfs::LossModel::kKeepRandomSubset : FaultVfs::LossModel::kDropAllUnsynced;
    plan.wal_autocheckpoint = (i / 2) % 2 ? 8 : 0;
    plan.cut_after_ops = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(per_sale * (plan.max_sales + 1)));
    CAPTURE(i);
    CAPTURE(plan.cut_after_ops);
    CutOutcome o = PowerCut(path, plan, rng);
    CHECK_MESSAGE(o.lost == 0, "cut " << i << " lost " << o.lost << " acknowledged sales");
    acked += o.acknowledged;
    lost += o.lost;
    idle += o.cut_while_idle;
    dropped += o.survival.pending_dropped;
    kept += o.survival.pending_kept;
  }
  MESSAGE("power loss FULL: " << cuts << " cuts (" << idle << " while idle, the rest mid-write; ~" << per_sale
                              << " writes+syncs per sale); " << acked << " acknowledged sales, " << lost
                              << " lost; " << dropped << " unsynced writes dropped, " << kept << " kept");
  CHECK(lost == 0);
  CHECK(acked > 0);
}

TEST_CASE("power loss: synchronous=NORMAL loses acknowledged sales (why the till uses FULL)") {
  const uint64_t cuts = std::max<uint64_t>(20, fault::EnvU64("LINLI_POWER_CUTS", 100) / 5);
  const uint64_t seed = fault::EnvU64("LINLI_POWER_SEED", std::random_device{}());
  MESSAGE("power loss NORMAL: cuts=" << cuts << " seed=" << seed);
  std::mt19937_64 rng(seed);
  testing::TempDir dir;
  const std::string templ = dir.File("template.db"), path = dir.File("store.db");
  REQUIRE(fault::MakeFaultStore(templ) == "");
  const int64_t per_sale = OpsPerSale(templ, path, /*full=*/false, rng);

  // [0]: SQLite's default checkpointing (every 1000 pages); [1]: every 8
  // pages, which syncs often and so loses less.
  int64_t acked[2] = {0, 0}, lost[2] = {0, 0}, reissued = 0, cuts_losing = 0;
  for (uint64_t i = 0; i < cuts; ++i) {
    if (i % 20 == 0) FreshStore(templ, path);
    CutPlan plan;
    plan.full = false;
    plan.model = FaultVfs::LossModel::kDropAllUnsynced;
    const int mode = static_cast<int>(i % 2);
    plan.wal_autocheckpoint = mode ? 8 : 0;
    plan.cut_after_ops = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(per_sale * (plan.max_sales + 1)));
    CAPTURE(i);
    CutOutcome o = PowerCut(path, plan, rng);
    acked[mode] += o.acknowledged;
    lost[mode] += o.lost;
    reissued += o.reissued;
    cuts_losing += o.lost > 0;
  }
  MESSAGE("power loss NORMAL: " << cuts << " cuts; " << lost[0] + lost[1] << " of " << acked[0] + acked[1]
                                << " acknowledged sales lost (" << lost[0] << " of " << acked[0]
                                << " with default checkpoints, " << lost[1] << " of " << acked[1]
                                << " checkpointing every 8 pages), in " << cuts_losing << " cuts; " << reissued
                                << " lost receipt numbers handed out again by the next sale");
  CHECK(lost[0] + lost[1] > 0);
}

}  // namespace linli
