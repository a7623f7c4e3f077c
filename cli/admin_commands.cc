// linli config list|get|set · linli audit list · linli sale list ·
// linli user disable|enable|set-pin
//
// Thin commands over pos (store_config.h, audit.h, sales.h, users.h): the
// rules and the audit rows live there.
#include <iostream>

#include <fmt/format.h>

#include "cli.h"
#include "linli/pos/audit.h"
#include "linli/pos/money.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"
#include "linli/pos/store_config.h"
#include "linli/pos/users.h"

namespace linli::cli {
namespace {

struct AdminOpts {
  std::string db, user, pin, key, value, id, new_pin, from, to, by, action, date;
  bool json = false;
};

std::string StoreZone(Database& db) {
  auto info = LoadStoreInfo(db);
  return info.ok() && !info->timezone.empty() ? info->timezone : "Asia/Shanghai";
}

// A command run by a signed-in manager or owner: adds `sign_in` (the user
// number; --user unless the command filters by --user) and --pin to c;
// `run` gets the store and the user whose PIN was checked.
void OnManager(CLI::App* c, const std::shared_ptr<AdminOpts>& o, std::function<int(Database&, const User&)> run,
               const char* sign_in = "--user") {
  c->add_option(sign_in, o->user, "Manager or owner number, signing in")->required();
  c->add_option("--pin", o->pin, "PIN (read from stdin when omitted)");
  OnStore(c, &o->db, [o, run = std::move(run)](Database& db) {
    auto user = SignInOrFail(db, o->user, o->pin);
    if (!user) return 1;
    if (user->role < Role::kManager) {
      return Fail(TrF("cli.needs_manager", user->id));
    }
    return run(db, *user);
  });
}

nlohmann::json EntryJson(const ConfigEntry& e) {
  return {{"key", e.info->key},       {"value", e.value},          {"default", e.is_default},
          {"from_hq", e.info->from_hq}, {"description", e.info->description}};
}

std::string DescriptionText(const std::string& description) { return i18n::ReadersHalf(description); }

void PrintEntry(const ConfigEntry& e) {
  std::cout << e.info->key << " = " << (e.value.empty() ? Tr("cli.config.empty") : e.value)
            << (e.is_default ? std::string("  ") + Tr("cli.config.default") : "") << "\n    "
            << DescriptionText(e.info->description) << "\n";
}

std::string Opt(const std::optional<std::string>& s) { return s.value_or(""); }

nlohmann::json OptJson(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

void RegisterConfig(CLI::App& app) {
  CLI::App* config = app.add_subcommand("config", "Store settings (store_config) without SQL");
  config->require_subcommand(1);

  auto list = std::make_shared<AdminOpts>();
  CLI::App* cl = config->add_subcommand("list", "Every setting with its value (or default) and what it does");
  cl->add_flag("--json", list->json, "Print JSON");
  OnStore(cl, &list->db, [list](Database& db) {
    auto entries = ListConfig(db);
    if (!entries.ok()) return Fail(entries.status());
    nlohmann::json arr = nlohmann::json::array();
    for (const ConfigEntry& e : *entries) {
      if (list->json) arr.push_back(EntryJson(e));
      else PrintEntry(e);
    }
    if (list->json) PrintJson(arr);
    return 0;
  });

  auto get = std::make_shared<AdminOpts>();
  CLI::App* cg = config->add_subcommand("get", "One setting's value");
  cg->add_option("KEY", get->key, "Setting, e.g. cash_rounding")->required();
  cg->add_flag("--json", get->json, "Print JSON");
  OnStore(cg, &get->db, [get](Database& db) {
    auto e = GetConfigEntry(db, get->key);
    if (!e.ok()) return Fail(e.status());
    if (get->json) PrintJson(EntryJson(*e));
    else std::cout << e->value << "\n";
    return 0;
  });

  auto set = std::make_shared<AdminOpts>();
  CLI::App* cs = config->add_subcommand("set", "Change a setting (manager or owner; audited)");
  cs->add_option("KEY", set->key, "Setting, e.g. cash_rounding")->required();
  cs->add_option("VALUE", set->value, "New value, e.g. jiao_down")->required();
  cs->add_flag("--json", set->json, "Print JSON");
  OnManager(cs, set, [set](Database& db, const User& user) {
    auto ch = ChangeConfig(db, user, set->key, set->value, TheClock());
    if (!ch.ok()) return Fail(ch.status());
    const bool from_hq = ch->entry.info->from_hq;
    if (set->json) {
      nlohmann::json j = EntryJson(ch->entry);
      j["before"] = OptJson(ch->before);
      PrintJson(j);
    } else {
      std::cout << fmt::format("{}: {} → {}\n", set->key, ch->before.value_or(Tr("cli.config.default")),
                               ch->entry.value);
    }
    if (from_hq) {
      std::cerr << "linli: " << TrF("cli.config.from_hq", set->key) << "\n";
    }
    return 0;
  });
}

void RegisterAudit(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", "The audit log: who did what, who approved, why");
  audit->require_subcommand(1);
  auto o = std::make_shared<AdminOpts>();
  CLI::App* al = audit->add_subcommand("list", "List audit rows, newest first (manager or owner)");
  al->add_option("--from", o->from, "First store-local date, YYYY-MM-DD");
  al->add_option("--to", o->to, "Last store-local date, YYYY-MM-DD (inclusive)");
  al->add_option("--user", o->by, "Only rows done or approved by this user number");
  al->add_option("--action", o->action, "Only this action, e.g. price_override or config_set");
  al->add_flag("--json", o->json, "Print JSON (UTC and local times)");
  OnManager(al, o, [o](Database& db, const User&) {
    AuditFilter f{o->from, o->to, o->by, o->action, StoreZone(db)};
    auto rows = ListAudit(db, f);
    if (!rows.ok()) return Fail(rows.status());
    nlohmann::json arr = nlohmann::json::array();
    for (const AuditEntry& e : *rows) {
      const AuditRecord& r = e.record;
      if (o->json) {
        arr.push_back({{"id", e.id},
                       {"occurred_at", e.occurred_at},
                       {"local_time", e.local_time},
                       {"user", r.user_id},
                       {"approved_by", r.approved_by},
                       {"action", r.action},
                       {"reason", OptJson(r.reason)},
                       {"before", OptJson(r.before)},
                       {"after", OptJson(r.after)}});
        continue;
      }
      std::cout << TrF("cli.audit.row", e.local_time, r.action, r.user_id.empty() ? "-" : r.user_id)
                << (r.approved_by.empty() ? "" : TrF("cli.audit.approved_by", r.approved_by))
                << (r.reason ? TrF("cli.audit.reason", *r.reason) : "") << "\n";
      if (r.before || r.after) std::cout << "    " << Opt(r.before) << " → " << Opt(r.after) << "\n";
    }
    if (o->json) PrintJson(arr);
    else if (rows->empty()) std::cout << Tr("cli.audit.none") << "\n";
    return 0;
  }, "--manager");
}

// A receipt's kind ("sale", "refund", "void") in the reader's language.
std::string KindText(const std::string& kind) {
  if (kind == "sale") return Tr("cli.kind.sale");
  if (kind == "refund") return Tr("cli.kind.refund");
  if (kind == "void") return Tr("cli.kind.void");
  return kind;
}

void RegisterSaleList(CLI::App& app) {
  CLI::App* sale = app.get_subcommand("sale");
  auto o = std::make_shared<AdminOpts>();
  CLI::App* sl = sale->add_subcommand("list", "Receipts of a business day: number, kind, time, cashier, total");
  sl->add_option("--date", o->date, "Store-local business date YYYY-MM-DD (default: today)");
  sl->add_flag("--json", o->json, "Print JSON");
  OnStore(sl, &o->db, [o](Database& db) {
    const std::string date =
        o->date.empty() ? FormatLocal(TheClock().NowMs(), StoreZone(db), "yyyy-MM-dd") : o->date;
    auto sales = ListSales(db, date);
    if (!sales.ok()) return Fail(sales.status());
    nlohmann::json arr = nlohmann::json::array();
    for (const SaleSummary& s : *sales) {
      if (o->json) {
        arr.push_back({{"receipt_no", s.receipt_no},   {"kind", s.kind},           {"occurred_at", s.occurred_at},
                       {"local_time", s.local_time},   {"cashier", s.cashier_id}, {"cashier_name", s.cashier_name},
                       {"total_fen", s.total_fen}});
      } else {
        std::cout << fmt::format("{}\t{}\t{}\t{} {}\t{}\n", s.receipt_no, KindText(s.kind), s.local_time, s.cashier_id,
                                 s.cashier_name, FormatYuan(Money::Fen(s.total_fen), true));
      }
    }
    if (o->json) PrintJson(arr);
    else if (sales->empty()) std::cout << TrF("cli.sale.none_on", date) << "\n";
    return 0;
  });
}

void RegisterUserAdmin(CLI::App& app) {
  CLI::App* user = app.get_subcommand("user");
  for (const bool active : {false, true}) {
    auto o = std::make_shared<AdminOpts>();
    CLI::App* c = user->add_subcommand(active ? "enable" : "disable",
                                       active ? "Let a disabled user sign in again (manager or owner; audited)"
                                              : "Stop a user signing in (manager or owner; audited)");
    c->add_option("--id", o->id, "The user's number")->required();
    OnManager(c, o, [o, active](Database& db, const User& by) {
      Status st = SetUserActive(db, by, o->id, active, TheClock());
      if (!st.ok()) return Fail(st);
      std::cout << TrF(active ? "cli.user.enabled" : "cli.user.disabled", o->id) << "\n";
      return 0;
    });
  }
  auto o = std::make_shared<AdminOpts>();
  CLI::App* sp = user->add_subcommand("set-pin", "Give a user a new PIN (manager or owner; audited)");
  sp->add_option("--id", o->id, "The user's number")->required();
  sp->add_option("--new-pin", o->new_pin, "4–8 digit PIN (read from stdin when omitted, after --pin's)");
  OnManager(sp, o, [o](Database& db, const User& by) {
    const std::string pin = o->new_pin.empty() ? ReadLineFromStdin() : o->new_pin;
    Status st = SetUserPin(db, by, o->id, pin, TheClock());
    if (!st.ok()) return Fail(st);
    std::cout << TrF("cli.user.pin_saved", o->id) << "\n";
    return 0;
  });
}

}  // namespace

void RegisterAdminCommands(CLI::App& app) {
  RegisterConfig(app);
  RegisterAudit(app);
  RegisterSaleList(app);
  RegisterUserAdmin(app);
}

}  // namespace linli::cli
