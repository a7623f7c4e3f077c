// Issue 11: "Imports that never hurt selling" — a catalogue import written in
// short transactions that stays all-or-nothing, also when its process is
// killed between them (catalog.h, undo_log.h).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/store.h"
#include "testing.h"

using namespace linli;

namespace {

// The EAN-13 of row i: 69000000000i and its check digit.
std::string Gtin(int i) {
  const std::string code = std::to_string(690000000000LL + i);
  return code + CheckGtin(code + "0")->expected;  // the check digit barcode.h computes
}

// `n` rows; each SKU, barcode and PLU unique; `price_fen` for all of them.
std::string Csv(int n, int64_t price_fen, const std::string& name = "商品") {
  std::string csv = "sku,barcode,name,category,unit,price,cost,plu\n";
  for (int i = 0; i < n; ++i) {
    const std::string code = Gtin(i);
    char sku[16];
    snprintf(sku, sizeof sku, "X%04d", i);
    csv += std::string(sku) + "," + code + "," + name + std::to_string(i) + ",分类" + std::to_string(i % 7) +
           ",pcs," + std::to_string(price_fen / 100) + "." + std::to_string(price_fen % 100 / 10) +
           std::to_string(price_fen % 10) + ",1.00," + (i % 3 == 0 ? std::to_string(10000 + i) : "") + "\n";
  }
  return csv;
}

// Everything a catalogue import may touch, as text: equal means "exactly as
// before". The catalog version (a counter of writes) only with `version`.
std::string Dump(Database& db, bool version = true) {
  std::string out;
  for (const char* sql :
       {"SELECT group_concat(id || '|' || sku || '|' || name || '|' || COALESCE(category_id, '-') || '|' || unit || "
        "'|' || tax_class_id || '|' || COALESCE(plu, '-') || '|' || price_fen || '|' || COALESCE(cost_fen, '-') || "
        "'|' || pinyin_initials || '|' || search_name || '|' || active || '|' || updated_at, ';') "
        "FROM (SELECT * FROM products ORDER BY id)",
        "SELECT group_concat(code || '|' || product_id || '|' || pack_qty_milli, ';') FROM (SELECT * FROM barcodes ORDER BY code)",
        "SELECT group_concat(product_id || '|' || origin || '|' || effective_from || '|' || price_fen, ';') "
        "FROM (SELECT * FROM prices ORDER BY product_id, origin, scope, effective_from)",
        "SELECT group_concat(id || '|' || name, ';') FROM (SELECT * FROM categories ORDER BY id)",
        "SELECT value FROM store_config WHERE key = 'catalog_version'"}) {
    if (!version && std::string_view(sql).find("catalog_version") != std::string_view::npos) continue;
    Statement s = db.Prepare(sql);
    REQUIRE(s.Step());
    out += s.Text(0) + "\n";
  }
  return out;
}

int64_t Count(Database& db, const char* sql) {
  Statement s = db.Prepare(sql);
  REQUIRE(s.Step());
  return s.Int(0);
}

struct Fixture {
  testing::TempDir dir;
  std::string path;
  FakeClock clock{1'796'229'000'000};
  std::unique_ptr<Database> db;
  Fixture() {
    path = testing::MakeStore(dir);
    db = std::move(OpenStore(path)).value();
    // A catalogue already there: the first 60 of the file's SKUs at 3.00.
    auto r = ImportCatalogCsv(*db, Csv(60, 300, "旧品"), {}, clock);
    REQUIRE(r.ok());
    REQUIRE(r->written);
    clock.Advance(60'000);
  }
};

}  // namespace

TEST_CASE("issue 11: an import is written in short transactions with the same result as one transaction") {
  Fixture chunked, whole;
  ImportOptions small;
  small.rows_per_tx = 10;
  small.max_tx_ms = 0;  // chunks by count alone, so the count below holds on a slow machine
  auto a = ImportCatalogCsv(*chunked.db, Csv(95, 450), small, chunked.clock);
  ImportOptions one;
  one.rows_per_tx = 0;
  auto b = ImportCatalogCsv(*whole.db, Csv(95, 450), one, whole.clock);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->written);
  CHECK(a->inserted == 35);
  CHECK(a->updated == 60);
  CHECK(a->transactions == 10 + 1);  // 95 rows by 10, and the final switch
  CHECK(b->transactions == 1 + 1);
  // Same catalogue either way (ids, names, keys, prices, barcodes, categories).
  CHECK(Dump(*chunked.db, false) == Dump(*whole.db, false));
  CHECK(Count(*chunked.db, "SELECT count(*) FROM products WHERE active = 1") == 95);
  CHECK(Count(*chunked.db, "SELECT count(*) FROM products WHERE price_fen = 450") == 95);
  CHECK(Count(*chunked.db, "SELECT count(*) FROM undo_ops") == 0);
  CHECK(Count(*chunked.db, "SELECT count(*) FROM undo_log") == 0);
}

