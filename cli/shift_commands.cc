// linli shift open|close|pay-in|pay-out|no-sale|status · linli report x|z
#include <iostream>

#include "cli.h"
#include "linli/pos/clock.h"
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


// A shift command run by a signed-in user: adds --db, --user, --pin and
// --json to c; `run` gets the store and the user whose PIN was checked.
void OnSignedIn(CLI::App* c, const std::shared_ptr<ShiftOpts>& o,
                std::function<int(Database&, const User&)> run) {
  c->add_option("--user", o->user, "User number")->required();
  c->add_option("--pin", o->pin, "PIN (read from stdin when omitted)");
  c->add_flag("--json", o->json, "Print JSON");
  OnStore(c, &o->db, [o, run = std::move(run)](Database& db) {
    auto user = SignInOrFail(db, o->user, o->pin);
    if (!user) return 1;
    return run(db, *user);
  });
}

}  // namespace

Result<Report> BuildReport(Database& db, bool z, const std::string& date) {
  if (!z) return BuildXReport(db, TheClock());
  if (!date.empty()) return BuildZReport(db, date, TheClock());
  auto info = LoadStoreInfo(db);
  const std::string today =
      FormatLocal(TheClock().NowMs(), info.ok() ? info->timezone : "Asia/Shanghai", "yyyy-MM-dd");
  return BuildZReport(db, today, TheClock());
}

