// linli payments test: is this till set up to take real payment codes? For
// each network set up (payment.wechat.*, payment.alipay.*) it makes one
// signed status query for an order that cannot exist, and says in plain
// words what the answer means: the keys and the clock are right (the
// network does not know the order), the key is wrong (签名错误), or the
// network cannot be reached. In sandbox mode it says so and calls nothing.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli.h"
#include "linli/payments/till_gateways.h"
#include "linli/pos/clock.h"

namespace linli::cli {
namespace {

struct PaymentsOpts {
  std::string db;
  bool json = false;
};

// What one query for a made-up order says about the network's set-up.
struct Check {
  std::string network;
  bool ok = false;
  std::string verdict;  // a cli.payments.* key
  std::string detail;   // the network's own words
};

Check Probe(const std::string& network, PaymentGateway& gateway) {
  Check c;
  c.network = network;
  const QueryReply r = gateway.Query(NewUuidV7(TheClock().NowMs()));
  c.detail = r.message;
  switch (r.outcome) {
    case QueryOutcome::kNotFound:
      c.ok = true;
      c.verdict = "cli.payments.ok";
      break;
    case QueryOutcome::kUnavailable:
      c.verdict = "cli.payments.unreachable";
      break;
    case QueryOutcome::kError:
      c.verdict = r.message.find("签名") != std::string::npos || r.message.find("sign") != std::string::npos
                      ? "cli.payments.bad_key"
                      : "cli.payments.refused";
      break;
    case QueryOutcome::kApproved:
    case QueryOutcome::kDeclined:
    case QueryOutcome::kPending:
      // It answered, signed, about an order it should not have: the
      // credentials work, but the order number space is shared.
      c.ok = true;
      c.verdict = "cli.payments.ok_known";
      break;
  }
  return c;
}

}  // namespace

void RegisterPaymentCommands(CLI::App& app) {
  CLI::App* payments = app.add_subcommand("payments", "Payment codes: check the networks' set-up");
  payments->require_subcommand(1);
  auto o = std::make_shared<PaymentsOpts>();
  CLI::App* t = payments->add_subcommand("test", "Make one signed query per network set up, and say what it shows");
  t->add_flag("--json", o->json, "Print JSON");
  OnStore(t, &o->db, [o](Database&) {
    auto g = payments::TillGateways::Open(o->db);
    if (!g.ok()) return Fail(g.status());
    std::vector<Check> checks;
    if ((*g)->mode() == "live") {
      if ((*g)->wechat()) checks.push_back(Probe("wechat", *(*g)->wechat()));
      if ((*g)->alipay()) checks.push_back(Probe("alipay", *(*g)->alipay()));
    }
    bool all_ok = true;
    for (const Check& c : checks) all_ok = all_ok && c.ok;
    if (o->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const Check& c : checks) {
        arr.push_back({{"network", c.network}, {"ok", c.ok}, {"verdict", c.verdict}, {"detail", c.detail}});
      }
      PrintJson({{"mode", (*g)->mode()}, {"ok", all_ok}, {"networks", arr}});
    } else if ((*g)->mode() != "live") {
      std::cout << Tr("cli.payments.sandbox") << "\n";
    } else {
      for (const Check& c : checks) {
        std::cout << TrF(c.verdict, c.network == "wechat" ? Tr("cli.payments.wechat") : Tr("cli.payments.alipay"),
                         c.detail)
                  << "\n";
      }
    }
    return all_ok ? 0 : 1;
  });
}

}  // namespace linli::cli
