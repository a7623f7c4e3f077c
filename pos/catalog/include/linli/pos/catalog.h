// The product catalog: CSV import and export, the rules of a stored product
// and its one writer (UpsertProduct, also used by the hub's change feed), and
// the lookups the till makes on every scan and keystroke.
//
// CSV columns (English or Chinese header names, any order; see README):
//   sku 编码 · barcode 条码 · name 品名 · category 分类 · unit 单位 ·
//   price 售价 · cost 进价 · tax_rate 税率 · plu PLU
// Required: sku, name, price. `barcode` holds several codes separated by '|';
// a case code carries its pack quantity after '*' ("06901234567892*24").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/pos/text.h"

namespace linli {

struct BarcodeEntry {
  std::string code;
  int64_t pack_qty_milli = 1000;  // 24 pieces per case = 24000
};

struct Product {
  int64_t id = 0;
  std::string sku;
  std::string name;
  std::string category;            // empty when none
  std::string unit;                // "pcs" | "kg"
  int64_t price_fen = 0;           // per piece, or per kg for "kg" items
  std::optional<int64_t> cost_fen;
  int64_t tax_rate_bp = 1300;
  std::string plu;                 // 5 digits, empty when none
  std::vector<BarcodeEntry> barcodes;
  std::string pinyin_initials;
};

// One bad cell of an import, pointing at the line a person sees in an editor.
struct ImportProblem {
  int line = 0;            // 1-based; the header is line 1
  std::string column;      // e.g. "price"; empty for whole-row problems
  std::string value;       // the offending text
  std::string reason;      // what is wrong and what to do
  std::string ToString() const;  // "line 7, price \"3.505\": has more than 2 decimals"
};

struct ImportOptions {
  bool skip_bad = false;  // import good rows and report the rest
  // Rows written per write transaction (issue 11): each holds the write lock
  // for tens of milliseconds, so a sale waits well under a second. 0 writes
  // everything in one transaction, as before issue 11 (benchmarks compare).
  int rows_per_tx = 1000;
  // …and a transaction also ends once it has run this long (0: no limit), so
  // a slow or busy machine writes smaller chunks rather than longer locks.
  int max_tx_ms = 50;
  // TEST hook: called after each committed chunk with its 1-based number
  // (the kill test dies here).
  std::function<void(int)> TEST_after_chunk;
};

struct ImportReport {
  int rows = 0;        // data rows read
  int inserted = 0;
  int updated = 0;
  int rejected = 0;    // rows with problems
  int price_not_applied = 0;  // rows whose price is kept but HQ's applies (price_schedule.h)
  int transactions = 0;       // write transactions used
  bool written = false;  // false: nothing from the file was saved
  std::vector<ImportProblem> problems;
  std::vector<std::string> warnings;  // e.g. unknown columns that were ignored
};

// Imports CSV text. All-or-nothing by default: if any row has a problem,
// nothing is written and every problem is listed. Re-importing updates
// products by SKU (a row's barcodes replace that product's barcodes). A non-OK
// Status means the file as a whole cannot be read (no header, missing required
// column) or the database failed; a full disk leaves the catalog as it was.
//
// How it stays out of the till's way (issue 11): the file is read and every
// row checked (and its search keys built) before any write lock is taken;
// then rows are written in short transactions of opts.rows_per_tx, each
// committing its rows' before-images to the undo log (undo_log.h). Products
// the file adds stay hidden (inactive) until one short final transaction
// shows them all and ends the import; changed products show their new
// values chunk by chunk, each product whole. A failure undoes the chunks
// already written; a process killed mid-import is undone at the next open.
// The row's price is the store's own price (price_schedule.h): under
// price_authority=hq, HQ's price in effect still applies to the product.
Result<ImportReport> ImportCatalogCsv(Database& db, std::string_view csv, const ImportOptions& opts,
                                      const Clock& clock);

// The catalog as CSV with English headers, in SKU order; importing it back
// yields the same catalog.
Result<std::string> ExportCatalogCsv(Database& db);

// ---- The rules of a stored product and its one writer, shared by the CSV
// import above and the hub's change feed (sync/agent/src/apply_changes.cc).

// Each returns "" when the value may be stored, else why not, phrased to
// follow the value ("is empty; every product needs an SKU").
std::string SkuProblem(std::string_view sku);    // 1-64 characters, no spaces, '|' or '*'
std::string NameProblem(std::string_view name);  // 1-120 display columns

// The stored unit for what a person wrote: "pcs" for "", pcs (any case), 件
// or 个; "kg" for kg (any case), 千克 or 公斤; nullopt for anything else.
std::optional<std::string> ParseUnit(std::string_view unit);

// The id of the category named `name`, created when missing. Throws DbError.
int64_t CategoryIdFor(Database& db, const std::string& name);
// The id of the tax class of `rate_bp`, created as "13%" (FormatPercentBp)
// when missing. Throws DbError.
int64_t TaxClassIdFor(Database& db, int64_t rate_bp);

// One product as UpsertProduct writes it; checked by the caller (above).
struct ProductRow {
  std::string sku;
  std::string name;
  std::optional<int64_t> category_id;  // nullopt: no category
  std::string unit;                    // "pcs" | "kg"
  int64_t tax_class_id = 0;
  bool active = true;
  // The columns the hub's feed does not carry; nullopt keeps what is stored
  // (a new product then has price 0, no cost and no PLU).
  std::optional<int64_t> price_fen;
  std::optional<int64_t> cost_fen;
  std::optional<std::string> plu;  // 5 digits
  // Search keys, when the caller built them outside the write transaction
  // (PinyinIndexer is slow); nullopt: UpsertProduct builds them.
  std::optional<Pinyin> pinyin;
};

// Inserts the product, or updates the one with its SKU, with its search keys
// (pinyin, NormalizeQuery) and `updated_at` (ISO-8601 UTC); returns its id.
// Prices history, barcodes and the catalogue version are the caller's. Call
// it inside the caller's transaction; throws DbError.
int64_t UpsertProduct(Database& db, const ProductRow& row, const std::string& updated_at);

// Why a search result matched, best first. kWords: every word of the query
// matched the name character by character, mixing Hanzi, initials and full
// pinyin (name_match.h); "kk可乐", "kekou kele", "kkkl 330".
enum class MatchKind { kBarcode, kSku, kPlu, kInitialsPrefix, kNamePrefix, kPinyinPrefix, kNameContains, kInitialsContains, kPinyinContains, kWords };
const char* MatchKindName(MatchKind k);

struct ProductHit {
  Product product;                  // barcodes not filled for search hits
  MatchKind match = MatchKind::kNameContains;
  int64_t pack_qty_milli = 1000;    // for a barcode hit: the code's pack size
};

// Fast lookups over one connection, with prepared statements kept warm.
// Not thread-safe; one Catalog per connection.
class Catalog {
 public:
  explicit Catalog(Database& db) : db_(db) {}

