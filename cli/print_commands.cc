// linli print (receipts, X/Z reports, the print queue, retry) · linli drawer open
#include <iostream>

#include "cli.h"
#include "linli/drivers/image.h"
#include "linli/drivers/printer.h"
#include "linli/pos/clock.h"
#include "linli/pos/reports.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"

namespace linli::cli {
namespace {

struct PrinterOpts {
  std::string db, printer, profile = "generic58", logo;
  int timeout_ms = 5000;
};

struct PrintOpts : PrinterOpts {
  std::string receipt_no, report, date;
  bool reprint = false, drawer = false, json = false;
};

struct QueueOpts {
  std::string db;
  bool all = false, json = false;
};

struct RetryOpts : PrinterOpts {
  int64_t job = 0;
  bool json = false;
};

struct DrawerOpts : PrinterOpts {
  std::string user, pin, reason;
};

void AddPrinterOptions(CLI::App* c, PrinterOpts& o) {
  c->add_option("--printer", o.printer, "tcp://HOST[:9100], file:/dev/usb/lp0 (or any path), spool:/DIR");
  c->add_option("--profile", o.profile,
                "Printer profile: generic58, generic80, generic58-noqr, generic80-noqr or the store's own "
                "(linli printer profiles)")
      ->capture_default_str();
  c->add_option("--logo", o.logo, "Store logo (PNG or JPEG) printed above receipts");
  c->add_option("--timeout-ms", o.timeout_ms, "Connect/write/status timeout")->capture_default_str();
}

// The transport and config the options name.
struct Setup {
  std::unique_ptr<PrinterTransport> transport;
  PrinterConfig config;
};
Result<Setup> MakeSetup(Database& db, const PrinterOpts& o) {
  if (o.printer.empty()) {
    return Status::InvalidArgument("--printer is required (e.g. tcp://192.168.1.50:9100 or file:/dev/usb/lp0)")
        .WithKey("cli.print.printer_required");
  }
  auto profile = FindProfile(db, o.profile);
  if (!profile.ok()) return profile.status();
  auto transport = OpenTransport(o.printer);
  if (!transport.ok()) return transport.status();
  Setup s;
  s.transport = std::move(transport).value();
  s.config.profile = *profile;
  s.config.timeout_ms = o.timeout_ms;
  if (!o.logo.empty()) {
    auto logo = LoadImageFile(o.logo);
    if (!logo.ok()) return logo.status();
    s.config.logo = std::move(logo).value();
  }
  return s;
}

// Reports one job's outcome on stdout: with --json its JSON (`what`, the
// job, its state, the error and `extra`), else `printed` — a line for
// people — when it printed. On failure the error and how to try again go to
// stderr. Returns the exit code.
int ShowOutcome(bool json, const char* what, const PrintOutcome& out, const std::string& printed,
                nlohmann::json extra = nlohmann::json::object()) {
  if (!out.note.empty()) std::cerr << "linli: " << out.note << "\n";
  if (json) {
    extra["what"] = what;
    extra["job_id"] = out.job_id;
    extra["state"] = out.status.ok() ? "printed" : "failed";
    if (!out.status.ok()) extra["error"] = out.status.message();
    if (!out.note.empty()) extra["note"] = out.note;
    PrintJson(extra, true);
  } else if (out.status.ok()) {
    std::cout << printed << "\n";
  }
  if (out.status.ok()) return 0;
  if (out.job_id == 0) return Fail(out.status);
  return Fail(TrF("cli.print.kept", Text(out.status), out.job_id));
}

const char* KindText(PrintJobKind k) {
  switch (k) {
    case PrintJobKind::kReceipt: return Tr("cli.print.kind_receipt");
    case PrintJobKind::kReport: return Tr("cli.print.kind_report");
    case PrintJobKind::kDrawer: return Tr("cli.print.kind_drawer");
  }
  return PrintJobKindName(k);
}

const char* StateText(PrintJobState s) {
  switch (s) {
    case PrintJobState::kPending: return Tr("cli.print.state_pending");
    case PrintJobState::kPrinted: return Tr("cli.print.state_printed");
    case PrintJobState::kFailed: return Tr("cli.print.state_failed");
  }
  return PrintJobStateName(s);
}

nlohmann::json JobJson(const PrintJob& j) {
  return {{"id", j.id},
          {"receipt_no", j.receipt_no.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.receipt_no)},
          {"kind", PrintJobKindName(j.kind)},
          {"state", PrintJobStateName(j.state)},
          {"attempts", j.attempts},
          {"last_error", j.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.last_error)},
          {"printer", j.printer},
          {"created_at", j.created_at},
          {"printed_at", j.printed_at ? nlohmann::json(*j.printed_at) : nlohmann::json(nullptr)}};
}

}  // namespace

