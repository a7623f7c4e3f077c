// Numbered, append-only schema migrations embedded at build time (schema/).
#pragma once

#include <span>

#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

struct Migration {
  int version;       // NNNN from the file name
  const char* name;  // file name without .sql
  const char* sql;
};

extern const Migration kStoreMigrations[];
extern const int kStoreMigrations_count;

inline std::span<const Migration> StoreMigrations() {
  return {kStoreMigrations, static_cast<size_t>(kStoreMigrations_count)};
}

// PRAGMA user_version of the open database.
int SchemaVersion(Database& db);

// Applies every migration newer than the database, up to target_version
// (default: the newest), all in one transaction. A database newer than the
// newest migration is refused with FailedPrecondition and nothing is changed.
Status Migrate(Database& db, std::span<const Migration> migrations, int target_version = -1);

}  // namespace linli
