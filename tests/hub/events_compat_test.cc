// The hub's projections through the typed events (events.h) give the same
// figures as the hub did before they existed: the journal in
// tests/golden/journal_v1 was pushed to the old hub by its `make` script, and
// hub_projection.txt is what that hub's tables then held.
#include <doctest/doctest.h>


#include "linli/hub/catalog_import.h"
#include "linli/hub/hub_store.h"
#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"
#include "linli/pos/db.h"
#include "linli/pos/journal.h"
#include "linli/sync/protocol.h"
#include "journal_fixture.h"
#include "testing.h"

namespace linli::hub {
namespace {

using json = nlohmann::json;

const std::string& kFixtureDir = linli::testing::kJournalFixtureDir;

// The queries of the fixture's `make` script, printed as sqlite3 prints them.
std::string DumpProjections(const std::string& hub_db) {
  auto db = Database::Open(hub_db, OpenOptions{});
  REQUIRE(db.ok());
  const std::pair<const char*, int> queries[] = {
      {"SELECT sku, on_hand_milli FROM proj_stock ORDER BY sku", 2},
      {"SELECT business_date, sku, sales_fen, refunds_fen, tax_fen, qty_milli FROM proj_sales_daily ORDER BY "
       "business_date, sku", 6},
      {"SELECT business_date, sales_count, refunds_count FROM proj_receipts_daily ORDER BY business_date", 3},
      {"SELECT business_date, method, amount_fen FROM proj_tenders_daily ORDER BY business_date, method", 3},
      {"SELECT seq, type, type_version, applied, apply_note FROM events ORDER BY seq", 5},
  };
  std::string out;
  for (const auto& [q, columns] : queries) {
    out += std::string("# ") + q + "\n";
    Statement s = (*db)->Prepare(q);
    while (s.Step()) {
      for (int c = 0; c < columns; ++c) out += (c ? "|" : "") + s.Text(c);
      out += "\n";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("hub: the fixture journal projects to the same figures as the hub before typed events") {
  linli::testing::TempDir dir;
  const std::string path = dir.File("hub.db");
  auto store = OpenSqliteHubStore(path, true);
  REQUIRE(store.ok());
  HubStore& hub = **store;
  SystemClock clock;
  const int64_t now = clock.NowMs();
  REQUIRE(hub.AddOrg("LL", "邻里连锁", now).ok());
  const int64_t org = *hub.OrgId("LL");
  auto imported = ImportCatalogToHub(
      hub, org, linli::testing::ReadFile(std::string(LINLI_SOURCE_DIR) + "/packaging/demo/catalog.csv"), clock);
  REQUIRE(imported.ok());
  auto token = hub.AddStore("LL", "S001", "邻里便利店", now);
  REQUIRE(token.ok());

  const json dev = json::parse(linli::testing::ReadFile(kFixtureDir + "device.json"));
  // The agent sends the key as HexEncode writes it (lowercase).
  sync::EnrollRequest req{*token, dev.at("device_id").get<std::string>(),
                          HexEncode(*HexDecode(dev.at("public_key").get<std::string>())), "till"};
  REQUIRE(hub.Enroll(req, now).ok());
  auto device = hub.FindDevice(req.device_id);
  REQUIRE(device.ok());

  auto result = hub.Ingest(*device, linli::testing::JournalFixtureEntries(), now);
  REQUIRE(result.ok());
  CHECK(result->error == "");
  CHECK(result->accepted == 15);
  CHECK(result->flagged == 0);

  const std::string expected = linli::testing::ReadFile(kFixtureDir + "hub_projection.txt");
  CHECK(DumpProjections(path) == expected);

  // Rebuilt from the stored events, the projections come out the same again.
  REQUIRE(hub.Rebuild().ok());
  CHECK(DumpProjections(path) == expected);
}

}  // namespace linli::hub
