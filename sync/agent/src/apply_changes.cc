// Applying the hub's change feed to the store database (PROTOCOL.md §7).
//
// Each page is applied together with its cursor in one transaction, so a
// crash between pages re-asks for the page after the last committed cursor
// and every change is idempotent (upserts keyed as the hub keys them), so a
// page applied twice changes nothing.
#include <map>

#include "linli/pos/catalog.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/promotions.h"
#include "linli/pos/store.h"
#include "linli/pos/store_config.h"
#include "linli/sync/agent.h"

namespace linli::sync {

namespace {

// Where refused store_config values are kept (a local key: the hub cannot
// set it): a JSON object, config key → {value, reason, seq, at}.
constexpr const char* kRefusedConfigKey = "sync_refused_config";

nlohmann::json RefusedConfigJson(Database& db) {
  const nlohmann::json j =
      nlohmann::json::parse(GetConfig(db, kRefusedConfigKey).value_or("{}"), nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

// Records (or, with reason empty, forgets) the refused value of `key`.
void NoteRefusedConfig(Database& db, const std::string& key, const Change& c, const std::string& value,
                       const std::string& reason, const Clock& clock) {
  nlohmann::json j = RefusedConfigJson(db);
  if (reason.empty()) {
    if (!j.contains(key)) return;
    j.erase(key);
  } else {
    j[key] = {{"value", value}, {"reason", reason}, {"seq", c.seq}, {"at", FormatUtc(clock.NowMs())}};
  }
  SetConfig(db, kRefusedConfigKey, j.dump());
}

std::optional<int64_t> ProductId(Database& db, const std::string& sku) {
  Statement& s = db.Cached("SELECT id FROM products WHERE sku = ?");
  s.Bind(1, sku);
  std::optional<int64_t> id;
  if (s.Step()) id = s.Int(0);
  s.Reset();
  return id;
}

// Applies one change; returns "" or why it was skipped. Throws DbError.
std::string ApplyOne(Database& db, const Change& c, const Clock& clock, bool& catalog_changed) {
  const nlohmann::json& d = c.data;
  const bool del = c.op == "delete";
  if (c.op != "upsert" && !del) return "unknown op \"" + c.op + "\"";
  const std::string now = FormatUtc(clock.NowMs());
  auto str = [&](const char* k) { return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : std::string(); };
  auto num = [&](const char* k, int64_t dflt) {
    return d.contains(k) && d[k].is_number_integer() ? d[k].get<int64_t>() : dflt;
  };

  if (c.kind == "category") {
    const std::string name = del ? c.key : str("name");
    if (name.empty()) return "category without a name";
    if (del) {
      db.Cached("UPDATE products SET category_id = NULL WHERE category_id = (SELECT id FROM categories WHERE name = ?)")
          .Bind(1, name)
          .Run();
      db.Cached("DELETE FROM categories WHERE name = ?").Bind(1, name).Run();
    } else {
      CategoryIdFor(db, name);
    }
    catalog_changed = true;
    return "";
  }
  if (c.kind == "tax_class") {
    if (del) return "";  // products may still use it; kept
    const int64_t rate = num("rate_bp", -1);
    if (rate < 0 || rate > 10000) return "tax class " + c.key + " has no valid rate_bp";
    const std::string name = str("name").empty() ? c.key : str("name");
    TaxClassIdFor(db, rate);
    db.Cached("UPDATE tax_classes SET name = ? WHERE rate_bp = ?").Bind(1, name).Bind(2, rate).Run();
    return "";
  }
  if (c.kind == "product") {
    const std::string sku = del ? c.key : str("sku");
    if (sku.empty()) return "product without a sku";
    catalog_changed = true;
    if (del) {
      db.Cached("UPDATE products SET active = 0, updated_at = ? WHERE sku = ?").Bind(1, now).Bind(2, sku).Run();
      return "";
    }
    // The rules every stored product keeps, whoever writes it (catalog.h).
    if (std::string why = SkuProblem(sku); !why.empty()) return "product SKU \"" + sku + "\" " + why;
    ProductRow row;
    row.sku = sku;
    row.name = str("name");
    if (std::string why = NameProblem(row.name); !why.empty()) return "product " + sku + ": the name " + why;
    const std::optional<std::string> unit = ParseUnit(str("unit"));
    if (!unit) return "product " + sku + " has unit \"" + str("unit") + "\" (pcs or kg)";
    row.unit = *unit;
    const int64_t rate = num("tax_rate_bp", 1300);
    if (rate < 0 || rate > 10000) return "product " + sku + " has tax_rate_bp out of range";
    if (!str("category").empty()) row.category_id = CategoryIdFor(db, str("category"));
    row.tax_class_id = TaxClassIdFor(db, rate);
    row.active = !d.contains("active") || !d["active"].is_boolean() || d["active"].get<bool>();
    // A new product has no price until its price change arrives (0 fen:
    // the till asks for a price override rather than selling it free — the
    // feed sends the price right after the product, in the same page).
    // Cost and PLU are the store's own and are kept.
    UpsertProduct(db, row, now);
    return "";
  }
  if (c.kind == "barcode") {
    const std::string code = del ? c.key : str("code");
    if (code.empty()) return "barcode without a code";
    catalog_changed = true;
    if (del) {
      db.Cached("DELETE FROM barcodes WHERE code = ?").Bind(1, code).Run();
      return "";
    }
    auto pid = ProductId(db, str("sku"));
    if (!pid) return "barcode " + code + " names unknown SKU \"" + str("sku") + "\"";
    const int64_t pack = num("pack_qty_milli", 1000);
    if (pack <= 0) return "barcode " + code + " has pack_qty_milli <= 0";
    db.Cached(
          "INSERT INTO barcodes (code, product_id, pack_qty_milli) VALUES (?, ?, ?) "
          "ON CONFLICT(code) DO UPDATE SET product_id = excluded.product_id, "
          "pack_qty_milli = excluded.pack_qty_milli")
        .Bind(1, code)
        .Bind(2, *pid)
        .Bind(3, pack)
        .Run();
    return "";
  }
  if (c.kind == "price") {
    // HQ's price (PROTOCOL.md §7): effective_from is a bare date (00:00 in
    // this store's zone) or an instant with an offset (price_schedule.h).
    std::string sku = str("sku"), from = str("effective_from"), scope = str("store");
    if (del && (sku.empty() || from.empty())) {
      const size_t at = c.key.find('@');
      if (at == std::string::npos) return "price delete with key \"" + c.key + "\"";
      sku = c.key.substr(0, at);
      from = c.key.substr(at + 1);
      const size_t at2 = from.find('@');
      if (at2 != std::string::npos) {
        scope = from.substr(at2 + 1);
        from = from.substr(0, at2);
      }
    }
    auto pid = ProductId(db, sku);
    if (!pid) return "price for unknown SKU \"" + sku + "\"";
    auto norm = NormalizeEffectiveFrom(from);
    if (!norm.ok()) return "price for " + sku + ": " + norm.status().message();
    auto ms = ResolveEffectiveFrom(*norm, GetConfig(db, "timezone").value_or("Asia/Shanghai"));
    if (!ms.ok()) return "price for " + sku + ": " + ms.status().message();
    if (del) {
      ForgetPrice(db, *pid, PriceOrigin::kHq, scope, *norm, *ms, clock);
      catalog_changed = true;
      return "";
    }
    const int64_t price = num("price_fen", -1);
    if (price < 0) return "price for " + sku + " has no valid price_fen";
    RecordPrice(db, {*pid, PriceOrigin::kHq, scope, *norm, *ms, price, "hub", c.seq}, clock);
    return "";
  }
  if (c.kind == "promotion") {
    const std::string id = del ? c.key : (str("id").empty() ? (str("code").empty() ? c.key : str("code")) : str("id"));
    if (id.empty()) return "promotion without a code";
    if (del) {
      db.Cached("UPDATE promotions SET active = 0, updated_at = ? WHERE id = ?").Bind(1, now).Bind(2, id).Run();
      return "";
    }
    auto p = ParseFeedPromotion(d, c.key);
    if (!p.ok()) return "promotion " + id + ": " + p.status().message();
    SavePromotion(db, p->promotion, p->active, now);
    return "";
  }
  if (c.kind == "store_config") {
    const std::string key = del ? c.key : str("key");
    if (key.empty()) return "store_config without a key";
    if (IsLocalConfigKey(key)) return "store_config key \"" + key + "\" is not set from the hub";
    // The price rule decides every product's price in force (price_schedule.h).
    const bool price_rule = key == kPriceAuthorityKey || key == kPriceAuthorityOverrideKey;
    if (del) {
      db.Cached("DELETE FROM store_config WHERE key = ?").Bind(1, key).Run();
      NoteRefusedConfig(db, key, c, "", "", clock);
      if (price_rule) RefreshAllPricesInForce(db, clock);
      return "";
    }
    if (!d.contains("value")) return "store_config " + key + " has no value";
    const nlohmann::json& v = d["value"];
    const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    // The till's own rules (store_config.h): a value that would stop selling
    // is kept aside for `sync status`, and the last good one stays.
    if (std::string why = StoreConfigProblem(key, value); !why.empty()) {
      NoteRefusedConfig(db, key, c, value, why, clock);
      return "store_config \"" + key + "\" " + why + "; the till keeps its last good value";
    }
    SetConfig(db, key, value);
    NoteRefusedConfig(db, key, c, "", "", clock);
    if (price_rule) RefreshAllPricesInForce(db, clock);
    return "";
  }
  return "unknown kind \"" + c.kind + "\"";
}

}  // namespace

Result<std::vector<RefusedConfig>> LoadRefusedConfig(Database& db) {
  std::vector<RefusedConfig> out;
  Status st = Guard([&] {
    const nlohmann::json all = RefusedConfigJson(db);  // kept alive: items() only refers to it
    for (const auto& item : all.items()) {
      const nlohmann::json& r = item.value();
      if (!r.is_object()) continue;
      out.push_back({item.key(), r.value("value", ""), r.value("reason", ""), r.value("seq", int64_t{0}),
                     r.value("at", "")});
    }
  });
  if (!st.ok()) return st;
  return out;
}

Result<ApplyResult> ApplyChangesPage(Database& db, const ChangesResponse& page, const Clock& clock) {
  ApplyResult out;
  Status st = Guard([&] {
    Transaction tx(db);
    bool catalog_changed = false;
    if (page.snapshot) {
      // The snapshot is the whole synced catalogue: what it leaves out is gone.
      db.Exec("UPDATE products SET active = 0");
      db.Exec("DELETE FROM barcodes");
      db.Exec("DELETE FROM scheduled_prices");
      db.Exec("DELETE FROM prices WHERE origin = 'hq'");  // the snapshot sends HQ's prices again
      db.Exec("UPDATE promotions SET active = 0");
      catalog_changed = true;
    }
    for (const Change& c : page.changes) {
      std::string why = ApplyOne(db, c, clock, catalog_changed);
      if (why.empty()) {
        ++out.applied;
      } else {
        ++out.skipped;
        out.problems.push_back("change " + std::to_string(c.seq) + " (" + c.kind + " " + c.key + "): " + why);
      }
    }
    if (page.snapshot) RefreshAllPricesInForce(db, clock);
    if (catalog_changed) BumpCatalogVersion(db);
    db.Cached("UPDATE sync_state SET pull_cursor = ? WHERE id = 1").Bind(1, std::to_string(page.cursor)).Run();
    tx.Commit();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli::sync
