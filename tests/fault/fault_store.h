// Shared by the crash-safety suites (kill, power loss, disk full) and the
// till child: a small store to sell from, one random sale, and the checks a
// store must pass after any crash.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/journal.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"

namespace linli::fault {

inline const User kCashier{"1001", "张三", Role::kCashier};

inline std::string CatalogCsv() {
  return "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n"
         "A001,6901234567892,可口可乐 330ml,饮料,pcs,3.50,2.10,13,\n"
         "A002,6920202888883,农夫山泉 550ml,饮料,pcs,2,1.20,13,\n"
         "B001,,饼干,零食,pcs,5.00,3.00,6,\n"
         "C001,,水果糖,零食,pcs,0.01,0.00,13,\n"
         "D001,,大米 5kg,粮油,pcs,59.90,40.00,0,\n";
}

// A new store at `path` with the catalog and the cashier; "" when it worked,
// else what failed. Opened with the normal VFS and closed again, so the file
// on disk is complete (no WAL).
inline std::string MakeFaultStore(const std::string& path) {
  SystemClock clock;
  Status st = InitStore(path, {"S001", "测试店", "Asia/Shanghai"}, clock);
  if (!st.ok()) return "InitStore: " + st.ToString();
  auto db = OpenStore(path);
  if (!db.ok()) return "OpenStore: " + db.status().ToString();
  auto r = ImportCatalogCsv(**db, CatalogCsv(), {}, clock);
  if (!r.ok() || !r->written) return "ImportCatalogCsv failed";
  st = AddUser(**db, kCashier, "1234", clock);
  if (!st.ok()) return "AddUser: " + st.ToString();
  return "";
}

// Fills `co` with one to four random lines and pays cash (rounded up to the
// yuan); returns "" or what failed.
inline std::string FillRandomCart(Checkout& co, std::mt19937_64& rng) {
  static const char* kSkus[] = {"A001", "A002", "B001", "C001", "D001"};
  const int lines = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < lines; ++i) {
    const int64_t qty = 1000 * (1 + static_cast<int64_t>(rng() % 3));
    auto l = co.AddSku(kSkus[rng() % 5], qty);
    if (!l.ok()) return "AddSku: " + l.status().ToString();
  }
  auto due = co.RemainingFen();
  if (!due.ok()) return "RemainingFen: " + due.status().ToString();
  Status st = co.PayCash((*due + 99) / 100 * 100);
  if (!st.ok()) return "PayCash: " + st.ToString();
  return "";
}

inline int64_t QueryInt(Database& db, const std::string& sql) {
  Statement s = db.Prepare(sql);
  if (!s.Step() || s.IsNull(0)) return 0;
  return s.Int(0);
}

// Row counts of everything a sale writes, to show a failed commit left
// nothing behind.
inline std::map<std::string, int64_t> SaleFootprint(Database& db) {
  std::map<std::string, int64_t> out;
  for (const char* t : {"sales", "sale_lines", "sale_tenders", "sale_promotions", "stock_movements",
                        "journal", "audit_log"}) {
    out[t] = QueryInt(db, std::string("SELECT count(*) FROM ") + t);
  }
  out["stock_on_hand.sum"] = QueryInt(db, "SELECT COALESCE(SUM(qty_milli), 0) FROM stock_on_hand");
  out["receipt_counters.sum"] = QueryInt(db, "SELECT COALESCE(SUM(last_seq), 0) FROM receipt_counters");
  out["journal_head.seq"] = QueryInt(db, "SELECT seq FROM journal_head");
  return out;
}