  // nullopt when no product has that code. Throws nothing; DB errors → Status.
  Result<std::optional<ProductHit>> FindByBarcode(std::string_view code);
  Result<std::optional<Product>> FindBySku(std::string_view sku);
  Result<std::optional<Product>> FindByPlu(std::string_view plu);  // "123" or "00123"

  // Barcode, SKU, PLU, pinyin initials (kkkl → 可口可乐), full pinyin, and name
  // substring, best matches first, at most `limit`. Then, while fewer than
  // `limit` were found, names that every word of the query matches
  // (MatchKind::kWords, name_match.h), ranked: words on adjacent characters
  // before skip-ahead ones, names the first word starts before others, then
  // shorter names, then by name and id.
  Result<std::vector<ProductHit>> Search(std::string_view query, int limit = 20);

  // Fills barcodes for a product found by Search.
  Status LoadBarcodes(Product& p);

 private:
  // Substring search runs over an in-memory copy of the search keys: a SQL
  // instr() scan of 100,000 rows costs ~14 ms per column, the copy ~1 ms for
  // all three. It is reloaded when the catalog version in store_config moves.
  struct SearchKey {
    int64_t id;
    std::string name;       // search_name
    std::string initials;   // pinyin initials
    std::string full;       // full pinyin
    size_t syl_pos, syl_len;  // its Pinyin::syllables in syllables_
  };
  // Appends up to `limit` - out.size() products the words of `query` match.
  Status SearchWords(std::string_view query, int limit, std::set<int64_t>& seen, std::vector<ProductHit>& out);
  Status RefreshSearchKeys();
  Result<std::optional<Product>> FindById(int64_t id);

  Database& db_;
  std::vector<SearchKey> keys_;
  // Every key's syllables back to back, one block rather than 100,000 small
  // heap strings: the word matcher reads them all for each query.
  std::string syllables_;
  std::string keys_version_ = "-";
};

// Bumped (inside the caller's transaction) whenever products change, so
// in-memory search keys know to reload. Throws DbError.
void BumpCatalogVersion(Database& db);

// "123" → "00123"; InvalidArgument unless 1–5 digits.
Result<std::string> NormalizePlu(std::string_view plu);

}  // namespace linli
