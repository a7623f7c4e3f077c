// Checkout benchmark: committing a durable 5-line cash sale side by side with
// raw SQLite doing the same row writes, and scanning into a 100-line cart.
//
// Targets (from the issue):
//   commit            a 5-line cash sale (durable) within 1.5× of raw SQLite
//                     doing the same row writes in one transaction with the
//                     same settings, measured side by side in one run
//   scan              adding a scanned item to a 100-line cart < 1 ms
//
// The raw baseline runs on a SEPARATE database file in the same directory,
// opened with the pragmas Database::Open uses (WAL, synchronous=FULL,
// foreign_keys=ON, busy_timeout) and given the store's own table definitions
// (copied at run time from the store's sqlite_schema, so they never drift from
// schema/store/*.sql), the same products and the same device/journal_head
// rows. Per sale it runs, in one BEGIN IMMEDIATE…COMMIT with prepared
// statements, the statements WriteSale/AppendJournal/RecordMovement run
// (pos/sale/src/sale_writer.cc, journal.cc, inventory.cc; keep in sync): receipt
// counter upsert, open-shift lookup, journal head+device lookup, 1 journal row
// (a payload as long as ours, a 32-byte hash and 64-byte signature of random
// bytes), journal_head update, 1 sales row, 5 × (sale_lines row, stock
// movement, stock_on_hand upsert), 1 tender. What it leaves out is exactly
// Linli's CPU work: pricing, the JSON payload, SHA-256, Ed25519, ICU dates.
//
// Usage: checkout_bench [ITER] [--keep]
//   ITER    commits per side and 100-line-cart scans per config (default 2000;
//           e.g. 50 for a quick smoke run)
//   --keep  leave the databases in /tmp for inspection (paths printed)
//
// Prints a table, then one JSON line {"bench":"checkout",...} for aggregators.
// Exits 0 whether or not targets are met; missed ones are marked MISS.

#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "linli/pos/db.h"
#include "linli/pos/events.h"
#include "linli/pos/journal.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }
double Us(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::micro>(b - a).count(); }

// ---- Small helpers ---------------------------------------------------------

class BenchTempDir {
 public:
  BenchTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "linli-checkout-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    path_ = tmpl;
  }
  ~BenchTempDir() {
    if (keep_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  BenchTempDir(const BenchTempDir&) = delete;
  BenchTempDir& operator=(const BenchTempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  void Keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

// splitmix64: deterministic, fast, good enough for test data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  std::string Bytes(size_t n) {
    std::string out(n, '\0');
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(Next() & 0xff);
    return out;
  }

 private:
  uint64_t s_;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

double Mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

const char* Mark(bool ok) { return ok ? "ok" : "MISS"; }
const char* Bool(bool b) { return b ? "true" : "false"; }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "checkout_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(linli::Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}
void Must(const linli::Status& st, const char* what) {
  if (!st.ok()) Die(std::string(what) + ": " + st.ToString());
}

// ---- Test data -------------------------------------------------------------

constexpr const char* kBrands[] = {"康师傅", "统一", "可口可乐", "农夫山泉", "伊利", "蒙牛", "旺旺", "乐事",
                                   "金龙鱼", "海天", "老干妈", "立白", "心相印", "舒肤佳", "青岛", "白象"};
struct Word {
  const char* word;
  const char* category;
};
constexpr Word kWords[] = {{"红烧牛肉面", "方便食品"}, {"纯牛奶", "乳制品"}, {"酸牛奶", "乳制品"},
                           {"可乐", "饮料"},           {"矿泉水", "饮料"}, {"冰红茶", "饮料"},
                           {"薯片", "休闲零食"},       {"饼干", "休闲零食"}, {"啤酒", "酒水"},
                           {"花生油", "粮油"},         {"生抽", "调味品"}, {"洗衣液", "日化清洁"},
                           {"抽纸", "纸品"},           {"香皂", "个人护理"}, {"火腿肠", "生鲜肉禽"}};

struct ProductRow {
  std::string sku, code, name, category;
  int64_t price_fen = 0;
};

std::vector<ProductRow> MakeProducts(int n, std::string& csv) {
  Rng rng(20261121);
  std::unordered_set<std::string> used;
  std::vector<ProductRow> out;
  csv = "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n";
  for (int i = 1; i <= n; ++i) {
    ProductRow p;
    char buf[32];
    std::snprintf(buf, sizeof buf, "C%05d", i);
    p.sku = buf;
    while (true) {
      std::snprintf(buf, sizeof buf, "69%010llu", static_cast<unsigned long long>(rng.Below(10000000000ull)));
      std::string body = buf;
      p.code = body + linli::GtinCheckDigit(body);
      if (used.insert(p.code).second) break;
    }
    const Word& w = kWords[rng.Below(std::size(kWords))];
    p.name = std::string(kBrands[rng.Below(std::size(kBrands))]) + w.word + "-" + std::to_string(i);
    p.category = w.category;
    p.price_fen = 100 + static_cast<int64_t>(rng.Below(4900));
    std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(p.price_fen / 100),
                  static_cast<long long>(p.price_fen % 100));
    const std::string price = buf;
    const int64_t cost = p.price_fen * 7 / 10;
    std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cost / 100), static_cast<long long>(cost % 100));
    csv += p.sku + "," + p.code + "," + p.name + "," + p.category + ",pcs," + price + "," + buf + ",13,\n";
    out.push_back(std::move(p));
  }
  return out;
}