// Everything that must hold in a store after any crash, power cut or failed
// write; returns the problems found (empty when the store is sound):
//   - PRAGMA integrity_check is "ok" and foreign_key_check finds nothing;
//   - VerifyJournal passes: seq gapless from 1, chain, signatures, head;
//   - every sale is whole: its lines and tenders add up to its total, its
//     journal row (same seq and hash, type = kind) exists, and its stock
//     movements match its lines; every sale journal row has its sale;
//   - stock_on_hand equals the sum of movements for every product;
//   - receipt numbers have no gap: each day's counter equals its sales.
inline std::vector<std::string> StoreProblems(Database& db) {
  std::vector<std::string> problems;
  try {
    {
      Statement s = db.Prepare("PRAGMA integrity_check");
      std::string result;
      while (s.Step()) result += s.Text(0) + ";";
      if (result != "ok;") problems.push_back("integrity_check: " + result);
    }
    {
      Statement s = db.Prepare("PRAGMA foreign_key_check");
      if (s.Step()) problems.push_back("foreign_key_check found a dangling row in " + s.Text(0));
    }
    JournalVerifyReport v = VerifyJournal(db);
    if (!v.ok) problems.push_back("journal verify: " + v.reason);
    if (QueryInt(db, "SELECT count(*) FROM journal") != QueryInt(db, "SELECT COALESCE(MAX(seq), 0) FROM journal")) {
      problems.push_back("journal seq has a gap");
    }
    Statement bad = db.Prepare(
        "SELECT s.receipt_no, "
        "  (SELECT count(*) FROM sale_lines l WHERE l.sale_id = s.id) AS n_lines, "
        "  (SELECT COALESCE(SUM(l.total_fen), -1) FROM sale_lines l WHERE l.sale_id = s.id) AS lines_fen, "
        "  (SELECT COALESCE(SUM(t.amount_fen), -1) FROM sale_tenders t WHERE t.sale_id = s.id) AS paid_fen, "
        "  (SELECT count(*) FROM journal j WHERE j.seq = s.journal_seq AND j.type = s.kind "
        "     AND lower(hex(j.hash)) = s.journal_hash) AS n_journal, "
        "  (SELECT count(*) FROM stock_movements m WHERE m.ref = s.receipt_no) AS n_moves, "
        "  (SELECT COALESCE(SUM(m.qty_milli), 0) FROM stock_movements m WHERE m.ref = s.receipt_no) AS moved, "
        "  (SELECT COALESCE(SUM(l.qty_milli), 0) FROM sale_lines l WHERE l.sale_id = s.id) AS qty, "
        "  s.total_fen "
        "FROM sales s");
    while (bad.Step()) {
      const std::string r = bad.Text(0);
      const int64_t n_lines = bad.Int(1), lines_fen = bad.Int(2), paid = bad.Int(3);
      const int64_t n_journal = bad.Int(4), n_moves = bad.Int(5), moved = bad.Int(6), qty = bad.Int(7);
      const int64_t total = bad.Int(8);
      if (n_lines < 1 || lines_fen != total) problems.push_back(r + ": lines do not add up to the total");
      if (paid != total) problems.push_back(r + ": tenders do not add up to the total");
      if (n_journal != 1) problems.push_back(r + ": no matching journal row");
      if (n_moves != n_lines || moved != -qty) problems.push_back(r + ": stock movements do not match its lines");
    }
    const int64_t sale_events = QueryInt(db, "SELECT count(*) FROM journal WHERE type = 'sale'");
    const int64_t sales = QueryInt(db, "SELECT count(*) FROM sales WHERE kind = 'sale'");
    if (sale_events != sales) {
      problems.push_back("journal has " + std::to_string(sale_events) + " sale events for " +
                         std::to_string(sales) + " sales");
    }
    const int64_t stock_off = QueryInt(
        db,
        "SELECT count(*) FROM products p WHERE "
        "COALESCE((SELECT qty_milli FROM stock_on_hand h WHERE h.product_id = p.id), 0) != "
        "COALESCE((SELECT SUM(qty_milli) FROM stock_movements m WHERE m.product_id = p.id), 0)");
    if (stock_off != 0) problems.push_back(std::to_string(stock_off) + " products: on-hand != sum of movements");
    const int64_t counters_off = QueryInt(
        db,
        "SELECT count(*) FROM receipt_counters c WHERE c.last_seq != "
        "(SELECT count(*) FROM sales s WHERE s.business_date = c.business_date)");
    if (counters_off != 0) problems.push_back("receipt numbers have a gap");
  } catch (const DbError& e) {
    problems.push_back(std::string("cannot check the store: ") + e.what());
  }
  return problems;
}

inline std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : "\n  ") + s;
  return out;
}

// A number from the environment (replaying a seed, a longer run), or `def`.
inline uint64_t EnvU64(const char* name, uint64_t def) {
  const char* v = std::getenv(name);
  if (!v || !*v) return def;
  return std::strtoull(v, nullptr, 10);
}

}  // namespace linli::fault
