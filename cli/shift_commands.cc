// linli shift open|close|pay-in|pay-out|no-sale|status · linli report x|z
#include <iostream>

#include <fmt/format.h>

#include "cli.h"
#include "linli/pos/money.h"
#include "linli/pos/reports.h"
#include "linli/pos/shifts.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"

namespace linli::cli {
namespace {

struct ShiftOpts {
  std::string db, user, pin, amount, reason, counted;
  std::vector<std::string> denominations;
  bool json = false;
  int width = 32;
};

struct ReportOpts {
  std::string db, date;
  bool json = false;
  int width = 32;
};

Result<int64_t> Yuan(const std::string& text, const char* option) {
  auto m = ParseYuan(text);
  if (!m.ok()) return Status::InvalidArgument(std::string(option) + ": " + m.status().message());
  return m->fen();
}


void AddCommon(CLI::App* c, ShiftOpts& o) {
  c->add_option("--db", o.db, "Store database")->required();
  c->add_option("--user", o.user, "User number")->required();
  c->add_option("--pin", o.pin, "PIN (read from stdin when omitted)");
  c->add_flag("--json", o.json, "Print JSON");
}

}  // namespace

void RegisterShiftCommands(CLI::App& app) {
  CLI::App* shift = app.add_subcommand("shift", "Shifts and the cash drawer");
  shift->require_subcommand(1);

  auto open = std::make_shared<ShiftOpts>();
  CLI::App* so = shift->add_subcommand("open", "Open a shift with a cash float");
  AddCommon(so, *open);
  so->add_option("--float", open->amount, "Cash float in yuan, e.g. 200")->required();
  so->callback([open] {
    auto db = OpenStoreOrFail(open->db);
    if (!db) return void(ExitCode() = 1);
    auto user = SignInOrFail(*db, open->user, open->pin);
    if (!user) return void(ExitCode() = 1);
    auto fen = Yuan(open->amount, "--float");
    if (!fen.ok()) return void(ExitCode() = Fail(fen.status()));
    auto s = OpenShift(*db, user->id, *fen, TheClock());
    if (!s.ok()) return void(ExitCode() = Fail(s.status()));
    if (open->json) {
      PrintJson({{"shift", s->id}, {"user", s->user_id}, {"float_fen", s->float_fen}, {"opened_at", s->opened_at}});
    } else {
      std::cout << fmt::format("shift {} opened by {} with float {}\n", s->id, user->name,
                               FormatYuan(Money::Fen(s->float_fen), true));
    }
  });

  for (const char* kind : {"pay-in", "pay-out"}) {
    auto o = std::make_shared<ShiftOpts>();
    const bool in = std::string(kind) == "pay-in";
    CLI::App* c = shift->add_subcommand(kind, in ? "Put cash into the drawer (with a reason)"
                                                 : "Take cash out of the drawer (with a reason)");
    AddCommon(c, *o);
    c->add_option("--amount", o->amount, "Amount in yuan")->required();
    c->add_option("--reason", o->reason, "Why, e.g. 找零备用金 / 买菜")->required();
    c->callback([o, in] {
      auto db = OpenStoreOrFail(o->db);
      if (!db) return void(ExitCode() = 1);
      auto user = SignInOrFail(*db, o->user, o->pin);
      if (!user) return void(ExitCode() = 1);
      auto fen = Yuan(o->amount, "--amount");
      if (!fen.ok()) return void(ExitCode() = Fail(fen.status()));
      auto m = in ? PayIn(*db, user->id, *fen, o->reason, TheClock())
                  : PayOut(*db, user->id, *fen, o->reason, TheClock());
      if (!m.ok()) return void(ExitCode() = Fail(m.status()));
      if (o->json) {
        PrintJson({{"shift", m->shift_id}, {"kind", m->kind}, {"amount_fen", m->amount_fen}, {"reason", m->reason}});
      } else {
        std::cout << fmt::format("{} {} ({})\n", in ? "paid in" : "paid out",
                                 FormatYuan(Money::Fen(m->amount_fen), true), m->reason);
      }
    });
  }

  auto ns = std::make_shared<ShiftOpts>();
  CLI::App* nsc = shift->add_subcommand("no-sale", "Record a drawer open without a sale (audited)");
  AddCommon(nsc, *ns);
  nsc->add_option("--reason", ns->reason, "Why the drawer was opened")->required();
  nsc->callback([ns] {
    auto db = OpenStoreOrFail(ns->db);
    if (!db) return void(ExitCode() = 1);
    auto user = SignInOrFail(*db, ns->user, ns->pin);
    if (!user) return void(ExitCode() = 1);
    Status st = RecordNoSale(*db, user->id, ns->reason, TheClock());
    if (!st.ok()) return void(ExitCode() = Fail(st));
    std::cout << "no-sale recorded\n";
  });

  auto close = std::make_shared<ShiftOpts>();
  CLI::App* sc = shift->add_subcommand("close", "Close the shift with the counted cash");
  AddCommon(sc, *close);
  sc->add_option("--counted", close->counted, "Cash counted in the drawer, in yuan");
  sc->add_option("--denomination", close->denominations,
                 "VALUE:COUNT by note or coin, e.g. 100:3 50:1 0.5:4 (instead of or with --counted)");
  sc->add_option("--width", close->width, "Columns of the printed slip: 32 or 48")->capture_default_str();
  sc->callback([close] {
    auto db = OpenStoreOrFail(close->db);
    if (!db) return void(ExitCode() = 1);
    auto user = SignInOrFail(*db, close->user, close->pin);
    if (!user) return void(ExitCode() = 1);
    std::optional<std::vector<Denomination>> denoms;
    int64_t sum = 0;
    for (const std::string& d : close->denominations) {
      const size_t colon = d.find(':');
      auto value = colon == std::string::npos ? Result<Money>(Status::InvalidArgument("")) : ParseYuan(d.substr(0, colon));
      int64_t count = -1;
      try {
        count = colon == std::string::npos ? -1 : std::stoll(d.substr(colon + 1));
      } catch (...) {
        count = -1;
      }
      if (!value.ok() || value->fen() <= 0 || count < 0) {
        return void(ExitCode() = Fail("--denomination \"" + d + "\" should be VALUE:COUNT, e.g. 100:3"));
      }
      if (!denoms) denoms.emplace();
      denoms->push_back({value->fen(), count});
      sum += value->fen() * count;
    }
    int64_t counted = sum;
    if (!close->counted.empty()) {
      auto fen = Yuan(close->counted, "--counted");
      if (!fen.ok()) return void(ExitCode() = Fail(fen.status()));
      counted = *fen;
    } else if (!denoms) {
      return void(ExitCode() = Fail("give the counted cash with --counted or --denomination", 2));
    }
    auto r = CloseShift(*db, user->id, counted, denoms, TheClock());
    if (!r.ok()) return void(ExitCode() = Fail(r.status()));
    auto info = LoadStoreInfo(*db);
    if (close->json) PrintJson(r->ToJson());
    else std::cout << r->RenderText(close->width, info.ok() ? info->timezone : "Asia/Shanghai");
  });

  auto status = std::make_shared<ShiftOpts>();
  CLI::App* st = shift->add_subcommand("status", "Show the open shift, if any");
  st->add_option("--db", status->db, "Store database")->required();
  st->add_flag("--json", status->json, "Print JSON");
  st->callback([status] {
    auto db = OpenStoreOrFail(status->db);
    if (!db) return void(ExitCode() = 1);
    auto s = CurrentShift(*db);
    if (!s.ok()) return void(ExitCode() = Fail(s.status()));
    if (!*s) {
      if (status->json) PrintJson(nlohmann::json{{"open", false}});
      else std::cout << "no shift is open\n";
      return;
    }
    auto drawer = SummarizeDrawer(*db, (*s)->id);
    nlohmann::json j = {{"open", true}, {"shift", (*s)->id}, {"user", (*s)->user_id}, {"opened_at", (*s)->opened_at},
                        {"float_fen", (*s)->float_fen}};
    if (drawer.ok()) j["expected_cash_fen"] = drawer->expected_cash_fen;
    if (status->json) PrintJson(j);
    else std::cout << fmt::format("shift {} open since {} by {}; expected cash {}\n", (*s)->id, (*s)->opened_at,
                                  (*s)->user_id, drawer.ok() ? FormatYuan(Money::Fen(drawer->expected_cash_fen), true) : "?");
  });

  // ---- report x|z
  CLI::App* report = app.add_subcommand("report", "X (mid-shift) and Z (end of day) reports");
  report->require_subcommand(1);
  for (const char* kind : {"x", "z"}) {
    auto o = std::make_shared<ReportOpts>();
    const bool z = std::string(kind) == "z";
    CLI::App* c = report->add_subcommand(kind, z ? "Z report for a business day (default today)"
                                                 : "X report for the open shift (or today)");
    c->add_option("--db", o->db, "Store database")->required();
    if (z) c->add_option("--date", o->date, "Business day YYYY-MM-DD in the store's zone");
    c->add_option("--width", o->width, "Columns: 32 or 48")->capture_default_str();
    c->add_flag("--json", o->json, "Print JSON");
    c->callback([o, z] {
      auto db = OpenStoreOrFail(o->db);
      if (!db) return void(ExitCode() = 1);
      Result<Report> r = Status::InvalidArgument("");
      if (z) {
        std::string date = o->date;
        if (date.empty()) {
          auto info = LoadStoreInfo(*db);
          date = FormatLocal(TheClock().NowMs(), info.ok() ? info->timezone : "Asia/Shanghai", "yyyy-MM-dd");
        }
        r = BuildZReport(*db, date, TheClock());
      } else {
        r = BuildXReport(*db, TheClock());
      }
      if (!r.ok()) return void(ExitCode() = Fail(r.status()));
      if (o->json) PrintJson(r->ToJson());
      else std::cout << r->RenderText(o->width);
    });
  }
}

}  // namespace linli::cli
