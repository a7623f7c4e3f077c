// Products added or changed at the till (till_products.h).
#include "linli/pos/till_products.h"

#include <nlohmann/json.hpp>

#include "linli/pos/audit.h"
#include "linli/pos/catalog.h"
#include "linli/pos/events.h"
#include "linli/pos/journal.h"
#include "linli/pos/money.h"
#include "linli/pos/price_schedule.h"

namespace linli {
namespace {

struct Existing {
  int64_t id = 0;
  std::string name;
  std::string unit;
  std::optional<int64_t> category_id;
  int64_t tax_class_id = 0;
  int64_t price_fen = 0;
  bool active = true;
};

std::optional<Existing> LoadProduct(Database& db, const std::string& sku) {
  Statement s = db.Prepare(
      "SELECT id, name, unit, category_id, tax_class_id, price_fen, active FROM products WHERE sku = ?");
  s.Bind(1, sku);
  if (!s.Step()) return std::nullopt;
  Existing e;
  e.id = s.Int(0);
  e.name = s.Text(1);
  e.unit = s.Text(2);
  if (!s.IsNull(3)) e.category_id = s.Int(3);
  e.tax_class_id = s.Int(4);
  e.price_fen = s.Int(5);
  e.active = s.Int(6) != 0;
  return e;
}

// The SKU a barcode already belongs to, if any.
std::optional<std::string> BarcodeOwner(Database& db, const std::string& code) {
  Statement s = db.Prepare("SELECT p.sku FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ?");
  s.Bind(1, code);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

Status CheckPrice(int64_t fen) {
  if (fen <= 0 || fen > kTillMaxPriceFen) {
    return Status::InvalidArgument("price " + FormatYuan(Money::Fen(fen), true) +
                                   " is out of range; enter a price above 0 and at most ¥100,000.00")
        .WithKey("pos.product.bad_price", {{"price", FormatYuan(Money::Fen(fen), true)}});
  }
  return Status::Ok();
}

Status CheckBarcode(const std::string& code) {
  bool ok = !code.empty() && code.size() <= 32;
  for (unsigned char c : code) ok = ok && c > 0x20 && c < 0x7f && c != '|' && c != '*';
  if (!ok) {
    return Status::InvalidArgument("barcode \"" + code + "\" is not a code a scanner sends (1-32 letters or digits)")
        .WithKey("pos.product.bad_barcode", {{"code", code}});
  }
  return Status::Ok();
}

}  // namespace

Result<TillProductResult> SaveTillProduct(Database& db, const TillProductEdit& edit, const User& actor,
                                          const std::optional<Approval>& approval, const Clock& clock) {
  // Who may: a manager or owner, or a cashier with a manager's PIN.
  std::string approved_by;
  if (actor.role < Role::kManager) {
    if (!approval) {
      return Status::PermissionDenied("adding or changing a product needs a manager")
          .WithKey("pos.product.needs_manager");
    }
    auto mgr = CheckApproval(db, *approval);
    if (!mgr.ok()) return mgr.status();
    approved_by = mgr->id;
  }
  if (edit.name) {
    if (std::string why = NameProblem(*edit.name); !why.empty()) {
      return Status::InvalidArgument("name \"" + *edit.name + "\" " + why).WithKey("pos.product.bad_name");
    }
  }
  if (edit.price_fen) {
    if (Status st = CheckPrice(*edit.price_fen); !st.ok()) return st;
  }
  if (!edit.barcode.empty()) {
    if (Status st = CheckBarcode(edit.barcode); !st.ok()) return st;
  }

  TillProductResult out;
  Status st = Guard([&]() -> Status {
    Transaction tx(db);
    const bool adding = edit.sku.empty();
    out.sku = edit.sku.empty() ? "N" + edit.barcode : edit.sku;
    if (std::string why = SkuProblem(out.sku); !why.empty()) {
      return Status::InvalidArgument("SKU \"" + out.sku + "\" " + why).WithKey("pos.product.bad_sku", {{"sku", out.sku}});
    }
    std::optional<Existing> old = LoadProduct(db, out.sku);
    if (adding && old) {
      return Status::AlreadyExists("product " + out.sku + " exists already; edit it instead")
          .WithKey("pos.product.exists", {{"sku", out.sku}});
    }
    if (!adding && !old) {
      return Status::NotFound("no product has SKU " + edit.sku).WithKey("pos.product.unknown", {{"sku", edit.sku}});
    }
    if (adding) {
      if (edit.barcode.empty()) {
        return Status::InvalidArgument("a new product needs the barcode it was scanned with")
            .WithKey("pos.product.needs_barcode");
      }
      if (!edit.name) return Status::InvalidArgument("a new product needs a name").WithKey("pos.product.bad_name");
      if (!edit.price_fen) return CheckPrice(0);
    }
    std::optional<std::string> unit = old ? std::optional<std::string>(old->unit) : ParseUnit(edit.unit);
    if (!unit) {
      return Status::InvalidArgument("unit \"" + edit.unit + "\" is not known; use pcs (件) or kg (千克)")
          .WithKey("pos.product.bad_unit", {{"unit", edit.unit}});
    }
    if (!edit.barcode.empty()) {
      if (auto owner = BarcodeOwner(db, edit.barcode); owner && *owner != out.sku) {
        return Status::InvalidArgument("barcode " + edit.barcode + " belongs to product " + *owner)
            .WithKey("pos.product.barcode_taken", {{"code", edit.barcode}, {"sku", *owner}});
      }
    }

    const std::string now = FormatUtc(clock.NowMs());
    ProductRow row;
    row.sku = out.sku;
    row.name = edit.name ? *edit.name : old->name;
    row.unit = *unit;
    row.category_id = old ? old->category_id : std::nullopt;
    row.tax_class_id = old ? old->tax_class_id : TaxClassIdFor(db, Product{}.tax_rate_bp);
    row.active = old ? old->active : true;
    const int64_t id = UpsertProduct(db, row, now);
    if (!edit.barcode.empty()) {
      db.Prepare("INSERT INTO barcodes (code, product_id, pack_qty_milli) VALUES (?, ?, 1000) "
                 "ON CONFLICT(code) DO NOTHING")
          .Bind(1, edit.barcode).Bind(2, id).Run();
    }
    const int64_t price = edit.price_fen ? *edit.price_fen : old->price_fen;
    if (edit.price_fen && (!old || *edit.price_fen != old->price_fen)) {
      RecordPrice(db, {id, PriceOrigin::kStore, "", now, clock.NowMs(), price, "till", clock.NowMs()}, clock);
    }
    BumpCatalogVersion(db);
    Statement in_force = db.Prepare("SELECT price_fen FROM products WHERE id = ?");
    in_force.Bind(1, id);
    in_force.Step();
    out.price_fen = in_force.Int(0);
    out.price_applies = out.price_fen == price;
    out.added = !old;
    out.approved_by = approved_by;

    events::ProductEditEvent ev;
    ev.action = old ? "edit" : "add";
    ev.sku = out.sku;
    ev.name = row.name;
    ev.unit = row.unit;
    ev.price_fen = price;
    if (!edit.barcode.empty()) ev.barcode = edit.barcode;
    ev.user = actor.id;
    if (!approved_by.empty()) ev.approved_by = approved_by;
    if (old) {
      ev.before_name = old->name;
      ev.before_price_fen = old->price_fen;
    }
    ev.occurred_at = now;
    AuditRecord audit;
    audit.action = old ? "product_edit" : "product_add";
    audit.user_id = actor.id;
    audit.approved_by = approved_by;
    if (old) audit.before = nlohmann::json{{"name", old->name}, {"price_fen", old->price_fen}}.dump();
    audit.after = nlohmann::json{{"sku", out.sku}, {"name", row.name}, {"price_fen", price}}.dump();
    RecordAudit(db, audit, now);
    auto entry = AppendEvent(db, ev, clock);
    if (!entry.ok()) return entry.status();
    out.journal_seq = entry->seq;
    tx.Commit();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
