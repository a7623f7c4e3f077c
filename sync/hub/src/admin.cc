#include "linli/hub/admin.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <sstream>
#include <iostream>
#include <string>

#include "linli/hub/catalog_import.h"
#include "linli/hub/cert.h"
#include "linli/hub/hub_store.h"
#include "linli/hub/receipt_check.h"
#include "linli/hub/server.h"
#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "usage.h"

namespace linli::hub {
namespace {

int Report(std::ostream& err, const Status& st) {
  err << "linli-hub: " << st.message() << "\n";
  return 1;
}

// Splits "host:port" ("[::1]:8443" too).
bool SplitListen(const std::string& s, std::string* host, int* port) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  try {
    *port = std::stoi(s.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return *port >= 0 && *port < 65536;
}

// Exit codes of `verify-receipt` (admin.h).
constexpr int kExitMismatch = 3;
constexpr int kExitUnknown = 4;
constexpr int kExitBadQr = 5;

int VerifyReceiptCommand(HubStore& hub, const std::string& text, bool as_json, std::ostream& out, std::ostream& err) {
  auto qr = ParseReceiptQr(text);
  if (!qr.ok()) {
    err << "linli-hub: " << qr.status().message() << "\n";
    return kExitBadQr;
  }
  auto v = CheckReceipt(hub, *qr);
  if (!v.ok()) return Report(err, v.status());
  if (as_json) {
    out << v->ToJson().dump(2) << "\n";
  } else {
    out << v->message << "\n" << v->message_en << "\nresult: " << v->result;
    if (!v->reason.empty()) out << " (" << v->reason << ")";
    out << "\n";
  }
  if (v->result == sync::kVerifyMatch) return 0;
  return v->result == sync::kVerifyMismatch ? kExitMismatch : kExitUnknown;
}

}  // namespace

int RunHubCli(int argc, char** argv, std::ostream& out, std::ostream& err, std::istream& in) {
  CLI::App app{"linli-hub: the Linli sync hub and HQ service"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("linli-hub ") + LINLI_VERSION);
  std::string db, org, code, name, role, sku, store, from, to, group = "store", dir, listen = "127.0.0.1:8443";
  std::string tls_cert, tls_key;
  std::vector<std::string> hosts;
  bool insecure = false;

  auto* init = app.add_subcommand("init", "create or upgrade a hub database and make the hub key");
  init->add_option("--db", db, "hub database file")->required();

  auto* org_cmd = app.add_subcommand("org", "organisations")->require_subcommand(1);
  auto* org_add = org_cmd->add_subcommand("add", "add an organisation");
  org_add->add_option("--db", db, "hub database file")->required();
  org_add->add_option("--code", code, "organisation code, e.g. LL (A-Z a-z 0-9 _ -)")->required();
  org_add->add_option("--name", name, "organisation name, e.g. 邻里连锁")->required();

  auto* store_cmd = app.add_subcommand("store", "stores")->require_subcommand(1);
  auto* store_add = store_cmd->add_subcommand("add", "add a store and print its one-time enrolment token");
  auto* store_token = store_cmd->add_subcommand("token", "print a new one-time enrolment token");
  auto* store_revoke = store_cmd->add_subcommand("revoke", "revoke a store and its devices");
  for (auto* c : {store_add, store_token, store_revoke}) {
    c->add_option("--db", db, "hub database file")->required();
    c->add_option("--org", org, "organisation code")->required();
    c->add_option("--code", code, "store code, e.g. S001")->required();
  }
  store_add->add_option("--name", name, "store name, e.g. 幸福路店")->required();

  auto* user_cmd = app.add_subcommand("user", "HQ users")->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "add an HQ user; the password is read from stdin");
  user_add->add_option("--db", db, "hub database file")->required();
  user_add->add_option("--org", org, "organisation code")->required();
  user_add->add_option("--name", name, "user name for HQ login")->required();
  user_add->add_option("--role", role, "admin, buyer or viewer")->required()->check(CLI::IsMember({"admin", "buyer", "viewer"}));

  auto* cert_cmd = app.add_subcommand("cert", "TLS certificates")->require_subcommand(1);
  auto* cert_init = cert_cmd->add_subcommand("init", "make a self-signed CA and a server certificate");
  cert_init->add_option("--dir", dir, "directory for the CA and server certificate and keys")->required();
  cert_init->add_option("--host", hosts, "extra host names or IPs for the server certificate");

