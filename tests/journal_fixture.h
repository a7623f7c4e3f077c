// The journal compatibility fixture (tests/golden/journal_v1, written by the
// code before typed events), read back as journal rows for the pos and hub
// suites alike.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"

namespace linli::testing {

inline const std::string kJournalFixtureDir = std::string(LINLI_SOURCE_DIR) + "/tests/golden/journal_v1/";

inline std::string FixtureUnhex(const std::string& hex) {
  auto r = HexDecode(hex);
  REQUIRE(r.ok());
  return *r;
}

// Every row of journal.jsonl, in seq order.
inline std::vector<JournalEntry> JournalFixtureEntries() {
  std::vector<JournalEntry> out;
  std::ifstream in(kJournalFixtureDir + "journal.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    JournalEntry e;
    e.seq = j.at("seq").get<int64_t>();
    e.event_id = j.at("event_id").get<std::string>();
    e.type = j.at("type").get<std::string>();
    e.type_version = j.at("type_version").get<int>();
    e.epoch = j.at("epoch").get<int64_t>();
    e.occurred_at = j.at("occurred_at").get<std::string>();
    e.payload = j.at("payload").get<std::string>();
    e.prev_hash = FixtureUnhex(j.at("prev_hash").get<std::string>());
    e.hash = FixtureUnhex(j.at("hash").get<std::string>());
    e.signature = FixtureUnhex(j.at("signature").get<std::string>());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace linli::testing