void RegisterShiftCommands(CLI::App& app) {
  CLI::App* shift = app.add_subcommand("shift", "Shifts and the cash drawer");
  shift->require_subcommand(1);

  auto open = std::make_shared<ShiftOpts>();
  CLI::App* so = shift->add_subcommand("open", "Open a shift with a cash float");
  so->add_option("--float", open->amount, "Cash float in yuan, e.g. 200")->required();
  OnSignedIn(so, open, [open](Database& db, const User& user) {
    auto fen = Yuan(open->amount, "--float");
    if (!fen.ok()) return Fail(fen.status());
    auto s = OpenShift(db, user.id, *fen, TheClock());
    if (!s.ok()) return Fail(s.status());
    if (open->json) {
      PrintJson({{"shift", s->id}, {"user", s->user_id}, {"float_fen", s->float_fen}, {"opened_at", s->opened_at}});
    } else {
      std::cout << TrF("cli.shift.opened", s->id, user.name, FormatYuan(Money::Fen(s->float_fen), true)) << "\n";
    }
    return 0;
  });

  for (const char* kind : {"pay-in", "pay-out"}) {
    auto o = std::make_shared<ShiftOpts>();
    const bool in = std::string(kind) == "pay-in";
    CLI::App* c = shift->add_subcommand(kind, in ? "Put cash into the drawer (with a reason)"
                                                 : "Take cash out of the drawer (with a reason)");
    c->add_option("--amount", o->amount, "Amount in yuan")->required();
    c->add_option("--reason", o->reason, "Why, e.g. 找零备用金 / 买菜")->required();
    OnSignedIn(c, o, [o, in](Database& db, const User& user) {
      auto fen = Yuan(o->amount, "--amount");
      if (!fen.ok()) return Fail(fen.status());
      auto m = in ? PayIn(db, user.id, *fen, o->reason, TheClock())
                  : PayOut(db, user.id, *fen, o->reason, TheClock());
      if (!m.ok()) return Fail(m.status());
      if (o->json) {
        PrintJson({{"shift", m->shift_id}, {"kind", m->kind}, {"amount_fen", m->amount_fen}, {"reason", m->reason}});
      } else {
        std::cout << TrF(in ? "cli.shift.paid_in" : "cli.shift.paid_out", FormatYuan(Money::Fen(m->amount_fen), true),
                         m->reason)
                  << "\n";
      }
      return 0;
    });
  }

  auto ns = std::make_shared<ShiftOpts>();
  CLI::App* nsc = shift->add_subcommand("no-sale", "Record a drawer open without a sale (audited)");
  nsc->add_option("--reason", ns->reason, "Why the drawer was opened")->required();
  OnSignedIn(nsc, ns, [ns](Database& db, const User& user) {
    Status st = RecordNoSale(db, user.id, ns->reason, TheClock());
    if (!st.ok()) return Fail(st);
    std::cout << Tr("cli.shift.no_sale_recorded") << "\n";
    return 0;
  });

  auto close = std::make_shared<ShiftOpts>();
  CLI::App* sc = shift->add_subcommand("close", "Close the shift with the counted cash");
  sc->add_option("--counted", close->counted, "Cash counted in the drawer, in yuan");
  sc->add_option("--denomination", close->denominations,
                 "VALUE:COUNT by note or coin, e.g. 100:3 50:1 0.5:4 (instead of or with --counted)");
  sc->add_option("--width", close->width, "Columns of the printed slip: 32 or 48")->capture_default_str();
  OnSignedIn(sc, close, [close](Database& db, const User& user) {
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
        return Fail(TrF("cli.shift.bad_denomination", d));
      }
      if (!denoms) denoms.emplace();
      denoms->push_back({value->fen(), count});
      sum += value->fen() * count;
    }
    int64_t counted = sum;
    if (!close->counted.empty()) {
      auto fen = Yuan(close->counted, "--counted");
      if (!fen.ok()) return Fail(fen.status());
      counted = *fen;
    } else if (!denoms) {
      return Fail(Tr("cli.shift.counted_needed"), 2);
    }
    auto r = CloseShift(db, user.id, counted, denoms, TheClock());
    if (!r.ok()) return Fail(r.status());
    auto info = LoadStoreInfo(db);
    if (close->json) PrintJson(r->ToJson());
    else std::cout << r->RenderText(close->width, info.ok() ? info->timezone : "Asia/Shanghai");
    return 0;
  });

  auto status = std::make_shared<ShiftOpts>();
  CLI::App* st = shift->add_subcommand("status", "Show the open shift, if any");
  st->add_flag("--json", status->json, "Print JSON");
  OnStore(st, &status->db, [status](Database& db) {
    auto s = CurrentShift(db);
    if (!s.ok()) return Fail(s.status());
    if (!*s) {
      if (status->json) PrintJson(nlohmann::json{{"open", false}});
      else std::cout << Tr("cli.shift.none_open") << "\n";
      return 0;
    }
    auto drawer = SummarizeDrawer(db, (*s)->id);
    nlohmann::json j = {{"open", true}, {"shift", (*s)->id}, {"user", (*s)->user_id}, {"opened_at", (*s)->opened_at},
                        {"float_fen", (*s)->float_fen}};
    if (drawer.ok()) j["expected_cash_fen"] = drawer->expected_cash_fen;
    if (status->json) PrintJson(j);
    // People read the store's clock; JSON keeps the UTC instant.
    const std::string tz = GetConfig(db, "timezone").value_or("Asia/Shanghai");
    const int64_t opened_ms = ParseUtc((*s)->opened_at);
    const std::string opened = opened_ms >= 0 ? FormatLocal(opened_ms, tz) : (*s)->opened_at;
    const std::string who = (*s)->user_name.empty() ? (*s)->user_id : (*s)->user_name + " (" + (*s)->user_id + ")";
    if (!status->json) {
      std::cout << TrF("cli.shift.status", (*s)->id, opened, who,
                       drawer.ok() ? FormatYuan(Money::Fen(drawer->expected_cash_fen), true) : "?")
                << "\n";
    }
    return 0;
  });

  // ---- report x|z
  CLI::App* report = app.add_subcommand("report", "X (mid-shift) and Z (end of day) reports");
  report->require_subcommand(1);
  for (const char* kind : {"x", "z"}) {
    auto o = std::make_shared<ReportOpts>();
    const bool z = std::string(kind) == "z";
    CLI::App* c = report->add_subcommand(kind, z ? "Z report for a business day (default today)"
                                                 : "X report for the open shift (or today)");
    if (z) c->add_option("--date", o->date, "Business day YYYY-MM-DD in the store's zone");
    c->add_option("--width", o->width, "Columns: 32 or 48")->capture_default_str();
    c->add_flag("--json", o->json, "Print JSON");
    OnStore(c, &o->db, [o, z](Database& db) {
      Result<Report> r = BuildReport(db, z, o->date);
      if (!r.ok()) return Fail(r.status());
      if (o->json) PrintJson(r->ToJson());
      else std::cout << r->RenderText(o->width);
      if (!r->table_check.ok) std::cerr << "linli: warning: " << r->table_check.Summary() << "\n";
      return 0;
    });
  }
}

}  // namespace linli::cli