// A realistic promotion set: every type, on categories (so many of a
// 100-line cart's units are candidates) and on a few SKUs.
std::string MakePromotions(const std::vector<ProductRow>& products) {
  auto sku = [&](size_t i) { return "\"" + products[i % products.size()].sku + "\""; };
  return std::string(R"({"promotions": [)") +
         R"({"id": "P1", "name": "饮料九折", "type": "percent_off", "categories": ["饮料"], "percent": 10},)" +
         R"({"id": "P2", "name": "牛奶第二件半价", "type": "nth_item_percent", "categories": ["乳制品"], "nth": 2, "percent": 50},)" +
         R"({"id": "P3", "name": "零食三件十元", "type": "bundle_price", "categories": ["休闲零食"], "qty": 3, "price": "10.00"},)" +
         R"({"id": "P4", "name": "方便面买二送一", "type": "buy_x_get_y", "buy_categories": ["方便食品"], "buy_qty": 2, "get_qty": 1},)" +
         R"({"id": "P5", "name": "特价", "type": "fixed_price", "skus": [)" + sku(3) + "," + sku(7) + "," + sku(11) +
         R"(], "price": "1.00"},)" +
         R"({"id": "P6", "name": "会员价", "type": "member_price", "skus": [)" + sku(5) + R"(], "price": "0.50"})" +
         "]}";
}

// ---- Raw SQLite baseline ---------------------------------------------------

class RawStmt {
 public:
  RawStmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK) {
      Die(std::string("raw prepare: ") + sqlite3_errmsg(db) + " in " + sql);
    }
  }
  ~RawStmt() { sqlite3_finalize(s_); }
  RawStmt(const RawStmt&) = delete;
  RawStmt& operator=(const RawStmt&) = delete;
  RawStmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  RawStmt& Text(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  RawStmt& Blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  RawStmt& Null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  bool Step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Die(std::string("raw step: ") + sqlite3_errmsg(db_) + " in " + sqlite3_sql(s_));
    return false;
  }
  void Run() {
    Step();
    sqlite3_reset(s_);
  }
  void Reset() { sqlite3_reset(s_); }
  sqlite3_stmt* get() { return s_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

void RawExec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    Die("raw exec: " + msg + " in " + sql.substr(0, 200));
  }
}

// The tables a sale touches, plus those their foreign keys and subqueries name.
constexpr const char* kRawTables[] = {"categories",  "tax_classes",     "products",         "stock_movements",
                                      "stock_on_hand", "device",        "journal",          "journal_head",
                                      "shifts",       "members",        "receipt_counters", "sales",
                                      "sale_lines",   "sale_tenders",   "sale_promotions",  "payment_attempts"};

sqlite3* OpenRaw(const std::string& path, const std::string& store_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Die("raw open " + path);
  }
  sqlite3_extended_result_codes(db, 1);
  // The same settings as linli::Database::Open (pos/core/src/db.cc).
  RawExec(db, "PRAGMA busy_timeout=5000");
  RawExec(db, "PRAGMA foreign_keys=ON");
  RawExec(db, "PRAGMA journal_mode=WAL");
  RawExec(db, "PRAGMA synchronous=FULL");

  // Table, index and journal trigger definitions exactly as the store has them.
  std::string in;
  for (const char* t : kRawTables) in += std::string(in.empty() ? "'" : ",'") + t + "'";
  RawExec(db, "ATTACH DATABASE '" + store_path + "' AS store");
  std::vector<std::string> ddl;
  {
    RawStmt q(db,
              ("SELECT sql FROM store.sqlite_schema WHERE sql IS NOT NULL AND tbl_name IN (" + in +
               ") AND (type IN ('table', 'index') OR tbl_name = 'journal') "
               "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid")
                  .c_str());
    while (q.Step()) ddl.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0)));
  }
  RawExec(db, "BEGIN");
  for (const std::string& s : ddl) RawExec(db, s);
  for (const char* t : {"categories", "tax_classes", "products", "device", "stock_on_hand"}) {
    RawExec(db, std::string("INSERT INTO main.") + t + " SELECT * FROM store." + t);
  }
  RawExec(db, "INSERT INTO main.journal_head (id, seq, hash) VALUES (1, 0, zeroblob(32))");
  // Not a store table: the floor, one tiny durable write per transaction.
  RawExec(db, "CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
  RawExec(db, "INSERT INTO bench_floor (id, n) VALUES (1, 0)");
  RawExec(db, "COMMIT");
  RawExec(db, "DETACH DATABASE store");
  return db;
}

struct RawLine {
  int64_t product_id;
  const std::string* sku;
  const std::string* name;
  int64_t price_fen;
};

// Values a sale needs that the raw path is handed ready-made (ids, random
// hash and signature); formatting done per sale in Linli is done here too.
struct RawSale {
  std::string sale_uuid, event_id, hash, signature;
  RawLine lines[5];
};

