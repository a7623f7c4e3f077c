#include "linli/pos/catalog.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <tuple>
#include <map>
#include <set>
#include <unordered_map>

#include "linli/pos/barcode.h"
#include "linli/pos/csv.h"
#include "linli/pos/money.h"
#include "linli/pos/name_match.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/undo_log.h"

namespace linli {
namespace {

enum Col { kSku, kBarcode, kName, kCategory, kUnit, kPrice, kCost, kTaxRate, kPlu, kColCount };

struct ColName {
  Col col;
  const char* names[5];
};
// Header names accepted for each column; English ones compare case-insensitively.
constexpr ColName kColNames[] = {
    {kSku, {"sku", "编码", "商品编码", "货号", nullptr}},
    {kBarcode, {"barcode", "barcodes", "条码", "条形码", nullptr}},
    {kName, {"name", "品名", "商品名称", "名称", nullptr}},
    {kCategory, {"category", "分类", "类别", nullptr, nullptr}},
    {kUnit, {"unit", "单位", nullptr, nullptr, nullptr}},
    {kPrice, {"price", "售价", "零售价", nullptr, nullptr}},
    {kCost, {"cost", "进价", nullptr, nullptr, nullptr}},
    {kTaxRate, {"tax_rate", "税率", nullptr, nullptr, nullptr}},
    {kPlu, {"plu", nullptr, nullptr, nullptr, nullptr}},
};
constexpr const char* kCanonical[kColCount] = {"sku",  "barcode", "name",     "category", "unit",
                                               "price", "cost",   "tax_rate", "plu"};

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(Trim(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

struct Row {
  int line = 0;
  Product p;
  bool ok = true;
};

constexpr const char* kProductCols =
    "p.id, p.sku, p.name, COALESCE(c.name, ''), p.unit, p.price_fen, p.cost_fen, t.rate_bp, "
    "COALESCE(p.plu, ''), p.pinyin_initials";
constexpr int kProductColCount = 10;

Product ReadProduct(const Statement& s) {
  Product p;
  p.id = s.Int(0);
  p.sku = s.Text(1);
  p.name = s.Text(2);
  p.category = s.Text(3);
  p.unit = s.Text(4);
  p.price_fen = s.Int(5);
  p.cost_fen = s.OptInt(6);
  p.tax_rate_bp = s.Int(7);
  p.plu = s.Text(8);
  p.pinyin_initials = s.Text(9);
  return p;
}

PinyinIndexer& Indexer() {
  thread_local PinyinIndexer indexer;
  return indexer;
}

// The id in the first column of the statement's one row (a row the caller
// knows is there), leaving the statement reset.
int64_t IdOf(Statement& s) {
  s.Step();
  const int64_t id = s.Int(0);
  s.Reset();
  return id;
}

// Upper bound for a prefix range: no UTF-8 string byte is 0xFF, so every
// string starting with `prefix` sorts below prefix + "\xFF" under BINARY.
std::string PrefixEnd(const std::string& prefix) { return prefix + "\xFF"; }

// Writes checked rows: in chunks of opts.rows_per_tx, each one short
// transaction that also commits the rows' before-images (undo_log.h), then
// one final short transaction that shows the new products and ends the
// import. Any failure rolls back what was written. rows_per_tx 0: one
// transaction for everything, search keys built inside it (before issue 11).
class ImportWriter {
 public:
  ImportWriter(Database& db, const ImportOptions& opts, const Clock& clock, ImportReport& report)
      : db_(db), opts_(opts), clock_(clock), report_(report), now_(FormatUtc(clock.NowMs())) {}

  Status Run(const std::vector<const Row*>& rows) {
    const bool chunked = opts_.rows_per_tx > 0;
    if (chunked) {
      for (const Row* r : rows) keys_.push_back(Indexer().Index(r->p.name));  // outside any lock
    }
    auto op = UndoOp::Begin(db_, "catalog import", clock_);
    if (!op.ok()) return op.status();
    undo_ = op->get();
    Status st = Guard([&] { LoadLookups(); });
    const size_t step = chunked ? static_cast<size_t>(opts_.rows_per_tx) : rows.size();
    const auto budget = std::chrono::milliseconds(chunked && opts_.max_tx_ms > 0 ? opts_.max_tx_ms : 0);
    int chunk = 0;
    for (size_t at = 0; st.ok() && at < rows.size();) {
      st = Guard([&] {
        Transaction tx(db_);
        if (at == 0) undo_->Save("store_config", {{"key", "catalog_version"}});
        const auto start = std::chrono::steady_clock::now();
        const size_t end = std::min(rows.size(), at + step);
        size_t i = at;
        while (i < end) {
          WriteRow(*rows[i], chunked ? &keys_[i] : nullptr);
          ++i;
          if (budget.count() > 0 && std::chrono::steady_clock::now() - start >= budget) break;
        }
        BumpCatalogVersion(db_);
        tx.Commit();
        at = i;
      });
      ++report_.transactions;
      if (st.ok() && opts_.TEST_after_chunk) opts_.TEST_after_chunk(++chunk);
      // A moment with the lock free: a waiting sale (it retries every 2 ms,
      // db.cc) takes it here rather than after the whole import.
      if (chunked) std::this_thread::sleep_for(std::chrono::milliseconds(4));
    }
    if (st.ok()) {
      // The final switch: the new products appear, and the import is done.
      st = (*op)->Commit([&] {
        Statement& show = db_.Cached("UPDATE products SET active = 1 WHERE id = ?");
        for (int64_t id : new_ids_) show.Bind(1, id).Run();
        BumpCatalogVersion(db_);
      });
      ++report_.transactions;
    }
    if (!st.ok()) {
      // Undo the chunks already written; if even that fails the undo log
      // keeps them, and the next open finishes the rollback.
      (void)(*op)->Rollback();
      report_.inserted = report_.updated = report_.price_not_applied = 0;
      return st;
    }
    return Status::Ok();
  }

 private:
  void LoadLookups() {
    Statement c = db_.Prepare("SELECT name, id FROM categories");
    while (c.Step()) categories_.emplace(c.Text(0), c.Int(1));
    Statement t = db_.Prepare("SELECT rate_bp, id FROM tax_classes");
    while (t.Step()) tax_classes_.emplace(t.Int(0), t.Int(1));
  }

  int64_t CategoryId(const std::string& name) {
    auto it = categories_.find(name);
    if (it != categories_.end()) return it->second;
    const int64_t id = CategoryIdFor(db_, name);
    undo_->SaveAbsent("categories", {{"id", id}});
    return categories_.emplace(name, id).first->second;
  }

  void WriteRow(const Row& r, const Pinyin* keys) {
    const Product& p = r.p;
    Statement& existing = db_.Cached("SELECT id, price_fen FROM products WHERE sku = ?");
    existing.Bind(1, p.sku);
    std::optional<int64_t> old_id, old_price;
    if (existing.Step()) {
      old_id = existing.Int(0);
      old_price = existing.Int(1);
    }
    existing.Reset();
    if (old_id) {
      undo_->Save("products", {{"id", *old_id}});
      // The row's barcodes replace the product's; its PLU and cost replace
      // the stored ones (a blank cell clears them), so clear first.
      Statement& codes = db_.Cached("SELECT code FROM barcodes WHERE product_id = ?");
      codes.Bind(1, *old_id);
      std::vector<std::string> old_codes;
      while (codes.Step()) old_codes.push_back(codes.Text(0));
      codes.Reset();
      for (const std::string& c : old_codes) undo_->Save("barcodes", {{"code", c}});
      db_.Cached("DELETE FROM barcodes WHERE product_id = ?").Bind(1, *old_id).Run();
      db_.Cached("UPDATE products SET plu = NULL, cost_fen = NULL WHERE id = ?").Bind(1, *old_id).Run();
    }
    ProductRow row;
    row.sku = p.sku;
    row.name = p.name;
    if (!p.category.empty()) row.category_id = CategoryId(p.category);
    row.unit = p.unit;
    auto tax = tax_classes_.find(p.tax_rate_bp);
    if (tax == tax_classes_.end()) tax = tax_classes_.emplace(p.tax_rate_bp, TaxClassIdFor(db_, p.tax_rate_bp)).first;
    row.tax_class_id = tax->second;
    row.active = old_id.has_value();  // a new product shows at the final switch
    row.cost_fen = p.cost_fen;
    if (!p.plu.empty()) row.plu = p.plu;
    if (keys) row.pinyin = *keys;
    const int64_t id = UpsertProduct(db_, row, now_);
    if (old_id) {
      ++report_.updated;
    } else {
      undo_->SaveAbsent("products", {{"id", id}});
      new_ids_.push_back(id);
      ++report_.inserted;
    }
    for (const BarcodeEntry& e : p.barcodes) {
      undo_->Save("barcodes", {{"code", e.code}});  // may be another file row's code, not yet moved
      db_.Cached(
             "INSERT INTO barcodes (code, product_id, pack_qty_milli) VALUES (?, ?, ?) ON CONFLICT(code) DO UPDATE "
             "SET product_id = excluded.product_id, pack_qty_milli = excluded.pack_qty_milli")
          .Bind(1, e.code).Bind(2, id).Bind(3, e.pack_qty_milli).Run();
    }
    // The file's price is the store's own price from now (price_schedule.h).
    if (!old_price || *old_price != p.price_fen) {
      undo_->Save("prices", {{"product_id", id}, {"origin", "store"}, {"scope", ""}, {"effective_from", now_}});
      RecordPrice(db_, {id, PriceOrigin::kStore, "", now_, clock_.NowMs(), p.price_fen, "import", clock_.NowMs()},
                  clock_);
      Statement& in_force = db_.Cached("SELECT price_fen FROM products WHERE id = ?");
      in_force.Bind(1, id);
      if (in_force.Step() && in_force.Int(0) != p.price_fen) ++report_.price_not_applied;
      in_force.Reset();
    }
  }

  Database& db_;
  const ImportOptions& opts_;
  const Clock& clock_;
  ImportReport& report_;
  const std::string now_;
  UndoOp* undo_ = nullptr;
  std::vector<Pinyin> keys_;
  std::map<std::string, int64_t> categories_;
  std::map<int64_t, int64_t> tax_classes_;
  std::vector<int64_t> new_ids_;
};

Status WriteRows(Database& db, const std::vector<const Row*>& rows, const ImportOptions& opts, const Clock& clock,
                 ImportReport& report) {
  ImportWriter w(db, opts, clock, report);
  Status st = w.Run(rows);
  if (st.ok() && report.price_not_applied > 0) {
    report.warnings.push_back(std::to_string(report.price_not_applied) +
                              " 行的售价已记为本店价，但总部统一定价，售价仍按总部价 / row(s) keep their price as the "
                              "store's own, but HQ sets prices here (price_authority=hq): HQ's price applies");
  }
  return st;
}

}  // namespace

std::string SkuProblem(std::string_view sku) {
  if (sku.empty()) return "is empty; every product needs an SKU";
  if (sku.size() > 64 || sku.find_first_of(" \t|*") != std::string_view::npos) {
    return "must be at most 64 characters without spaces, '|' or '*'";
  }
  return "";
}

std::string NameProblem(std::string_view name) {
  if (name.empty()) return "is empty; give the product's name";
  if (std::string why = ControlCharProblem(name); !why.empty()) return why;
  if (DisplayWidth(name) > 120) return "is too long (over 120 columns)";
  return "";
}

std::optional<std::string> ParseUnit(std::string_view unit) {
  const std::string lower = AsciiLower(std::string(unit));
  if (unit.empty() || lower == "pcs" || unit == "件" || unit == "个") return "pcs";
  if (lower == "kg" || unit == "千克" || unit == "公斤") return "kg";
  return std::nullopt;
}

int64_t CategoryIdFor(Database& db, const std::string& name) {
  db.Cached("INSERT INTO categories (name) VALUES (?) ON CONFLICT(name) DO NOTHING").Bind(1, name).Run();
  return IdOf(db.Cached("SELECT id FROM categories WHERE name = ?").Bind(1, name));
}

int64_t TaxClassIdFor(Database& db, int64_t rate_bp) {
  db.Cached("INSERT INTO tax_classes (name, rate_bp) VALUES (?, ?) ON CONFLICT(rate_bp) DO NOTHING")
      .Bind(1, FormatPercentBp(rate_bp) + "%")
      .Bind(2, rate_bp)
      .Run();
  return IdOf(db.Cached("SELECT id FROM tax_classes WHERE rate_bp = ?").Bind(1, rate_bp));
}

int64_t UpsertProduct(Database& db, const ProductRow& row, const std::string& updated_at) {
  const Pinyin py = row.pinyin ? *row.pinyin : Indexer().Index(row.name);
  Statement& s = db.Cached(
      "INSERT INTO products (sku, name, category_id, unit, tax_class_id, plu, price_fen, cost_fen, "
      "pinyin_initials, pinyin_full, search_name, active, updated_at, pinyin_syllables) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, COALESCE(?7, 0), ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
      "ON CONFLICT(sku) DO UPDATE SET name = ?2, category_id = ?3, unit = ?4, tax_class_id = ?5, "
      "plu = COALESCE(?6, plu), price_fen = COALESCE(?7, price_fen), cost_fen = COALESCE(?8, cost_fen), "
      "pinyin_initials = ?9, pinyin_full = ?10, search_name = ?11, active = ?12, updated_at = ?13, "
      "pinyin_syllables = ?14 "
      "RETURNING id");
  s.Bind(1, row.sku).Bind(2, row.name).Bind(3, row.category_id).Bind(4, row.unit).Bind(5, row.tax_class_id);
  s.Bind(6, row.plu).Bind(7, row.price_fen).Bind(8, row.cost_fen).Bind(9, py.initials).Bind(10, py.full);
  s.Bind(11, NormalizeQuery(row.name)).Bind(12, row.active ? 1 : 0).Bind(13, updated_at);
  s.Bind(14, py.syllables);
  return IdOf(s);
}

std::string ImportProblem::ToString() const {
  std::string s = "line " + std::to_string(line);
  if (!column.empty()) s += ", " + column;
  if (!value.empty() || !column.empty()) s += " \"" + value + "\"";
  return s + ": " + reason;
}

Result<std::string> NormalizePlu(std::string_view plu) {
  std::string p = Trim(plu);
  if (!AllDigits(p) || p.size() > 5) {
    return Status::InvalidArgument("PLU \"" + p + "\" must be 1–5 digits, as set on the scale");
  }
  return std::string(5 - p.size(), '0') + p;
}

Result<ImportReport> ImportCatalogCsv(Database& db, std::string_view csv, const ImportOptions& opts,
                                      const Clock& clock) {
  if (!IsValidUtf8(csv)) {
    return Status::InvalidArgument(
        "the file is not UTF-8 text; save it from Excel as \"CSV UTF-8\" and import again");
  }
  auto parsed = ParseCsv(csv);
  if (!parsed.ok()) return parsed.status();
  std::vector<CsvRecord>& records = *parsed;
  if (records.empty()) return Status::InvalidArgument("the file is empty; the first line must be a header such as sku,barcode,name,price");

  ImportReport report;
  // ---- Header.
  int col_index[kColCount];
  std::fill(std::begin(col_index), std::end(col_index), -1);
  const CsvRecord& header = records[0];
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string h = AsciiLower(Trim(header.fields[i]));
    bool known = false;
    for (const ColName& cn : kColNames) {
      for (const char* n : cn.names) {
        if (n && h == n) {
          if (col_index[cn.col] >= 0) {
            return Status::InvalidArgument("line 1: column \"" + h + "\" appears twice in the header; keep one");
          }
          col_index[cn.col] = static_cast<int>(i);
          known = true;
        }
      }
    }
    if (!known && !h.empty()) report.warnings.push_back("line 1: column \"" + h + "\" is not known and was ignored");
  }
  for (Col c : {kSku, kName, kPrice}) {
    if (col_index[c] < 0) {
      return Status::InvalidArgument(std::string("line 1: the header has no \"") + kCanonical[c] +
                                     "\" column; required columns are sku (编码), name (品名) and price (售价)");
    }
  }

  // The store's tax classes: a row's tax_rate must be one of them (a typo
  // such as 12.5 would otherwise make a new class and tax the product wrong).
  std::set<int64_t> tax_rates;
  Status rates_st = Guard([&] {
    Statement s = db.Prepare("SELECT rate_bp FROM tax_classes ORDER BY rate_bp DESC");
    while (s.Step()) tax_rates.insert(s.Int(0));
  });
  if (!rates_st.ok()) return rates_st;
  std::string rate_list;
  for (auto it = tax_rates.rbegin(); it != tax_rates.rend(); ++it) {
    rate_list += (rate_list.empty() ? "" : ", ") + FormatPercentBp(*it);
  }

  // ---- Pass 1: each row on its own.
  std::vector<Row> rows;
  rows.reserve(records.size());
  auto problem = [&](Row& r, Col c, const std::string& value, const std::string& why) {
    report.problems.push_back({r.line, c == kColCount ? "" : kCanonical[c], ShowControlChars(value), why});
    r.ok = false;
  };
  for (size_t ri = 1; ri < records.size(); ++ri) {
    const CsvRecord& rec = records[ri];
    Row r;
    r.line = rec.line;
    ++report.rows;
    if (rec.fields.size() != header.fields.size()) {
      problem(r, kColCount, "",
              "has " + std::to_string(rec.fields.size()) + " fields but the header has " +
                  std::to_string(header.fields.size()) + "; check for a missing or extra comma");
      rows.push_back(std::move(r));
      continue;
    }
    auto cell = [&](Col c) { return col_index[c] < 0 ? std::string() : Trim(rec.fields[col_index[c]]); };
    // A control character (NUL, ESC …) in any cell refuses the row: it would
    // reach the printer as a command (ESC p opens the drawer).
    bool has_control = false;
    for (int c = 0; c < kColCount; ++c) {
      const std::string value = cell(static_cast<Col>(c));
      if (std::string why = ControlCharProblem(value); !why.empty()) {
        problem(r, static_cast<Col>(c), value, why);
        has_control = true;
      }
    }
    if (has_control) {
      rows.push_back(std::move(r));
      continue;
    }
    Product& p = r.p;
    p.sku = cell(kSku);
    if (std::string why = SkuProblem(p.sku); !why.empty()) problem(r, kSku, p.sku, why);
    p.name = cell(kName);
    if (std::string why = NameProblem(p.name); !why.empty()) problem(r, kName, p.name, why);
    p.category = cell(kCategory);
    const std::string unit = cell(kUnit);
    if (auto u = ParseUnit(unit)) {
      p.unit = *u;
    } else {
      problem(r, kUnit, unit, "is not a known unit; use pcs (件) or kg (千克)");
    }
    const std::string price = cell(kPrice);
    if (auto m = ParseYuan(price); m.ok()) {
      p.price_fen = m->fen();
    } else {
      problem(r, kPrice, price, m.status().message() + " (yuan with at most 2 decimals, e.g. 3.50)");
    }
    if (std::string cost = cell(kCost); !cost.empty()) {
      if (auto m = ParseYuan(cost); m.ok()) {
        p.cost_fen = m->fen();
      } else {
        problem(r, kCost, cost, m.status().message() + " (yuan with at most 2 decimals)");
      }
    }
    if (std::string tax = cell(kTaxRate); !tax.empty()) {
      if (auto bp = ParsePercentBp(tax); bp.ok()) {
        p.tax_rate_bp = *bp;
        if (!tax_rates.count(*bp)) {
          problem(r, kTaxRate, tax,
                  "is not one of this store's tax classes (" + rate_list +
                      "); use one of them (税率须为本店已有的税目; HQ adds new classes)");
        }
      } else {
        problem(r, kTaxRate, tax, bp.status().message() + " (a percent such as 13, 9, 6 or 0)");
      }
    }
    if (std::string plu = cell(kPlu); !plu.empty()) {
      if (auto n = NormalizePlu(plu); n.ok()) {
        p.plu = *n;
      } else {
        problem(r, kPlu, plu, "must be 1–5 digits, as set on the scale");
      }
    }
    if (std::string codes = cell(kBarcode); !codes.empty()) {
      std::set<std::string> in_row;
      for (const std::string& item : Split(codes, '|')) {
        if (item.empty()) continue;
        BarcodeEntry e;
        e.code = item;
        if (size_t star = item.find('*'); star != std::string::npos) {
          e.code = Trim(item.substr(0, star));
          auto pack = ParseMilli(item.substr(star + 1));
          if (!pack.ok() || *pack <= 0) {
            problem(r, kBarcode, item, "has a bad pack quantity after '*'; write e.g. 6901234567892*24");
            continue;
          }
          e.pack_qty_milli = *pack;
        }
        auto g = CheckGtin(e.code);
        if (!g) {
          problem(r, kBarcode, e.code, "is not a GTIN (8, 12, 13 or 14 digits); check the code");
          continue;
        }
        if (!g->valid) {
          problem(r, kBarcode, e.code,
                  std::string("has a bad check digit (expected ") + g->expected +
                      "); re-scan or re-type the code");
          continue;
        }
        if (!in_row.insert(e.code).second) {
          problem(r, kBarcode, e.code, "is listed twice in this row");
          continue;
        }
        p.barcodes.push_back(e);
      }
    }
    rows.push_back(std::move(r));
  }

  // ---- Pass 2: conflicts between rows and with what is already saved.
  Status st = Guard([&] {
    std::unordered_map<std::string, std::string> db_barcode_owner, db_plu_owner;
    {
      Statement s = db.Prepare("SELECT b.code, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id");
      while (s.Step()) db_barcode_owner.emplace(s.Text(0), s.Text(1));
      Statement q = db.Prepare("SELECT plu, sku FROM products WHERE plu IS NOT NULL");
      while (q.Step()) db_plu_owner.emplace(q.Text(0), q.Text(1));
    }
    std::unordered_map<std::string, int> sku_line;
    for (Row& r : rows) {
      if (!r.p.sku.empty() && !sku_line.emplace(r.p.sku, r.line).second) {
        problem(r, kSku, r.p.sku, "is a duplicate SKU (also on line " + std::to_string(sku_line[r.p.sku]) + ")");
      }
    }
    std::unordered_map<std::string, int> code_line, plu_line;
    for (Row& r : rows) {
      for (const BarcodeEntry& e : r.p.barcodes) {
        auto [it, fresh] = code_line.emplace(e.code, r.line);
        if (!fresh && it->second != r.line) {
          problem(r, kBarcode, e.code, "is a duplicate barcode (also on line " + std::to_string(it->second) + ")");
          continue;
        }
        auto owner = db_barcode_owner.find(e.code);
        if (owner != db_barcode_owner.end() && owner->second != r.p.sku && !sku_line.count(owner->second)) {
          problem(r, kBarcode, e.code,
                  "is a duplicate barcode: it already belongs to SKU " + owner->second +
                      "; remove it there first or fix this row");
        }
      }
      if (!r.p.plu.empty()) {
        auto [it, fresh] = plu_line.emplace(r.p.plu, r.line);
        if (!fresh) {
          problem(r, kPlu, r.p.plu, "is a duplicate PLU (also on line " + std::to_string(it->second) + ")");
        } else if (auto owner = db_plu_owner.find(r.p.plu);
                   owner != db_plu_owner.end() && owner->second != r.p.sku && !sku_line.count(owner->second)) {
          problem(r, kPlu, r.p.plu, "is a duplicate PLU: it already belongs to SKU " + owner->second);
        }
      }
    }
  });
  if (!st.ok()) return st;

  for (const Row& r : rows) report.rejected += r.ok ? 0 : 1;
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
  if (!report.problems.empty() && !opts.skip_bad) {
    report.written = false;
    return report;
  }

  // ---- Write, in short transactions (catalog.h; issue 11).
  std::vector<const Row*> good;
  good.reserve(rows.size());
  for (const Row& r : rows) {
    if (r.ok) good.push_back(&r);
  }
  st = WriteRows(db, good, opts, clock, report);
  if (!st.ok()) return st;
  report.written = true;
  return report;
}

Result<std::string> ExportCatalogCsv(Database& db) {
  std::string out = CsvRow({"sku", "barcode", "name", "category", "unit", "price", "cost", "tax_rate", "plu"});
  Status st = Guard([&] {
    Statement s = db.Prepare(std::string("SELECT ") + kProductCols +
                             ", (SELECT group_concat(code || CASE WHEN pack_qty_milli = 1000 THEN '' "
                             "ELSE '*' || pack_qty_milli END, char(1)) FROM "
                             "(SELECT code, pack_qty_milli FROM barcodes WHERE product_id = p.id ORDER BY code)) "
                             "FROM products p LEFT JOIN categories c ON c.id = p.category_id "
                             "JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.active = 1 ORDER BY p.sku");
    while (s.Step()) {
      Product p = ReadProduct(s);
      // Pack sizes are stored in milli-units; write them back as pieces.
      std::string codes;
      for (const std::string& c : Split(s.Text(kProductColCount), '\x01')) {
        if (c.empty()) continue;
        if (!codes.empty()) codes += '|';
        size_t star = c.find('*');
        if (star == std::string::npos) {
          codes += c;
        } else {
          codes += c.substr(0, star) + "*" + FormatMilli(std::stoll(c.substr(star + 1)));
        }
      }
      out += CsvRow({p.sku, codes, p.name, p.category, p.unit, FormatYuan(Money::Fen(p.price_fen)),
                     p.cost_fen ? FormatYuan(Money::Fen(*p.cost_fen)) : "", FormatPercentBp(p.tax_rate_bp),
                     p.plu});
    }
  });
  if (!st.ok()) return st;
  return out;
}

void BumpCatalogVersion(Database& db) {
  db.Cached("INSERT INTO store_config (key, value) VALUES ('catalog_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")
      .Run();
}

Status Catalog::RefreshSearchKeys() {
  return Guard([&] {
    const std::string version = GetConfig(db_, "catalog_version").value_or("0");
    if (version == keys_version_) return;
    std::vector<SearchKey> keys;
    std::string all_syllables;
    Statement s = db_.Prepare(
        "SELECT id, search_name, pinyin_initials, pinyin_full, pinyin_syllables, name FROM products "
        "WHERE active = 1 ORDER BY id");
    while (s.Step()) {
      // NULL: a row written outside UpsertProduct since the store was opened
      // (OpenStore fills the rest); read here, not stored.
      const std::string syllables = s.IsNull(4) ? Indexer().Index(s.Text(5)).syllables : s.Text(4);
      keys.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), all_syllables.size(), syllables.size()});
      all_syllables += syllables;
    }
    keys_ = std::move(keys);
    syllables_ = std::move(all_syllables);
    keys_version_ = version;
  });
}

