// linli init · linli user add|list · linli stock adjust|show
#include <iostream>

#include <fmt/format.h>

#include "cli.h"
#include "linli/pos/inventory.h"
#include "linli/pos/money.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"

namespace linli::cli {

std::unique_ptr<Database> OpenStoreOrFail(const std::string& path) {
  auto db = OpenStore(path);
  if (!db.ok()) {
    Fail(db.status());
    return nullptr;
  }
  return std::move(db).value();
}

namespace {

struct InitOpts {
  std::string db, code, name, tz = "Asia/Shanghai";
};

struct UserOpts {
  std::string db, id, name, role, pin;
  bool json = false;
};

struct StockOpts {
  std::string db, sku, qty, reason, note, user;
  std::optional<int64_t> qty_milli;
  bool json = false;
};

nlohmann::json LevelJson(const StockLevel& l) {
  return {{"sku", l.sku}, {"name", l.name}, {"unit", l.unit}, {"on_hand_milli", l.on_hand_milli}};
}

std::string QtyText(int64_t milli, const std::string& unit) {
  return FormatMilli(milli) + (unit == "kg" ? " kg" : "");
}

}  // namespace

void RegisterStoreCommands(CLI::App& app) {
  // ---- init
  auto init = std::make_shared<InitOpts>();
  CLI::App* c = app.add_subcommand("init", "Create a store database with its device key");
  c->add_option("--db", init->db, "Store database file to create")->required();
  c->add_option("--store-code", init->code, "Store code, e.g. S001")->required();
  c->add_option("--name", init->name, "Store name, e.g. 邻里便利店")->required();
  c->add_option("--timezone", init->tz, "IANA time zone for display")->capture_default_str();
  c->callback([init] {
    Status st = InitStore(init->db, {init->code, init->name, init->tz}, TheClock());
    if (!st.ok()) {
      ExitCode() = Fail(st);
      return;
    }
    auto db = OpenStoreOrFail(init->db);
    if (!db) {
      ExitCode() = 1;
      return;
    }
    auto dev = LoadDevice(*db);
    std::cout << "created store " << init->code << " (" << init->name << ") in " << init->db << "\n";
    if (dev.ok()) std::cout << "device " << dev->device_id << "\n";
  });

  // ---- user
  CLI::App* user = app.add_subcommand("user", "Manage till users");
  user->require_subcommand(1);
  auto uadd = std::make_shared<UserOpts>();
  CLI::App* ua = user->add_subcommand("add", "Add a user or change a user's name, role and PIN");
  ua->add_option("--db", uadd->db, "Store database")->required();
  ua->add_option("--id", uadd->id, "User number typed at sign-in, e.g. 1001")->required();
  ua->add_option("--name", uadd->name, "Name, e.g. 张三")->required();
  ua->add_option("--role", uadd->role, "cashier | manager | owner")->required();
  ua->add_option("--pin", uadd->pin, "4–8 digit PIN (read from stdin when omitted)");
  ua->callback([uadd] {
    auto role = ParseRole(uadd->role);
    if (!role.ok()) {
      ExitCode() = Fail(role.status());
      return;
    }
    std::string pin = uadd->pin.empty() ? ReadLineFromStdin() : uadd->pin;
    auto db = OpenStoreOrFail(uadd->db);
    if (!db) {
      ExitCode() = 1;
      return;
    }
    Status st = AddUser(*db, {uadd->id, uadd->name, *role}, pin, TheClock());
    if (!st.ok()) {
      ExitCode() = Fail(st);
      return;
    }
    std::cout << "user " << uadd->id << " " << uadd->name << " (" << RoleName(*role) << ") saved\n";
  });
  auto ulist = std::make_shared<UserOpts>();
  CLI::App* ul = user->add_subcommand("list", "List active users");
  ul->add_option("--db", ulist->db, "Store database")->required();
  ul->add_flag("--json", ulist->json, "Print JSON");
  ul->callback([ulist] {
    auto db = OpenStoreOrFail(ulist->db);
    if (!db) {
      ExitCode() = 1;
      return;
    }
    auto users = ListUsers(*db);
    if (!users.ok()) {
      ExitCode() = Fail(users.status());
      return;
    }
    nlohmann::json arr = nlohmann::json::array();
    for (const User& u : *users) {
      arr.push_back({{"id", u.id}, {"name", u.name}, {"role", RoleName(u.role)}});
      if (!ulist->json) std::cout << u.id << "\t" << u.name << "\t" << RoleName(u.role) << "\n";
    }
    if (ulist->json) PrintJson(arr);
  });

  // ---- stock
  CLI::App* stock = app.add_subcommand("stock", "Stock on hand and movements");
  stock->require_subcommand(1);
  auto adj = std::make_shared<StockOpts>();
  CLI::App* sa = stock->add_subcommand("adjust", "Record a stock movement");
  sa->add_option("--db", adj->db, "Store database")->required();
  sa->add_option("--sku", adj->sku, "Product SKU")->required();
  auto* qty = sa->add_option("--qty", adj->qty, "Quantity in pieces (or kg for weighed goods), e.g. 24 or 1.5");
  auto* qm = sa->add_option("--qty-milli", adj->qty_milli, "Quantity in milli-units (grams for kg goods)");
  qty->excludes(qm);
  sa->add_option("--reason", adj->reason,
                 "receive | count | damage | expired | loss | return_to_supplier | correction | "
                 "transfer_in | transfer_out")
      ->required();
  sa->add_option("--note", adj->note, "Free text kept with the movement");
  sa->add_option("--user", adj->user, "User number recording it");
  sa->add_flag("--json", adj->json, "Print JSON");
  sa->callback([adj] {
    if (adj->qty.empty() && !adj->qty_milli) {
      ExitCode() = Fail("give the quantity with --qty N (pieces or kg) or --qty-milli N", 2);
      return;
    }
    int64_t milli = 0;
    if (adj->qty_milli) {
      milli = *adj->qty_milli;
    } else {
      auto m = ParseMilli(adj->qty, Sign::kAny);
      if (!m.ok()) {
        ExitCode() = Fail("--qty: " + m.status().message());
        return;
      }
      milli = *m;
    }
    auto reason = ParseMovementReason(adj->reason);
    if (!reason.ok()) {
      ExitCode() = Fail(reason.status());
      return;
    }
    auto db = OpenStoreOrFail(adj->db);
    if (!db) {
      ExitCode() = 1;
      return;
    }
    auto level = AdjustStock(*db, {adj->sku, milli, *reason, adj->user, adj->note}, TheClock());
    if (!level.ok()) {
      ExitCode() = Fail(level.status());
      return;
    }
    if (adj->json) {
      nlohmann::json j = LevelJson(*level);
      j["movement_milli"] = level->movement_milli;
      j["reason"] = MovementReasonName(*reason);
      PrintJson(j);
    } else {
      std::cout << fmt::format("{} {}: {}{} → on hand {}\n", level->sku, level->name,
                               level->movement_milli >= 0 ? "+" : "",
                               QtyText(level->movement_milli, level->unit),
                               QtyText(level->on_hand_milli, level->unit));
      if (level->on_hand_milli < 0) std::cout << "note: stock is negative; count the shelf when you can\n";
    }
  });
  auto show = std::make_shared<StockOpts>();
  CLI::App* ss = stock->add_subcommand("show", "Show stock on hand");
  ss->add_option("--db", show->db, "Store database")->required();
  ss->add_option("--sku", show->sku, "Only this SKU");
  ss->add_flag("--json", show->json, "Print JSON");
  ss->callback([show] {
    auto db = OpenStoreOrFail(show->db);
    if (!db) {
      ExitCode() = 1;
      return;
    }
    auto levels = ShowStock(*db, show->sku.empty() ? std::nullopt : std::optional<std::string>(show->sku));
    if (!levels.ok()) {
      ExitCode() = Fail(levels.status());
      return;
    }
    if (show->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& l : *levels) arr.push_back(LevelJson(l));
      PrintJson(show->sku.empty() ? arr : arr.at(0));
      return;
    }
    for (const auto& l : *levels) {
      std::cout << l.sku << "\t" << l.name << "\t" << QtyText(l.on_hand_milli, l.unit)
                << (l.on_hand_milli < 0 ? "\t(negative)" : "") << "\n";
    }
    if (levels->empty()) std::cout << "no stock recorded yet\n";
  });
}

}  // namespace linli::cli
