// HQ's catalogue from the same CSV a store imports (README "Catalog"):
// `linli-hub catalog import --db hub.db --org LL products.csv`.
#pragma once

#include <string_view>

#include "linli/hub/hub_store.h"
#include "linli/pos/catalog.h"
#include "linli/pos/clock.h"

namespace linli::hub {

struct HubCatalogImport {
  ImportReport report;  // the store importer's own validation report
  int edits = 0;        // catalogue changes written to the org's change log
};

// Validates the CSV exactly as a till would (it is imported into a scratch
// store database first: all-or-nothing, every bad row listed), then writes
// tax classes, categories, products, barcodes with pack sizes and prices
// (effective now) as catalogue edits, so every store of the org pulls them.
// When the report has problems, nothing is written to the hub.
Result<HubCatalogImport> ImportCatalogToHub(HubStore& hub, int64_t org_id, std::string_view csv, const Clock& clock);

}  // namespace linli::hub