class RawWriter {
 public:
  RawWriter(sqlite3* db, std::string business_date, std::string payload)
      : db_(db),
        business_date_(std::move(business_date)),
        payload_(std::move(payload)),
        begin_(db, "BEGIN IMMEDIATE"),
        commit_(db, "COMMIT"),
        receipt_(db,
                 "INSERT INTO receipt_counters (business_date, last_seq) VALUES (?, 1) "
                 "ON CONFLICT(business_date) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq"),
        shift_(db, "SELECT id FROM shifts WHERE status = 'open'"),
        head_(db,
              "SELECT h.seq, h.hash, d.device_id, d.epoch, d.private_key "
              "FROM journal_head h, device d WHERE h.id = 1 AND d.id = 1"),
        journal_(db,
                 "INSERT INTO journal (seq, event_id, type, type_version, epoch, occurred_at, payload, "
                 "prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        update_head_(db, "UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1"),
        sale_(db,
              "INSERT INTO sales (sale_uuid, receipt_no, kind, original_sale_id, business_date, occurred_at, "
              "cashier_id, approved_by, shift_id, member_id, points_earned, subtotal_fen, discount_fen, "
              "rounding_fen, total_fen, tax_fen, change_fen, journal_seq, journal_hash) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"),
        line_(db,
              "INSERT INTO sale_lines (sale_id, line_no, original_line_no, product_id, sku, name, unit, qty_milli, "
              "unit_price_fen, original_unit_price_fen, gross_fen, promo_discount_fen, line_discount_fen, "
              "order_discount_fen, rounding_fen, discount_fen, total_fen, tax_rate_bp, tax_fen, promo_ids) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"),
        movement_(db,
                  "INSERT INTO stock_movements (product_id, qty_milli, reason, ref, user_id, note, occurred_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)"),
        on_hand_(db,
                 "INSERT INTO stock_on_hand (product_id, qty_milli, updated_at) VALUES (?, ?, ?) "
                 "ON CONFLICT(product_id) DO UPDATE SET qty_milli = qty_milli + excluded.qty_milli, "
                 "updated_at = excluded.updated_at"),
        tender_(db,
                "INSERT INTO sale_tenders (sale_id, seq, method, provider, amount_fen, tendered_fen, reference, "
                "payment_attempt_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                "(SELECT id FROM payment_attempts WHERE attempt_key = ?8))") {}

  void Write(const RawSale& s, int64_t now_ms) {
    const std::string occurred_at = linli::FormatUtc(now_ms);
    begin_.Run();
    receipt_.Text(1, business_date_);
    receipt_.Step();
    const int64_t seq = sqlite3_column_int64(receipt_.get(), 0);
    receipt_.Reset();
    char receipt_no[64];
    std::snprintf(receipt_no, sizeof receipt_no, "S001-%.4s%.2s%.2s-%04lld", business_date_.c_str(),
                  business_date_.c_str() + 5, business_date_.c_str() + 8, static_cast<long long>(seq));
    int64_t shift_id = 0;
    const bool has_shift = shift_.Step();
    if (has_shift) shift_id = sqlite3_column_int64(shift_.get(), 0);
    shift_.Reset();
    if (!head_.Step()) Die("raw: no journal head");
    const int64_t jseq = sqlite3_column_int64(head_.get(), 0) + 1;
    const std::string prev_hash(static_cast<const char*>(sqlite3_column_blob(head_.get(), 1)),
                                static_cast<size_t>(sqlite3_column_bytes(head_.get(), 1)));
    const int64_t epoch = sqlite3_column_int64(head_.get(), 3);
    head_.Reset();
    journal_.Int(1, jseq).Text(2, s.event_id).Text(3, "sale").Int(4, 1).Int(5, epoch).Text(6, occurred_at);
    journal_.Blob(7, payload_).Blob(8, prev_hash).Blob(9, s.hash).Blob(10, s.signature).Run();
    update_head_.Int(1, jseq).Blob(2, s.hash).Run();

    int64_t total = 0, tax = 0;
    for (const RawLine& l : s.lines) {
      total += l.price_fen;
      tax += (l.price_fen * 1300 + 5650) / 11300;
    }
    char hash_hex[65];
    for (int i = 0; i < 32; ++i) std::snprintf(hash_hex + 2 * i, 3, "%02x", static_cast<unsigned char>(s.hash[i]));
    sale_.Text(1, s.sale_uuid).Text(2, receipt_no).Text(3, "sale").Null(4).Text(5, business_date_);
    sale_.Text(6, occurred_at).Text(7, "1001").Null(8);
    if (has_shift) sale_.Int(9, shift_id);
    else sale_.Null(9);
    sale_.Null(10).Int(11, 0).Int(12, total).Int(13, 0).Int(14, 0).Int(15, total).Int(16, tax);
    sale_.Int(17, 100000 - total).Int(18, jseq).Text(19, std::string_view(hash_hex, 64)).Run();
    const int64_t sale_id = sqlite3_last_insert_rowid(db_);
    int line_no = 1;
    for (const RawLine& l : s.lines) {
      const int64_t line_tax = (l.price_fen * 1300 + 5650) / 11300;
      line_.Int(1, sale_id).Int(2, line_no++).Null(3).Int(4, l.product_id).Text(5, *l.sku).Text(6, *l.name);
      line_.Text(7, "pcs").Int(8, 1000).Int(9, l.price_fen).Null(10).Int(11, l.price_fen).Int(12, 0).Int(13, 0);
      line_.Int(14, 0).Int(15, 0).Int(16, 0).Int(17, l.price_fen).Int(18, 1300).Int(19, line_tax).Text(20, "").Run();
      movement_.Int(1, l.product_id).Int(2, -1000).Text(3, "sale").Text(4, receipt_no).Text(5, "1001").Null(6);
      movement_.Text(7, occurred_at).Run();
      on_hand_.Int(1, l.product_id).Int(2, -1000).Text(3, occurred_at).Run();
    }
    tender_.Int(1, sale_id).Int(2, 1).Text(3, "cash").Null(4).Int(5, total).Int(6, 100000).Null(7).Text(8, "").Run();
    commit_.Run();
  }

 private:
  sqlite3* db_;
  std::string business_date_;
  std::string payload_;
  RawStmt begin_, commit_, receipt_, shift_, head_, journal_, update_head_, sale_, line_, movement_, on_hand_,
      tender_;
};

// Ed25519 with the key parsed once, as journal.cc's SignWithDeviceKey does.
class CachedSigner {
 public:
  explicit CachedSigner(const std::string& seed)
      : key_(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                          reinterpret_cast<const unsigned char*>(seed.data()), seed.size())),
        md_(EVP_MD_CTX_new()) {
    if (!key_ || !md_) Die("EVP key");
  }
  ~CachedSigner() {
    EVP_MD_CTX_free(md_);
    EVP_PKEY_free(key_);
  }
  CachedSigner(const CachedSigner&) = delete;
  CachedSigner& operator=(const CachedSigner&) = delete;
  std::string Sign(std::string_view msg) {
    std::string sig(64, '\0');
    size_t len = sig.size();
    if (EVP_DigestSignInit(md_, nullptr, nullptr, nullptr, key_) != 1 ||
        EVP_DigestSign(md_, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1) {
      Die("EVP sign");
    }
    return sig;
  }

 private:
  EVP_PKEY* key_;
  EVP_MD_CTX* md_;
};

// The journal payload Commit writes for this cart paid in cash, built the
// way the commit builds it (JournalEventOf, then sale@1's canonical JSON).
std::string SalePayload(const linli::PricedCart& priced, const std::string& receipt_no,
                        const std::string& business_date) {
  linli::CommittedSale c;
  c.sale_uuid = linli::NewUuidV7(0);
  c.receipt_no = receipt_no;
  c.business_date = business_date;
  c.cashier_id = "1001";
  c.priced = priced;
  c.tenders.push_back({"cash", "", priced.total_fen, 100000, "", ""});
  c.change_fen = 100000 - priced.total_fen;
  const linli::events::SaleEvent ev{linli::JournalEventOf(c)};
  return Must(ev.ToPayload(), "SaleEvent::ToPayload");
}

struct Stats {
  double p50, p99, mean, max;
};
Stats Summarise(const std::vector<double>& v) {
  return {Percentile(v, 0.50), Percentile(v, 0.99), Mean(v), v.empty() ? 0 : *std::max_element(v.begin(), v.end())};
}

}  // namespace

