#include "linli/hub/catalog_import.h"

#include <stdlib.h>

#include <filesystem>
#include <set>

#include "linli/pos/store.h"

namespace linli::hub {

Result<HubCatalogImport> ImportCatalogToHub(HubStore& hub, int64_t org_id, std::string_view csv,
                                            const Clock& clock) {
  // A scratch till database gives the hub the store's exact validation.
  char tmpl[] = "/tmp/linli-hub-catalog-XXXXXX";
  if (!mkdtemp(tmpl)) return Status::IoError("cannot make a scratch directory under /tmp");
  const std::filesystem::path dir(tmpl);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{dir};
  const std::string path = (dir / "scratch.db").string();
  LINLI_RETURN_IF_ERROR(InitStore(path, {"HQ", "HQ", "Asia/Shanghai"}, clock));
  auto db = OpenStore(path);
  if (!db.ok()) return db.status();
  HubCatalogImport out;
  auto report = ImportCatalogCsv(**db, csv, {}, clock);
  if (!report.ok()) return report.status();
  out.report = *report;
  if (!report->written) return out;

  const std::string now = FormatUtc(clock.NowMs());
  std::set<std::string> categories;
  std::set<int64_t> rates;
  Status st = Guard([&]() -> Status {
    Statement p = (*db)->Prepare(
        "SELECT p.sku, p.name, COALESCE(c.name, ''), p.unit, t.rate_bp, t.name, p.price_fen, p.id "
        "FROM products p LEFT JOIN categories c ON c.id = p.category_id "
        "JOIN tax_classes t ON t.id = p.tax_class_id ORDER BY p.sku");
    Statement codes = (*db)->Prepare("SELECT code, pack_qty_milli FROM barcodes WHERE product_id = ? ORDER BY code");
    auto edit = [&](const char* kind, const std::string& key, const nlohmann::json& data) -> Status {
      auto seq = hub.Edit(org_id, kind, key, "upsert", data, "");
      if (!seq.ok()) return seq.status();
      ++out.edits;
      return Status::Ok();
    };
    while (p.Step()) {
      const std::string sku = p.Text(0), category = p.Text(2), tax_name = p.Text(5);
      const int64_t rate = p.Int(4);
      if (rates.insert(rate).second) {
        LINLI_RETURN_IF_ERROR(edit("tax_class", tax_name, {{"name", tax_name}, {"rate_bp", rate}}));
      }
      if (!category.empty() && categories.insert(category).second) {
        LINLI_RETURN_IF_ERROR(edit("category", category, {{"name", category}}));
      }
      LINLI_RETURN_IF_ERROR(edit("product", sku,
                                 {{"sku", sku}, {"name", p.Text(1)}, {"category", category}, {"unit", p.Text(3)},
                                  {"tax_rate_bp", rate}, {"active", true}}));
      codes.Bind(1, p.Int(7));
      while (codes.Step()) {
        LINLI_RETURN_IF_ERROR(
            edit("barcode", codes.Text(0), {{"code", codes.Text(0)}, {"sku", sku}, {"pack_qty_milli", codes.Int(1)}}));
      }
      codes.Reset();
      LINLI_RETURN_IF_ERROR(edit("price", sku + "@" + now,
                                 {{"sku", sku}, {"price_fen", p.Int(6)}, {"effective_from", now}, {"store", nullptr}}));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli::hub
