// linli product add|edit: a manager adds or changes one product as the
// counter's 新增商品 and 改商品 do (till_products.h): saved, audited and
// journaled (product_edit@1), so the hub learns of it at the next sync.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "linli/pos/money.h"
#include "linli/pos/till_products.h"

namespace linli::cli {
namespace {

struct ProductOpts {
  std::string db, user, pin, sku, barcode, name, price, unit = "pcs";
  bool json = false;
};

int Save(Database& db, const ProductOpts& o, bool add) {
  auto user = SignInOrFail(db, o.user, o.pin);
  if (!user) return 1;
  TillProductEdit edit;
  edit.sku = add ? "" : o.sku;
  edit.barcode = o.barcode;
  edit.unit = o.unit;
  if (!o.name.empty()) edit.name = o.name;
  if (!o.price.empty()) {
    auto fen = ParseYuan(o.price);
    if (!fen.ok()) return Fail(TrF("cli.product.bad_price", o.price, fen.status().message()));
    edit.price_fen = fen->fen();
  }
  if (!add && !edit.name && !edit.price_fen && edit.barcode.empty()) {
    return Fail(Tr("cli.product.nothing"), 2);
  }
  auto r = SaveTillProduct(db, edit, *user, std::nullopt, TheClock());
  if (!r.ok()) return Fail(r.status());
  if (o.json) {
    PrintJson({{"sku", r->sku},
               {"added", r->added},
               {"price_fen", r->price_fen},
               {"price_applies", r->price_applies},
               {"journal_seq", r->journal_seq}});
    return 0;
  }
  std::cout << TrF(r->added ? "cli.product.added" : "cli.product.saved", r->sku, FormatYuan(Money::Fen(r->price_fen), true))
            << "\n";
  if (!r->price_applies) std::cout << Tr("cli.product.hq_price") << "\n";
  return 0;
}

void Common(CLI::App* c, const std::shared_ptr<ProductOpts>& o) {
  c->add_option("--name", o->name, "Product name (品名)");
  c->add_option("--price", o->price, "The store's price in yuan, e.g. 3.50 (售价)");
  c->add_option("--user", o->user, "Manager or owner number, signing in")->required();
  c->add_option("--pin", o->pin, "PIN (read from stdin when omitted)");
  c->add_flag("--json", o->json, "Print JSON");
}

}  // namespace

void RegisterProductCommands(CLI::App& app) {
  CLI::App* product = app.add_subcommand("product", "Add or change one product, as at the till (journaled)");
  product->require_subcommand(1);
  auto add = std::make_shared<ProductOpts>();
  CLI::App* a = product->add_subcommand("add", "A new product for a barcode (新增商品); its SKU is N + the barcode");
  a->add_option("--barcode", add->barcode, "The barcode it is scanned with")->required();
  a->add_option("--unit", add->unit, "pcs (件) or kg (千克)")->capture_default_str();
  Common(a, add);
  a->get_option("--name")->required();
  a->get_option("--price")->required();
  OnStore(a, &add->db, [add](Database& db) { return Save(db, *add, true); });
  auto edit = std::make_shared<ProductOpts>();
  CLI::App* e = product->add_subcommand("edit", "Change a product's name or price, or add a barcode to it (改商品)");
  e->add_option("--sku", edit->sku, "The product's SKU")->required();
  e->add_option("--barcode", edit->barcode, "Another barcode for it");
  Common(e, edit);
  OnStore(e, &edit->db, [edit](Database& db) { return Save(db, *edit, false); });
}

}  // namespace linli::cli