Result<std::optional<Product>> Catalog::FindById(int64_t id) {
  std::optional<Product> out;
  Status st = Guard([&] {
    static const std::string sql = std::string("SELECT ") + kProductCols +
                                   " FROM products p LEFT JOIN categories c ON c.id = p.category_id "
                                   "JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.id = ?";
    Statement& s = db_.Cached(sql.c_str());
    s.Bind(1, id);
    if (s.Step()) out = ReadProduct(s);
    s.Reset();
  });
  if (!st.ok()) return st;
  return out;
}

const char* MatchKindName(MatchKind k) {
  switch (k) {
    case MatchKind::kBarcode: return "barcode";
    case MatchKind::kSku: return "sku";
    case MatchKind::kPlu: return "plu";
    case MatchKind::kInitialsPrefix: return "pinyin_initials";
    case MatchKind::kNamePrefix: return "name_prefix";
    case MatchKind::kPinyinPrefix: return "pinyin";
    case MatchKind::kNameContains: return "name";
    case MatchKind::kInitialsContains: return "pinyin_initials_contains";
    case MatchKind::kPinyinContains: return "pinyin_contains";
    case MatchKind::kWords: return "words";
  }
  return "name";
}

Result<std::optional<ProductHit>> Catalog::FindByBarcode(std::string_view code) {
  std::optional<ProductHit> hit;
  Status st = Guard([&] {
    static const std::string sql =
        std::string("SELECT ") + kProductCols +
        ", b.pack_qty_milli FROM barcodes b JOIN products p ON p.id = b.product_id "
        "LEFT JOIN categories c ON c.id = p.category_id JOIN tax_classes t ON t.id = p.tax_class_id "
        "WHERE b.code = ? AND p.active = 1";
    Statement& s = db_.Cached(sql.c_str());
    s.Bind(1, code);
    if (s.Step()) {
      hit = ProductHit{ReadProduct(s), MatchKind::kBarcode, s.Int(kProductColCount)};
    }
    s.Reset();
  });
  if (!st.ok()) return st;
  return hit;
}

