#include <doctest/doctest.h>

#include "linli/pos/migrations.h"
#include "linli/pos/store.h"
#include "testing.h"

using namespace linli;
using linli::testing::TempDir;

namespace {

// The schema as SQLite records it, sorted, for comparing two databases.
std::vector<std::string> SchemaOf(Database& db) {
  std::vector<std::string> out;
  Statement s = db.Prepare("SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_schema "
                           "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  while (s.Step()) out.push_back(s.Text(0));
  return out;
}

int Latest() { return StoreMigrations().back().version; }

}  // namespace

TEST_CASE("init creates a WAL store with a device key and refuses to overwrite") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  SystemClock clock;
  REQUIRE(InitStore(path, {"S001", "邻里便利店", "Asia/Shanghai"}, clock).ok());
  auto db = OpenStore(path);
  REQUIRE(db.ok());
  Statement jm = (*db)->Prepare("PRAGMA journal_mode");
  REQUIRE(jm.Step());
  CHECK(jm.Text(0) == "wal");
  Statement sync = (*db)->Prepare("PRAGMA synchronous");
  REQUIRE(sync.Step());
  CHECK(sync.Int(0) == 2);  // FULL
  Statement fk = (*db)->Prepare("PRAGMA foreign_keys");
  REQUIRE(fk.Step());
  CHECK(fk.Int(0) == 1);
  auto dev = LoadDevice(**db);
  REQUIRE(dev.ok());
  CHECK(dev->public_key.size() == 32);
  CHECK(dev->private_key.size() == 32);
  CHECK(dev->device_id.size() == 36);
  auto info = LoadStoreInfo(**db);
  CHECK(info->store_code == "S001");
  CHECK(info->name == "邻里便利店");

  Status again = InitStore(path, {"S002", "另一家", "Asia/Shanghai"}, clock);
  CHECK(again.code() == Status::Code::kAlreadyExists);
  CHECK(LoadStoreInfo(**db)->store_code == "S001");
}

TEST_CASE("init rejects a bad store code and a missing file is a clear error") {
  TempDir dir;
  SystemClock clock;
  Status st = InitStore(dir.File("x.db"), {"S 001!", "店", "Asia/Shanghai"}, clock);
  CHECK(st.IsInvalidArgument());
  CHECK(st.message().find("S 001!") != std::string::npos);
  auto missing = OpenStore(dir.File("nope.db"));
  CHECK(missing.status().IsNotFound());
  CHECK(missing.status().message().find("linli init") != std::string::npos);
}

TEST_CASE("migrations upgrade a database from each earlier version, keeping its data") {
  TempDir fresh_dir;
  const std::string fresh = linli::testing::MakeStore(fresh_dir);
  auto fresh_db = OpenStore(fresh);
  REQUIRE(fresh_db.ok());
  const auto want_schema = SchemaOf(**fresh_db);

  for (int from = 0; from < Latest(); ++from) {
    CAPTURE(from);
    TempDir dir;
    const std::string path = dir.File("old.db");
    {
      OpenOptions o;
      o.create = true;
      auto db = Database::Open(path, o);
      REQUIRE(db.ok());
      REQUIRE(Migrate(**db, StoreMigrations(), from).ok());
      CHECK(SchemaVersion(**db) == from);
      if (from >= 1) {
        // A store as version `from` would have held it.
        (*db)->Exec("INSERT INTO store_config VALUES ('store_code','OLD1'), ('store_name','老店')");
        (*db)->Exec("INSERT INTO products (sku, name, unit, tax_class_id, price_fen, updated_at) "
                    "VALUES ('K1', '老酸奶', 'pcs', 1, 650, '2025-01-01T00:00:00.000Z')");
      }
    }
    if (from == 0) {
      // Version 0 is an empty file; the store rows come from init.
      auto db = Database::Open(path, {});
      REQUIRE(Migrate(**db, StoreMigrations()).ok());
      continue;
    }
    auto db = OpenStore(path);
    REQUIRE(db.ok());
    CHECK(SchemaVersion(**db) == Latest());
    CHECK(SchemaOf(**db) == want_schema);
    Statement s = (*db)->Prepare("SELECT name, price_fen FROM products WHERE sku = 'K1'");
    REQUIRE(s.Step());
    CHECK(s.Text(0) == "老酸奶");
    CHECK(s.Int(1) == 650);
    Statement ic = (*db)->Prepare("PRAGMA integrity_check");
    REQUIRE(ic.Step());
    CHECK(ic.Text(0) == "ok");
  }
}

TEST_CASE("a database newer than the binary is refused and left unchanged") {
  TempDir dir;
  const std::string path = linli::testing::MakeStore(dir);
  {
    auto db = Database::Open(path, {});
    (*db)->Exec("PRAGMA user_version=" + std::to_string(Latest() + 1));
  }
  auto db = OpenStore(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == Status::Code::kFailedPrecondition);
  CHECK(db.status().message().find("newer") != std::string::npos);
  auto raw = Database::Open(path, {});
  CHECK(SchemaVersion(**raw) == Latest() + 1);
}

TEST_CASE("a file that is not a database is reported, not crashed on") {
  TempDir dir;
  const std::string path = dir.File("junk.db");
  linli::testing::WriteFile(path, std::string(4096, 'x'));
  auto db = OpenStore(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().message().find(path) != std::string::npos);
}

TEST_CASE("a transaction rolls back unless committed") {
  TempDir dir;
  auto db = OpenStore(linli::testing::MakeStore(dir));
  {
    Transaction tx(**db);
    SetConfig(**db, "k", "v");
  }
  CHECK_FALSE(GetConfig(**db, "k").has_value());
  {
    Transaction tx(**db);
    SetConfig(**db, "k", "v");
    tx.Commit();
  }
  CHECK(GetConfig(**db, "k") == "v");
}

// Issue 11: store.db holds the device's private key, yet it, its -wal and
// -shm were created 0644, readable by every user of the machine.
TEST_CASE("a store database, its -wal and -shm are created 0600; one readable by others is tightened at open") {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::string path = linli::testing::MakeStore(dir);
  auto others = [](const std::string& f) {
    return (fs::status(f).permissions() & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none;
  };
  {
    auto db = OpenStore(path);
    REQUIRE(db.ok());
    (*db)->Exec("CREATE TABLE t (x)");  // a write, so -wal and -shm exist
    for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
      CAPTURE(f);
      REQUIRE(fs::exists(f));
      CHECK_FALSE(others(f));
    }
  }
  fs::permissions(path, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  REQUIRE(others(path));
  auto again = OpenStore(path);
  REQUIRE(again.ok());
  CHECK_FALSE(others(path));
  CHECK((fs::status(path).permissions() & fs::perms::owner_read) != fs::perms::none);

  // A backup holds the same key.
  const std::string copy = dir.File("copy.db");
  REQUIRE(CopyDatabaseToFile(**again, copy, "backup").ok());
  CHECK_FALSE(others(copy));
}