void RegisterPrintCommands(CLI::App& app) {
  // ---- print --receipt NO | --report x|z
  auto po = std::make_shared<PrintOpts>();
  CLI::App* print = app.add_subcommand(
      "print", "Print a receipt or an X/Z report on the receipt printer; the print queue");
  AddPrinterOptions(print, *po);
  print->add_option("--receipt", po->receipt_no, "Receipt number of a committed sale, refund or void");
  print->add_option("--report", po->report, "x or z")->check(CLI::IsMember({"x", "z"}));
  print->add_option("--date", po->date, "Z report business day YYYY-MM-DD (default today)");
  print->add_flag("--reprint", po->reprint, "Mark the receipt as a reprint");
  print->add_flag("--drawer", po->drawer,
                  "Also open the cash drawer if the sale took cash and its drawer has not opened yet");
  print->add_flag("--json", po->json, "Print the job's outcome as JSON");
  // --db is not required of `print queue` and `print retry`, which take their own.
  StoreCommand print_cmd;
  print_cmd.required = false;
  print_cmd.check = [po] {
    return po->receipt_no.empty() == po->report.empty() ? Fail(Tr("cli.print.give_one")) : 0;
  };
  print_cmd.run = [po](Database& db) {
    auto setup = MakeSetup(db, *po);
    if (!setup.ok()) return Fail(setup.status());
    Printer printer(db, *setup->transport, TheClock(), setup->config);
    if (!po->receipt_no.empty()) {
      if (po->drawer && !po->reprint) {
        SalePrintOutcome out = printer.PrintSale(po->receipt_no);
        int drawer_code = 0;
        if (out.drawer.job_id != 0 && !out.drawer.status.ok()) {
          std::cerr << "linli: " << TrF("cli.print.drawer_failed", Text(out.drawer.status)) << "\n";
          drawer_code = 1;
        }
        std::string printed = TrF("cli.print.receipt_printed", po->receipt_no, out.receipt.job_id);
        if (out.drawer_kicked) printed += "\n" + std::string(Tr("cli.print.drawer_opened"));
        const int code = ShowOutcome(po->json, "receipt", out.receipt, printed,
                                     {{"receipt_no", po->receipt_no}, {"drawer_kicked", out.drawer_kicked}});
        return code != 0 ? code : drawer_code;
      }
      const PrintOutcome out = printer.PrintReceipt(po->receipt_no, po->reprint);
      return ShowOutcome(po->json, "receipt", out, TrF("cli.print.receipt_printed", po->receipt_no, out.job_id),
                         {{"receipt_no", po->receipt_no}});
    }
    Result<linli::Report> r = BuildReport(db, po->report == "z", po->date);
    if (!r.ok()) return Fail(r.status());
    const PrintOutcome out = printer.PrintReport(r->RenderText(setup->config.profile.columns));
    const std::string printed =
        TrF(po->report == "z" ? "cli.print.z_printed" : "cli.print.x_printed", r->business_date, out.job_id);
    return ShowOutcome(po->json, "report", out, printed, {{"report", po->report}, {"business_date", r->business_date}});
  };
  OnStore(print, &po->db, std::move(print_cmd));

  // ---- print queue
  auto qo = std::make_shared<QueueOpts>();
  CLI::App* queue = print->add_subcommand("queue", "List receipts and reports waiting to be printed again");
  queue->add_flag("--all", qo->all, "Every print job, printed ones and drawer opens included");
  queue->add_flag("--json", qo->json, "Print JSON");
  OnStore(queue, &qo->db, [qo](Database& db) {
    auto jobs = ListPrintJobs(db, !qo->all);
    if (!jobs.ok()) return Fail(jobs.status());
    if (qo->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const PrintJob& j : *jobs) arr.push_back(JobJson(j));
      PrintJson(arr);
      return 0;
    }
    if (jobs->empty()) {
      std::cout << Tr(qo->all ? "cli.print.no_jobs" : "cli.print.none_waiting") << "\n";
      return 0;
    }
    // People read the store's clock; JSON keeps the UTC instant.
    const std::string tz = GetConfig(db, "timezone").value_or("Asia/Shanghai");
    for (const PrintJob& j : *jobs) {
      const int64_t created_ms = ParseUtc(j.created_at);
      std::cout << TrF("cli.print.queue_row", j.id, KindText(j.kind), StateText(j.state),
                       j.receipt_no.empty() ? "-" : j.receipt_no, j.attempts,
                       created_ms >= 0 ? FormatLocal(created_ms, tz) : j.created_at, j.last_error)
                << "\n";
    }
    return 0;
  });

  // ---- print retry
  auto ro = std::make_shared<RetryOpts>();
  CLI::App* retry = print->add_subcommand("retry", "Print a failed receipt or report job again");
  AddPrinterOptions(retry, *ro);
  retry->add_option("--job", ro->job, "Print job id (see linli print queue)")->required();
  retry->add_flag("--json", ro->json, "Print the job's outcome as JSON");
  OnStore(retry, &ro->db, [ro](Database& db) {
    auto setup = MakeSetup(db, *ro);
    if (!setup.ok()) return Fail(setup.status());
    Printer printer(db, *setup->transport, TheClock(), setup->config);
    const PrintOutcome out = printer.Retry(ro->job);
    return ShowOutcome(ro->json, "retry", out, TrF("cli.print.job_printed", out.job_id));
  });

  // ---- printer profiles
  auto pp = std::make_shared<QueueOpts>();
  CLI::App* printer_cmd = app.add_subcommand("printer", "Receipt printer profiles");
  printer_cmd->require_subcommand(1);
  CLI::App* profiles = printer_cmd->add_subcommand(
      "profiles", "List the printer profiles: the shipped ones and the store's own (store_config printer.profiles)");
  profiles->add_flag("--json", pp->json, "Print JSON");
  OnStore(profiles, &pp->db, [pp](Database& db) {
    auto all = AllProfiles(db);
    if (!all.ok()) return Fail(all.status());
    const size_t shipped = BuiltinProfiles().size();
    nlohmann::json rows = nlohmann::json::array();
    for (size_t i = 0; i < all->size(); ++i) {
      const PrinterProfile& p = (*all)[i];
      rows.push_back({{"name", p.name},
                      {"description", p.description},
                      {"source", i < shipped ? "shipped" : "store"},
                      {"encoding", TextEncodingName(p.encoding)},
                      {"columns", p.columns},
                      {"dots", p.dots},
                      {"supports_qr", p.supports_qr},
                      {"supports_cut", p.supports_cut},
                      {"status_query", StatusQueryName(p.status_query)}});
    }
    if (pp->json) {
      PrintJson(rows);
      return 0;
    }
    for (const nlohmann::json& r : rows) {
      std::cout << TrF("cli.printer.profile_row", r["name"].get<std::string>(),
                       Tr(r["source"] == "shipped" ? "cli.printer.shipped" : "cli.printer.store"),
                       r["columns"].get<int>(), r["dots"].get<int>(), r["encoding"].get<std::string>(),
                       Tr(r["supports_qr"].get<bool>() ? "cli.yes" : "cli.no"),
                       Tr(r["supports_cut"].get<bool>() ? "cli.yes" : "cli.no"), r["status_query"].get<std::string>(),
                       r["description"].get<std::string>())
                << "\n";
    }
    return 0;
  });

  // ---- drawer open (no sale)
  CLI::App* drawer = app.add_subcommand("drawer", "The cash drawer");
  drawer->require_subcommand(1);
  auto d = std::make_shared<DrawerOpts>();
  CLI::App* open = drawer->add_subcommand("open", "Open the drawer without a sale (开钱箱; audited)");
  AddPrinterOptions(open, *d);
  open->add_option("--user", d->user, "User id")->required();
  open->add_option("--pin", d->pin, "PIN (read from stdin when omitted)");
  open->add_option("--reason", d->reason, "Why the drawer is opened")->required();
  OnStore(open, &d->db, [d](Database& db) {
    std::string pin = d->pin.empty() ? ReadLineFromStdin() : d->pin;
    auto user = Authenticate(db, d->user, pin);
    if (!user.ok()) return Fail(user.status());
    auto setup = MakeSetup(db, *d);
    if (!setup.ok()) return Fail(setup.status());
    Printer printer(db, *setup->transport, TheClock(), setup->config);
    Status st = OpenDrawerNoSale(db, printer, *user, d->reason);
    if (!st.ok()) return Fail(st);
    std::cout << Tr("cli.drawer.opened") << "\n";
    return 0;
  });
}

}  // namespace linli::cli