int main(int argc, char** argv) {
  int iters = 2000;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep") == 0) {
      keep = true;
    } else {
      iters = std::atoi(argv[i]);
      if (iters <= 0) Die(std::string("usage: checkout_bench [ITER] [--keep]; bad ITER \"") + argv[i] + "\"");
    }
  }
  constexpr int kProducts = 300;
  constexpr int kCartLines = 100;
  constexpr int64_t kTendered = 100000;  // ¥1000 covers any 5-line cart here

  std::printf("checkout_bench: %d commits per side, %d scans per cart config, %d products, SQLite %s, Release build "
              "expected\n",
              iters, iters, kProducts, sqlite3_libversion());
  std::fflush(stdout);

  // ---- Store.
  BenchTempDir dir;
  if (keep) dir.Keep();
  const std::string path = dir.File("store.db");
  const std::string raw_path = dir.File("raw.db");
  linli::SystemClock clock;
  Must(linli::InitStore(path, {.store_code = "S001", .name = "邻里便利店", .timezone = "Asia/Shanghai"}, clock),
       "InitStore");
  std::string csv;
  const std::vector<ProductRow> products = MakeProducts(kProducts, csv);
  auto dbr = linli::OpenStore(path);
  if (!dbr.ok()) Die("OpenStore: " + dbr.status().ToString());
  linli::Database& db = **dbr;
  {
    auto rep = Must(linli::ImportCatalogCsv(db, csv, {}, clock), "import");
    if (!rep.written || rep.inserted != kProducts) Die("import wrote " + std::to_string(rep.inserted) + " rows");
  }
  Must(linli::AddUser(db, {.id = "1001", .name = "张三", .role = linli::Role::kCashier}, "2580", clock), "AddUser");
  const linli::User cashier = Must(linli::Authenticate(db, "1001", "2580"), "Authenticate");
  std::vector<int64_t> product_ids;
  {
    linli::Catalog catalog(db);
    for (const ProductRow& p : products) {
      auto h = Must(catalog.FindByBarcode(p.code), "FindByBarcode");
      if (!h) Die("product " + p.code + " not found after import");
      product_ids.push_back(h->product.id);
    }
  }

  linli::Checkout co(db, clock, cashier, nullptr);
  Must(co.Init(), "Checkout::Init");

  // ---- Raw database: same directory, same pragmas, the store's table shapes.
  sqlite3* raw = OpenRaw(raw_path, path);
  const std::string business_date = linli::BusinessDate(clock.NowMs(), "Asia/Shanghai");

  Rng rng(99);
  auto pick5 = [&](int idx[5]) {
    for (int k = 0; k < 5; ++k) {
      bool dup;
      do {
        idx[k] = static_cast<int>(rng.Below(products.size()));
        dup = false;
        for (int j = 0; j < k; ++j) dup |= idx[j] == idx[k];
      } while (dup);
    }
  };

  std::vector<double> ours_commit_ms, ours_sale_ms, raw_commit_ms, floor_ms;
  ours_commit_ms.reserve(iters);
  ours_sale_ms.reserve(iters);
  raw_commit_ms.reserve(iters);
  int64_t sink = 0;
  auto ours_one = [&](bool record) {
    int idx[5];
    pick5(idx);
    auto a = Clock::now();
    for (int k = 0; k < 5; ++k) Must(co.Scan(products[idx[k]].code), "Scan");
    Must(co.PayCash(kTendered), "PayCash");
    auto b = Clock::now();
    auto sale = co.Commit();
    auto c = Clock::now();
    if (!sale.ok()) Die("Commit: " + sale.status().ToString());
    sink += sale->sale_id;
    if (record) {
      ours_commit_ms.push_back(Ms(b, c));
      ours_sale_ms.push_back(Ms(a, c));
    }
  };

  // Warm up ours first: its journal payload sets the raw payload's length.
  for (int i = 0; i < 20; ++i) ours_one(false);
  std::string payload_template;
  {
    linli::Statement q = db.Prepare("SELECT payload FROM journal WHERE type = 'sale' ORDER BY seq DESC LIMIT 1");
    if (!q.Step()) Die("no sale in the journal after warm-up");
    payload_template = q.Blob(0);
  }
  RawWriter raw_writer(raw, business_date, payload_template);
  auto raw_one = [&](bool record) {
    RawSale s;
    int idx[5];
    pick5(idx);
    const int64_t now = clock.NowMs();
    s.sale_uuid = linli::NewUuidV7(now);
    s.event_id = linli::NewUuidV7(now);
    s.hash = rng.Bytes(32);
    s.signature = rng.Bytes(64);
    for (int k = 0; k < 5; ++k) {
      s.lines[k] = {product_ids[idx[k]], &products[idx[k]].sku, &products[idx[k]].name, products[idx[k]].price_fen};
    }
    auto a = Clock::now();
    raw_writer.Write(s, now);
    auto b = Clock::now();
    if (record) raw_commit_ms.push_back(Ms(a, b));
  };
  for (int i = 0; i < 20; ++i) raw_one(false);
  // The durability floor on this disk: BEGIN IMMEDIATE, one 1-row UPDATE, COMMIT.
  RawStmt floor_begin(raw, "BEGIN IMMEDIATE"), floor_update(raw, "UPDATE bench_floor SET n = n + 1 WHERE id = 1"),
      floor_commit(raw, "COMMIT");
  auto floor_one = [&] {
    auto a = Clock::now();
    floor_begin.Run();
    floor_update.Run();
    floor_commit.Run();
    floor_ms.push_back(Ms(a, Clock::now()));
  };

  // ---- Durable commits, interleaved in alternating blocks.
  constexpr int kBlock = 25;
  for (int done = 0, blk = 0; done < iters; done += kBlock, ++blk) {
    const int n = std::min(kBlock, iters - done);
    if (blk % 2 == 0) {
      for (int i = 0; i < n; ++i) ours_one(true);
      for (int i = 0; i < n; ++i) raw_one(true);
    } else {
      for (int i = 0; i < n; ++i) raw_one(true);
      for (int i = 0; i < n; ++i) ours_one(true);
    }
    if (blk % 4 == 0) {
      for (int i = 0; i < 5; ++i) floor_one();
    }
  }

  // ---- Where Linli's extra time goes: its CPU work, each part timed alone
  // (the same work Commit does per sale, on a 5-line cart).
  auto device = Must(linli::LoadDevice(db), "LoadDevice");
  CachedSigner signer(device.private_key);
  std::vector<double> price5_us, bizdate_us, dates_us, json_us, hash_us, sign_us, sign_uncached_us;
  {
    int idx[5];
    pick5(idx);
    for (int k = 0; k < 5; ++k) Must(co.Scan(products[idx[k]].code), "Scan");
    const linli::PricedCart priced5 = Must(co.Price(), "Price");
    Must(co.Clear(), "Clear");
    linli::JournalEntry e;
    e.seq = 1;
    e.prev_hash = std::string(32, '\0');
    e.type = "sale";
    e.type_version = 1;
    e.epoch = 1;
    const int reps = std::max(200, iters);
    for (int i = 0; i < reps; ++i) {
      int64_t now = clock.NowMs();
      for (int k = 0; k < 5; ++k) Must(co.Scan(products[idx[k]].code), "Scan");
      auto t1 = Clock::now();
      auto p = co.Price();
      auto t2 = Clock::now();
      auto t0 = t2;
      Must(co.Clear(), "Clear");
      sink += p.ok() ? p->total_fen : 0;
      price5_us.push_back(Us(t1, t2));

      t0 = Clock::now();
      const std::string bd = linli::BusinessDate(now, "Asia/Shanghai");
      t1 = Clock::now();
      const std::string at = linli::FormatUtc(now);
      e.event_id = linli::NewUuidV7(now);
      t2 = Clock::now();
      bizdate_us.push_back(Us(t0, t1));
      dates_us.push_back(Us(t1, t2));
      sink += static_cast<int64_t>(bd.size() + at.size());
      e.occurred_at = at;

      t0 = Clock::now();
      e.payload = SalePayload(priced5, "S001-20261121-0001", bd);
      t1 = Clock::now();
      json_us.push_back(Us(t0, t1));

      t0 = Clock::now();
      e.hash = linli::ComputeJournalHash(device.device_id, e);
      t1 = Clock::now();
      hash_us.push_back(Us(t0, t1));

      t0 = Clock::now();
      const std::string sig = signer.Sign(e.hash);
      t1 = Clock::now();
      sign_us.push_back(Us(t0, t1));
      sink += sig[0];

      if (i % 4 == 0) {  // reference only: crypto.h's Ed25519Sign re-parses the key every call
        t0 = Clock::now();
        auto s2 = linli::Ed25519Sign(device.private_key, e.hash);
        t1 = Clock::now();
        sign_uncached_us.push_back(Us(t0, t1));
        sink += s2.ok() ? (*s2)[0] : 0;
      }
    }
  }

  // ---- Scanning into a 100-line cart: the 101st scan, and the reprice the UI
  // runs after every scan, without and with a promotion set. A fresh
  // 100-line cart for every measurement (Clear + 100 untimed scans).
  Must(linli::ImportPromotions(db, MakePromotions(products), /*replace=*/true, clock), "ImportPromotions");
  linli::Checkout co_promo(db, clock, cashier, nullptr);
  Must(co_promo.Init(), "Checkout::Init (promotions)");
  struct CartConfig {
    const char* name;
    linli::Checkout* checkout;
    std::vector<double> scan_us, price100_us, price101_us, scan_and_price_us;
    size_t promos_applied = 0;
  };
  CartConfig configs[2] = {{"no promotions", &co, {}, {}, {}, {}, 0}, {"6 promotions", &co_promo, {}, {}, {}, {}, 0}};
  auto cart_one = [&](CartConfig& cfg, bool record) {
    linli::Checkout& c = *cfg.checkout;
    Must(c.Clear(), "Clear");
    for (int k = 0; k < kCartLines; ++k) Must(c.Scan(products[rng.Below(products.size())].code), "Scan");
    const std::string& next = products[rng.Below(products.size())].code;
    auto t0 = Clock::now();
    auto p100 = c.Price();
    auto t1 = Clock::now();
    auto line = c.Scan(next);
    auto t2 = Clock::now();
    auto p101 = c.Price();
    auto t3 = Clock::now();
    if (!p100.ok() || !line.ok() || !p101.ok()) Die("100-line cart: scan or price failed");
    if (p101->lines.size() != static_cast<size_t>(kCartLines + 1)) Die("cart does not have 101 lines");
    sink += p101->total_fen;
    if (record) {
      cfg.price100_us.push_back(Us(t0, t1));
      cfg.scan_us.push_back(Us(t1, t2));
      cfg.price101_us.push_back(Us(t2, t3));
      cfg.scan_and_price_us.push_back(Us(t1, t3));
      cfg.promos_applied += p101->promotions.size();
    }
  };
  for (int i = 0; i < 10; ++i) {
    cart_one(configs[0], false);
    cart_one(configs[1], false);
  }
  constexpr int kCartBlock = 20;
  for (int done = 0, blk = 0; done < iters; done += kCartBlock, ++blk) {
    const int n = std::min(kCartBlock, iters - done);
    CartConfig& first = configs[blk % 2];
    CartConfig& second = configs[1 - blk % 2];
    for (int i = 0; i < n; ++i) cart_one(first, true);
    for (int i = 0; i < n; ++i) cart_one(second, true);
  }
  Must(co.Clear(), "Clear");
  Must(co_promo.Clear(), "Clear");

  // ---- Report.
  const Stats oc = Summarise(ours_commit_ms), os = Summarise(ours_sale_ms), rc = Summarise(raw_commit_ms),
              fl = Summarise(floor_ms);
  const double ratio_p50 = oc.p50 / rc.p50, ratio_p99 = oc.p99 / rc.p99, ratio_mean = oc.mean / rc.mean;
  const bool ok_commit = ratio_p50 <= 1.5 && ratio_mean <= 1.5;
  const Stats s_price5 = Summarise(price5_us), s_bizdate = Summarise(bizdate_us), s_dates = Summarise(dates_us), s_json = Summarise(json_us),
              s_hash = Summarise(hash_us), s_sign = Summarise(sign_us), s_sign_u = Summarise(sign_uncached_us);
  const double cpu_p50_ms = (s_price5.p50 + s_bizdate.p50 + s_dates.p50 + s_json.p50 + s_hash.p50 + s_sign.p50) / 1000.0;

  std::printf("\n%-38s %8s %8s %8s %8s %9s   (%d each, interleaved blocks of %d)\n", "durable 5-line cash sale (ms)",
              "p50", "p99", "mean", "max", "commits/s", iters, kBlock);
  std::printf("  %-36s %8.3f %8.3f %8.3f %8.3f %9.0f\n", "Checkout::Commit", oc.p50, oc.p99, oc.mean, oc.max,
              1000.0 / oc.mean);
  std::printf("  %-36s %8.3f %8.3f %8.3f %8.3f %9.0f\n", "raw sqlite3, same writes, one txn", rc.p50, rc.p99, rc.mean,
              rc.max, 1000.0 / rc.mean);
  std::printf("  %-36s %7.2fx %7.2fx %7.2fx %8s %9s   ≤ 1.5x (p50, mean): %s\n", "ratio ours/raw", ratio_p50, ratio_p99,
              ratio_mean, "", "", Mark(ok_commit));
  std::printf("  %-36s %8.3f %8.3f %8.3f %8.3f %9s   (diagnostic: what a durable commit costs on this disk)\n",
              "floor: raw 1-row UPDATE, one txn", fl.p50, fl.p99, fl.mean, fl.max, "");
  std::printf("  %-36s %8.3f %8.3f %8.3f %8.3f %9.0f   (diagnostic)\n", "whole sale: 5 scans + PayCash + Commit",
              os.p50, os.p99, os.mean, os.max, 1000.0 / os.mean);

  std::printf("\n%-38s %8s %8s %8s   (Linli's CPU work per commit, each part alone)\n", "commit split (µs)", "p50",
              "p99", "mean");
  std::printf("  %-36s %8.1f %8.1f %8.1f\n", "Price() 5-line cart", s_price5.p50, s_price5.p99, s_price5.mean);
  std::printf("  %-36s %8.1f %8.1f %8.1f   (ICU: a SimpleDateFormat + TimeZone built per call)\n",
              "BusinessDate (FormatLocal)", s_bizdate.p50, s_bizdate.p99, s_bizdate.mean);
  std::printf("  %-36s %8.1f %8.1f %8.1f\n", "FormatUtc + UUIDv7", s_dates.p50, s_dates.p99, s_dates.mean);
  std::printf("  %-36s %8.1f %8.1f %8.1f   (%zu bytes)\n", "sale@1 event + canonical JSON", s_json.p50, s_json.p99,
              s_json.mean, payload_template.size());
  std::printf("  %-36s %8.1f %8.1f %8.1f\n", "SHA-256 journal hash", s_hash.p50, s_hash.p99, s_hash.mean);
  std::printf("  %-36s %8.1f %8.1f %8.1f\n", "Ed25519 sign (cached key, as journal)", s_sign.p50, s_sign.p99,
              s_sign.mean);
  std::printf("  %-36s %8.1f %8.1f %8.1f   (reference: crypto.h, key parsed per call)\n", "Ed25519Sign (uncached)",
              s_sign_u.p50, s_sign_u.p99, s_sign_u.mean);
  std::printf("  %-36s %8.3f ms   vs measured gap ours−raw p50 %.3f ms\n", "sum of parts (p50)", cpu_p50_ms,
              oc.p50 - rc.p50);

  std::printf("\n%-38s %8s %8s %8s %8s   (%d fresh %d-line carts each, interleaved blocks of %d)\n",
              "100-line cart (µs)", "p50", "p99", "mean", "max", iters, kCartLines, kCartBlock);
  bool ok_scan = true;
  for (CartConfig& cfg : configs) {
    const Stats sc = Summarise(cfg.scan_us), p100 = Summarise(cfg.price100_us), p101 = Summarise(cfg.price101_us),
                sp = Summarise(cfg.scan_and_price_us);
    const bool ok_s = sc.p99 < 1000.0, ok_sp = sp.p99 < 1000.0;
    ok_scan = ok_scan && ok_s && ok_sp;
    std::printf("  %s (%.1f promotions applied per priced cart)\n", cfg.name,
                cfg.scan_us.empty() ? 0.0 : static_cast<double>(cfg.promos_applied) / cfg.scan_us.size());
    std::printf("    %-34s %8.1f %8.1f %8.1f %8.1f   p99 < 1 ms: %s\n", "Scan() 101st item", sc.p50, sc.p99, sc.mean,
                sc.max, Mark(ok_s));
    std::printf("    %-34s %8.1f %8.1f %8.1f %8.1f\n", "Price() 100 lines", p100.p50, p100.p99, p100.mean, p100.max);
    std::printf("    %-34s %8.1f %8.1f %8.1f %8.1f\n", "Price() 101 lines", p101.p50, p101.p99, p101.mean, p101.max);
    std::printf("    %-34s %8.1f %8.1f %8.1f %8.1f   p99 < 1 ms: %s\n", "Scan() + reprice (what the UI does)", sp.p50,
                sp.p99, sp.mean, sp.max, Mark(ok_sp));
  }

  std::printf("\nstore: %s, raw: %s%s\n", path.c_str(), raw_path.c_str(), keep ? " (kept)" : " (removed)");
  const Stats n_sc = Summarise(configs[0].scan_us), n_pr = Summarise(configs[0].price100_us),
              n_sp = Summarise(configs[0].scan_and_price_us);
  const Stats p_sc = Summarise(configs[1].scan_us), p_pr = Summarise(configs[1].price100_us),
              p_sp = Summarise(configs[1].scan_and_price_us);
  // The rows scripts/bench puts in docs/bench/latest.md.
  double scan_price_p99 = 0;
  for (const CartConfig& cfg : configs) scan_price_p99 = std::max(scan_price_p99, Summarise(cfg.scan_and_price_us).p99);
  char c_fig[96], c_lim[96], c_is[64], s_fig[64];
  std::snprintf(c_fig, sizeof c_fig, "%.0f commits/s (p50 %.2f ms)", 1000.0 / oc.mean, oc.p50);
  std::snprintf(c_lim, sizeof c_lim, "%.0f commits/s (raw SQLite, same writes, 1 txn)", 1000.0 / rc.mean);
  std::snprintf(c_is, sizeof c_is, "time ours÷raw, mean; p50 %.2f", ratio_p50);
  std::snprintf(s_fig, sizeof s_fig, "p99 %.0f µs", scan_price_p99);
  const nlohmann::json rows = nlohmann::json::array(
      {{{"what", "durable 5-line cash sale commit"}, {"figure", c_fig}, {"limit", c_lim}, {"ratio", ratio_mean},
        {"ratio_is", c_is}, {"target", "≤ 1.5× (p50 and mean)"}, {"ok", ok_commit}},
       {{"what", "scan + reprice into a 100-line cart"}, {"figure", s_fig}, {"limit", "— (absolute target)"},
        {"ratio", nullptr}, {"ratio_is", ""}, {"target", "p99 < 1 ms"}, {"ok", ok_scan}}});
  std::printf(
      "{\"bench\":\"checkout\",\"iters\":%d,\"products\":%d,\"sqlite\":\"%s\","
      "\"commit_p50_ms\":%.3f,\"commit_p99_ms\":%.3f,\"commit_mean_ms\":%.3f,\"commits_per_s\":%.1f,"
      "\"raw_commit_p50_ms\":%.3f,\"raw_commit_p99_ms\":%.3f,\"raw_commit_mean_ms\":%.3f,\"raw_commits_per_s\":%.1f,"
      "\"floor_commit_p50_ms\":%.3f,\"commit_ratio_p50\":%.3f,\"commit_ratio_p99\":%.3f,\"commit_ratio_mean\":%.3f,"
      "\"sale_p50_ms\":%.3f,\"sale_p99_ms\":%.3f,"
      "\"split_price5_us\":%.1f,\"split_business_date_us\":%.1f,\"split_dates_us\":%.1f,\"split_json_us\":%.1f,\"split_sha256_us\":%.1f,"
      "\"split_sign_us\":%.1f,\"split_sign_uncached_us\":%.1f,"
      "\"scan101_p50_us\":%.1f,\"scan101_p99_us\":%.1f,\"price100_p50_us\":%.1f,\"price100_p99_us\":%.1f,"
      "\"scan_price_p99_us\":%.1f,"
      "\"promo_scan101_p50_us\":%.1f,\"promo_scan101_p99_us\":%.1f,\"promo_price100_p50_us\":%.1f,"
      "\"promo_price100_p99_us\":%.1f,\"promo_scan_price_p99_us\":%.1f,"
      "\"ok_commit\":%s,\"ok_scan\":%s,\"rows\":%s}\n",
      iters, kProducts, sqlite3_libversion(), oc.p50, oc.p99, oc.mean, 1000.0 / oc.mean, rc.p50, rc.p99, rc.mean,
      1000.0 / rc.mean, fl.p50, ratio_p50, ratio_p99, ratio_mean, os.p50, os.p99, s_price5.p50, s_bizdate.p50, s_dates.p50, s_json.p50,
      s_hash.p50, s_sign.p50, s_sign_u.p50, n_sc.p50, n_sc.p99, n_pr.p50, n_pr.p99, n_sp.p99, p_sc.p50, p_sc.p99,
      p_pr.p50, p_pr.p99, p_sp.p99, Bool(ok_commit), Bool(ok_scan), rows.dump().c_str());
  sqlite3_close(raw);
  if (sink == 42) std::printf(" ");  // keeps the results observable
  return 0;
}
