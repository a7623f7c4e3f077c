// linli catalog import|find|export · linli barcode classify
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli.h"
#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/files.h"
#include "linli/pos/money.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/store.h"
#include "linli/pos/rounding.h"

namespace linli::cli {
namespace {

struct ImportOpts {
  std::string db, file, text;
  bool skip_bad = false, json = false;
};
struct FindOpts {
  std::string db;
  std::vector<std::string> words;  // joined by spaces: `find kkkl 330` is `find "kkkl 330"`
  int limit = 20;
  bool json = false;
};
struct ExportOpts {
  std::string db, out;
};
// Which price applies and why (price_schedule.h), for `catalog find --json`.
nlohmann::json PriceRuleJson(const PriceExplanation& e, const std::string& time_zone) {
  nlohmann::json j = {{"rule", PriceOriginName(e.rule.authority)},
                      {"rule_from", e.rule.from},
                      {"reason", e.reason},
                      {"text", e.Text(time_zone)}};
  if (e.chosen) {
    j["applies"] = PriceOriginName(e.chosen->origin);
    j["price_fen"] = e.chosen->price_fen;
    j["effective_from"] = e.chosen->effective_from;
    j["effective_at"] = FormatUtc(e.chosen->effective_ms);
    if (!e.chosen->scope.empty()) j["scope"] = e.chosen->scope;
  } else {
    j["applies"] = nullptr;
  }
  if (e.other_fen) j["other_price_fen"] = *e.other_fen;
  return j;
}

struct ClassifyOpts {
  std::string db, code;
};

nlohmann::json ProductJson(const Product& p) {
  nlohmann::json j = {{"sku", p.sku},
                      {"name", p.name},
                      {"category", p.category},
                      {"unit", p.unit},
                      {"price_fen", p.price_fen},
                      {"price", FormatYuan(Money::Fen(p.price_fen))},
                      {"tax_rate_bp", p.tax_rate_bp}};
  if (p.cost_fen) j["cost_fen"] = *p.cost_fen;
  if (!p.plu.empty()) j["plu"] = p.plu;
  if (!p.barcodes.empty()) {
    nlohmann::json codes = nlohmann::json::array();
    for (const auto& b : p.barcodes) {
      nlohmann::json c = {{"code", b.code}};
      if (b.pack_qty_milli != 1000) c["pack_qty_milli"] = b.pack_qty_milli;
      codes.push_back(c);
    }
    j["barcodes"] = codes;
  }
  return j;
}

// What `barcode classify` prints: the code's class, and with a store the
// product it names (layouts from the store instead of the defaults).
int Classify(const std::string& code, Database* db) {
  std::vector<ScaleLayout> layouts = DefaultScaleLayouts();
  if (db) {
    auto l = LoadScaleLayouts(*db);
    if (!l.ok()) return Fail(l.status());
    layouts = *l;
  }
  BarcodeClass c = ClassifyBarcode(code, layouts);
  nlohmann::json j = c.ToJson();
  if (db) {
    Catalog products(*db);
    if (auto hit = products.FindByBarcode(c.code); hit.ok() && *hit) {
      (void)products.LoadBarcodes((*hit)->product);
      j["product"] = ProductJson((*hit)->product);
      if ((*hit)->pack_qty_milli != 1000) j["pack_qty_milli"] = (*hit)->pack_qty_milli;
    } else if (c.kind == BarcodeKind::kPriceEmbedded) {
      if (auto p = products.FindByPlu(c.plu); p.ok() && *p) {
        j["product"] = ProductJson(**p);
        // Only the amount printed: the quantity follows from the unit price.
        if (c.weight_g) {
          j["qty_milli"] = *c.weight_g;
        } else if (c.amount_fen && (*p)->price_fen > 0) {
          j["qty_milli"] = MulDivRound(*c.amount_fen, 1000, (*p)->price_fen);
        }
      }
    }
  }
  PrintJson(j, true);
  return 0;
}

}  // namespace

void RegisterCatalogCommands(CLI::App& app) {
  CLI::App* catalog = app.add_subcommand("catalog", "Import, search and export the product catalog");
  catalog->require_subcommand(1);

  // ---- import
  auto imp = std::make_shared<ImportOpts>();
  CLI::App* ci = catalog->add_subcommand("import", "Import products from a UTF-8 CSV file");
  ci->add_option("csv", imp->file, "CSV file with a header row")->required();
  ci->add_flag("--skip-bad", imp->skip_bad, "Import the good rows and report the bad ones");
  ci->add_flag("--json", imp->json, "Print the report as JSON");
  StoreCommand import_cmd;
  import_cmd.check = [imp] {
    std::ifstream f(imp->file, std::ios::binary);
    if (!f) return Fail(TrF("cli.cannot_read", imp->file));
    std::stringstream ss;
    ss << f.rdbuf();
    imp->text = ss.str();
    return 0;
  };
  import_cmd.run = [imp](Database& db) {
    ImportOptions opts;
    opts.skip_bad = imp->skip_bad;
    auto report = ImportCatalogCsv(db, imp->text, opts, TheClock());
    if (!report.ok()) return Fail(imp->file + ": " + report.status().message());
    const ImportReport& r = *report;
    if (imp->json) {
      nlohmann::json problems = nlohmann::json::array();
      for (const auto& p : r.problems) {
        problems.push_back({{"line", p.line}, {"column", p.column}, {"value", p.value}, {"reason", p.reason}});
      }
      PrintJson({{"rows", r.rows}, {"inserted", r.inserted}, {"updated", r.updated},
                 {"rejected", r.rejected}, {"written", r.written}, {"problems", problems},
                 {"warnings", r.warnings}});
    }
    for (const auto& w : r.warnings) std::cerr << "linli: warning: " << imp->file << ": " << w << "\n";
    for (const auto& p : r.problems) std::cerr << "linli: " << imp->file << ": " << p.ToString() << "\n";
    if (!r.written) {
      std::cerr << fmt::format(
          "linli: {} bad row(s) of {}; nothing was imported. Fix the rows above, or use --skip-bad "
          "to import the good rows only\n",
          r.rejected, r.rows);
      return 1;
    }
    if (!imp->json) {
      std::cout << TrF("cli.catalog.imported", r.inserted + r.updated, r.inserted, r.updated);
      if (r.rejected) std::cout << TrF("cli.catalog.skipped", r.rejected);
      std::cout << "\n";
    }
    // With --skip-bad, bad rows still make the exit code say "not everything".
    return r.rejected ? 3 : 0;
  };
  OnStore(ci, &imp->db, std::move(import_cmd));

  // ---- find
  auto find = std::make_shared<FindOpts>();
  CLI::App* cf = catalog->add_subcommand("find", "Find products by barcode, SKU, PLU, name or pinyin initials");
  cf->add_option("query", find->words,
                 "e.g. 6901234567892, A001, 00123, 可乐, kkkl; mixed words too: kk可乐 330, kekou kele")
      ->required();
  cf->add_option("--limit", find->limit, "At most this many results")->capture_default_str();
  cf->add_flag("--json", find->json, "Print JSON");
  OnStore(cf, &find->db, [find](Database& db) {
    Catalog products(db);
    std::string query;
    for (const std::string& w : find->words) query += (query.empty() ? "" : " ") + w;
    auto hits = products.Search(query, find->limit);
    if (!hits.ok()) return Fail(hits.status());
    auto info = LoadStoreInfo(db);
    if (!info.ok()) return Fail(info.status());
    if (find->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (auto& h : *hits) {
        (void)products.LoadBarcodes(h.product);
        nlohmann::json j = ProductJson(h.product);
        j["match"] = MatchKindName(h.match);
        if (h.match == MatchKind::kBarcode && h.pack_qty_milli != 1000) j["pack_qty_milli"] = h.pack_qty_milli;
        auto why = ExplainPrice(db, h.product.id, TheClock());
        if (!why.ok()) return Fail(why.status());
        j["price_rule"] = PriceRuleJson(*why, info->timezone);
        arr.push_back(j);
      }
      PrintJson(arr);
    } else {
      for (const auto& h : *hits) {
        auto why = ExplainPrice(db, h.product.id, TheClock());
        if (!why.ok()) return Fail(why.status());
        std::cout << fmt::format("{}\t{}\t¥{}{}\t{}\t{}\n", h.product.sku, h.product.name,
                                 FormatYuan(Money::Fen(h.product.price_fen)),
                                 h.product.unit == "kg" ? "/kg" : "", MatchKindName(h.match),
                                 why->Text(info->timezone));
      }
      if (hits->empty()) std::cout << TrF("cli.catalog.no_match", query) << "\n";
    }
    return hits->empty() ? 4 : 0;
  });

  // ---- export
  auto exp = std::make_shared<ExportOpts>();
  CLI::App* ce = catalog->add_subcommand("export", "Write the catalog as CSV (stdout or --out)");
  ce->add_option("--out", exp->out, "Write to this file instead of stdout");
  OnStore(ce, &exp->db, [exp](Database& db) {
    auto csv = ExportCatalogCsv(db);
    if (!csv.ok()) return Fail(csv.status());
    if (exp->out.empty()) {
      std::cout << *csv;
      return 0;
    }
    // Never a truncated export over a good one (a full disk): temp file, fsync, rename.
    Status st = ReplaceFile(exp->out, *csv);
    if (!st.ok()) return Fail(st);
    return 0;
  });

  // ---- barcode classify
  CLI::App* barcode = app.add_subcommand("barcode", "Barcode tools");
  barcode->require_subcommand(1);
  auto cls = std::make_shared<ClassifyOpts>();
  CLI::App* bc = barcode->add_subcommand("classify", "Say what a scanned code is, as one JSON object");
  bc->add_option("code", cls->code, "The scanned code")->required();
  StoreCommand classify_cmd;
  classify_cmd.help = "Store database: use its label layouts and report the product";
  classify_cmd.required = false;
  classify_cmd.run = [cls](Database& db) { return Classify(cls->code, &db); };
  classify_cmd.without_store = [cls] { return Classify(cls->code, nullptr); };
  OnStore(bc, &cls->db, std::move(classify_cmd));
}

}  // namespace linli::cli
