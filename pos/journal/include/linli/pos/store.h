// The store database: creating it, opening it (migrating on the way), its
// key/value config and this till's device identity.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

struct StoreInitOptions {
  std::string store_code;               // e.g. "S001": letters, digits, '-' and '_'
  std::string name;                     // e.g. "邻里便利店"
  std::string timezone = "Asia/Shanghai";
};

// Creates a new store database at path with its device key pair. Refuses
// (AlreadyExists) when path already holds a store; nothing is overwritten.
Status InitStore(const std::string& path, const StoreInitOptions& opts, const Clock& clock);

// Opens an existing store database and applies pending migrations. NotFound
// when missing; FailedPrecondition when the file is newer than this binary or
// is not an initialised store. A writable open also runs the restore guard
// (restore_guard.h): a file restored by copying takes a new epoch here, and
// the journal head sidecar (FILE.head) is kept current after each commit.
Result<std::unique_ptr<Database>> OpenStore(const std::string& path, OpenOptions opts = {});

std::optional<std::string> GetConfig(Database& db, const std::string& key);  // throws DbError
void SetConfig(Database& db, const std::string& key, const std::string& value);

struct StoreInfo {
  std::string store_code;
  std::string name;
  std::string timezone;
};
Result<StoreInfo> LoadStoreInfo(Database& db);

struct DeviceIdentity {
  std::string device_id;    // UUIDv7 made at init
  int64_t epoch = 1;        // bumped when a database is restored
  std::string public_key;   // 32 raw bytes
  std::string private_key;  // 32 raw bytes
};
Result<DeviceIdentity> LoadDevice(Database& db);

}  // namespace linli