  auto* serve = app.add_subcommand("serve", "serve the sync and HQ API");
  serve->add_option("--db", db, "hub database file")->required();
  serve->add_option("--listen", listen, "host:port")->capture_default_str();
  serve->add_option("--tls-cert", tls_cert, "server certificate (PEM), from cert init");
  serve->add_option("--tls-key", tls_key, "server key (PEM), from cert init");
  serve->add_flag("--insecure-http", insecure, "plain HTTP, loopback only");

  auto* stock = app.add_subcommand("stock", "stock of one SKU per store (JSON)");
  stock->add_option("--db", db, "hub database file")->required();
  stock->add_option("--org", org, "organisation code")->required();
  stock->add_option("--sku", sku, "product SKU")->required();
  stock->add_option("--store", store, "one store code (default: every store)");

  auto* sales = app.add_subcommand("sales", "sales between two business dates (JSON)");
  sales->add_option("--db", db, "hub database file")->required();
  sales->add_option("--org", org, "organisation code")->required();
  sales->add_option("--from", from, "first business date, YYYY-MM-DD")->required();
  sales->add_option("--to", to, "last business date, YYYY-MM-DD (inclusive)")->required();
  sales->add_option("--group", group, "store, day, category or sku")->capture_default_str()->check(CLI::IsMember({"store", "day", "category", "sku"}));

  auto* stores = app.add_subcommand("stores", "sync health of each store (JSON)");
  stores->add_option("--db", db, "hub database file")->required();
  stores->add_option("--org", org, "organisation code")->required();

  auto* store_products = app.add_subcommand("store-products", "products the stores added or changed at their tills (JSON)");
  store_products->add_option("--db", db, "hub database file")->required();
  store_products->add_option("--org", org, "organisation code")->required();
  store_products->add_option("--store", store, "one store code (default: every store)");

  auto* rebuild = app.add_subcommand("rebuild", "recompute projections from the ingested events");
  rebuild->add_option("--db", db, "hub database file")->required();

  std::string csv_path;
  auto* catalog_cmd = app.add_subcommand("catalog", "the organisation's catalogue")->require_subcommand(1);
  auto* catalog_import = catalog_cmd->add_subcommand(
      "import", "import products from the store CSV format; every store of the org pulls them");
  catalog_import->add_option("--db", db, "hub database file")->required();
  catalog_import->add_option("--org", org, "organisation code")->required();
  catalog_import->add_option("csv", csv_path, "UTF-8 CSV (see README: Catalog)")->required();

  std::string qr_text;
  bool as_json = false;
  auto* verify = app.add_subcommand(
      "verify-receipt",
      "check a receipt's QR text against the hub (PROTOCOL.md 9.1). Exit code: 0 match, "
      "3 mismatch (total, time or hash differ), 4 unknown (not yet synced, missing, or no such store), "
      "5 the text is not a receipt's QR, 1 failure, 2 usage");
  verify->add_option("--db", db, "hub database file")->required();
  verify->add_option("qr", qr_text, "the QR text, quoted: 'LINLI1|S001|S001-20261121-0001|...'")->required();
  verify->add_flag("--json", as_json, "print the JSON answer of GET /v1/verify");

  if (const int code = cli::ParseOrExplain(app, argc, argv, "linli-hub", out, err); code >= 0) return code;

  SystemClock clock;
  if (cert_init->parsed()) {
    auto p = InitCertificates(dir, hosts);
    if (!p.ok()) return Report(err, p.status());
    out << "CA certificate (stores pin this): " << p->ca_cert << "\n"
        << "CA key (keep offline):            " << p->ca_key << "\n"
        << "server certificate (--tls-cert):  " << p->server_cert << "\n"
        << "server key (--tls-key):           " << p->server_key << "\n";
    return 0;
  }

  auto opened = OpenSqliteHubStore(db, init->parsed());
  if (!opened.ok()) {
    if (opened.status().IsNotFound()) {
      return Report(err, Status::NotFound(db + " does not exist; create it with `linli-hub init --db " + db + "`"));
    }
    return Report(err, opened.status());
  }
  HubStore& hub = **opened;
  const int64_t now = clock.NowMs();

