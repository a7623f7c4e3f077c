// linli-hub's admin CLI, driven through RunHubCli (the same code main() runs).
#include <sstream>

#include "hub_fixture.h"
#include "linli/hub/admin.h"
#include "linli/hub/hub_store.h"
#include "testing.h"

namespace linli::hub {
namespace {

struct Cli {
  int code = -1;
  std::string out, err;
};

Cli Run(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), "linli-hub");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  std::istringstream in(input);
  Cli c;
  c.code = RunHubCli(static_cast<int>(argv.size()), argv.data(), out, err, in);
  c.out = out.str();
  c.err = err.str();
  return c;
}

TEST_CASE("linli-hub admin: init, org, store (token alone on the last line), user, stock and stores mirrors") {
  linli::testing::TempDir dir;
  const std::string db = dir.File("hub.db");
  CHECK(Run({"stock", "--db", db, "--org", "LL", "--sku", "H001"}).code == 1);  // no database yet
  REQUIRE(Run({"init", "--db", db}).code == 0);
  REQUIRE(Run({"org", "add", "--db", db, "--code", "LL", "--name", "邻里连锁"}).code == 0);
  CHECK(Run({"org", "add", "--db", db, "--code", "LL", "--name", "again"}).code == 1);
  Cli store = Run({"store", "add", "--db", db, "--org", "LL", "--code", "S001", "--name", "幸福路店"});
  REQUIRE(store.code == 0);
  std::string last = store.out.substr(0, store.out.size() - 1);
  last = last.substr(last.rfind('\n') + 1);
  CHECK(last.rfind("lle_", 0) == 0);
  CHECK(last.size() == 4 + 64);
  CHECK(Run({"user", "add", "--db", db, "--org", "LL", "--name", "alice", "--role", "admin"}, "short\n").code == 1);
  CHECK(Run({"user", "add", "--db", db, "--org", "LL", "--name", "alice", "--role", "admin"}, "long-enough\n").code == 0);
  CHECK(Run({"user", "add", "--db", db, "--org", "LL", "--name", "eve", "--role", "god"}, "long-enough\n").code == 2);

  Cli stock = Run({"stock", "--db", db, "--org", "LL", "--sku", "H001"});
  REQUIRE(stock.code == 0);
  auto j = nlohmann::json::parse(stock.out);
  CHECK(j["sku"] == "H001");
  CHECK(j["total_milli"] == 0);
  CHECK(j["stores"][0]["code"] == "S001");
  Cli stores = Run({"stores", "--db", db, "--org", "LL"});
  REQUIRE(stores.code == 0);
  CHECK(nlohmann::json::parse(stores.out)["stores"][0]["forks"] == 0);
  CHECK(Run({"sales", "--db", db, "--org", "LL", "--from", "2026-11-01", "--to", "2026-11-30", "--group", "day"}).code == 0);
  CHECK(Run({"store", "revoke", "--db", db, "--org", "LL", "--code", "S001"}).code == 0);
  CHECK(Run({"rebuild", "--db", db}).code == 0);
  CHECK(Run({"serve", "--db", db, "--listen", "0.0.0.0:0", "--insecure-http"}).code == 1);
}

TEST_CASE("linli-hub verify-receipt: the same answer as GET /v1/verify; exit 0 match, 3 mismatch, 4 unknown, 5 bad QR") {
  testing::HubFixture f(/*insecure_http=*/true);
  testing::TestDevice till;
  REQUIRE(f.Enroll(till, f.token_a_) == 200);
  const JournalEntry sale = till.Next("sale", testing::Sale("L001", 1000, 1013));
  REQUIRE(f.Push(till, {sale})->status == 200);
  const std::string db = f.dir_.File("hub.db");
  const std::string qr = "LINLI1|S001|S001-1|1013|" + sale.occurred_at + "|" + HexEncode(sale.hash).substr(0, 12);

  Cli ok = Run({"verify-receipt", "--db", db, qr});
  CHECK(ok.code == 0);
  CHECK(ok.out.find("小票核验通过") == 0);  // Chinese first, then English
  CHECK(ok.out.find("Receipt verified") != std::string::npos);
  CHECK(ok.out.find("result: match") != std::string::npos);
  Cli as_json = Run({"verify-receipt", "--db", db, "--json", qr});
  CHECK(as_json.code == 0);
  auto j = nlohmann::json::parse(as_json.out);
  CHECK(j["result"] == "match");
  auto http = f.Client()->Get((std::string(sync::kPathVerify) + "?q=" + httplib::detail::encode_query_param(qr)).c_str());
  REQUIRE(http);
  CHECK(nlohmann::json::parse(http->body) == j);

  const std::string altered = "LINLI1|S001|S001-1|113|" + sale.occurred_at + "|" + HexEncode(sale.hash).substr(0, 12);
  Cli mismatch = Run({"verify-receipt", "--db", db, altered});
  CHECK(mismatch.code == 3);
  CHECK(mismatch.out.find("result: mismatch") != std::string::npos);
  Cli unknown = Run({"verify-receipt", "--db", db, "LINLI1|S001|S001-2|100|2020-01-01T00:00:00.000Z|"});
  CHECK(unknown.code == 4);
  CHECK(unknown.out.find("result: unknown (missing)") != std::string::npos);
  CHECK(Run({"verify-receipt", "--db", db, "LINLI1|NOPE|NOPE-1|100|2020-01-01T00:00:00.000Z|"}).code == 4);
  Cli bad = Run({"verify-receipt", "--db", db, "LINLI1|S001|S001-1|-5|x|"});
  CHECK(bad.code == 5);
  CHECK(bad.err.find("linli-hub: 金额") == 0);
  CHECK(Run({"verify-receipt", "--db", db}).code == 2);
  Cli help = Run({"verify-receipt", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("0 match") != std::string::npos);
  CHECK(help.out.find("5 the text is not a receipt") != std::string::npos);
}

// Issue 12: linli-hub's options had no descriptions, there was no --version,
// and a usage error looked unlike linli's.
TEST_CASE("linli-hub admin: --version, described options, and usage errors that name the closest command") {
  Cli v = Run({"--version"});
  CHECK(v.code == 0);
  CHECK(v.out.find("linli-hub ") == 0);
  Cli help = Run({"store", "add", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("store code, e.g. S001") != std::string::npos);
  CHECK(help.out.find("hub database file") != std::string::npos);
  Cli typo = Run({"stroes", "--db", "x.db"});
  CHECK(typo.code == 2);
  CHECK(typo.err.find("linli-hub: ") == 0);
  CHECK(typo.err.find("did you mean \"stores\"?") != std::string::npos);
  CHECK(typo.err.find("Run `linli-hub --help`") != std::string::npos);
  Cli deep = Run({"store", "ad", "--db", "x.db"});
  CHECK(deep.code == 2);
  CHECK(deep.err.find("unknown command \"ad\" for `linli-hub store`; did you mean \"add\"?") != std::string::npos);
  Cli missing = Run({"stores", "--org", "LL"});
  CHECK(missing.code == 2);
  CHECK(missing.err.find("--db") != std::string::npos);
}

}  // namespace
}  // namespace linli::hub