Result<std::optional<Product>> Catalog::FindBySku(std::string_view sku) {
  std::optional<Product> out;
  Status st = Guard([&] {
    static const std::string sql = std::string("SELECT ") + kProductCols +
                                   " FROM products p LEFT JOIN categories c ON c.id = p.category_id "
                                   "JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.sku = ?";
    Statement& s = db_.Cached(sql.c_str());
    s.Bind(1, sku);
    if (s.Step()) out = ReadProduct(s);
    s.Reset();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<Product>> Catalog::FindByPlu(std::string_view plu) {
  auto norm = NormalizePlu(plu);
  if (!norm.ok()) return std::optional<Product>();
  std::optional<Product> out;
  Status st = Guard([&] {
    static const std::string sql = std::string("SELECT ") + kProductCols +
                                   " FROM products p LEFT JOIN categories c ON c.id = p.category_id "
                                   "JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.plu = ?";
    Statement& s = db_.Cached(sql.c_str());
    s.Bind(1, *norm);
    if (s.Step()) out = ReadProduct(s);
    s.Reset();
  });
  if (!st.ok()) return st;
  return out;
}

Status Catalog::LoadBarcodes(Product& p) {
  return Guard([&] {
    Statement& s = db_.Cached("SELECT code, pack_qty_milli FROM barcodes WHERE product_id = ? ORDER BY code");
    s.Bind(1, p.id);
    p.barcodes.clear();
    while (s.Step()) p.barcodes.push_back({s.Text(0), s.Int(1)});
    s.Reset();
  });
}

Result<std::vector<ProductHit>> Catalog::Search(std::string_view query, int limit) {
  std::vector<ProductHit> out;
  const std::string q = NormalizeQuery(query);
  if (q.empty() || limit <= 0) return out;
  std::set<int64_t> seen;
  auto add = [&](Product p, MatchKind k, int64_t pack) {
    if (static_cast<int>(out.size()) >= limit || !seen.insert(p.id).second) return;
    out.push_back({std::move(p), k, pack});
  };
  if (AllDigits(q)) {
    auto b = FindByBarcode(q);
    if (!b.ok()) return b.status();
    if (*b) add((*b)->product, MatchKind::kBarcode, (*b)->pack_qty_milli);
    if (q.size() <= 5) {
      auto p = FindByPlu(q);
      if (!p.ok()) return p.status();
      if (*p) add(**p, MatchKind::kPlu, 1000);
    }
  }
  for (const std::string& sku : {std::string(query), q}) {
    auto p = FindBySku(Trim(sku));
    if (!p.ok()) return p.status();
    if (*p) add(**p, MatchKind::kSku, 1000);
  }
  const bool ascii = std::all_of(q.begin(), q.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  Status st = Guard([&] {
    static const std::string from = std::string(" FROM products p LEFT JOIN categories c ON c.id = p.category_id "
                                                "JOIN tax_classes t ON t.id = p.tax_class_id ");
    static const std::string by_initials = std::string("SELECT ") + kProductCols + from +
        "WHERE p.pinyin_initials >= ?1 AND p.pinyin_initials < ?2 AND p.active = 1 "
        "ORDER BY p.pinyin_initials LIMIT ?3";
    static const std::string by_name = std::string("SELECT ") + kProductCols + from +
        "WHERE p.search_name >= ?1 AND p.search_name < ?2 AND p.active = 1 ORDER BY p.search_name LIMIT ?3";
    static const std::string by_pinyin = std::string("SELECT ") + kProductCols + from +
        "WHERE p.pinyin_full >= ?1 AND p.pinyin_full < ?2 AND p.active = 1 ORDER BY p.pinyin_full LIMIT ?3";
    static const std::string by_sku = std::string("SELECT ") + kProductCols + from +
        "WHERE p.sku >= ?1 AND p.sku < ?2 AND p.active = 1 ORDER BY p.sku LIMIT ?3";
    auto run = [&](const std::string& sql, MatchKind kind, const std::string& key) {
      if (static_cast<int>(out.size()) >= limit) return;
      Statement& s = db_.Cached(sql.c_str());
      s.Bind(1, key).Bind(2, PrefixEnd(key)).Bind(3, static_cast<int64_t>(limit + seen.size()));
      while (s.Step()) add(ReadProduct(s), kind, 1000);
      s.Reset();
    };
    if (ascii) {
      // SKUs are usually upper case; the query was folded to lower case.
      std::string upper = Trim(query);
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      run(by_sku, MatchKind::kSku, upper);
      run(by_initials, MatchKind::kInitialsPrefix, q);
    }
    run(by_name, MatchKind::kNamePrefix, q);
    if (ascii) run(by_pinyin, MatchKind::kPinyinPrefix, q);
  });
  if (!st.ok()) return st;
  if (static_cast<int>(out.size()) >= limit) return out;

  // Substrings, in memory: name, then (for Latin input) initials and full pinyin.
  LINLI_RETURN_IF_ERROR(RefreshSearchKeys());
  std::vector<std::pair<int64_t, MatchKind>> found;
  const size_t want = static_cast<size_t>(limit) - out.size();
  auto scan = [&](auto member, MatchKind kind) {
    for (const SearchKey& k : keys_) {
      if (found.size() >= want) return;
      if ((k.*member).find(q) != std::string::npos && !seen.count(k.id)) {
        seen.insert(k.id);
        found.push_back({k.id, kind});
      }
    }
  };
  scan(&SearchKey::name, MatchKind::kNameContains);
  if (ascii) {
    scan(&SearchKey::initials, MatchKind::kInitialsContains);
    scan(&SearchKey::full, MatchKind::kPinyinContains);
  }
  for (const auto& [id, kind] : found) {
    auto p = FindById(id);
    if (!p.ok()) return p.status();
    if (*p) out.push_back({std::move(**p), kind, 1000});
  }
  if (static_cast<int>(out.size()) < limit) LINLI_RETURN_IF_ERROR(SearchWords(query, limit, seen, out));
  return out;
}

Status Catalog::SearchWords(std::string_view query, int limit, std::set<int64_t>& seen,
                            std::vector<ProductHit>& out) {
  const NameQuery words(query);
  if (words.empty()) return Status::Ok();
  struct Found {
    bool skipped;   // needed the skip-ahead allowance
    bool inside;    // the first word starts after the name's start
    size_t chars;   // characters in the name
    const SearchKey* key;
  };
  std::vector<Found> found;
  for (const SearchKey& k : keys_) {
    const std::optional<NameMatch> m = words.Match(std::string_view(syllables_).substr(k.syl_pos, k.syl_len));
    if (!m || seen.count(k.id)) continue;
    const size_t chars = static_cast<size_t>(
        std::count_if(k.name.begin(), k.name.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    found.push_back({!m->adjacent, !m->at_start, chars, &k});
  }
  const size_t want = std::min(found.size(), static_cast<size_t>(limit) - out.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(want), found.end(),
                    [](const Found& a, const Found& b) {
                      return std::tie(a.skipped, a.inside, a.chars, a.key->name, a.key->id) <
                             std::tie(b.skipped, b.inside, b.chars, b.key->name, b.key->id);
                    });
  for (size_t i = 0; i < want; ++i) {
    auto p = FindById(found[i].key->id);
    if (!p.ok()) return p.status();
    if (!*p) continue;
    seen.insert(found[i].key->id);
    out.push_back({std::move(**p), MatchKind::kWords, 1000});
  }
  return Status::Ok();
}

}  // namespace linli
