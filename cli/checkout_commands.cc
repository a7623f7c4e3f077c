// linli sell · sale show · refund · void · journal verify · member · promo
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli.h"
#include "linli/payments/till_gateways.h"
#include "linli/pos/checkout.h"
#include "linli/pos/journal.h"
#include "linli/pos/money.h"
#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"
#include "linli/pos/shifts.h"
#include "linli/pos/table_check.h"
#include "linli/pos/till_script.h"
#include "linli/pos/users.h"

namespace linli::cli {
namespace {

bool ReadWholeFile(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// The till's payment gateway, from the store's payment settings
// (payments::TillGateways): the documented sandbox unless payment.mode is
// live, so training and scripted sessions never touch real money. The
// sandbox keeps its state beside the store, so a code payment taken by the
// counter or by `linli sell` can be voided or refunded here, in another
// process. One process serves one store. Live settings that do not hold
// leave no network accepted, said once on stderr: cash and card still sell.
PaymentGateway* Gateway(const std::string& db_path) {
  static std::unique_ptr<payments::TillGateways> gateways;
  static RoutingGateway no_networks(nullptr);
  static bool tried = false;
  if (!tried) {
    tried = true;
    auto g = payments::TillGateways::Open(db_path);
    if (g.ok()) {
      gateways = std::move(g).value();
    } else {
      std::cerr << TrF("cli.payments.off", Text(g.status())) << "\n";
    }
  }
  return gateways ? &gateways->gateway() : &no_networks;
}

struct SellOpts {
  std::string db, script;
  nlohmann::json parsed;  // the script file, parsed by the check
  bool receipt = false, json = false;
  int width = 32;
};
struct ShowOpts {
  std::string db, receipt_no;
  bool receipt = false, json = false, reprint = false;
  int width = 32;
};
struct RefundOpts {
  std::string db, receipt_no, cashier, pin, manager_pin, reason;
  std::vector<std::string> lines;
  bool to_cash = false, json = false, receipt = false;
  int width = 32;
};
struct DbOpts {
  std::string db;
  bool json = false;
};

// One line for people about a sale, refund or void the till script
// completed (its JSON, CommittedSale::ToJson), then its receipt if it has one.
void PrintCompleted(const nlohmann::json& j) {
  const std::string kind = j.value("kind", "sale");
  const std::string no = j.value("receipt_no", "");
  const std::string total = FormatYuan(Money::Fen(j.value("total_fen", int64_t{0})), true);
  if (kind == "sale") {
    std::cout << TrF("cli.sell.sale", no, j.contains("lines") ? j["lines"].size() : 0, total,
                     FormatYuan(Money::Fen(j.value("change_fen", int64_t{0})), true));
  } else {
    std::cout << TrF(kind == "refund" ? "cli.sell.refund" : "cli.sell.void", no, j.value("original_receipt_no", ""),
                     total);
  }
  std::cout << "\n";
  if (j.contains("receipt") && j["receipt"].is_string()) std::cout << j["receipt"].get<std::string>();
}

struct MemberOpts {
  std::string db, phone, name;
  bool json = false;
};
struct PromoOpts {
  std::string db, file, text;  // text: the file's, read by the check
  bool replace = false, json = false;
};

}  // namespace

void RegisterCheckoutCommands(CLI::App& app) {
  // ---- sell
  auto sell = std::make_shared<SellOpts>();
  CLI::App* s = app.add_subcommand("sell", "Run a scripted till session (JSON) and print the completed sales");
  s->add_option("--script", sell->script, "Script file (JSON); see README")->required();
  s->add_flag("--receipt", sell->receipt, "Print each receipt's text (with --json: as its \"receipt\" field)");
  s->add_option("--width", sell->width, "Receipt columns: 32 (58 mm) or 48 (80 mm)")->capture_default_str();
  s->add_flag("--json", sell->json, "Print the completed sales as JSON");
  StoreCommand sell_cmd;
  sell_cmd.check = [sell] {
    std::string text;
    if (!ReadWholeFile(sell->script, text)) return Fail(TrF("cli.cannot_read", sell->script));
    auto script = ParseTillScript(text);
    if (!script.ok()) return Fail(sell->script + ": " + Text(script.status()));
    sell->parsed = std::move(script).value();
    return 0;
  };
  sell_cmd.run = [sell](Database& db) {
    // As at the counter: a sale belongs to a shift, or it counts in the day's
    // Z but in no shift's expected cash.
    auto shift = CurrentShift(db);
    if (!shift.ok()) return Fail(shift.status());
    if (!*shift) {
      const nlohmann::json& who = sell->parsed["cashier"];
      const std::string cashier = who.is_string() ? who.get<std::string>() : "ID";
      return Fail(TrF("cli.sell.no_shift", "linli shift open --db " + sell->db + " --user " + cashier +
                                               " --pin PIN --float 200"));
    }
    TillScriptOptions opts;
    opts.receipt_columns = sell->receipt ? sell->width : 0;
    PaymentGateway* gateway = Gateway(sell->db);
    if (!gateway) return 1;
    TillScriptResult r = RunTillScript(db, TheClock(), gateway, sell->parsed, opts);
    if (sell->json) {
      PrintJson(r.completed);
    } else {
      for (const nlohmann::json& j : r.completed) PrintCompleted(j);
    }
    if (!r.status.ok()) return Fail(sell->script + ": " + Text(r.status));
    return 0;
  };
  OnStore(s, &sell->db, std::move(sell_cmd));

  // ---- sale show
  CLI::App* sale = app.add_subcommand("sale", "Committed sales");
  sale->require_subcommand(1);
  auto show = std::make_shared<ShowOpts>();
  CLI::App* ss = sale->add_subcommand("show", "Show a sale, refund or void by receipt number");
  ss->add_option("receipt_no", show->receipt_no, "e.g. S001-20261121-0001")->required();
  ss->add_flag("--receipt", show->receipt, "Print the receipt text (with --json: as its \"receipt\" field)");
  ss->add_flag("--reprint", show->reprint, "Mark the receipt as a reprint");
  ss->add_option("--width", show->width, "Receipt columns: 32 or 48")->capture_default_str();
  ss->add_flag("--json", show->json, "Print JSON");
  OnStore(ss, &show->db, [show](Database& db) {
    auto sale_rec = LoadSale(db, show->receipt_no);
    if (!sale_rec.ok()) return Fail(sale_rec.status());
    nlohmann::json j = show->json ? sale_rec->ToJson() : nlohmann::json();
    bool disagrees = false;
    if (show->receipt || !show->json) {
      auto model = BuildReceipt(db, show->receipt_no, show->reprint);
      if (!model.ok()) return Fail(model.status());
      const std::string text = RenderReceiptText(*model, show->width);
      if (show->json) j["receipt"] = text;
      else std::cout << text;
      disagrees = !model->disagreements.empty();
    }
    if (show->json) PrintJson(j);
    // Printed with its warning, and told apart by the exit code too.
    if (disagrees) return Fail(TrF("cli.receipt.disagrees", show->receipt_no));
    return 0;
  });

  // ---- refund
  auto ref = std::make_shared<RefundOpts>();
  CLI::App* rf = app.add_subcommand("refund", "Refund a sale by receipt number (whole, or chosen lines)");
  rf->add_option("--receipt-no", ref->receipt_no, "The sale's receipt number")->required();
  rf->add_option("--cashier", ref->cashier, "Cashier number")->required();
  rf->add_option("--pin", ref->pin, "Cashier PIN (read from stdin when omitted)");
  rf->add_option("--line", ref->lines, "LINE:QTY to refund (QTY in pieces, or kg for weighed goods); repeat");
  rf->add_option("--manager-pin", ref->manager_pin, "Manager PIN (needed by cashiers and for --to-cash)");
  rf->add_flag("--to-cash", ref->to_cash, "Pay back in cash instead of the original tender");
  rf->add_option("--reason", ref->reason, "Reason code, e.g. damaged");
  rf->add_flag("--receipt", ref->receipt, "Print the refund receipt (with --json: as its \"receipt\" field)");
  rf->add_flag("--json", ref->json, "Print JSON");
  OnStore(rf, &ref->db, [ref](Database& db) {
    auto user = SignInOrFail(db, ref->cashier, ref->pin);
    if (!user) return 1;
    RefundRequest req;
    req.receipt_no = ref->receipt_no;
    req.to_cash = ref->to_cash;
    req.reason = ref->reason;
    if (!ref->manager_pin.empty()) req.approval = Approval{ref->manager_pin, "", ref->reason};
    for (const std::string& spec : ref->lines) {
      const size_t colon = spec.find(':');
      auto qty = ParseMilli(colon == std::string::npos ? "" : spec.substr(colon + 1));
      int line = 0;
      try {
        line = std::stoi(spec.substr(0, colon));
      } catch (...) {
        line = 0;
      }
      if (colon == std::string::npos || line <= 0 || !qty.ok()) {
        return Fail(TrF("cli.refund.bad_line", spec));
      }
      req.lines.push_back({line, *qty});
    }
    PaymentGateway* gateway = Gateway(ref->db);
    if (!gateway) return 1;
    auto done = RefundSale(db, TheClock(), *user, req, gateway);
    if (!done.ok()) return Fail(done.status());
    std::string receipt;
    if (ref->receipt) {
      auto model = BuildReceipt(db, *done);
      if (model.ok()) receipt = RenderReceiptText(*model, ref->width);
    }
    if (ref->json) {
      nlohmann::json j = done->ToJson();
      if (ref->receipt) j["receipt"] = receipt;
      PrintJson(j);
    } else {
      std::cout << TrF("cli.refund.done", done->receipt_no, FormatYuan(Money::Fen(done->priced.total_fen), true))
                << "\n"
                << receipt;
    }
    return 0;
  });

  // ---- void
  auto vd = std::make_shared<RefundOpts>();
  CLI::App* v = app.add_subcommand("void", "Post-void the last sale (manager PIN)");
  v->add_option("--cashier", vd->cashier, "Cashier number")->required();
  v->add_option("--pin", vd->pin, "Cashier PIN (read from stdin when omitted)");
  v->add_option("--manager-pin", vd->manager_pin, "Manager PIN");
  v->add_option("--reason", vd->reason, "Reason code");
  v->add_flag("--to-cash", vd->to_cash, "Pay back in cash from the drawer instead of the original tender");
  v->add_flag("--json", vd->json, "Print JSON");
  OnStore(v, &vd->db, [vd](Database& db) {
    auto user = SignInOrFail(db, vd->cashier, vd->pin);
    if (!user) return 1;
    PaymentGateway* gateway = Gateway(vd->db);
    if (!gateway) return 1;
    auto done = VoidLastSale(db, TheClock(), *user, Approval{vd->manager_pin, "", vd->reason}, gateway, vd->to_cash);
    if (!done.ok()) return Fail(done.status());
    if (vd->json) PrintJson(done->ToJson());
    else std::cout << TrF("cli.void.done", done->original_receipt_no, done->receipt_no) << "\n";
    return 0;
  });

  // ---- journal verify
  CLI::App* journal = app.add_subcommand("journal", "The store's tamper-evident journal");
  journal->require_subcommand(1);
  auto jv = std::make_shared<DbOpts>();
  CLI::App* jvc = journal->add_subcommand(
      "verify", "Re-check every hash and signature in the journal, then the sales, stock and cash tables against it");
  jvc->add_flag("--json", jv->json, "Print JSON");
  OnStore(jvc, &jv->db, [jv](Database& db) {
    JournalVerifyReport r = VerifyJournal(db);
    // The tables are re-derived from the journal and every row that
    // disagrees is named (table_check.h), whatever the chain check found.
    const TableCheckReport tables = CheckTables(db);
    if (jv->json) {
      PrintJson({{"ok", r.ok && tables.ok}, {"count", r.count}, {"head_seq", r.head_seq}, {"head_hash", r.head_hash_hex},
                 {"first_bad_seq", r.first_bad_seq}, {"reason", r.reason},
                 {"hub_checkpoint_seq", r.hub_checkpoint_seq}, {"tables", tables.ToJson()}});
    } else {
      if (r.ok) {
        std::cout << TrF("cli.journal.ok", r.count, r.head_seq, r.head_hash_hex.substr(0, 16),
                         r.hub_checkpoint_seq ? TrF("cli.journal.checkpoint", r.hub_checkpoint_seq)
                                              : std::string(Tr("cli.journal.no_checkpoint")))
                  << "\n";
      }
      if (tables.ok) {
        std::cout << tables.Summary() << "\n";
      } else if (!tables.error.empty()) {
        std::cerr << "linli: " << tables.Summary() << "\n";
      } else {
        std::cerr << fmt::format("linli: {} table row{} disagree{} with the journal; the journal is the record, the "
                                 "reports and reprints built from these rows are not:\n",
                                 tables.mismatch_count, tables.mismatch_count == 1 ? "" : "s",
                                 tables.mismatch_count == 1 ? "s" : "");
        for (const TableMismatch& m : tables.mismatches) std::cerr << "  " << m.Sentence() << "\n";
        if (tables.mismatch_count > static_cast<int64_t>(tables.mismatches.size())) {
          std::cerr << fmt::format("  … and {} more (--json lists the first {})\n",
                                   tables.mismatch_count - static_cast<int64_t>(tables.mismatches.size()),
                                   tables.mismatches.size());
        }
      }
    }
    if (!r.ok) return Fail(fmt::format("journal verification FAILED at seq {}: {}", r.first_bad_seq, r.reason));
    if (!tables.ok) return 1;
    return 0;
  });

  // ---- member
  CLI::App* member = app.add_subcommand("member", "Members (会员)");
  member->require_subcommand(1);
  auto madd = std::make_shared<MemberOpts>();
  CLI::App* ma = member->add_subcommand("add", "Add a member, or rename one");
  ma->add_option("--phone", madd->phone, "11-digit mobile number")->required();
  ma->add_option("--name", madd->name, "Name")->required();
  OnStore(ma, &madd->db, [madd](Database& db) {
    Status st = AddMember(db, madd->phone, madd->name, TheClock());
    if (!st.ok()) return Fail(st);
    std::cout << TrF("cli.member.saved", madd->phone, madd->name) << "\n";
    return 0;
  });
  auto mshow = std::make_shared<MemberOpts>();
  CLI::App* ms = member->add_subcommand("show", "Show a member by phone");
  ms->add_option("--phone", mshow->phone, "Mobile number")->required();
  ms->add_flag("--json", mshow->json, "Print JSON");
  OnStore(ms, &mshow->db, [mshow](Database& db) {
    auto m = FindMember(db, mshow->phone);
    if (!m.ok()) return Fail(m.status());
    if (!*m) {
      // The counter's words for the same miss (pos.member_not_found).
      return Fail(Status::NotFound("no member with phone " + mshow->phone + "; add them with `linli member add`")
                      .WithKey("pos.member_not_found", {{"phone", mshow->phone}}));
    }
    if (mshow->json) PrintJson({{"phone", (*m)->phone}, {"name", (*m)->name}, {"points", (*m)->points}});
    else std::cout << TrF("cli.member.shown", (*m)->phone, (*m)->name, (*m)->points) << "\n";
    return 0;
  });

  // ---- promo
  CLI::App* promo = app.add_subcommand("promo", "Store promotions");
  promo->require_subcommand(1);
  auto pimp = std::make_shared<PromoOpts>();
  CLI::App* pi = promo->add_subcommand("import", "Import promotions from JSON (docs/promotions.md)");
  pi->add_option("file", pimp->file, "PROMOS.json")->required();
  pi->add_flag("--replace", pimp->replace, "Switch off promotions not in the file");
  StoreCommand promo_cmd;
  promo_cmd.check = [pimp] { return ReadWholeFile(pimp->file, pimp->text) ? 0 : Fail(TrF("cli.cannot_read", pimp->file)); };
  promo_cmd.run = [pimp](Database& db) {
    auto n = ImportPromotions(db, pimp->text, pimp->replace, TheClock());
    if (!n.ok()) return Fail(TrF("cli.promo.failed", pimp->file, Text(n.status())));
    std::cout << TrF("cli.promo.imported", *n) << "\n";
    return 0;
  };
  OnStore(pi, &pimp->db, std::move(promo_cmd));
  auto plist = std::make_shared<PromoOpts>();
  CLI::App* pl = promo->add_subcommand("list", "List the store's promotions");
  pl->add_flag("--json", plist->json, "Print JSON");
  OnStore(pl, &plist->db, [plist](Database& db) {
    auto promos = LoadPromotions(db);
    if (!promos.ok()) return Fail(promos.status());
    nlohmann::json arr = nlohmann::json::array();
    for (const Promotion& p : *promos) {
      arr.push_back(PromotionToJson(p));
      if (!plist->json) std::cout << p.id << "\t" << p.name << "\t" << PromotionTypeName(p.type) << "\n";
    }
    if (plist->json) PrintJson(arr);
    return 0;
  });
}

}  // namespace linli::cli