TEST_CASE("issue 11: an import that fails in its sixth transaction leaves no trace") {
  Fixture f;
  const std::string before = Dump(*f.db);
  // A failure the validation cannot foresee (a full disk, say), on row 55.
  f.db->Exec(
      "CREATE TEMP TRIGGER fail_row_55 BEFORE UPDATE OF name ON products WHEN NEW.sku = 'X0055' "
      "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END");
  ImportOptions opts;
  opts.rows_per_tx = 10;
  opts.max_tx_ms = 0;
  int chunks = 0;
  opts.TEST_after_chunk = [&](int n) { chunks = n; };
  auto r = ImportCatalogCsv(*f.db, Csv(95, 450, "新品"), opts, f.clock);
  CHECK_FALSE(r.ok());
  CHECK(r.status().message().find("simulated disk failure") != std::string::npos);
  CHECK(chunks == 5);  // five transactions had committed before the failure
  CHECK(Dump(*f.db) == before);
  CHECK(Count(*f.db, "SELECT count(*) FROM undo_ops") == 0);
  CHECK(Count(*f.db, "SELECT count(*) FROM undo_log") == 0);
}

TEST_CASE("issue 11: an import killed between transactions is undone at the next open, not while it runs") {
  Fixture f;
  const std::string before = Dump(*f.db);
  const std::string marker = f.dir.File("chunk3");
  f.db.reset();
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The importing process: its own connection; after its third committed
    // transaction it says so and waits to be killed (SIGKILL: no cleanup).
    auto db = OpenStore(f.path);
    if (!db.ok()) _exit(2);
    ImportOptions opts;
    opts.rows_per_tx = 10;
    opts.max_tx_ms = 0;
    opts.TEST_after_chunk = [&](int n) {
      if (n != 3) return;
      std::ofstream(marker) << "3";
      std::this_thread::sleep_for(std::chrono::seconds(60));
      _exit(3);
    };
    (void)ImportCatalogCsv(**db, Csv(95, 450, "新品"), opts, f.clock);
    _exit(4);
  }
  for (int i = 0; i < 600 && !std::filesystem::exists(marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(std::filesystem::exists(marker));
  {
    // While the import lives, another open leaves its work alone.
    auto db = OpenStore(f.path);
    REQUIRE(db.ok());
    CHECK(Count(**db, "SELECT count(*) FROM undo_ops") == 1);
    CHECK(Count(**db, "SELECT count(*) FROM products WHERE name LIKE '新品%'") == 30);
    CHECK(Dump(**db) != before);
  }
  REQUIRE(kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  {
    // Still half-done on disk until someone opens the store.
    auto raw = Database::Open(f.path, {});
    REQUIRE(raw.ok());
    CHECK(Count(**raw, "SELECT count(*) FROM undo_ops") == 1);
  }
  auto db = OpenStore(f.path);
  REQUIRE(db.ok());
  CHECK(Dump(**db) == before);
  CHECK(Count(**db, "SELECT count(*) FROM undo_ops") == 0);
  CHECK(Count(**db, "SELECT count(*) FROM undo_log") == 0);
  // And a new import then runs as usual.
  auto r = ImportCatalogCsv(**db, Csv(95, 450, "新品"), {}, f.clock);
  REQUIRE(r.ok());
  CHECK(r->written);
  CHECK(Count(**db, "SELECT count(*) FROM products WHERE name LIKE '新品%' AND active = 1") == 95);
}

TEST_CASE("issue 11: products an import adds stay hidden until its final switch") {
  Fixture f;
  ImportOptions opts;
  opts.rows_per_tx = 50;
  opts.max_tx_ms = 0;
  bool checked = false;
  opts.TEST_after_chunk = [&](int n) {
    if (n != 2) return;
    // Rows 50–94 are new; 50–99 went in chunk 2, still inactive: a scan finds nothing.
    Catalog cat(*f.db);
    auto scan = cat.FindByBarcode(Gtin(70));
    REQUIRE(scan.ok());
    CHECK_FALSE(scan->has_value());
    auto old = cat.FindByBarcode(Gtin(10));  // a product already there, updated in chunk 1
    REQUIRE(old.ok());
    REQUIRE(old->has_value());
    CHECK((*old)->product.price_fen == 450);
    CHECK(Count(*f.db, "SELECT active FROM products WHERE sku = 'X0070'") == 0);
    checked = true;
  };
  auto r = ImportCatalogCsv(*f.db, Csv(95, 450), opts, f.clock);
  REQUIRE(r.ok());
  CHECK(checked);
  auto scan = Catalog(*f.db).FindByBarcode(Gtin(70));
  REQUIRE(scan.ok());
  CHECK(scan->has_value());
  CHECK(Count(*f.db, "SELECT active FROM products WHERE sku = 'X0070'") == 1);
}
