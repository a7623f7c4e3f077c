// linli init · linli user add|list · linli stock adjust|show
#include <iostream>

#include <fmt/format.h>

#include "cli.h"
#include "linli/pos/inventory.h"
#include "linli/pos/money.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"

namespace linli::cli {

namespace {

struct InitOpts {
  std::string db, code, name, tz = "Asia/Shanghai";
};

struct UserOpts {
  std::string db, id, name, role, pin;
  Role parsed_role{};  // from role, by the check
  bool json = false;
};

struct StockOpts {
  std::string db, sku, qty, reason, note, user;
  std::optional<int64_t> qty_milli;  // from --qty-milli, or --qty by the check
  MovementReason parsed_reason{};     // from reason, by the check
  bool json = false;
};

nlohmann::json LevelJson(const StockLevel& l) {
  return {{"sku", l.sku}, {"name", l.name}, {"unit", l.unit}, {"on_hand_milli", l.on_hand_milli}};
}

// A role in the reader's language (RoleName is the code JSON keeps).
const char* RoleText(Role role) {
  switch (role) {
    case Role::kCashier: return Tr("cli.role.cashier");
    case Role::kManager: return Tr("cli.role.manager");
    case Role::kOwner: return Tr("cli.role.owner");
  }
  return RoleName(role);
}

std::string QtyText(int64_t milli, const std::string& unit) {
  return FormatMilli(milli) + (unit == "kg" ? " kg" : "");
}

}  // namespace

void RegisterStoreCommands(CLI::App& app) {
  // ---- init
  auto init = std::make_shared<InitOpts>();
  CLI::App* c = app.add_subcommand("init", "Create a store database with its device key");
  c->add_option("--store-code", init->code, "Store code, e.g. S001")->required();
  c->add_option("--name", init->name, "Store name, e.g. 邻里便利店")->required();
  c->add_option("--timezone", init->tz, "IANA time zone for display")->capture_default_str();
  StoreCommand init_cmd;
  init_cmd.help = "Store database file to create";
  init_cmd.check = [init] {
    Status st = InitStore(init->db, {init->code, init->name, init->tz}, TheClock());
    return st.ok() ? 0 : Fail(st);
  };
  init_cmd.run = [init](Database& db) {
    auto dev = LoadDevice(db);
    std::cout << TrF("cli.init.created", init->code, init->name, init->db) << "\n";
    if (dev.ok()) std::cout << TrF("cli.init.device", dev->device_id) << "\n";
    return 0;
  };
  OnStore(c, &init->db, std::move(init_cmd));

  // ---- user
  CLI::App* user = app.add_subcommand("user", "Manage till users");
  user->require_subcommand(1);
  auto uadd = std::make_shared<UserOpts>();
  CLI::App* ua = user->add_subcommand("add", "Add a user or change a user's name, role and PIN");
  ua->add_option("--id", uadd->id, "User number typed at sign-in, e.g. 1001")->required();
  ua->add_option("--name", uadd->name, "Name, e.g. 张三")->required();
  ua->add_option("--role", uadd->role, "cashier | manager | owner")->required();
  ua->add_option("--pin", uadd->pin, "4–8 digit PIN (read from stdin when omitted)");
  StoreCommand add_cmd;
  add_cmd.check = [uadd] {
    auto role = ParseRole(uadd->role);
    if (!role.ok()) return Fail(role.status());
    uadd->parsed_role = *role;
    if (uadd->pin.empty()) uadd->pin = ReadLineFromStdin();
    return 0;
  };
  add_cmd.run = [uadd](Database& db) {
    Status st = AddUser(db, {uadd->id, uadd->name, uadd->parsed_role}, uadd->pin, TheClock());
    if (!st.ok()) return Fail(st);
    std::cout << TrF("cli.user.saved", uadd->id, uadd->name, RoleText(uadd->parsed_role)) << "\n";
    return 0;
  };
  OnStore(ua, &uadd->db, std::move(add_cmd));
  auto ulist = std::make_shared<UserOpts>();
  CLI::App* ul = user->add_subcommand("list", "List active users");
  ul->add_flag("--json", ulist->json, "Print JSON");
  OnStore(ul, &ulist->db, [ulist](Database& db) {
    auto users = ListUsers(db);
    if (!users.ok()) return Fail(users.status());
    nlohmann::json arr = nlohmann::json::array();
    for (const User& u : *users) {
      arr.push_back({{"id", u.id}, {"name", u.name}, {"role", RoleName(u.role)}});
      if (!ulist->json) std::cout << u.id << "\t" << u.name << "\t" << RoleText(u.role) << "\n";
    }
    if (ulist->json) PrintJson(arr);
    return 0;
  });

  // ---- stock
  CLI::App* stock = app.add_subcommand("stock", "Stock on hand and movements");
  stock->require_subcommand(1);
  auto adj = std::make_shared<StockOpts>();
  CLI::App* sa = stock->add_subcommand("adjust", "Record a stock movement");
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
  StoreCommand adjust_cmd;
  adjust_cmd.check = [adj] {
    if (adj->qty.empty() && !adj->qty_milli) {
      return Fail("give the quantity with --qty N (pieces or kg) or --qty-milli N", 2);
    }
    if (!adj->qty_milli) {
      auto m = ParseMilli(adj->qty, Sign::kAny);
      if (!m.ok()) return Fail("--qty: " + m.status().message());
      adj->qty_milli = *m;
    }
    auto reason = ParseMovementReason(adj->reason);
    if (!reason.ok()) return Fail(reason.status());
    adj->parsed_reason = *reason;
    return 0;
  };
  adjust_cmd.run = [adj](Database& db) {
    const MovementReason reason = adj->parsed_reason;
    auto level = AdjustStock(db, {adj->sku, *adj->qty_milli, reason, adj->user, adj->note}, TheClock());
    if (!level.ok()) return Fail(level.status());
    if (adj->json) {
      nlohmann::json j = LevelJson(*level);
      j["movement_milli"] = level->movement_milli;
      j["reason"] = MovementReasonName(reason);
      PrintJson(j);
    } else {
      std::cout << TrF("cli.stock.moved", level->sku, level->name,
                       (level->movement_milli >= 0 ? "+" : "") + QtyText(level->movement_milli, level->unit),
                       QtyText(level->on_hand_milli, level->unit))
                << "\n";
      if (level->on_hand_milli < 0) std::cout << Tr("cli.stock.negative") << "\n";
    }
    return 0;
  };
  OnStore(sa, &adj->db, std::move(adjust_cmd));
  auto show = std::make_shared<StockOpts>();
  CLI::App* ss = stock->add_subcommand("show", "Show stock on hand");
  ss->add_option("--sku", show->sku, "Only this SKU");
  ss->add_flag("--json", show->json, "Print JSON");
  OnStore(ss, &show->db, [show](Database& db) {
    auto levels = ShowStock(db, show->sku.empty() ? std::nullopt : std::optional<std::string>(show->sku));
    if (!levels.ok()) return Fail(levels.status());
    if (show->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& l : *levels) arr.push_back(LevelJson(l));
      PrintJson(show->sku.empty() ? arr : arr.at(0));
      return 0;
    }
    for (const auto& l : *levels) {
      std::cout << l.sku << "\t" << l.name << "\t" << QtyText(l.on_hand_milli, l.unit)
                << (l.on_hand_milli < 0 ? "\t(negative)" : "") << "\n";
    }
    if (levels->empty()) std::cout << Tr("cli.stock.none") << "\n";
    return 0;
  });
}

}  // namespace linli::cli