  if (init->parsed()) {
    auto key = hub.Key();
    if (!key.ok()) return Report(err, key.status());
    out << "hub database ready: " << db << "\nhub key: " << HexEncode(key->public_key) << "\n";
    return 0;
  }
  if (org_add->parsed()) {
    Status st = hub.AddOrg(code, name, now);
    if (!st.ok()) return Report(err, st);
    out << "organisation " << code << " added\n";
    return 0;
  }
  if (store_add->parsed() || store_token->parsed()) {
    auto token = store_add->parsed() ? hub.AddStore(org, code, name, now) : hub.NewEnrolToken(org, code, now);
    if (!token.ok()) return Report(err, token.status());
    if (store_add->parsed()) out << "store " << code << " added to " << org << "\n";
    out << "one-time enrolment token, valid until " << FormatUtc(now + sync::kEnrolTokenTtlMs)
        << " (run `linli enroll` at the store):\n"
        << *token << "\n";
    return 0;
  }
  if (store_revoke->parsed()) {
    Status st = hub.RevokeStore(org, code, now);
    if (!st.ok()) return Report(err, st);
    out << "store " << code << " revoked; its devices can no longer sync\n";
    return 0;
  }
  if (user_add->parsed()) {
    std::string password;
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.size() < 8) return Report(err, Status::InvalidArgument("the password (read from stdin) must be at least 8 characters"));
    auto hash = HashSecret(password);
    if (!hash.ok()) return Report(err, hash.status());
    Status st = hub.AddUser(org, name, role, *hash, now);
    if (!st.ok()) return Report(err, st);
    out << "user " << name << " (" << role << ") added to " << org << "\n";
    return 0;
  }
  if (catalog_import->parsed()) {
    std::ifstream f(csv_path, std::ios::binary);
    if (!f) return Report(err, Status::NotFound("cannot read " + csv_path + "; check the path"));
    std::stringstream ss;
    ss << f.rdbuf();
    auto org_id = hub.OrgId(org);
    if (!org_id.ok()) return Report(err, org_id.status());
    auto r = ImportCatalogToHub(hub, *org_id, ss.str(), clock);
    if (!r.ok()) return Report(err, Status::InvalidArgument(csv_path + ": " + r.status().message()));
    for (const auto& p : r->report.problems) err << "linli-hub: " << csv_path << ": " << p.ToString() << "\n";
    if (!r->report.written) {
      err << "linli-hub: " << r->report.rejected << " bad row(s); nothing was imported\n";
      return 1;
    }
    out << "imported " << r->report.inserted << " product(s) into " << org << " (" << r->edits
        << " catalogue changes for the stores to pull)\n";
    return 0;
  }
  if (verify->parsed()) return VerifyReceiptCommand(hub, qr_text, as_json, out, err);
  if (rebuild->parsed()) {
    Status st = hub.Rebuild();
    if (!st.ok()) return Report(err, st);
    out << "projections rebuilt from the ingested events\n";
    return 0;
  }
  if (stock->parsed() || sales->parsed() || stores->parsed() || store_products->parsed()) {
    auto org_id = hub.OrgId(org);
    if (!org_id.ok()) return Report(err, org_id.status());
    Result<nlohmann::json> j = stock->parsed()            ? hub.Stock(*org_id, sku, store)
                               : sales->parsed()          ? hub.Sales(*org_id, from, to, group)
                               : store_products->parsed() ? hub.StoreProducts(*org_id, store)
                                                          : hub.Stores(*org_id, now);
    if (!j.ok()) return Report(err, j.status());
    out << j->dump(2) << "\n";
    return 0;
  }
  if (serve->parsed()) {
    ServerOptions opts;
    if (!SplitListen(listen, &opts.host, &opts.port)) {
      return Report(err, Status::InvalidArgument("--listen takes host:port, e.g. 127.0.0.1:8443"));
    }
    opts.insecure_http = insecure;
    opts.tls_cert = tls_cert;
    opts.tls_key = tls_key;
    // Block the stop signals in every thread; this one waits for them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    HubServer server(hub, clock, opts);
    Status st = server.Start();
    if (!st.ok()) return Report(err, st);
    out << "linli-hub serving " << (insecure ? "http" : "https") << "://" << opts.host << ":" << server.port()
        << " (protocol " << sync::kProtocolVersion << ")" << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    server.Stop();
    out << "linli-hub stopped\n";
    return 0;
  }
  return 2;
}

}  // namespace linli::hub
